package line

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/internal/redistest"
)

// TestGivingUpAShardStrandsNothing gives up a shard while this instance's
// reader is waiting on its stream, as an instance over its fair share does
// when another joins. Whatever reaches the stream after the lease is
// released belongs to the next holder: this instance must not read it,
// for an entry read here would stay pending here, where the next holder's
// takeover (already done) does not look.
func TestGivingUpAShardStrandsNothing(t *testing.T) {
	rdb := redistest.Client(t)
	const ttl = 900 * time.Millisecond
	h, err := New(Config{Responder: silentResponder{}, Redis: rdb, Prefix: redistest.Prefix(t), NoPushFallback: true,
		Logger: slog.New(slog.DiscardHandler), Shards: 2, LeaseTTL: ttl,
		Channels: Channels{"edogawa": {Secret: "s", AccessToken: "t"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = h.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	s := h.q.shards[0]
	for deadline := time.Now().Add(5 * time.Second); ; {
		h.q.mu.Lock()
		ready := s.state == shardReady
		h.q.mu.Unlock()
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the shard never became ready")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the reader now waits on the shard's stream

	h.q.giveUp([]*shard{s})
	// Another instance takes the shard over (its takeover claims what is
	// pending so far), then an event arrives.
	if err := rdb.Set(ctx, s.lease, "other-instance", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	raw := `{"type":"message","webhookEventId":"ev-late","timestamp":1,"source":{"type":"user","userId":"U1"},"message":{"type":"text","text":"x"}}`
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.stream, Values: []any{"m", "edogawa", "e", raw, "r", "1"}}).Err(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(ttl/3 + 200*time.Millisecond) // longer than the reader waits
	p, err := rdb.XPending(ctx, s.stream, group).Result()
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 0 {
		t.Errorf("%d entries of a shard given up were read by this instance (pending on %v)", p.Count, p.Consumers)
	}
}

// TestLivenessByRedisClock checks that heartbeats are scored and aged by
// Redis's clock, which the leases' expiry also follows, not by each
// host's: here Redis's clock is years away from this host's, and another
// instance that beat just now by it must count as live, so that this one
// takes only its half of the shards.
func TestLivenessByRedisClock(t *testing.T) {
	mr := miniredis.RunT(t)
	redisNow := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	mr.SetTime(redisNow) // a fixed clock: the other instance's beat stays fresh
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	const prefix = "clock:"
	if err := rdb.ZAdd(ctx, prefix+"instances", redis.Z{Score: float64(redisNow.UnixMilli()), Member: "other"}).Err(); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Responder: silentResponder{}, Redis: rdb, Prefix: prefix, NoPushFallback: true,
		Logger: slog.New(slog.DiscardHandler), Shards: 8, LeaseTTL: 900 * time.Millisecond,
		Channels: Channels{"edogawa": {Secret: "s", AccessToken: "t"}}})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = h.Run(runCtx) }()
	t.Cleanup(func() { cancel(); <-done })
	time.Sleep(700 * time.Millisecond) // two ticks and more
	owned := 0
	for _, s := range h.q.shards {
		if h.q.owns(s) {
			owned++
		}
	}
	if owned != 4 {
		t.Errorf("this instance holds %d of 8 shards beside another live one; want 4", owned)
	}
	if score, err := rdb.ZScore(ctx, prefix+"instances", h.cfg.Consumer).Result(); err != nil || int64(score) != redisNow.UnixMilli() {
		t.Errorf("this instance's beat is scored %v (%v), want Redis's time %d", int64(score), err, redisNow.UnixMilli())
	}
}
