package line_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// loseReads is a go-redis hook that lets the server run a read of new
// stream entries (XREADGROUP … >) and then reports it failed, as when the
// connection drops after Redis answered (a restart, a failover, a
// timeout): the entries are pending on the reader, which never saw them.
type loseReads struct{ left, lost atomic.Int32 }

func (h *loseReads) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *loseReads) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err == nil && h.lose(cmd) {
			return cmd.Err()
		}
		return err
	}
}

func (h *loseReads) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, c := range cmds {
			if c.Err() == nil && h.lose(c) {
				err = c.Err()
			}
		}
		return err
	}
}

// lose fails cmd if it is a read of new entries that took some, while
// reads are left to lose.
func (h *loseReads) lose(cmd redis.Cmder) bool {
	c, ok := cmd.(*redis.XStreamSliceCmd)
	if !ok || !strings.EqualFold(cmd.Name(), "xreadgroup") || cmd.Args()[len(cmd.Args())-1] != ">" || len(c.Val()) == 0 {
		return false
	}
	if h.left.Add(-1) < 0 {
		return false
	}
	h.lost.Add(1)
	c.SetVal(nil)
	c.SetErr(errors.New("read tcp: i/o timeout (the answer was lost)"))
	return true
}

// TestLostReadIsRecovered loses the answer of the reads that took events
// (on one server, one read for all shards; on a cluster, a read per shard)
// and checks that a single instance, which keeps its shards, still
// answers every event, once: it re-reads its own pending entries after
// the last it saw.
func TestLostReadIsRecovered(t *testing.T) {
	for _, cluster := range []bool{false, true} {
		name := "server"
		if cluster {
			name = "cluster"
		}
		t.Run(name, func(t *testing.T) {
			var rdb redis.UniversalClient
			if cluster {
				rdb = redistest.StartCluster(t, 3).Client(t)
			} else {
				rdb = redistest.Client(t)
			}
			hook := &loseReads{}
			hook.left.Store(3)
			rdb.AddHook(hook)
			e := newEnvOn(t, rdb)
			in := e.start(func(c *line.Config) { c.LeaseTTL = 30 * time.Second }) // keeps its shards
			for i := range 6 {
				id := loadID(i%2, i)
				in.postSigned(t, textEvent("U00"+id[3:4], id, fixtureTime+int64(i), id))
			}
			rs := e.wait(6)
			seen := map[string]int{}
			for _, r := range rs {
				seen[r.EventID]++
				if r.Outcome != line.OutcomeReplied {
					t.Errorf("%s: %s", r.EventID, r.Outcome)
				}
			}
			if len(seen) != 6 {
				t.Errorf("answered %v", seen)
			}
			e.quiet(300 * time.Millisecond)
			if hook.lost.Load() == 0 {
				t.Error("no read was lost: the test tested nothing")
			}
			if n := len(e.api.Calls("/v2/bot/message/reply")); n != 6 {
				t.Errorf("%d replies, want 6", n)
			}
		})
	}
}
