package line_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// failRenewals is a go-redis hook that fails an instance's lease scripts
// (alone or in a pipeline, as the renewals go) while on is set, as when
// its Redis calls hang or its network is cut; with all, every command.
type failRenewals struct {
	on  atomic.Bool
	all bool
}

func (h *failRenewals) fails(cmd redis.Cmder) bool {
	n := cmd.Name()
	return h.on.Load() && (h.all || (n == "evalsha" || n == "eval") && strings.Contains(cmd.String(), "lease:"))
}

func (h *failRenewals) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *failRenewals) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if h.fails(cmd) {
			err := errors.New("i/o timeout (test)")
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}
func (h *failRenewals) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if slices.ContainsFunc(cmds, h.fails) {
			err := errors.New("i/o timeout (test)")
			for _, c := range cmds {
				c.SetErr(err)
			}
			return err
		}
		return next(ctx, cmds)
	}
}

// stallAfterTurn is a Responder that, for the text "slow", applies the
// turn and then stalls before it returns the reply: an instance paused
// between its state write and its reply (a GC pause, SIGSTOP, a hung call).
type stallAfterTurn struct {
	bot.Responder
	stall time.Duration
}

func (s stallAfterTurn) Respond(ctx context.Context, m bot.Message) (bot.Reply, error) {
	r, err := s.Responder.Respond(ctx, m)
	if m.Text == "slow" {
		time.Sleep(s.stall)
	}
	return r, err
}

// TestStalledInstanceSendsNothingAfterItsLease stalls an instance in an
// event's turn while its lease cannot be renewed, longer than the lease:
// the other instance takes the shard over and answers the event (the
// engine tells it the turn was applied). When the stalled instance wakes,
// its lease is over, and it must not send its reply too (the token is
// used: it would push a second copy), nor anything after it.
func TestStalledInstanceSendsNothingAfterItsLease(t *testing.T) {
	// A real Redis (miniredis expires keys only when told to: the lease
	// would never lapse).
	srv := redistest.StartServer(t)
	e := newEnvOn(t, srv.Client(t))
	hook := &failRenewals{}
	aClient := srv.Client(t)
	aClient.AddHook(hook)
	one := func(c *line.Config) { c.Shards = 1 }
	a := e.start(func(c *line.Config) {
		one(c)
		c.Redis = aClient
		c.Responder = stallAfterTurn{e.engine, 3 * time.Second}
	})
	waitOwns(t, e, a)
	e.start(one) // b: no shard free yet
	a.postSigned(t, textEvent("Ustall", "stall-1", fixtureTime, "slow"))
	time.Sleep(100 * time.Millisecond) // a is in the turn
	hook.on.Store(true)
	r := e.wait(1)[0] // b, after the lease lapsed
	if r.Outcome != line.OutcomeReplied {
		t.Errorf("the instance that took over: %s, want replied", r.Outcome)
	}
	time.Sleep(3500 * time.Millisecond) // a wakes
	if n, p := len(e.api.Calls("/v2/bot/message/reply")), len(e.api.Calls("/v2/bot/message/push")); n != 2 || p != 0 {
		t.Errorf("%d replies and %d pushes, want 2 replies (warm-1, stall-1)", n, p)
	}
}

// waitOwns waits until in's workers hold a shard: a first event is
// answered.
func waitOwns(t *testing.T, e *env, in *inst) {
	t.Helper()
	in.postSigned(t, textEvent("Uwarm", "warm-1", fixtureTime, "warm"))
	e.wait(1)
}
