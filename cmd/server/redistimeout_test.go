package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRedisTimeoutConfig checks REDIS_TIMEOUT's parsing: a Go duration
// from 50ms to 30s, 800ms when unset; anything else refuses to start.
func TestRedisTimeoutConfig(t *testing.T) {
	for v, want := range map[string]time.Duration{"": DefaultRedisTimeout, "50ms": 50 * time.Millisecond, " 2s ": 2 * time.Second, "30s": 30 * time.Second} {
		c, err := LoadConfig(env(map[string]string{"REDIS_TIMEOUT": v}))
		if err != nil || c.RedisTimeout != want {
			t.Errorf("REDIS_TIMEOUT=%q: %v, %v; want %v", v, c.RedisTimeout, err, want)
		}
	}
	for _, v := range []string{"800", "10ms", "31s", "-1s", "0", "fast"} {
		if _, err := LoadConfig(env(map[string]string{"REDIS_TIMEOUT": v})); err == nil || !strings.Contains(err.Error(), "REDIS_TIMEOUT must be a duration") {
			t.Errorf("REDIS_TIMEOUT=%q: err %v, want it refused", v, err)
		}
	}
}

// TestRedisTimeoutIsTheDeadline runs the server on a Redis that hangs with
// REDIS_TIMEOUT=1500ms: a chat turn, a LINE webhook and /readyz each answer
// 503 unavailable, and none before 1.5 s, so the variable (not the default
// 800 ms) is their deadline. go-redis's own read timeout (3 s) is longer,
// so nothing but the deadline ends them earlier.
func TestRedisTimeoutIsTheDeadline(t *testing.T) {
	const timeout = 1500 * time.Millisecond
	h := startHungRedis(t)
	defer h.Close()
	fake := httptest.NewServer(&fakeLINE{})
	t.Cleanup(fake.Close)
	_, _, base := startMain(t, map[string]string{
		"REDIS_URL":                 "redis://" + h.ln.Addr().String() + "/0",
		"REDIS_TIMEOUT":             timeout.String(),
		"LINE_CHANNEL_SECRET":       "timeout-secret",
		"LINE_CHANNEL_ACCESS_TOKEN": "timeout-token",
		"LINE_API_ENDPOINT":         fake.URL,
	})
	chat, _ := http.NewRequest(http.MethodPost, base+"/api/v1/chat", strings.NewReader(
		`{"municipality":"nerima","session_id":"redis-timeout-1","text":"更新したい"}`))
	chat.Header.Set("Content-Type", "application/json")
	body := `{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"468789577898262599","quoteToken":"q","text":"更新したい"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E99","deliveryContext":{"isRedelivery":false},"timestamp":` +
		strconv.FormatInt(time.Now().UnixMilli(), 10) + `,"source":{"type":"user","userId":"U4af4980629000000000000000000000c"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}]}`
	hook, _ := http.NewRequest(http.MethodPost, base+"/webhook/line/nerima", strings.NewReader(body))
	hook.Header.Set("Content-Type", "application/json")
	hook.Header.Set("X-Line-Signature", sign("timeout-secret", []byte(body)))
	ready, _ := http.NewRequest(http.MethodGet, base+"/readyz", nil)
	client := &http.Client{Timeout: 30 * time.Second}
	for _, r := range []struct {
		name string
		req  *http.Request
	}{{"chat turn", chat}, {"LINE webhook", hook}, {"/readyz", ready}} {
		start := time.Now()
		res, err := client.Do(r.req)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		took := time.Since(start)
		t.Logf("%-12s %d after %v (REDIS_TIMEOUT %v)", r.name, res.StatusCode, took.Round(time.Millisecond), timeout)
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), `"code":"unavailable"`) {
			t.Errorf("%s with Redis hung = %d %s, want 503 unavailable", r.name, res.StatusCode, b)
		}
		if took < timeout {
			t.Errorf("%s answered after %v, before REDIS_TIMEOUT (%v): another deadline ended it", r.name, took, timeout)
		}
	}
}
