package redistest_test

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/internal/redistest"
)

func TestPrefix(t *testing.T) {
	parent := redistest.Prefix(t)
	if again := redistest.Prefix(t); again != parent {
		t.Errorf("Prefix changed between calls: %q then %q", parent, again)
	}
	if !strings.HasSuffix(parent, ":") || strings.ContainsAny(parent, "*?[]\\ ") {
		t.Errorf("Prefix %q: want a trailing colon and no glob characters or spaces", parent)
	}
	seen := map[string]string{parent: t.Name()}
	for _, name := range []string{"a case", "a*case", "a case"} {
		t.Run(name, func(t *testing.T) {
			p := redistest.Prefix(t)
			if !strings.HasPrefix(p, strings.TrimSuffix(parent, ":")+"/") {
				t.Errorf("subtest prefix %q does not extend the parent's %q", p, parent)
			}
			if strings.ContainsAny(p, "*?[]\\ ") {
				t.Errorf("Prefix %q holds glob characters or spaces", p)
			}
			if other, dup := seen[p]; dup {
				t.Errorf("%s and %s share the prefix %q", t.Name(), other, p)
			}
			seen[p] = t.Name()
		})
	}
}

func TestClientAnswers(t *testing.T) {
	ctx := context.Background()
	c := redistest.Client(t)
	k := redistest.Prefix(t) + "k"
	if err := c.Set(ctx, k, "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, k).Result(); err != nil || got != "v" {
		t.Errorf("GET = %q, %v; want v", got, err)
	}
}

// TestClientCleansUp checks on the real server that a test's keys, and its
// subtests', are gone once it ends, and that nobody else's are touched.
func TestClientCleansUp(t *testing.T) {
	url := os.Getenv(redistest.EnvURL)
	if url == "" {
		t.Skipf("%s is not set; a miniredis vanishes with its test", redistest.EnvURL)
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	observer := redis.NewClient(opts)
	defer observer.Close()
	ctx := context.Background()
	bystander := redistest.Prefix(t) + "bystander"
	if err := observer.Set(ctx, bystander, "keep", 0).Err(); err != nil {
		t.Fatal(err)
	}
	defer observer.Del(ctx, bystander)

	var written []string
	t.Run("inner", func(t *testing.T) {
		c := redistest.Client(t)
		written = append(written, redistest.Prefix(t)+"own")
		t.Run("sub", func(t *testing.T) {
			written = append(written, redistest.Prefix(t)+"sub")
		})
		for _, k := range written {
			if err := c.Set(ctx, k, "x", 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
	})
	if n := observer.Exists(ctx, written...).Val(); n != 0 {
		t.Errorf("%d of %v left after the test ended", n, written)
	}
	if observer.Exists(ctx, bystander).Val() != 1 {
		t.Errorf("cleanup deleted %s, which is outside the test's prefix", bystander)
	}
}

// TestCluster starts a real three-master cluster and checks that keys of
// every slot range are served and that a multi-key command runs when its
// keys share a hash tag (and fails with CROSSSLOT when they do not: the
// cluster is real).
func TestCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	cl := c.Client(t)
	ctx := context.Background()
	for i := range 30 {
		k := "k" + strings.Repeat("x", i)
		if err := cl.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
	var nodes atomic.Int32
	if err := cl.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		n, err := m.DBSize(ctx).Result()
		if n > 0 {
			nodes.Add(1)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if nodes.Load() != 3 {
		t.Errorf("keys on %d masters, want 3", nodes.Load())
	}
	if err := cl.MSet(ctx, "{t}a", "1", "{t}b", "2").Err(); err != nil {
		t.Errorf("MSET with one hash tag: %v", err)
	}
	if err := cl.Do(ctx, "MSET", "a", "1", "b", "2").Err(); err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Errorf("MSET across slots: %v, want CROSSSLOT", err)
	}
	if u := c.URL(); !strings.HasPrefix(u, "redis://127.0.0.1:") || strings.Count(u, "&addr=") != 1 || strings.Contains(u, ":6379") {
		t.Errorf("URL %q", u)
	}
}

// TestSentinel starts a primary, a replica and three sentinels, writes
// through the failover client, fails over and reads the value back from
// the new primary, then writes there.
func TestSentinel(t *testing.T) {
	start := time.Now()
	s := redistest.StartSentinel(t)
	t.Logf("set-up ready in %v", time.Since(start).Round(time.Millisecond))
	c := s.Client(t)
	ctx := context.Background()
	if err := c.Set(ctx, "k", "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "WAIT", 1, 1000).Err(); err != nil {
		t.Fatal(err)
	}
	old, err := s.PrimaryAddr(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	primary := s.Failover(t)
	t.Logf("failover done in %v", time.Since(start).Round(time.Millisecond))
	if primary == old || s.Server(primary) == nil {
		t.Fatalf("failover from %s to %s", old, primary)
	}
	var v string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if v, err = c.Get(ctx, "k").Result(); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if v != "before" {
		t.Fatalf("after the failover GET = %q, %v", v, err)
	}
	if err := c.Set(ctx, "k", "after", 0).Err(); err != nil {
		t.Fatalf("write after the failover: %v", err)
	}
	// The old primary becomes a replica only after the sentinels' next
	// look at it, 8 to 18 s later: the fault tests wait for that
	// (Server.AwaitInSync), this one need not.
}

// TestServerRestartKeepsAOF writes to a server of the test's own with the
// AOF on, restarts it with SIGTERM and kills it with SIGKILL, and reads the
// data back each time.
func TestServerRestartKeepsAOF(t *testing.T) {
	s := redistest.StartServer(t, "appendonly yes", "appendfsync always")
	c := s.Client(t)
	ctx := context.Background()
	if err := c.Set(ctx, "k", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Restart()
	if v, err := c.Get(ctx, "k").Result(); v != "1" {
		t.Fatalf("after SIGTERM and start: %q, %v", v, err)
	}
	if err := c.Set(ctx, "k", "2", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Kill()
	s.Start()
	if v, err := c.Get(ctx, "k").Result(); v != "2" {
		t.Fatalf("after SIGKILL and start: %q, %v", v, err)
	}
}
