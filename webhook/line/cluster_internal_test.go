package line

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/internal/redistest"
)

// TestShardKeysShareASlot checks, on a real Redis Cluster, that every key
// a shard's batch touches (its stream, its lease, its events' done marks
// and saved replies) is in one hash slot, so that a batch's look-ups and
// acknowledgement run on one node, in order, and that the shards are
// spread over the nodes.
func TestShardKeysShareASlot(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	rdb := c.Client(t)
	h, err := New(Config{Responder: silentResponder{}, Redis: rdb, Logger: slog.New(slog.DiscardHandler),
		Channels: Channels{"edogawa": {Secret: "s", AccessToken: "t"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !h.q.perShard.Load() || h.q.legacy() {
		t.Errorf("on a cluster: perShard %v, legacy look-ups %v; want true, false", h.q.perShard.Load(), h.q.legacy())
	}
	ctx := context.Background()
	slot := func(k string) int64 {
		n, err := rdb.ClusterKeySlot(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	slots := map[int64]bool{}
	for _, s := range h.q.shards {
		want := slot(s.stream)
		slots[want] = true
		for _, k := range []string{s.lease, h.q.eventKey("done", s.tag, "01H810YECXQQZ37VAXPF6H9E6T"), h.q.eventKey("out", s.tag, "x:y{z}")} {
			if got := slot(k); got != want {
				t.Errorf("shard %d: %s in slot %d, its stream %s in %d", s.n, k, got, s.stream, want)
			}
		}
	}
	nodes := map[string]bool{}
	shards, err := rdb.ClusterShards(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shards {
		for _, r := range sh.Slots {
			for sl := range slots {
				if sl >= r.Start && sl <= r.End {
					nodes[sh.Nodes[0].ID] = true
				}
			}
		}
	}
	if len(nodes) != 3 {
		t.Errorf("the %d shards are on %d nodes, want 3", len(h.q.shards), len(nodes))
	}
}

// crossSlot is a go-redis hook that refuses, as a Cluster proxy would, an
// XREADGROUP naming more than one stream.
type crossSlot struct{ refused atomic.Int32 }

func (c *crossSlot) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *crossSlot) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if strings.EqualFold(cmd.Name(), "xreadgroup") && streamsOf(cmd.Args()) > 1 {
			c.refused.Add(1)
			err := errors.New("CROSSSLOT Keys in request don't hash to the same slot")
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}

// streamsOf returns how many streams an XREADGROUP's arguments name.
func streamsOf(args []any) int {
	for i, a := range args {
		if s, ok := a.(string); ok && strings.EqualFold(s, "streams") {
			return (len(args) - i - 1) / 2
		}
	}
	return 0
}

func (c *crossSlot) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestCrossSlotReadSwitchesToPerShard checks that a queue whose
// multi-stream read is refused with CROSSSLOT (a managed Redis that keeps
// a Cluster's rules behind one address) reads each shard on its own and
// answers its events.
func TestCrossSlotReadSwitchesToPerShard(t *testing.T) {
	rdb := redistest.Client(t)
	hook := &crossSlot{}
	rdb.AddHook(hook)
	done := make(chan EventResult, 10)
	h, err := New(Config{Responder: silentResponder{}, Redis: rdb, Prefix: redistest.Prefix(t), Logger: slog.New(slog.DiscardHandler),
		Channels: Channels{"edogawa": {Secret: "s", AccessToken: "t"}}, Shards: 4, LeaseTTL: 900 * time.Millisecond,
		OnEvent: func(r EventResult) { done <- r }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); _ = h.Run(ctx) }()
	defer func() { cancel(); <-stopped }()
	raw := `{"type":"unfollow","webhookEventId":"cs1","timestamp":1,"source":{"type":"user","userId":"U1"},"mode":"active","deliveryContext":{"isRedelivery":false}}`
	raws, evs, err := parseCallback([]byte(`{"destination":"U","events":[` + raw + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.q.enqueue(ctx, "edogawa", raws, evs); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.EventID != "cs1" || r.Outcome != OutcomeSilent {
			t.Errorf("result %+v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("event not handled after the CROSSSLOT refusal")
	}
	if hook.refused.Load() == 0 || !h.q.perShard.Load() {
		t.Errorf("refused %d multi-stream reads; perShard %v", hook.refused.Load(), h.q.perShard.Load())
	}
}
