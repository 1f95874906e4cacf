package line_test

import (
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// TestFaultRedisRestartUnderLoad restarts a Redis of the test's own,
// with the append-only file on, while two instances answer a steady load
// of webhooks: every acknowledged event must be answered once, each
// user's in order. Redis is down for a second each time (twice), and the
// webhooks refused meanwhile are sent again, as LINE redelivers.
//
//   - SIGTERM with appendfsync everysec: an operator's restart. Redis
//     writes its AOF out before it exits, so nothing acknowledged is lost.
//   - SIGKILL with appendfsync always: a crash. Redis writes and fsyncs
//     the AOF before it answers, so nothing it acknowledged is lost. (With
//     everysec a crash of the process usually loses nothing either, the
//     writes being in the kernel already, but Redis may delay a write
//     behind a slow fsync for up to 2 s, and a crash of the machine loses
//     up to a second: for LINE's promise, always is the safe setting.)
func TestFaultRedisRestartUnderLoad(t *testing.T) {
	redistest.Fault(t)
	for _, tt := range []struct {
		name  string
		fsync string
		kill  bool
	}{
		{"SIGTERM with appendfsync everysec", "everysec", false},
		{"SIGKILL with appendfsync always", "always", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.StartServer(t, "appendonly yes", "appendfsync "+tt.fsync)
			e := newEnvOn(t, srv.Client(t))
			// Users write faster than their turns are answered, so that
			// hundreds of acknowledged events wait in the queue when Redis
			// goes down.
			e.engine.delay = 15 * time.Millisecond
			noResults := func(c *line.Config) { c.OnEvent = nil }
			ins := []*inst{e.start(noResults), e.start(func(c *line.Config) {
				c.OnEvent, c.Redis = nil, srv.Client(t)
			})}
			const users, per = 20, 100
			l := startLoad(e, ins, users, per, 10*time.Millisecond)
			for round := 1; round <= 2; round++ {
				l.waitSent(round * users * per / 3)
				start, sent := time.Now(), l.sent.Load()
				queued := sent - int64(len(e.api.Calls("/v2/bot/message/reply")))
				if tt.kill {
					srv.Kill()
				} else {
					srv.Stop()
				}
				time.Sleep(time.Second) // down long enough for webhooks to be refused
				srv.Start()
				t.Logf("Redis down and back (data loaded) in %v, with %d events acknowledged, about %d of them not answered yet", time.Since(start).Round(time.Millisecond), sent, queued)
			}
			l.finish(t, 60*time.Second, time.Second)
		})
	}
}
