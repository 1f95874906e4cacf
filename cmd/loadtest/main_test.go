package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

const (
	testSecret = "test-channel-secret"
	testToken  = "test-access-token"
)

// echo is a synchronous SDK echo bot, as cmd/echobot, that also counts
// the texts it saw.
func echo(t *testing.T, endpoint string, texts *atomic.Int64, replyMustSucceed bool) http.Handler {
	t.Helper()
	api, err := messaging_api.NewMessagingApiAPI(testToken, messaging_api.WithEndpoint(endpoint),
		messaging_api.WithHTTPClient(&http.Client{Timeout: 5 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook/line/{m}", func(w http.ResponseWriter, r *http.Request) {
		cb, err := webhook.ParseRequest(testSecret, r)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, ev := range cb.Events {
			e, ok := ev.(webhook.MessageEvent)
			if !ok {
				t.Errorf("event %T, want a message event", ev)
				continue
			}
			m, ok := e.Message.(webhook.TextMessageContent)
			if !ok || m.Text == "" || m.QuoteToken == "" || e.WebhookEventId == "" || e.Mode != webhook.EventMode_ACTIVE ||
				e.DeliveryContext == nil || e.DeliveryContext.IsRedelivery || e.Timestamp == 0 {
				t.Errorf("event not shaped like LINE's: %+v", e)
			}
			if s, ok := e.Source.(webhook.UserSource); !ok || len(s.UserId) != 33 || s.UserId[0] != 'U' {
				t.Errorf("source %+v, want a user", e.Source)
			}
			texts.Add(1)
			if _, err := api.ReplyMessage(&messaging_api.ReplyMessageRequest{
				ReplyToken: e.ReplyToken,
				Messages:   []messaging_api.MessageInterface{messaging_api.TextMessage{Text: m.Text}},
			}); err != nil && replyMustSucceed {
				t.Errorf("reply: %v", err)
			}
		}
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

func TestLoadAgainstEchoBot(t *testing.T) {
	var texts atomic.Int64
	var inner atomic.Pointer[http.Handler]
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*inner.Load()).ServeHTTP(w, r)
	}))
	defer bot.Close()

	rep, err := Load(context.Background(), Options{
		Target: bot.URL + "/webhook/line/nerima", Secret: testSecret, Token: testToken,
		FakeAddr: "127.0.0.1:0", Users: 5, Concurrency: 4, Requests: 50,
		Grace: 2 * time.Second, Timeout: 5 * time.Second, Destination: "Ubot",
		Procs: []Proc{{Name: "self", PID: os.Getpid()}},
		ready: func(fakeURL string) { h := echo(t, fakeURL, &texts, true); inner.Store(&h) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 50 || rep.OK != 50 || len(rep.Errors) != 0 {
		t.Errorf("requests %d, ok %d, errors %v; want 50, 50, none", rep.Requests, rep.OK, rep.Errors)
	}
	if texts.Load() != 50 {
		t.Errorf("the bot saw %d texts, want 50", texts.Load())
	}
	if rep.Answered != 50 || rep.Missing != 0 || rep.Fake.Replies != 50 {
		t.Errorf("answered %d, missing %d, replies %d; want 50, 0, 50", rep.Answered, rep.Missing, rep.Fake.Replies)
	}
	if f := rep.Fake; f.AuthFailed+f.BadRequest+f.InvalidToken+f.ReusedToken+f.Pushes+f.Other != 0 {
		t.Errorf("fake API refused or saw unexpected calls: %+v", f)
	}
	if rep.Webhook.N != 50 || rep.Reply.N != 50 || rep.Webhook.P50 <= 0 || rep.Reply.P99 > rep.Webhook.Max {
		// A synchronous bot replies before it answers the webhook.
		t.Errorf("latencies: webhook %+v, reply %+v", rep.Webhook, rep.Reply)
	}
	if len(rep.Procs) != 1 || rep.Procs[0].Err != "" || rep.Procs[0].RSSMiB <= 0 {
		t.Errorf("procs: %+v", rep.Procs)
	}
	var buf bytes.Buffer
	if err := rep.WriteTable(&buf); err != nil || !strings.Contains(buf.String(), "missing replies") {
		t.Errorf("table: %v\n%s", err, buf.String())
	}
}

// TestRun drives the command as a user would: a fixed fake API address,
// a wrong token on the bot's side (every reply refused: none arrive) and
// -json output.
func TestRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fakeAddr := ln.Addr().String()
	ln.Close()

	var texts atomic.Int64
	bot := httptest.NewServer(echo(t, "http://"+fakeAddr, &texts, false))
	defer bot.Close()

	var out bytes.Buffer
	err = run(context.Background(), []string{
		"-target", bot.URL + "/webhook/line/x", "-secret", testSecret, "-token", "another-token",
		"-fake-addr", fakeAddr, "-users", "3", "-concurrency", "2", "-requests", "10", "-rate", "200", "-grace", "100ms", "-json",
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if rep.OK != 10 || rep.Answered != 0 || rep.Missing != 10 || rep.Fake.AuthFailed != 10 {
		t.Errorf("ok %d, answered %d, missing %d, auth failed %d; want 10, 0, 10, 10", rep.OK, rep.Answered, rep.Missing, rep.Fake.AuthFailed)
	}
}

func TestBadSignatureCounted(t *testing.T) {
	var texts atomic.Int64
	var inner atomic.Pointer[http.Handler]
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*inner.Load()).ServeHTTP(w, r)
	}))
	defer bot.Close()
	rep, err := Load(context.Background(), Options{
		Target: bot.URL + "/webhook/line/nerima", Secret: "not-the-bot-secret", Token: testToken,
		FakeAddr: "127.0.0.1:0", Users: 2, Concurrency: 2, Requests: 6, Grace: 0, Timeout: 5 * time.Second,
		ready: func(fakeURL string) { h := echo(t, fakeURL, &texts, true); inner.Store(&h) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK != 0 || rep.Errors["400"] != 6 || rep.Missing != 0 || texts.Load() != 0 {
		t.Errorf("ok %d, errors %v, missing %d, texts %d; want 0, 400: 6, 0, 0", rep.OK, rep.Errors, rep.Missing, texts.Load())
	}
}

func TestOptionsRefuseNonLoopback(t *testing.T) {
	for _, args := range [][]string{
		{"-secret", "s", "-token", "t", "-target", "https://example.com/webhook/line/nerima"},
		{"-secret", "s", "-token", "t", "-fake-addr", "0.0.0.0:18999"},
		{"-secret", "s", "-token", "t", "-duration", "1h"},
		{"-secret", "s", "-token", "t", "-target", "http://127.0.0.1:1/webhook/line/x,http://example.com/webhook/line/x"},
	} {
		if _, err := parseOptions(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
	o, err := parseOptions([]string{"-secret", "s", "-token", "t", "-pids", "server=12,34"}, &bytes.Buffer{})
	if err != nil || o.Duration != 10*time.Second || len(o.Procs) != 2 || o.Procs[0] != (Proc{"server", 12}) {
		t.Errorf("defaults: %+v, %v", o, err)
	}
}

// TestTwoTargetsShareTheUsers sends to two bots (replicas) through one
// fake API: each user's webhooks go to one of them, every one answered.
func TestTwoTargetsShareTheUsers(t *testing.T) {
	var texts [2]atomic.Int64
	var inner [2]atomic.Pointer[http.Handler]
	var bots [2]*httptest.Server
	for i := range bots {
		bots[i] = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			(*inner[i].Load()).ServeHTTP(w, r)
		}))
		defer bots[i].Close()
	}
	var out bytes.Buffer
	o, err := parseOptions([]string{"-secret", testSecret, "-token", testToken, "-users", "4", "-concurrency", "2", "-requests", "40",
		"-target", bots[0].URL + "/webhook/line/nerima, " + bots[1].URL + "/webhook/line/nerima"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	o.ready = func(fakeURL string) {
		for i := range inner {
			h := echo(t, fakeURL, &texts[i], true)
			inner[i].Store(&h)
		}
	}
	rep, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if texts[0].Load() != 20 || texts[1].Load() != 20 || rep.Answered != 40 || rep.Missing != 0 {
		t.Errorf("bots saw %d and %d texts, answered %d, missing %d; want 20, 20, 40, 0", texts[0].Load(), texts[1].Load(), rep.Answered, rep.Missing)
	}
}

func TestULID(t *testing.T) {
	now := time.UnixMilli(1700000000000)
	a, b := ulid(now), ulid(now)
	if len(a) != 26 || a == b || a[:10] != b[:10] || strings.Trim(a, crockford) != "" {
		t.Errorf("ulid %q %q", a, b)
	}
}

// TestFakeRefusesReplyTokensLikeLINE checks the fake Messaging API's reply
// tokens: used once, then refused as LINE refuses them (400,
// {"message":"Invalid reply token"}), as is a token older than a minute;
// a push after a refusal of a used token is counted as that event's second
// answer, not taken for another event's.
func TestFakeRefusesReplyTokensLikeLINE(t *testing.T) {
	tr := newTracker(testToken)
	now := time.Now()
	first := &sent{user: "U1", token: "t1", at: now, ok: true}
	second := &sent{user: "U1", token: "t2", at: now, ok: true}
	old := &sent{user: "U2", token: "t3", at: now.Add(-replyTokenTTL - time.Second), ok: true}
	for _, s := range []*sent{first, second, old} {
		tr.add(s)
	}
	call := func(path, body string) (int, string) {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		if path == "/v2/bot/message/push" {
			req.Header.Set("X-Line-Retry-Key", "key-"+body)
		}
		w := httptest.NewRecorder()
		tr.ServeHTTP(w, req)
		return w.Code, strings.TrimSpace(w.Body.String())
	}
	reply := func(tok string) (int, string) {
		return call("/v2/bot/message/reply", `{"replyToken":"`+tok+`","messages":[{"type":"text","text":"a"}]}`)
	}
	const refused = `{"message":"Invalid reply token"}`
	if c, b := reply("t1"); c != http.StatusOK {
		t.Errorf("first use: %d %s", c, b)
	}
	if c, b := reply("t1"); c != http.StatusBadRequest || b != refused {
		t.Errorf("second use: %d %s, want 400 %s", c, b, refused)
	}
	if c, b := reply("t3"); c != http.StatusBadRequest || b != refused {
		t.Errorf("a token past its minute: %d %s, want 400 %s", c, b, refused)
	}
	if c, _ := call("/v2/bot/message/push", `{"to":"U1","messages":[{"type":"text","text":"a"}]}`); c != http.StatusOK {
		t.Errorf("push: %d", c)
	}
	if tr.reusedToken.Load() != 1 || tr.expiredToken.Load() != 1 || tr.pushAfterRefusal.Load() != 1 {
		t.Errorf("used already %d, expired %d, pushes after a refusal %d; want 1, 1, 1",
			tr.reusedToken.Load(), tr.expiredToken.Load(), tr.pushAfterRefusal.Load())
	}
	if !second.replied.IsZero() || tr.missing() != 2 {
		t.Errorf("the push after the refusal was taken for the next event; missing %d, want 2 (t2, t3)", tr.missing())
	}
}
