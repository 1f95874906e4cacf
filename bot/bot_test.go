package bot_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" when the date must be refused
	}{
		{"2025-07-07", "2025-07-07"},
		{"2024-02-29", "2024-02-29"},
		{"2025-02-29", ""}, // not a leap year
		{"2025-02-30", ""},
		{"2025-13-01", ""},
		{"2025-7-7", ""},
		{"2025/07/07", ""},
		{"🎉", ""},
		{"", ""},
	} {
		d, err := bot.ParseDate(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseDate(%q) = %s, want an error", c.in, d)
		case c.want != "" && (err != nil || d.String() != c.want):
			t.Errorf("ParseDate(%q) = %s, %v; want %s", c.in, d, err, c.want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	var v struct {
		D *bot.Date `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2026-03-24"}`), &v); err != nil || v.D.String() != "2026-03-24" {
		t.Fatalf("decode: %v %v", v.D, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"d":"2026-03-24"}` {
		t.Errorf("encode = %s", b)
	}
	for _, bad := range []string{`{"d":"2026-02-30"}`, `{"d":20260324}`, `{"d":"R8.3.24"}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("decoding %s did not fail", bad)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := bot.NewDate(2024, time.February, 28)
	if got := d.AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("2024-02-28 + 1 = %s", got)
	}
	if got := d.AddDays(-59).String(); got != "2023-12-31" {
		t.Errorf("2024-02-28 - 59 = %s", got)
	}
	if !d.Before(d.AddDays(1)) || !d.AddDays(1).After(d) || d.Compare(d) != 0 {
		t.Error("Before/After/Compare disagree")
	}
	if bot.NewDate(2025, time.February, 29).Valid() || !bot.NewDate(2024, time.February, 29).Valid() {
		t.Error("Valid is wrong about 29 February")
	}
	// 23:30 UTC on 31 December is already 1 January in Japan.
	if got := bot.DateOf(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)).String(); got != "2026-01-01" {
		t.Errorf("DateOf in Japan = %s", got)
	}
}

func TestSlotsValidate(t *testing.T) {
	ok := bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, Ward: "aoba"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid slots: %v", err)
	}
	for field, s := range map[string]bot.Slots{
		"age_group": {AgeGroup: "child"},
		"visitor":   {Visitor: "friend"},
		"ward":      {Ward: "Shibuya-ku"}, // which wards exist is the knowledge's: rules.Checklist
	} {
		var e *bot.Error
		if err := s.Validate(); !errors.As(err, &e) || e.Code != bot.CodeInvalid || e.Field != field {
			t.Errorf("Validate(%v) = %v, want CodeInvalid on %s", s, err, field)
		}
	}
}

func TestErrorCode(t *testing.T) {
	cause := errors.New("dial tcp: refused")
	wrapped := fmt.Errorf("turn: %w", bot.Unavailable("try again", cause))
	for _, c := range []struct {
		err  error
		want bot.Code
	}{
		{nil, ""},
		{errors.New("boom"), bot.CodeInternal},
		{bot.Invalidf("text", "bad"), bot.CodeInvalid},
		{bot.NotFoundf("no such municipality"), bot.CodeNotFound},
		{wrapped, bot.CodeUnavailable},
	} {
		if got := bot.ErrorCode(c.err); got != c.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if !errors.Is(wrapped, cause) {
		t.Error("an Error does not unwrap to its cause")
	}
}

func TestHashUser(t *testing.T) {
	id := "U4af4980629000000000000000000000a"
	h := bot.HashUser(id)
	if len(h) != 16 || strings.Contains(id, h) || h != bot.HashUser(id) || h == bot.HashUser(id+"b") {
		t.Errorf("HashUser(%q) = %q: want 16 stable hex digits that differ per user", id, h)
	}
}

func TestCommandFor(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range bot.Commands {
		if c.Postback == "" || c.Text == "" || len(c.Postback) > bot.MaxPostbackBytes || seen[c.Postback] {
			t.Errorf("command %+v: empty, too long or repeated", c)
		}
		seen[c.Postback] = true
		if got, ok := bot.CommandFor(c.Postback); !ok || got != c {
			t.Errorf("bot.CommandFor(%q) = %+v, %v", c.Postback, got, ok)
		}
	}
	if _, ok := bot.CommandFor("visitor=self"); ok {
		t.Error("a slot answer was taken for a command")
	}
}
