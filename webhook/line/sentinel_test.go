package line_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// sentinelClient returns a client made from the set-up's REDIS_URL in the
// README's Sentinel form, as cmd/server makes it.
func sentinelClient(t *testing.T, s *redistest.Sentinel) *redis.Client {
	t.Helper()
	o, err := redis.ParseFailoverURL(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewFailoverClient(o)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestSentinelEndToEnd runs two instances through a real Sentinel set-up
// (a primary, a replica, three sentinels): 100 events from 10 users, each
// answered once, in order.
func TestSentinelEndToEnd(t *testing.T) {
	s := redistest.StartSentinel(t)
	e := newEnvOn(t, sentinelClient(t, s))
	noResults := func(c *line.Config) { c.OnEvent = nil }
	ins := []*inst{e.start(noResults), e.start(noResults)}
	l := startLoad(e, ins, 10, 10, 5*time.Millisecond)
	if f := l.finish(t, 30*time.Second, 300*time.Millisecond); f.replies != 100 || f.pushes != 0 {
		t.Errorf("%d replies and %d pushes, want 100 replies", f.replies, f.pushes)
	}
}

// TestFaultSentinelFailoverUnderLoad fails the primary over (SENTINEL
// FAILOVER) while two instances, each with a client of its own, answer a
// steady load of webhooks: every acknowledged event must be answered
// once, each user's in order. A webhook refused during the failover is
// sent again, as LINE redelivers.
func TestFaultSentinelFailoverUnderLoad(t *testing.T) {
	redistest.Fault(t)
	s := redistest.StartSentinel(t)
	e := newEnvOn(t, sentinelClient(t, s))
	// As cmd/server with a Sentinel URL: each webhook's events reach the
	// replica before it is answered 200.
	wait := func(c *line.Config) { c.OnEvent, c.WaitReplicas = nil, 1 }
	ins := []*inst{e.start(wait), e.start(func(c *line.Config) {
		wait(c)
		c.Redis = sentinelClient(t, s)
	})}
	const users, per = 20, 60
	l := startLoad(e, ins, users, per, 50*time.Millisecond)
	l.waitSent(users * per / 3)
	start, sent := time.Now(), l.sent.Load()
	primary := s.Failover(t)
	t.Logf("failed over to %s in %v, from %d events acknowledged", primary, time.Since(start).Round(time.Millisecond), sent)
	l.finish(t, 60*time.Second, time.Second)
}

// TestWaitReplicasRefusesUnreplicated checks Config.WaitReplicas: with
// the replica in sync, webhooks are answered 200 and their events
// handled; with the replica down, the events cannot reach a replica, so
// the webhook answers 503 (LINE redelivers) rather than 200; with the
// replica back, 200 again.
func TestWaitReplicasRefusesUnreplicated(t *testing.T) {
	primary := redistest.StartServer(t)
	replica := redistest.StartReplica(t, primary)
	e := newEnvOn(t, primary.Client(t))
	// 2 s, not less: under a loaded CI machine a replica in sync has
	// answered WAIT after more than 200 ms, and the first webhook got 503.
	in := e.start(func(c *line.Config) { c.WaitReplicas, c.WaitTimeout = 1, 2*time.Second })
	in.postSigned(t, textEvent("Uwait", "wait-1", fixtureTime, "one"))
	e.wait(1)
	replica.Kill()
	body := textEvent("Uwait", "wait-2", fixtureTime+1, "two")
	if w := in.post(t, "edogawa", body, sign(body, secret)); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("webhook with the replica down: %d %s, want 503", w.Code, w.Body)
	}
	replica.Start()
	replica.AwaitInSync(t)
	in.postSigned(t, body) // LINE's redelivery
	// The refused webhook's event was recorded on the primary all the
	// same: wait-2 is there twice, and answered once.
	outcomes := map[line.Outcome]int{}
	for _, r := range e.wait(2) {
		outcomes[r.Outcome]++
	}
	if outcomes[line.OutcomeReplied] != 1 || outcomes[line.OutcomeDuplicate] != 1 {
		t.Errorf("outcomes of wait-2 %v, want one replied, one duplicate", outcomes)
	}
	e.quiet(300 * time.Millisecond)
	if got := e.engine.Turns("Uwait"); strings.Join(got, ",") != "one,two" {
		t.Errorf("turns %q, want one,two", got)
	}
}

// TestAttemptMarkSurvivesRollback plays what a failover (or a restart
// that lost its last writes) does to an event answered just before it:
// the attempt mark, replicated before the reply, survives; the engine's
// state and the done key, written after, are gone, and the event is
// handled again. The token is then known to be possibly used: "Invalid
// reply token" means delivered, and nothing is pushed.
func TestAttemptMarkSurvivesRollback(t *testing.T) {
	primary := redistest.StartServer(t)
	redistest.StartReplica(t, primary)
	rdb := primary.Client(t)
	e := newEnvOn(t, rdb)
	in := e.start(func(c *line.Config) { c.WaitReplicas = 1 })
	body := textEvent("Uroll", "roll-1", fixtureTime, "one")
	in.postSigned(t, body)
	if r := e.wait(1)[0]; r.Outcome != line.OutcomeReplied {
		t.Fatalf("first answer: %s", r.Outcome)
	}
	ctx := context.Background()
	mark, done := in.h.EventKey("try", "edogawa", "Uroll", "roll-1"), in.h.EventKey("done", "edogawa", "Uroll", "roll-1")
	for deadline := time.Now().Add(5 * time.Second); rdb.Exists(ctx, done).Val() == 0; { // the acknowledgement
		if time.Now().After(deadline) {
			t.Fatal("the event was not acknowledged")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := rdb.Set(ctx, mark, "1", time.Hour).Err(); err != nil { // dropped by the acknowledgement, which is rolled back
		t.Fatal(err)
	}
	if err := rdb.Del(ctx, done, e.prefix+"fake-engine:Uroll").Err(); err != nil {
		t.Fatal(err)
	}
	in.postSigned(t, body) // the entry, pending again
	if r := e.wait(1)[0]; r.Outcome != line.OutcomeReplied {
		t.Errorf("second handling: %s, want replied (already delivered)", r.Outcome)
	}
	if n, p := len(e.api.Calls("/v2/bot/message/reply")), len(e.api.Calls("/v2/bot/message/push")); n != 1 || p != 0 {
		t.Errorf("%d replies and %d pushes, want the one reply", n, p)
	}
	for deadline := time.Now().Add(5 * time.Second); rdb.Exists(ctx, mark).Val() != 0; { // the acknowledgement drops it
		if time.Now().After(deadline) {
			t.Fatal("the attempt mark is kept after the event was finished")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
