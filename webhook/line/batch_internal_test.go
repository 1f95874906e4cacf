package line

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

type silentResponder struct{}

func (silentResponder) Respond(context.Context, bot.Message) (bot.Reply, error) {
	return bot.Reply{}, nil
}
func (silentResponder) Forget(context.Context, bot.Channel, string, string) error { return nil }

// batchOf makes n entries from user U<i%5> with event ids <tag><i>.
func batchOf(tag string, n int) []*entry {
	var es []*entry
	for i := range n {
		raw := fmt.Sprintf(`{"type":"message","webhookEventId":"%s%d","timestamp":1,"source":{"type":"user","userId":"U%d"},"message":{"type":"text","text":"x"}}`, tag, i, i%5)
		es = append(es, &entry{id: fmt.Sprintf("%d-%d", len(tag), i+1), municipality: "edogawa", raw: []byte(raw)})
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
	es := batchOf("ev", batch)
	// ev3 was handled before; ev4's reply was saved by an unfinished attempt;
	// ev0 comes twice in the batch.
	rdb.Set(ctx, h.q.key("done", "ev3"), "1", 0)
	rdb.Set(ctx, h.q.key("out", "ev4"), `{"reply":{"messages":[{"type":"text","text":"saved"}]}}`, 0)
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
	next := batchOf("nx", 4)
	next[2].raw = es[1].raw
	rt.Reset()
	if err := h.q.lookup(ctx, s, es, next); err != nil {
		t.Fatal(err)
	}
	if n := rt.Count(); n != 1 {
		t.Errorf("finishing %d events with the look-ups of %d took %d round trips, want 1", len(es), len(next), n)
	}
	for i := range batch - 1 {
		if n, _ := rdb.Exists(ctx, h.q.key("done", fmt.Sprintf("ev%d", i))).Result(); n != 1 {
			t.Errorf("ev%d not marked done", i)
		}
	}
	if n, _ := rdb.Exists(ctx, h.q.key("out", "ev4")).Result(); n != 0 {
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
	if n, _ := rdb.Exists(ctx, h.q.key("done", "nx3")).Result(); n != 1 {
		t.Error("nx3 not marked done")
	}
}
