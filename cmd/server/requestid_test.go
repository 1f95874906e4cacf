package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestRequestIDInEveryLogLine sends a chat turn the FAQ cannot place (the
// dialog engine logs "faq unanswered") with an X-Request-Id, and checks
// that the id comes back and is in every line logged for the request: the
// dialog's and the access log's.
func TestRequestIDInEveryLogLine(t *testing.T) {
	_, logs, base := startMain(t, map[string]string{})
	const id = "test-req-42"
	// Start a conversation, then ask something no FAQ topic covers.
	for i, text := range []string{"更新したい", "火星の天気はどうですか"} {
		req, err := http.NewRequest(http.MethodPost, base+"/api/v1/chat",
			strings.NewReader(`{"municipality":"edogawa","session_id":"reqid-test-session","text":"`+text+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-Id", id+"-"+string(rune('a'+i)))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("X-Request-Id") != id+"-"+string(rune('a'+i)) {
			t.Fatalf("turn %d: %d, X-Request-Id %q", i, res.StatusCode, res.Header.Get("X-Request-Id"))
		}
	}
	var sawUnanswered, sawAccess bool
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec struct {
			Msg       string `json:"msg"`
			Route     string `json:"route"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		switch {
		case rec.Msg == "faq unanswered":
			sawUnanswered = true
			if rec.RequestID != id+"-b" {
				t.Errorf("dialog line without the request's id: %s", l)
			}
		case rec.Msg == "request" && rec.Route == "/api/v1/chat":
			sawAccess = true
			if !strings.HasPrefix(rec.RequestID, id+"-") {
				t.Errorf("access log line without the request's id: %s", l)
			}
		case rec.RequestID != "":
			if !strings.HasPrefix(rec.RequestID, id+"-") {
				t.Errorf("line with another request id: %s", l)
			}
		}
	}
	if !sawUnanswered || !sawAccess {
		t.Errorf("want the dialog's faq unanswered line and the access log lines; logs:\n%s", logs)
	}
}
