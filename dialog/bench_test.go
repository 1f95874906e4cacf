package dialog_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

// BenchmarkTurn measures one full dialog turn (understanding, a state update
// in Redis, the rules engine when the checklist is due), on miniredis and,
// when TEST_REDIS_URL is set, on the real Redis, and reports Redis round
// trips per turn: with the store's cache of the last state (as the server
// has for LINE, 1 round trip a turn) and without (as for the widget, 2).
func BenchmarkTurn(b *testing.B) {
	caches := []struct {
		name string
		size int
	}{{"cache", 100}, {"nocache", 0}}
	for _, c := range caches {
		b.Run("miniredis/"+c.name, func(b *testing.B) {
			mr := miniredis.RunT(b)
			benchTurn(b, &redis.Options{Addr: mr.Addr()}, c.size)
		})
	}
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		return
	}
	for _, c := range caches {
		b.Run("redis/"+c.name, func(b *testing.B) {
			opts, err := redis.ParseURL(url)
			if err != nil {
				b.Fatal(err)
			}
			benchTurn(b, opts, c.size)
		})
	}
}

func benchTurn(b *testing.B, opts *redis.Options, cacheSize int) {
	client := redis.NewClient(opts)
	b.Cleanup(func() { client.Close() })
	hook := &redistest.RoundTrips{}
	client.AddHook(hook)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	prefix := "bench:" + time.Now().Format("150405.000000") + ":"
	store := redisstore.New(client, redisstore.Options{Prefix: prefix, Logger: logger, CacheSize: cacheSize})
	e := dialog.New(dialog.Config{KB: loadKB(b), Store: store, Logger: logger})
	today := bot.NewDate(2026, time.January, 10)
	// A realistic cycle: free-text answers to every question, ending with
	// the checklist, then a reset.
	turns := []string{"35歳", "夫が行きます", "持ってます", "変わってない", "令和8年3月24日", "最初から"}
	ctx := context.Background()
	b.Cleanup(func() {
		keys, _ := client.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			client.Del(ctx, keys...)
		}
	})
	b.ReportAllocs()
	hook.Reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := e.Respond(ctx, bot.Message{Channel: bot.ChannelWeb, Municipality: "edogawa", User: "bench-user",
			Text: turns[i%len(turns)], Today: &today})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(hook.Count())/float64(b.N), "roundtrips/op")
}
