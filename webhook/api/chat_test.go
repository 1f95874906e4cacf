package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/api"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// recorder is a fake bot.Responder that records what it was given and
// answers reply, err.
type recorder struct {
	mu    sync.Mutex
	got   []bot.Message
	reply bot.Reply
	err   error
}

func (r *recorder) Respond(_ context.Context, m bot.Message) (bot.Reply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, m)
	return r.reply, r.err
}

func (r *recorder) Forget(context.Context, bot.Channel, string, string) error { return nil }

func (r *recorder) calls() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.got...)
}

// chatResponse mirrors the contract's response to POST /api/v1/chat.
type chatResponse struct {
	SessionID    string           `json:"session_id"`
	Messages     []bot.OutMessage `json:"messages"`
	QuickReplies []bot.QuickReply `json:"quick_replies"`
	Asking       string           `json:"asking"`
	Slots        bot.Slots        `json:"slots"`
	Done         bool             `json:"done"`
	Lang         bot.Lang         `json:"lang"`
}

func TestChatErrors(t *testing.T) {
	rec := &recorder{}
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Responder: rec, Clock: fixedClock})
	const p = "/api/v1/chat"
	long := strings.Repeat("あ", 1001)
	checkErrors(t, h, []errorCase{
		{name: "empty body", path: p, body: ``, status: 400, code: "invalid", inMsg: "empty"},
		{name: "malformed JSON", path: p, body: `{"text":"更新したい"`, status: 400, code: "invalid", inMsg: "malformed JSON"},
		{name: "unknown field", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","message":"x"}`, status: 400, code: "invalid", field: "message", inMsg: "unknown field"},
		{name: "field name in another case", path: p, body: `{"municipality":"nerima","Session_ID":"abcdefgh","text":"x"}`, status: 400, code: "invalid", field: "Session_ID", inMsg: "case-sensitive"},
		{name: "duplicate text", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"x","text":"y"}`, status: 400, code: "invalid", field: "text", inMsg: "duplicate"},
		{name: "invalid UTF-8 text", path: p, body: "{\"municipality\":\"nerima\",\"session_id\":\"abcdefgh\",\"text\":\"\xe6\x9b\"}", status: 400, code: "invalid", field: "text", inMsg: "UTF-8"},
		{name: "year 0 today", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"x","today":"0000-01-01"}`, status: 400, code: "invalid", field: "today", inMsg: "2000-01-01"},
		{name: "missing municipality", path: p, body: `{"session_id":"abcdefgh","text":"x"}`, status: 400, code: "invalid", field: "municipality"},
		{name: "unknown municipality", path: p, body: `{"municipality":"osaka","session_id":"abcdefgh","text":"x"}`, status: 404, code: "not_found", field: "municipality"},
		{name: "missing session_id", path: p, body: `{"municipality":"nerima","text":"x"}`, status: 400, code: "invalid", field: "session_id"},
		{name: "short session_id", path: p, body: `{"municipality":"nerima","session_id":"abc123","text":"x"}`, status: 400, code: "invalid", field: "session_id", inMsg: "8 to 128"},
		{name: "long session_id", path: p, body: `{"municipality":"nerima","session_id":"` + strings.Repeat("a", 129) + `","text":"x"}`, status: 400, code: "invalid", field: "session_id"},
		{name: "session_id with a colon", path: p, body: `{"municipality":"nerima","session_id":"abc:defgh","text":"x"}`, status: 400, code: "invalid", field: "session_id"},
		{name: "session_id with kana", path: p, body: `{"municipality":"nerima","session_id":"あいうえおかきく","text":"x"}`, status: 400, code: "invalid", field: "session_id"},
		{name: "neither text nor postback", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh"}`, status: 400, code: "invalid", field: "text", inMsg: "required"},
		{name: "both text and postback", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"x","postback":"visitor=self"}`, status: 400, code: "invalid", field: "text", inMsg: "not both"},
		{name: "empty text", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":""}`, status: 400, code: "invalid", field: "text", inMsg: "empty"},
		{name: "blank text", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":" \u3000\n"}`, status: 400, code: "invalid", field: "text", inMsg: "empty"},
		{name: "text over 1000 characters", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"` + long + `"}`, status: 400, code: "invalid", field: "text", inMsg: "1000"},
		{name: "empty postback", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","postback":""}`, status: 400, code: "invalid", field: "postback"},
		{name: "huge postback", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","postback":"` + strings.Repeat("a", 301) + `"}`, status: 400, code: "invalid", field: "postback"},
		{name: "text as number", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":15}`, status: 400, code: "invalid", field: "text", inMsg: "string"},
		{name: "bad today", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"x","today":"2025-02-29"}`, status: 400, code: "invalid", field: "today"},
		{name: "emoji today", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"x","today":"🎉"}`, status: 400, code: "invalid", field: "today"},
		{name: "4 MB body", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"` + strings.Repeat("あ", 1<<20+1) + `"}`, status: 413, code: "too_large"},
		{name: "GET chat", method: "GET", path: p, status: 404, code: "not_found"},
		{name: "unknown lang", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"x","lang":"fr"}`, status: 400, code: "invalid", field: "lang", inMsg: "ja-x-easy"},
		{name: "lang in another case", path: p, body: `{"municipality":"nerima","session_id":"abcdefgh","text":"x","lang":"EN"}`, status: 400, code: "invalid", field: "lang"},
	})
	if n := len(rec.calls()); n != 0 {
		t.Errorf("the responder was called %d times for invalid requests", n)
	}
}

func TestChatTurn(t *testing.T) {
	rec := &recorder{reply: bot.Reply{
		Messages:     []bot.OutMessage{{Type: bot.OutText, Text: "カードをお持ちになる方はどなたですか？"}},
		QuickReplies: []bot.QuickReply{{Label: "本人", Postback: "visitor=self"}},
		Asking:       "visitor",
		Slots:        bot.Slots{AgeGroup: bot.AgeAdult},
	}}
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Responder: rec, Clock: fixedClock})

	w := do(t, h, http.MethodPost, "/api/v1/chat", `{"municipality":"nerima","session_id":"abc123_-XYZ","text":"更新したい"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d %s", w.Code, w.Body)
	}
	var got chatResponse
	decodeStrict(t, w, &got)
	if got.SessionID != "abc123_-XYZ" || got.Asking != "visitor" || got.Done || got.Slots.AgeGroup != bot.AgeAdult ||
		len(got.Messages) != 1 || got.Messages[0].Text != "カードをお持ちになる方はどなたですか？" ||
		len(got.QuickReplies) != 1 || got.QuickReplies[0].Postback != "visitor=self" || got.Lang != bot.LangJa {
		t.Errorf("response = %+v", got)
	}

	w = do(t, h, http.MethodPost, "/api/v1/chat", `{"municipality":"yokohama","session_id":"`+strings.Repeat("s", 128)+`","postback":"visitor=self","today":"2025-06-01"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("postback status = %d %s", w.Code, w.Body)
	}

	calls := rec.calls()
	if len(calls) != 2 {
		t.Fatalf("responder called %d times, want 2", len(calls))
	}
	first, second := calls[0], calls[1]
	if first.Channel != bot.ChannelWeb || first.Municipality != "nerima" || first.User != "abc123_-XYZ" ||
		first.Text != "更新したい" || first.Postback != "" || !first.Time.Equal(fixedClock()) || first.Today != nil {
		t.Errorf("first message = %+v", first)
	}
	if second.Municipality != "yokohama" || second.Text != "" || second.Postback != "visitor=self" ||
		second.Today == nil || second.Today.String() != "2025-06-01" {
		t.Errorf("second message = %+v", second)
	}
}

func TestChatListsNeverNull(t *testing.T) {
	rec := &recorder{reply: bot.Reply{Done: true}}
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Responder: rec})
	w := do(t, h, http.MethodPost, "/api/v1/chat", `{"municipality":"akishima","session_id":"abcdefgh","text":"最初から"}`)
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, `"messages":[]`) || !strings.Contains(body, `"quick_replies":[]`) ||
		!strings.Contains(body, `"asking":""`) || !strings.Contains(body, `"slots":{}`) || !strings.Contains(body, `"done":true`) {
		t.Errorf("response = %d %s", w.Code, body)
	}
}

func TestChatResponderErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		inMsg  string
		hidden string
	}{
		{"unavailable", bot.Unavailable("state store unavailable", errors.New("dial tcp 10.0.0.1:6379")), 503, "unavailable", "しばらくしてから", "10.0.0.1"},
		{"wrapped unavailable", errorsJoin(bot.Unavailable("", nil)), 503, "unavailable", "try again", ""},
		{"invalid postback", bot.Invalidf("postback", "unknown postback"), 400, "invalid", "unknown postback", ""},
		{"not found", bot.NotFoundf("unknown municipality"), 404, "not_found", "unknown municipality", ""},
		{"rate limited", &bot.Error{Code: bot.CodeRateLimited}, 429, "rate_limited", "wait", ""},
		{"plain error", errors.New("redis: secret internals"), 500, "internal", "internal error", "secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Responder: &recorder{err: tt.err}})
			w := do(t, h, http.MethodPost, "/api/v1/chat", `{"municipality":"edogawa","session_id":"abcdefgh","text":"はい"}`)
			var b httpx.ErrorBody
			decodeStrict(t, w, &b)
			if w.Code != tt.status || b.Error.Code != tt.code || !strings.Contains(b.Error.Message, tt.inMsg) {
				t.Errorf("= %d %+v, want %d %s …%s…", w.Code, b.Error, tt.status, tt.code, tt.inMsg)
			}
			if tt.hidden != "" && strings.Contains(w.Body.String(), tt.hidden) {
				t.Errorf("response leaks %q: %s", tt.hidden, w.Body)
			}
		})
	}
}

func errorsJoin(err error) error { return errors.Join(errors.New("turn"), err) }

// stuck is a Responder whose store hangs: it waits for its context, then
// fails as the dialog engine does when Redis does not answer.
type stuck struct{ deadline chan bool }

func (s stuck) Respond(ctx context.Context, _ bot.Message) (bot.Reply, error) {
	_, has := ctx.Deadline()
	s.deadline <- has
	<-ctx.Done()
	return bot.Reply{}, bot.Unavailable("state store unavailable", ctx.Err())
}

func (stuck) Forget(context.Context, bot.Channel, string, string) error { return nil }

// TestChatTurnTimeout checks that a turn whose store hangs answers 503
// unavailable once TurnTimeout has passed, instead of waiting for the
// store.
func TestChatTurnTimeout(t *testing.T) {
	s := stuck{deadline: make(chan bool, 1)}
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Responder: s, Clock: fixedClock, TurnTimeout: 50 * time.Millisecond})
	start := time.Now()
	w := do(t, h, "POST", "/api/v1/chat", `{"municipality":"nerima","session_id":"abcdefgh","text":"更新したい"}`)
	took := time.Since(start)
	if !<-s.deadline {
		t.Error("the turn's context has no deadline")
	}
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"code":"unavailable"`) {
		t.Errorf("stuck turn = %d %s, want 503 unavailable", w.Code, w.Body)
	}
	t.Logf("a turn whose store hangs answered %d after %v (TurnTimeout 50ms)", w.Code, took.Round(time.Millisecond))
}
