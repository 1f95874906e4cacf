package line_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
	"github.com/redis/go-redis/v9"
)

// TestGoneConsumersAreDeleted runs four generations of one replica, each
// under a new consumer name (as a restarted process gets), on a real
// redis-server: once a generation has taken the shards over, the streams'
// consumer group lists only it, so the group does not grow with every
// restart; and nothing is lost or answered twice on the way.
func TestGoneConsumersAreDeleted(t *testing.T) {
	srv := redistest.StartServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { rdb.Close() })
	e := newEnvOn(t, rdb)
	const users = 16 // over the 8 shards
	for gen := range 4 {
		name := fmt.Sprintf("replica-gen-%d", gen)
		in := e.start(func(c *line.Config) { c.Consumer = name })
		for u := range users {
			user := fmt.Sprintf("Ugone%02d", u)
			in.postSigned(t, textEvent(user, fmt.Sprintf("%s-g%d", user, gen), fixtureTime+int64(gen), fmt.Sprintf("m%d", gen)))
		}
		e.wait(users)
		consumers := streamConsumers(t, rdb, e.prefix)
		t.Logf("generation %d: consumers %v", gen, consumers)
		for _, c := range consumers {
			if c != name {
				t.Errorf("generation %d: the group still lists %q", gen, c)
			}
		}
		if len(consumers) == 0 {
			t.Fatalf("generation %d: no consumer in any stream's group (are the streams under %s?)", gen, e.prefix)
		}
		in.shutdown()
	}
	if n := len(e.api.Calls("/v2/bot/message/reply")); n != 4*users {
		t.Errorf("%d replies, want %d", n, 4*users)
	}
}

// streamConsumers returns the distinct consumer names of every stream's
// groups under prefix.
func streamConsumers(t *testing.T, rdb *redis.Client, prefix string) []string {
	t.Helper()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		if typ, _ := rdb.Type(ctx, k).Result(); typ != "stream" {
			continue
		}
		groups, err := rdb.XInfoGroups(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			cs, err := rdb.XInfoConsumers(ctx, k, g.Name).Result()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if !slices.Contains(out, c.Name) {
					out = append(out, c.Name)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}
