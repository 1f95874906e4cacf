package line_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/webhook/line"
)

const (
	greeting = "友だち追加ありがとうございます。"
	guidance = "恐れ入りますが、スタンプや画像"
	group    = "このアカウントは1対1のトークで"
	userID   = "U4af4980629a0b1c2d3e4f5a6b7c8d9e0"
)

// TestFixtures sends every fixture, signed, and checks the answer, the
// calls to the Messaging API and what reached the engine.
func TestFixtures(t *testing.T) {
	tests := []struct {
		name    string
		events  int
		replies [][]string // texts (prefixes) of each reply, in order
		turns   []string
		forgot  bool
	}{
		{name: "text", events: 1, replies: [][]string{{"echo:更新したい"}}, turns: []string{"更新したい"}},
		{name: "image", events: 1, replies: [][]string{{guidance}}},
		{name: "video", events: 1, replies: [][]string{{guidance}}},
		{name: "audio", events: 1, replies: [][]string{{guidance}}},
		{name: "file", events: 1, replies: [][]string{{guidance}}},
		{name: "location", events: 1, replies: [][]string{{guidance}}},
		{name: "sticker", events: 1, replies: [][]string{{guidance}}},
		// One greeting: the thanks opens the dialog's first message; the
		// start command is a postback, not a text to understand.
		{name: "follow", events: 1, replies: [][]string{{greeting + "\necho:postback:start"}}, turns: []string{"postback:start"}},
		{name: "unfollow", events: 1, forgot: true},
		{name: "join", events: 1, replies: [][]string{{group}}},
		{name: "leave", events: 1},
		{name: "memberJoined", events: 1},
		{name: "memberLeft", events: 1},
		{name: "postback", events: 1, replies: [][]string{{"echo:postback:visitor=self"}}, turns: []string{"postback:visitor=self"}},
		{name: "beacon", events: 1},
		{name: "accountLink", events: 1},
		{name: "unsend", events: 1},
		{name: "videoPlayComplete", events: 1},
		{name: "group_text", events: 1, replies: [][]string{{group}}},
		{name: "room_text", events: 1, replies: [][]string{{group}}},
		{name: "standby_text", events: 1},
		{name: "unknown_type", events: 1},
		{name: "empty", events: 0},
		{name: "multi", events: 3,
			replies: [][]string{{"echo:一つ目"}, {"echo:二つ目"}, {"echo:postback:age_group=adult"}},
			turns:   []string{"一つ目", "二つ目", "postback:age_group=adult"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			in := e.start(nil)
			w := in.postSigned(t, fixture(t, tt.name))
			if w.Body.String() != "{}" {
				t.Errorf("body %q", w.Body)
			}
			e.wait(tt.events)
			e.quiet(50 * time.Millisecond)
			replies := e.api.Calls("/v2/bot/message/reply")
			if len(replies) != len(tt.replies) {
				t.Fatalf("%d replies, want %d: %+v", len(replies), len(tt.replies), replies)
			}
			for i, want := range tt.replies {
				got := textsOf(replies[i])
				if len(got) != len(want) {
					t.Fatalf("reply %d: %q, want %q", i, got, want)
				}
				for j := range want {
					if !strings.HasPrefix(got[j], want[j]) {
						t.Errorf("reply %d message %d: %q, want prefix %q", i, j, got[j], want[j])
					}
				}
			}
			if n := len(e.api.Calls("/v2/bot/message/push")); n != 0 {
				t.Errorf("%d pushes", n)
			}
			if got := e.engine.Turns(userID); strings.Join(got, "|") != strings.Join(tt.turns, "|") {
				t.Errorf("turns %q, want %q", got, tt.turns)
			}
			if tt.forgot != (len(e.engine.forgot) == 1 && e.engine.forgot[0] == "line/edogawa/"+userID) {
				t.Errorf("forgot %q", e.engine.forgot)
			}
		})
	}
}

// TestWebhookRejects checks that nothing is processed unless the request
// is signed by the channel over the exact bytes sent.
func TestWebhookRejects(t *testing.T) {
	body := fixture(t, "text")
	var reser bytes.Buffer
	var v any
	_ = json.Unmarshal(body, &v)
	_ = json.NewEncoder(&reser).Encode(v) // same content, other bytes
	big := append([]byte(`{"destination":"U","events":[],"pad":"`), bytes.Repeat([]byte("a"), 2<<20)...)
	big = append(big, '"', '}')
	// LINE sends neither; a body that does is not taken for a callback.
	dup := []byte(strings.Replace(string(body), `"type": "message",`, `"type": "message", "type": "follow",`, 1))
	badUTF8 := []byte(strings.Replace(string(body), "更新したい", "更新\xff", 1))
	tests := []struct {
		name, municipality string
		body               []byte
		sig                string
		want               int
	}{
		{"wrong signature", "edogawa", body, sign(body, "another-secret"), http.StatusBadRequest},
		{"missing header", "edogawa", body, "", http.StatusBadRequest},
		{"not base64", "edogawa", body, "***", http.StatusBadRequest},
		{"re-serialised body", "edogawa", reser.Bytes(), sign(body, secret), http.StatusBadRequest},
		{"malformed JSON", "edogawa", []byte(`{"events":[{"type":"message",`), sign([]byte(`{"events":[{"type":"message",`), secret), http.StatusBadRequest},
		{"events not a list", "edogawa", []byte(`{"events":{}}`), sign([]byte(`{"events":{}}`), secret), http.StatusBadRequest},
		{"a name given twice", "edogawa", dup, sign(dup, secret), http.StatusBadRequest},
		{"invalid UTF-8", "edogawa", badUTF8, sign(badUTF8, secret), http.StatusBadRequest},
		{"oversized body", "edogawa", big, sign(big, secret), http.StatusRequestEntityTooLarge},
		{"unknown municipality", "atlantis", body, sign(body, secret), http.StatusNotFound},
		{"no channel", "nerima", body, sign(body, secret), http.StatusServiceUnavailable},
	}
	e := newEnv(t)
	in := e.start(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := in.post(t, tt.municipality, tt.body, tt.sig)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d (%s)", w.Code, tt.want, w.Body)
			}
			var er struct {
				Error map[string]string
			}
			if err := json.Unmarshal(w.Body.Bytes(), &er); err != nil || er.Error["message"] == "" || len(er.Error) != 2 {
				t.Errorf("error body %q, want {\"error\":{\"code\",\"message\"}}", w.Body)
			}
			codes := map[int]string{400: "invalid", 404: "not_found", 413: "too_large", 503: "unavailable"}
			if got := er.Error["code"]; got != codes[tt.want] {
				t.Errorf("error code %q, want %q", got, codes[tt.want])
			}
			if strings.Contains(w.Body.String(), "更新したい") {
				t.Errorf("error echoes the resident's message: %s", w.Body)
			}
		})
	}
	e.quiet(200 * time.Millisecond)
	if calls := e.api.Calls(""); len(calls) != 0 {
		t.Errorf("rejected requests reached the API: %+v", calls)
	}
	if len(e.engine.Turns(userID)) != 0 {
		t.Errorf("rejected requests reached the engine")
	}
}

func TestChannelsFromEnv(t *testing.T) {
	env := map[string]string{
		"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
		"LINE_CHANNEL_SECRET_EDOGAWA": "se", "LINE_CHANNEL_ACCESS_TOKEN_EDOGAWA": "te",
		"LINE_CHANNEL_SECRET_NERIMA": "sn", // no token: not configured
	}
	got := line.ChannelsFromEnv(func(k string) string { return env[k] }, []string{"edogawa", "nerima", "yokohama"})
	want := line.Channels{"edogawa": {Secret: "se", AccessToken: "te"}, "yokohama": {Secret: "s", AccessToken: "t"}}
	if len(got) != len(want) || got["edogawa"] != want["edogawa"] || got["yokohama"] != want["yokohama"] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, ok := got.Lookup("nerima"); ok {
		t.Errorf("half-configured nerima has a channel")
	}
	none := line.ChannelsFromEnv(func(string) string { return "" }, []string{"edogawa"})
	if len(none) != 0 {
		t.Errorf("no variables gave %+v", none)
	}
}
