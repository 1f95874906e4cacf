package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func signed(secret, body string) *http.Request {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	r := httptest.NewRequest(http.MethodPost, "/webhook/line/nerima", strings.NewReader(body))
	r.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	return r
}

func TestEcho(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]any
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/bot/message/reply" || r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("%s %s auth %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
		_, _ = io.WriteString(w, "{}")
	}))
	defer api.Close()
	h, err := NewHandler("sec", "tok", api.URL, NewHTTPClient())
	if err != nil {
		t.Fatal(err)
	}
	body := `{"destination":"Ubot","events":[{"type":"message","message":{"type":"text","id":"1","quoteToken":"q","text":"更新したい"},"webhookEventId":"01H","deliveryContext":{"isRedelivery":false},"timestamp":1,"source":{"type":"user","userId":"U1"},"replyToken":"rt","mode":"active"}]}`

	w := httptest.NewRecorder()
	h.ServeHTTP(w, signed("sec", body))
	if w.Code != http.StatusOK || len(got) != 1 || got[0]["replyToken"] != "rt" ||
		got[0]["messages"].([]any)[0].(map[string]any)["text"] != "更新したい" {
		t.Fatalf("status %d, replies %v", w.Code, got)
	}

	for name, r := range map[string]*http.Request{
		"wrong signature": signed("other", body),
		"no signature":    httptest.NewRequest(http.MethodPost, "/webhook/line/nerima", strings.NewReader(body)),
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, w.Code)
		}
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, signed("sec", strings.Repeat(" ", 2<<20)))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d, want 413", w.Code)
	}
	if len(got) != 1 {
		t.Errorf("%d replies, want 1", len(got))
	}
}
