package line_test

import (
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// TestClusterEndToEnd runs two instances on a real three-master Redis
// Cluster: signed webhooks from 20 users, 10 messages each, spread over
// both instances, are every one answered once, each user's in order. On a
// cluster, every multi-key command and every pipeline whose order matters
// must stay within one hash slot (CROSSSLOT otherwise).
func TestClusterEndToEnd(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	e := newEnvOn(t, c.Client(t))
	noResults := func(c *line.Config) { c.OnEvent = nil }
	ins := []*inst{e.start(noResults), e.start(noResults)}
	l := startLoad(e, ins, 20, 10, 5*time.Millisecond)
	f := l.finish(t, 30*time.Second, 300*time.Millisecond)
	if f.replies != 200 || f.pushes != 0 {
		t.Errorf("%d replies and %d pushes, want 200 replies", f.replies, f.pushes)
	}
}
