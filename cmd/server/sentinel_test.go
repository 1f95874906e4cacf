package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/internal/redistest"
)

// TestServerOnSentinel runs the whole server through the README's
// Sentinel form of REDIS_URL with REDIS_WAIT_REPLICAS=1: a chat turn, and
// a LINE webhook answered once; with the replica down the webhook is
// refused with 503 (LINE redelivers) rather than acknowledged unreplicated.
func TestServerOnSentinel(t *testing.T) {
	s := redistest.StartSentinel(t)
	api := &fakeLINE{}
	fake := httptest.NewServer(api)
	t.Cleanup(fake.Close)
	_, logs, base := startMain(t, map[string]string{
		"REDIS_URL":                 s.URL(),
		"REDIS_WAIT_REPLICAS":       "1",
		"LINE_CHANNEL_SECRET":       "sentinel-secret",
		"LINE_CHANNEL_ACCESS_TOKEN": "sentinel-token",
		"LINE_API_ENDPOINT":         fake.URL,
	})
	if !strings.Contains(logs.String(), "Redis connected") {
		t.Fatalf("the server did not connect through the sentinels:\n%s", logs)
	}
	checkServing(t, base)
	event := func(id string) string {
		return `{"destination":"Ubot","events":[{"type":"message","message":{"type":"text","id":"m` + id + `","quoteToken":"q","text":"更新したい"},"webhookEventId":"` + id +
			`","deliveryContext":{"isRedelivery":false},"timestamp":` + jsonInt(time.Now().UnixMilli()) +
			`,"source":{"type":"user","userId":"Usentinel"},"replyToken":"rt-` + id + `","mode":"active"}]}`
	}
	if code := signedWebhook(t, base+"/webhook/line/nerima", "sentinel-secret", event("sen-1"), ""); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	if r := api.waitReplies(t, 1); !strings.Contains(r[0], `"replyToken":"rt-sen-1"`) {
		t.Errorf("reply %s", r[0])
	}
	s.Servers[1].Kill() // the replica
	if code := signedWebhook(t, base+"/webhook/line/nerima", "sentinel-secret", event("sen-2"), ""); code != http.StatusServiceUnavailable {
		t.Errorf("webhook with the replica down: %d, want 503", code)
	}
}
