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

// TestBatchCostsTwoRoundTrips checks what a shard worker's batch costs the
// queue itself in Redis: one round trip to learn about all its events and
// one to finish them all, however many events the batch holds.
func TestBatchCostsTwoRoundTrips(t *testing.T) {
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
	var es []*entry
	for i := range batch {
		raw := fmt.Sprintf(`{"type":"message","webhookEventId":"ev%d","timestamp":1,"source":{"type":"user","userId":"U%d"},"message":{"type":"text","text":"x"}}`, i, i%5)
		es = append(es, &entry{id: fmt.Sprintf("%d-0", i+1), municipality: "edogawa", raw: []byte(raw)})
	}
	// ev3 was handled before; ev4's reply was saved by an unfinished attempt;
	// ev0 comes twice in the batch.
	rdb.Set(ctx, h.q.key("done", "ev3"), "1", 0)
	rdb.Set(ctx, h.q.key("out", "ev4"), `{"reply":{"messages":[{"type":"text","text":"saved"}]}}`, 0)
	es[batch-1].raw = es[0].raw

	if err := h.prepare(ctx, es); err != nil { // warm the connection pool
		t.Fatal(err)
	}
	rt.Reset()
	if err := h.prepare(ctx, es); err != nil {
		t.Fatal(err)
	}
	if n := rt.Count(); n != 1 {
		t.Errorf("prepare of %d events took %d round trips, want 1", len(es), n)
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
	rt.Reset()
	h.q.finish(ctx, s, es)
	if n := rt.Count(); n != 1 {
		t.Errorf("finishing %d events took %d round trips, want 1", len(es), n)
	}
	for i := range batch - 1 {
		if n, _ := rdb.Exists(ctx, h.q.key("done", fmt.Sprintf("ev%d", i))).Result(); n != 1 {
			t.Errorf("ev%d not marked done", i)
		}
	}
	if n, _ := rdb.Exists(ctx, h.q.key("out", "ev4")).Result(); n != 0 {
		t.Error("ev4's saved reply kept after it was finished")
	}
}
