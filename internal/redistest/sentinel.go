package redistest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name the sentinels of StartSentinel monitor.
const SentinelMaster = "mymaster"

// Sentinel is a real Sentinel set-up of a test's own: a primary, a replica
// of it and three sentinels (redis-server --sentinel, so no redis-sentinel
// binary is needed), all on free loopback ports. It is torn down when the
// test ends.
type Sentinel struct {
	// Servers are the primary and the replica as started; after a failover
	// the roles are swapped (see PrimaryAddr).
	Servers   []*Server
	Sentinels []*Server
}

// StartSentinel starts the set-up with conf added to the data servers'
// configuration (both of them) and waits until every sentinel knows the
// primary, its replica and the two other sentinels, and the replica is in
// sync. Sentinels judge a primary down after 2 s without an answer.
func StartSentinel(tb testing.TB, conf ...string) *Sentinel {
	tb.Helper()
	s := &Sentinel{}
	primary := StartServer(tb, conf...)
	replica := StartReplica(tb, primary, conf...)
	s.Servers = []*Server{primary, replica}
	host, port, _ := net.SplitHostPort(primary.Addr)
	for range 3 {
		s.Sentinels = append(s.Sentinels, startServer(tb, true, 0, []string{
			"sentinel monitor " + SentinelMaster + " " + host + " " + port + " 2",
			"sentinel down-after-milliseconds " + SentinelMaster + " 2000",
			"sentinel failover-timeout " + SentinelMaster + " 10000",
			"sentinel parallel-syncs " + SentinelMaster + " 1",
		}))
	}
	for _, sn := range s.Sentinels {
		c := redis.NewSentinelClient(&redis.Options{Addr: sn.Addr})
		defer c.Close()
		waitFor(tb, 30*time.Second, "sentinel "+sn.Addr+" ready", func(ctx context.Context) error {
			m, err := c.Master(ctx, SentinelMaster).Result()
			if err != nil {
				return err
			}
			if m["num-slaves"] != "1" || m["num-other-sentinels"] != "2" || m["flags"] != "master" {
				return fmt.Errorf("sentinel sees num-slaves=%s num-other-sentinels=%s flags=%s", m["num-slaves"], m["num-other-sentinels"], m["flags"])
			}
			return nil
		})
	}
	return s
}

// StartReplica starts a replica of primary with conf added to the
// defaults of StartServer, and waits until it is in sync.
func StartReplica(tb testing.TB, primary *Server, conf ...string) *Server {
	tb.Helper()
	replica := StartServer(tb, append([]string{"replicaof " + strings.Replace(primary.Addr, ":", " ", 1)}, conf...)...)
	replica.AwaitInSync(tb)
	return replica
}

// AwaitInSync waits until s is a replica in sync with its primary.
func (s *Server) AwaitInSync(tb testing.TB) {
	tb.Helper()
	waitFor(tb, 60*time.Second, s.Addr+" in sync as a replica", func(ctx context.Context) error {
		return inSync(ctx, s.Addr)
	})
}

// inSync reports nil when the server at addr is a replica whose link to
// its primary is up and not syncing.
func inSync(ctx context.Context, addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	info, err := c.Info(ctx, "replication").Result()
	if err != nil {
		return err
	}
	if role, link, syncing := infoField(info, "role"), infoField(info, "master_link_status"), infoField(info, "master_sync_in_progress"); role != "slave" || link != "up" || syncing != "0" {
		return fmt.Errorf("role:%s master_link_status:%s master_sync_in_progress:%s", role, link, syncing)
	}
	return nil
}

// SentinelAddrs returns the sentinels' host:port addresses.
func (s *Sentinel) SentinelAddrs() []string {
	var out []string
	for _, n := range s.Sentinels {
		out = append(out, n.Addr)
	}
	return out
}

// URL is the set-up's REDIS_URL in the README's Sentinel form:
// redis://sentinel1?master_name=mymaster&addr=sentinel2&addr=sentinel3.
func (s *Sentinel) URL() string {
	a := s.SentinelAddrs()
	return "redis://" + a[0] + "?master_name=" + SentinelMaster + "&addr=" + strings.Join(a[1:], "&addr=")
}

// Client returns a failover client through the sentinels, closed when tb
// ends.
func (s *Sentinel) Client(tb testing.TB) *redis.Client {
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMaster, SentinelAddrs: s.SentinelAddrs()})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// PrimaryAddr returns the primary's address as the first sentinel that
// answers sees it.
func (s *Sentinel) PrimaryAddr(ctx context.Context) (string, error) {
	var last error
	for _, sn := range s.Sentinels {
		c := redis.NewSentinelClient(&redis.Options{Addr: sn.Addr, MaxRetries: -1})
		a, err := c.GetMasterAddrByName(ctx, SentinelMaster).Result()
		_ = c.Close()
		if err == nil && len(a) == 2 {
			return net.JoinHostPort(a[0], a[1]), nil
		}
		last = err
	}
	return "", fmt.Errorf("no sentinel names the primary: %v", last)
}

// Server returns the data server at addr, or nil.
func (s *Sentinel) Server(addr string) *Server {
	for _, d := range s.Servers {
		if d.Addr == addr {
			return d
		}
	}
	return nil
}

// Failover asks a sentinel for a failover (SENTINEL FAILOVER: the replica
// is promoted, the old primary made its replica) and waits until every
// sentinel names the new primary, it answers as a primary, and the old one
// is back in sync as its replica. It returns the new primary's address.
func (s *Sentinel) Failover(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	old, err := s.PrimaryAddr(ctx)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	c := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinels[0].Addr})
	defer c.Close()
	if err := c.Failover(ctx, SentinelMaster).Err(); err != nil {
		tb.Fatalf("redistest: SENTINEL FAILOVER: %v", err)
	}
	return s.awaitNewPrimary(tb, old)
}

// awaitNewPrimary waits until every sentinel names a primary other than
// old, that server answers with role:master, and old (if it runs) is in
// sync as its replica. It returns the new primary's address.
func (s *Sentinel) awaitNewPrimary(tb testing.TB, old string) string {
	tb.Helper()
	var primary string
	waitFor(tb, 60*time.Second, "failover away from "+old, func(ctx context.Context) error {
		primary = ""
		for _, sn := range s.Sentinels {
			c := redis.NewSentinelClient(&redis.Options{Addr: sn.Addr, MaxRetries: -1})
			a, err := c.GetMasterAddrByName(ctx, SentinelMaster).Result()
			_ = c.Close()
			if err != nil {
				return err
			}
			addr := net.JoinHostPort(a[0], a[1])
			if addr == old || (primary != "" && addr != primary) {
				return fmt.Errorf("sentinel %s names %s", sn.Addr, addr)
			}
			primary = addr
		}
		c := redis.NewClient(&redis.Options{Addr: primary, MaxRetries: -1})
		defer c.Close()
		info, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		if role := infoField(info, "role"); role != "master" {
			return fmt.Errorf("%s answers role:%s", primary, role)
		}
		return nil
	})
	return primary
}
