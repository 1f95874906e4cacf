package redisstore_test

import (
	"context"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

// BenchmarkUpdate measures one uncontended turn on a typical mid-dialog
// state, against miniredis and, when TEST_REDIS_URL is set, the real Redis.
// roundtrips/op counts commands and pipelines sent (a go-redis hook), after
// a first turn has loaded the script.
func BenchmarkUpdate(b *testing.B) {
	backends := []struct {
		name   string
		client func(b *testing.B) redis.UniversalClient
	}{
		{"miniredis", func(b *testing.B) redis.UniversalClient {
			c := redis.NewClient(&redis.Options{Addr: miniredis.RunT(b).Addr()})
			b.Cleanup(func() { _ = c.Close() })
			return c
		}},
		{"redis", func(b *testing.B) redis.UniversalClient {
			if os.Getenv(redistest.EnvURL) == "" {
				b.Skipf("%s is not set", redistest.EnvURL)
			}
			return redistest.Client(b)
		}},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			c := be.client(b)
			counter := &redistest.RoundTrips{}
			c.AddHook(counter)
			s := redisstore.New(c, redisstore.Options{Prefix: redistest.Prefix(b)})
			ctx := context.Background()
			k := dialog.Key{Channel: bot.ChannelLINE, Municipality: "yokohama", User: "U4af4980629a1b2c3d4e5f60718293a4b"}
			expiry := bot.NewDate(2025, 7, 7)
			turn := func(st *dialog.State) error {
				st.Slots = bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true), ExpiryDate: &expiry}
				st.Asking = "ward"
				st.History = []string{"age_group", "visitor", "has_notice", "expiry_date"}
				st.Turns++
				return nil
			}
			if _, err := s.Update(ctx, k, turn); err != nil {
				b.Fatal(err)
			}
			counter.Reset()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Update(ctx, k, turn); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(counter.Count())/float64(b.N), "roundtrips/op")
		})
	}
}
