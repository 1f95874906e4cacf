package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

// TestStateStoreCachesLINEOnly checks the server's state store options: a
// LINE conversation's next turn costs one round trip, the widget's two.
func TestStateStoreCachesLINEOnly(t *testing.T) {
	ctx := context.Background()
	client := redistest.Client(t)
	opts := stateStoreOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))
	opts.Prefix = redistest.Prefix(t)
	store := redisstore.New(client, opts)
	counter := &redistest.RoundTrips{}
	client.AddHook(counter)
	turn := func(s *dialog.State) error { s.Turns++; return nil }
	for _, tt := range []struct {
		channel bot.Channel
		want    int64
	}{{bot.ChannelLINE, 1}, {bot.ChannelWeb, 2}} {
		k := dialog.Key{Channel: tt.channel, Municipality: "nerima", User: "state-cache-user"}
		if _, err := store.Update(ctx, k, turn); err != nil {
			t.Fatal(err)
		}
		counter.Reset()
		if _, err := store.Update(ctx, k, turn); err != nil {
			t.Fatal(err)
		}
		if n := counter.Count(); n != tt.want {
			t.Errorf("%s: second turn took %d round trips, want %d", tt.channel, n, tt.want)
		}
	}
}
