package redistest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cluster is a real Redis Cluster of a test's own: masters redis-server
// processes with cluster-enabled, on free loopback ports, the 16,384 hash
// slots split evenly between them, no replicas. It is torn down when the
// test ends.
type Cluster struct {
	Nodes []*Server
}

// clusterBus is the offset of a node's cluster bus port from its port
// (Redis's default, so no cluster-port directive is needed).
const clusterBus = 10000

// StartCluster starts a cluster of masters nodes (3 when masters < 3),
// with conf added to each node's configuration (see StartServer), and
// waits until every node reports cluster_state:ok. The nodes are joined with
// CLUSTER MEET and given their slots with CLUSTER ADDSLOTS, as
// `redis-cli --cluster create` does, so redis-cli is not needed.
func StartCluster(tb testing.TB, masters int, conf ...string) *Cluster {
	tb.Helper()
	masters = max(masters, 3)
	c := &Cluster{}
	for range masters {
		c.Nodes = append(c.Nodes, startServer(tb, false, clusterBus, append([]string{
			"cluster-enabled yes",
			"cluster-config-file nodes.conf",
			"cluster-node-timeout 5000",
			// A test's cluster has no replica to fail over to: keep
			// serving the slots that are up when a node is down.
			"cluster-require-full-coverage no",
		}, conf...)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clients := make([]*redis.Client, masters)
	for i, n := range c.Nodes {
		clients[i] = redis.NewClient(&redis.Options{Addr: n.Addr})
		defer clients[i].Close()
	}
	const slots = 16384
	for i, cl := range clients {
		from, to := i*slots/masters, (i+1)*slots/masters
		ss := make([]int, 0, to-from)
		for s := from; s < to; s++ {
			ss = append(ss, s)
		}
		if err := cl.ClusterAddSlots(ctx, ss...).Err(); err != nil {
			tb.Fatalf("redistest: CLUSTER ADDSLOTS on %s: %v", c.Nodes[i].Addr, err)
		}
	}
	for _, n := range c.Nodes[1:] {
		host, port, _ := net.SplitHostPort(n.Addr)
		if err := clients[0].ClusterMeet(ctx, host, port).Err(); err != nil {
			tb.Fatalf("redistest: CLUSTER MEET %s: %v", n.Addr, err)
		}
	}
	for i, cl := range clients {
		waitFor(tb, 30*time.Second, "cluster node "+c.Nodes[i].Addr+" ready", func(ctx context.Context) error {
			info, err := cl.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			state, known, assigned := infoField(info, "cluster_state"), infoField(info, "cluster_known_nodes"), infoField(info, "cluster_slots_assigned")
			if state != "ok" || known != strconv.Itoa(masters) || assigned != strconv.Itoa(slots) {
				return fmt.Errorf("cluster_state:%s cluster_known_nodes:%s cluster_slots_assigned:%s", state, known, assigned)
			}
			// Every node must know every other's slots, or a client
			// seeded from it would be sent back and forth.
			ranges, err := cl.ClusterSlots(ctx).Result()
			if err != nil {
				return err
			}
			if len(ranges) != masters {
				return fmt.Errorf("%d slot ranges known, want %d", len(ranges), masters)
			}
			return nil
		})
	}
	return c
}

// Addrs returns the nodes' host:port addresses.
func (c *Cluster) Addrs() []string {
	var out []string
	for _, n := range c.Nodes {
		out = append(out, n.Addr)
	}
	return out
}

// URL is the cluster's REDIS_URL in the README's Cluster form:
// redis://node1?addr=node2&addr=node3.
func (c *Cluster) URL() string {
	addrs := c.Addrs()
	return "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
}

// Client returns a cluster client of the cluster, closed when tb ends.
func (c *Cluster) Client(tb testing.TB) *redis.ClusterClient {
	cl := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	tb.Cleanup(func() { _ = cl.Close() })
	return cl
}
