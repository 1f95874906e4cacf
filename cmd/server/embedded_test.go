package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestEmbeddedRedisExpiresKeys checks that the embedded Redis lets a key
// with a TTL expire in real time, as Redis does (miniredis by itself never
// does), and that the first log line says what a restart loses.
func TestEmbeddedRedisExpiresKeys(t *testing.T) {
	m, logs, _ := startMain(t, map[string]string{})
	first, _, _ := strings.Cut(logs.String(), "\n")
	for _, want := range []string{"lost on restart", "conversation state", "LINE events", "answered twice", "Set REDIS_URL in production"} {
		if !strings.Contains(first, want) {
			t.Errorf("first log line lacks %q: %s", want, first)
		}
	}

	ctx := context.Background()
	start := time.Now()
	if err := m.Redis.Set(ctx, "embedded-test:ttl", "x", 600*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	if err := m.Redis.Set(ctx, "embedded-test:kept", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := m.Redis.Exists(ctx, "embedded-test:ttl").Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("a key with a TTL of 600 ms still exists after 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("a key with a TTL of 600 ms disappeared after %v (tick %v)", time.Since(start).Round(time.Millisecond), EmbeddedClockTick)
	if n, err := m.Redis.Exists(ctx, "embedded-test:kept").Result(); err != nil || n != 1 {
		t.Errorf("a key without TTL: exists = %d, %v; want 1", n, err)
	}
}
