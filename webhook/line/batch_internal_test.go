package line

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

type silentResponder struct{}

func (silentResponder) Respond(context.Context, bot.Message) (bot.Reply, error) {
	return bot.Reply{}, nil
}
func (silentResponder) Forget(context.Context, bot.Channel, string, string) error { return nil }

// batchOf makes n entries of shard s from user U<i%5> with event ids
// <name><i>.
func batchOf(s *shard, name string, n int) []*entry {
	var es []*entry
	for i := range n {
		raw := fmt.Sprintf(`{"type":"message","webhookEventId":"%s%d","timestamp":1,"source":{"type":"user","userId":"U%d"},"message":{"type":"text","text":"x"}}`, name, i, i%5)
		es = append(es, &entry{id: fmt.Sprintf("%d-%d", len(name), i+1), tag: s.tag, municipality: "edogawa", raw: []byte(raw)})
	}
	return es
}

// TestBatchRoundTrips checks what a shard worker's batches cost the queue
// itself in Redis, however many events they hold: one round trip to learn
// about a batch's events, which also finishes the batch before it, and
// one to finish the last batch.
func TestBatchRoundTrips(t *testing.T) {
	rdb := redistest.Client(t)
	rt := &redistest.RoundTrips{}
	rdb.AddHook(rt)
	// No reply tokens and no push: nothing reaches the Messaging API.
	h, err := New(Config{Responder: silentResponder{}, Redis: rdb, Prefix: redistest.Prefix(t), NoPushFallback: true, Logger: slog.New(slog.DiscardHandler),
		Channels: Channels{"edogawa": {Secret: "s", AccessToken: "t"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := h.q.shards[0]
	es := batchOf(s, "ev", batch)
	// ev3 was handled before; ev4's reply was saved by an unfinished attempt;
	// ev0 comes twice in the batch.
	rdb.Set(ctx, h.q.eventKey("done", s.tag, "ev3"), "1", 0)
	rdb.Set(ctx, h.q.eventKey("out", s.tag, "ev4"), `{"reply":{"messages":[{"type":"text","text":"saved"}]}}`, 0)
	es[batch-1].raw = es[0].raw

	if err := h.q.lookup(ctx, s, nil, es); err != nil { // warm the connection pool
		t.Fatal(err)
	}
	rt.Reset()
	if err := h.q.lookup(ctx, s, nil, es); err != nil {
		t.Fatal(err)
	}
	if n := rt.Count(); n != 1 {
		t.Errorf("look-ups of %d events took %d round trips, want 1", len(es), n)
	}
	for i, e := range es {
		wantSeen := i == 3 || i == batch-1
		if e.seen != wantSeen {
			t.Errorf("entry %d seen=%v, want %v", i, e.seen, wantSeen)
		}
		if (e.prior != nil) != (i == 4) {
			t.Errorf("entry %d prior=%v", i, e.prior)
		}
		if e.chat != "edogawa\x00"+fmt.Sprintf("U%d", i%5) && i != batch-1 {
			t.Errorf("entry %d chat %q", i, e.chat)
		}
	}
	if es[4].prior == nil || es[4].prior.Reply.Messages[0].Text != "saved" {
		t.Errorf("saved reply of ev4 not read: %+v", es[4].prior)
	}
	for _, e := range es {
		if err := h.process(ctx, e); err != nil {
			t.Fatal(err)
		}
	}

	// The next batch's look-ups finish this one in the same round trip,
	// and see its done marks: ev1 redelivered is a duplicate.
	next := batchOf(s, "nx", 4)
	next[2].raw = es[1].raw
	rt.Reset()
	if err := h.q.lookup(ctx, s, es, next); err != nil {
		t.Fatal(err)
	}
	if n := rt.Count(); n != 1 {
		t.Errorf("finishing %d events with the look-ups of %d took %d round trips, want 1", len(es), len(next), n)
	}
	for i := range batch - 1 {
		if n, _ := rdb.Exists(ctx, h.q.eventKey("done", s.tag, fmt.Sprintf("ev%d", i))).Result(); n != 1 {
			t.Errorf("ev%d not marked done", i)
		}
	}
	if n, _ := rdb.Exists(ctx, h.q.eventKey("out", s.tag, "ev4")).Result(); n != 0 {
		t.Error("ev4's saved reply kept after it was finished")
	}
	for i, e := range next {
		if e.seen != (i == 2) {
			t.Errorf("next entry %d seen=%v, want %v", i, e.seen, i == 2)
		}
	}

	// The last batch is finished in a round trip of its own.
	for _, e := range next {
		if err := h.process(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	rt.Reset()
	h.q.finish(s, next)
	if n := rt.Count(); n != 1 {
		t.Errorf("finishing the last %d events took %d round trips, want 1", len(next), n)
	}
	if n, _ := rdb.Exists(ctx, h.q.eventKey("done", s.tag, "nx3")).Result(); n != 1 {
		t.Error("nx3 not marked done")
	}
}

// TestLegacyEventKeys checks the upgrade from the untagged keys of earlier
// versions (<prefix>done:<id>, <prefix>out:<id>): while a deployment may
// still hold them (DedupTTL after the first start with tagged keys), a
// batch's look-ups read them too, in the same round trip; after that, or
// on a cluster, they are not read.
func TestLegacyEventKeys(t *testing.T) {
	rdb := redistest.Client(t)
	rt := &redistest.RoundTrips{}
	rdb.AddHook(rt)
	now := time.Now()
	clock := func() time.Time { return now }
	h, err := New(Config{Responder: silentResponder{}, Redis: rdb, Prefix: redistest.Prefix(t), NoPushFallback: true, Logger: slog.New(slog.DiscardHandler),
		Channels: Channels{"edogawa": {Secret: "s", AccessToken: "t"}}, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := h.q.shards[0]
	// Written by an earlier version: ev1 handled, ev2's reply saved.
	rdb.Set(ctx, h.q.legacyKey("done", "ev1"), "1", 0)
	rdb.Set(ctx, h.q.legacyKey("out", "ev2"), `{"reply":{"messages":[{"type":"text","text":"saved"}]}}`, 0)

	h.q.readMarker(ctx) // the first instance with tagged keys starts now
	if !h.q.legacy() {
		t.Fatal("legacy look-ups off right after the first start")
	}
	since, err := rdb.Get(ctx, h.q.key("tagged-since")).Int64()
	if err != nil || since != now.UnixMilli() {
		t.Fatalf("tagged-since = %d, %v; want %d", since, err, now.UnixMilli())
	}
	es := batchOf(s, "ev", 3)
	rt.Reset()
	if err := h.q.lookup(ctx, s, nil, es); err != nil {
		t.Fatal(err)
	}
	if n := rt.Count(); n != 1 {
		t.Errorf("look-ups with the legacy keys took %d round trips, want 1", n)
	}
	if es[0].seen || !es[1].seen || es[2].prior == nil || es[2].prior.Reply.Messages[0].Text != "saved" {
		t.Errorf("legacy keys not honoured: seen %v %v %v, prior of ev2 %+v", es[0].seen, es[1].seen, es[2].seen, es[2].prior)
	}

	// A later instance reads the same marker; once DedupTTL has passed the
	// legacy keys are gone and no longer looked up.
	now = now.Add(h.cfg.DedupTTL + time.Second)
	h2, _ := New(Config{Responder: silentResponder{}, Redis: rdb, Prefix: redistest.Prefix(t), Logger: slog.New(slog.DiscardHandler),
		Channels: Channels{"edogawa": {Secret: "s", AccessToken: "t"}}, Clock: clock})
	h2.q.readMarker(ctx)
	if h2.q.legacy() || h.q.legacy() {
		t.Fatalf("legacy look-ups still on %v after DedupTTL", h.cfg.DedupTTL)
	}
	es = batchOf(h2.q.shards[0], "ev", 3)
	if err := h2.q.lookup(ctx, h2.q.shards[0], nil, es); err != nil {
		t.Fatal(err)
	}
	if es[1].seen || es[2].prior != nil {
		t.Error("legacy keys read after DedupTTL")
	}
}
