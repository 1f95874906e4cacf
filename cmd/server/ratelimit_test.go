package main

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var chatSeq atomic.Int64

// chatFrom sends a chat turn (a new session each time) with the given
// X-Forwarded-For (none when empty) and returns the status and Retry-After.
func chatFrom(t *testing.T, base, xff string) (int, string) {
	t.Helper()
	session := "ratelimit-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(chatSeq.Add(1), 10)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/chat",
		strings.NewReader(`{"municipality":"nerima","session_id":"`+session+`","text":"更新したい"}`))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Retry-After")
}

// TestRateLimitResetsThroughServer checks, on the embedded Redis, that the
// per-IP limit lets a client through again once its period has passed
// (before, miniredis never expired the counter: 429 until restart).
func TestRateLimitResetsThroughServer(t *testing.T) {
	_, _, base := startMain(t, map[string]string{"RATE_LIMIT_PER_IP": "3/2s", "RATE_LIMIT_PER_SESSION": "off", "WEB_SESSIONS_PER_IP": "off"})
	burst := func() {
		t.Helper()
		for i := range 3 {
			if code, _ := chatFrom(t, base, ""); code != 200 {
				t.Fatalf("request %d of the limit = %d, want 200", i+1, code)
			}
		}
		code, retry := chatFrom(t, base, "")
		if code != http.StatusTooManyRequests || retry == "" {
			t.Fatalf("request over the limit = %d (Retry-After %q), want 429 with Retry-After", code, retry)
		}
	}
	burst()
	start := time.Now()
	time.Sleep(2100 * time.Millisecond)
	burst() // the whole limit again after its period
	t.Logf("after %v the limit of 3 per 2 s let 3 requests through again", time.Since(start).Round(time.Millisecond))
}

// TestTrustedProxies checks TRUSTED_PROXIES end to end: behind a trusted
// proxy each resident has a bucket of their own (an IPv6 one per /64);
// without it, X-Forwarded-For changes nothing.
func TestTrustedProxies(t *testing.T) {
	limits := map[string]string{"RATE_LIMIT_PER_IP": "1/1m", "RATE_LIMIT_PER_SESSION": "off", "WEB_SESSIONS_PER_IP": "off"}
	t.Run("trusted", func(t *testing.T) {
		vars := map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1/32 ::1"}
		for k, v := range limits {
			vars[k] = v
		}
		_, _, base := startMain(t, vars)
		for i, tt := range []struct {
			xff  string
			want int
		}{
			{"203.0.113.1", 200},
			{"203.0.113.1", 429},
			{"203.0.113.2", 200},
			{"203.0.113.2, 10.1.2.3", 429}, // another proxy in the chain is skipped
			{"198.51.100.1, 203.0.113.1", 429},
			{"2001:db8:aa:bb::1", 200},
			{"2001:db8:aa:bb:1:2:3:4", 429},
			{"2001:db8:aa:bc::1", 200},
		} {
			if code, _ := chatFrom(t, base, tt.xff); code != tt.want {
				t.Errorf("request %d, X-Forwarded-For %q: %d, want %d", i, tt.xff, code, tt.want)
			}
		}
	})
	t.Run("none trusted", func(t *testing.T) {
		_, _, base := startMain(t, limits)
		if code, _ := chatFrom(t, base, "203.0.113.1"); code != 200 {
			t.Fatalf("first request = %d", code)
		}
		if code, _ := chatFrom(t, base, "203.0.113.2"); code != 429 {
			t.Errorf("a second address in X-Forwarded-For, no proxy trusted: %d, want 429", code)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		if _, err := LoadConfig(env(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"})); err == nil ||
			!strings.Contains(err.Error(), "TRUSTED_PROXIES") {
			t.Errorf("LoadConfig with a host name in TRUSTED_PROXIES: %v", err)
		}
		if _, err := LoadConfig(env(map[string]string{"RATE_LIMIT_PER_IP": "lots"})); err == nil ||
			!strings.Contains(err.Error(), "RATE_LIMIT_PER_IP") {
			t.Errorf("LoadConfig with a bad RATE_LIMIT_PER_IP: %v", err)
		}
	})
}

// TestWebSessionCapThroughServer checks WEB_SESSIONS_MAX and
// WEB_SESSIONS_PER_IP as the server wires them: beyond the cap a new
// session gets 503 unavailable (the widget's JSON error body, with
// Retry-After), a live one goes on.
func TestWebSessionCapThroughServer(t *testing.T) {
	_, _, base := startMain(t, map[string]string{"WEB_SESSIONS_MAX": "2", "WEB_SESSIONS_PER_IP": "5/1h"})
	turn := func(session string) (int, string) {
		t.Helper()
		return post(t, base+"/api/v1/chat", `{"municipality":"nerima","session_id":"`+session+`","text":"更新したい"}`)
	}
	for _, s := range []string{"cap-session-1", "cap-session-2"} {
		if code, body := turn(s); code != 200 {
			t.Fatalf("session %s = %d %s", s, code, body)
		}
	}
	code, body := turn("cap-session-3")
	if code != 503 || !strings.Contains(body, `{"error":{"code":"unavailable","message":"ただいま多くの方がご利用中`) {
		t.Errorf("a third session with WEB_SESSIONS_MAX=2 = %d %s, want 503 unavailable", code, body)
	}
	if code, body := turn("cap-session-1"); code != 200 {
		t.Errorf("a live session at the cap = %d %s, want 200", code, body)
	}
	for _, bad := range []map[string]string{{"WEB_SESSIONS_MAX": "0"}, {"WEB_SESSIONS_MAX": "many"}, {"WEB_SESSIONS_PER_IP": "60"}} {
		if _, err := LoadConfig(env(bad)); err == nil {
			t.Errorf("LoadConfig(%v) accepted it", bad)
		}
	}
}
