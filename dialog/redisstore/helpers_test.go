package redisstore_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

// now is the clock of every test Store.
var now = time.Date(2025, 5, 1, 10, 0, 0, 0, bot.Japan)

// env is a Store on the test Redis, with what a test needs to look behind it.
type env struct {
	store  *redisstore.Store
	client redis.UniversalClient
	prefix string
}

// newEnv returns a Store on redistest's Redis under tb's own prefix. opts'
// Prefix, Now and (unless set) Logger are filled in.
func newEnv(tb testing.TB, opts redisstore.Options) env {
	tb.Helper()
	return newEnvOn(tb, redistest.Client(tb), opts)
}

// newEnvOn is newEnv on a client of the test's choosing.
func newEnvOn(tb testing.TB, c redis.UniversalClient, opts redisstore.Options) env {
	tb.Helper()
	e := env{client: c, prefix: redistest.Prefix(tb)}
	e.store = e.replica(opts)
	return e
}

// replica returns another Store on e's Redis and prefix, as another
// instance of the server has: with its own cache, if opts asks for one.
// opts' Prefix, Now and (unless set) Logger are filled in.
func (e env) replica(opts redisstore.Options) *redisstore.Store {
	opts.Prefix = e.prefix
	opts.Now = func() time.Time { return now }
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return redisstore.New(e.client, opts)
}

// countTrips adds a round-trip counter to e's client; trips then measures
// what one call sends.
func (e env) countTrips() *redistest.RoundTrips {
	c := &redistest.RoundTrips{}
	e.client.AddHook(c)
	return c
}

// trips returns the round trips counted while f ran.
func trips(c *redistest.RoundTrips, f func()) int64 {
	c.Reset()
	f()
	return c.Count()
}

// redisKey is the documented key of k, spelled out independently of the
// Store so that a change of key format fails the tests.
func (e env) redisKey(k dialog.Key) string {
	return e.prefix + "state:" + string(k.Channel) + ":" + k.Municipality + ":" + k.User
}

// raw returns the stored value of k, "" with ok false when there is none.
func (e env) raw(tb testing.TB, k dialog.Key) (string, bool) {
	tb.Helper()
	v, err := e.client.Get(context.Background(), e.redisKey(k)).Result()
	if err == redis.Nil {
		return "", false
	}
	if err != nil {
		tb.Fatalf("GET %s: %v", e.redisKey(k), err)
	}
	return v, true
}

// put stores a raw value for k with a time to live of an hour.
func (e env) put(tb testing.TB, k dialog.Key, v string) {
	tb.Helper()
	if err := e.client.Set(context.Background(), e.redisKey(k), v, time.Hour).Err(); err != nil {
		tb.Fatalf("SET %s: %v", e.redisKey(k), err)
	}
}

// pttl returns the remaining time to live of k.
func (e env) pttl(tb testing.TB, k dialog.Key) time.Duration {
	tb.Helper()
	d, err := e.client.PTTL(context.Background(), e.redisKey(k)).Result()
	if err != nil {
		tb.Fatalf("PTTL %s: %v", e.redisKey(k), err)
	}
	return d
}

// key returns a conversation key for user on the web channel in Nerima.
func key(user string) dialog.Key {
	return dialog.Key{Channel: bot.ChannelWeb, Municipality: "nerima", User: user}
}

// read returns the current state of k through the Store, without changing it
// (fn fails, so nothing is written).
func (e env) read(tb testing.TB, k dialog.Key) dialog.State {
	tb.Helper()
	var got dialog.State
	_, err := e.store.Update(context.Background(), k, func(s *dialog.State) error {
		got = *s
		return errRead
	})
	if err != errRead {
		tb.Fatalf("reading %v: %v", k, err)
	}
	return got
}

var errRead = readError{}

type readError struct{}

func (readError) Error() string { return "read only" }
