package redisstore_test

import (
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

// cached is the options of a Store with a hint cache for every conversation.
var cached = redisstore.Options{CacheSize: 100}

// step is an fn that counts a turn and records tag in the history.
func step(tag string) func(*dialog.State) error {
	return func(s *dialog.State) error {
		s.Turns++
		s.History = append(s.History, tag)
		return nil
	}
}

// seeing is step(tag) that also appends each state fn is called on to seen.
func seeing(seen *[]dialog.State, tag string) func(*dialog.State) error {
	return func(s *dialog.State) error {
		c := *s
		c.History = slices.Clone(s.History)
		*seen = append(*seen, c)
		return step(tag)(s)
	}
}

// update runs s.Update(k, fn), failing the test on an error.
func update(tb testing.TB, s *redisstore.Store, k dialog.Key, fn func(*dialog.State) error) dialog.State {
	tb.Helper()
	st, err := s.Update(context.Background(), k, fn)
	if err != nil {
		tb.Fatalf("Update %v: %v", k, err)
	}
	return st
}

// warmScript has the server load the compare-and-set script, so that round
// trips counted afterwards do not include its first EVAL.
func warmScript(tb testing.TB, e env) {
	tb.Helper()
	update(tb, e.store, key("warm-up"), step("warm-up"))
}

// TestCacheRoundTrips counts what a first and a second turn cost, with and
// without the cache, and for conversations the cache leaves out.
func TestCacheRoundTrips(t *testing.T) {
	lineOnly := func(k dialog.Key) bool { return k.Channel == bot.ChannelLINE }
	lineKey := dialog.Key{Channel: bot.ChannelLINE, Municipality: "nerima", User: "U4af4980629000000000000000000000a"}
	tests := []struct {
		name string
		opts redisstore.Options
		key  dialog.Key
		want []int64 // round trips of turns 1, 2, 3
	}{
		{"no cache", redisstore.Options{}, key("web-session"), []int64{2, 2, 2}},
		{"cache", cached, key("web-session"), []int64{2, 1, 1}},
		{"cache, conversation left out", redisstore.Options{CacheSize: 100, ShouldCache: lineOnly}, key("web-session"), []int64{2, 2, 2}},
		{"cache, conversation kept", redisstore.Options{CacheSize: 100, ShouldCache: lineOnly}, lineKey, []int64{2, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts)
			warmScript(t, e)
			counter := e.countTrips()
			for i, want := range tt.want {
				var saved dialog.State
				n := trips(counter, func() { saved = update(t, e.store, tt.key, step("t")) })
				if n != want {
					t.Errorf("turn %d: %d round trips, want %d", i+1, n, want)
				}
				if saved.Turns != i+1 {
					t.Errorf("turn %d saved turns=%d", i+1, saved.Turns)
				}
			}
			if got := e.read(t, tt.key); got.Turns != len(tt.want) {
				t.Errorf("stored turns=%d, want %d", got.Turns, len(tt.want))
			}
		})
	}
}

// TestCacheSeesOtherReplicasWrite has two Stores, as two instances would,
// take turns on one conversation: neither loses the other's turns, and a
// stale hint costs one round trip more than no cache.
func TestCacheSeesOtherReplicasWrite(t *testing.T) {
	e := newEnv(t, cached)
	other := e.replica(cached)
	k := key("moved-session")
	warmScript(t, e)
	counter := e.countTrips()

	update(t, e.store, k, step("a1"))
	update(t, other, k, step("b1"))
	var seen []dialog.State
	var saved dialog.State
	n := trips(counter, func() { saved = update(t, e.store, k, seeing(&seen, "a2")) })
	if n != 3 {
		t.Errorf("Update after another Store wrote: %d round trips, want 3 (stale hint, GET, write)", n)
	}
	if len(seen) == 0 || seen[len(seen)-1].Turns != 2 || !slices.Equal(seen[len(seen)-1].History, []string{"a1", "b1"}) {
		t.Errorf("fn last saw %+v, want the other Store's state (turns 2, history a1 b1)", seen)
	}
	if want := []string{"a1", "b1", "a2"}; saved.Turns != 3 || !slices.Equal(saved.History, want) {
		t.Errorf("saved turns=%d history=%v, want 3 and %v", saved.Turns, saved.History, want)
	}
	if n := trips(counter, func() { update(t, e.store, k, step("a3")) }); n != 1 {
		t.Errorf("next Update: %d round trips, want 1 (hint current again)", n)
	}
	// The other Store's hint is now stale in turn.
	saved = update(t, other, k, step("b2"))
	if want := []string{"a1", "b1", "a2", "a3", "b2"}; saved.Turns != 5 || !slices.Equal(saved.History, want) {
		t.Errorf("other Store saved turns=%d history=%v, want 5 and %v", saved.Turns, saved.History, want)
	}
	if got := e.read(t, k); got.Turns != 5 {
		t.Errorf("stored turns=%d, want 5", got.Turns)
	}
}

// TestCacheFnErrorSeesStoredState checks that an error from fn is fn's
// answer to the stored state, not to a stale hint.
func TestCacheFnErrorSeesStoredState(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, cached)
	other := e.replica(cached)
	k := key("refusing-session")
	update(t, e.store, k, step("a1"))
	update(t, other, k, step("b1"))
	before, _ := e.raw(t, k)
	boom := errors.New("boom")
	var seen []int
	_, err := e.store.Update(ctx, k, func(s *dialog.State) error {
		seen = append(seen, s.Turns)
		return boom
	})
	if err != boom {
		t.Fatalf("Update = %v, want fn's error as is", err)
	}
	if len(seen) == 0 || seen[len(seen)-1] != 2 {
		t.Errorf("fn saw turns %v, want its error to come from the stored turns=2", seen)
	}
	if after, _ := e.raw(t, k); after != before {
		t.Errorf("failed Update changed the value from %s to %s", before, after)
	}
}

// TestCacheAfterDelete checks that a conversation deleted by this Store or
// another starts over from a zero State.
func TestCacheAfterDelete(t *testing.T) {
	for _, by := range []string{"this store", "another store"} {
		t.Run(by, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, cached)
			deleter := e.store
			if by == "another store" {
				deleter = e.replica(cached)
			}
			k := key("deleted-session")
			update(t, e.store, k, step("a1"))
			update(t, e.store, k, step("a2"))
			if err := deleter.Delete(ctx, k); err != nil {
				t.Fatal(err)
			}
			if _, ok := deleter.Hint(k); ok {
				t.Error("Delete left its hint")
			}
			var seen []dialog.State
			saved := update(t, e.store, k, seeing(&seen, "after"))
			if len(seen) == 0 || seen[len(seen)-1].Turns != 0 || seen[len(seen)-1].History != nil {
				t.Errorf("fn last saw %+v, want a zero State", seen)
			}
			if saved.Turns != 1 || !slices.Equal(saved.History, []string{"after"}) {
				t.Errorf("saved turns=%d history=%v, want a fresh start", saved.Turns, saved.History)
			}
			if by == "this store" && len(seen) != 1 {
				t.Errorf("fn ran %d times after this Store's Delete, want once (no hint left)", len(seen))
			}
		})
	}
}

// TestCacheAfterExpiry lets a conversation's key expire under a hint: the
// next turn starts from a zero State.
func TestCacheAfterExpiry(t *testing.T) {
	const ttl = 200 * time.Millisecond
	var client redis.UniversalClient
	var elapse func()
	if os.Getenv(redistest.EnvURL) == "" {
		m := miniredis.RunT(t)
		c := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { _ = c.Close() })
		client, elapse = c, func() { m.FastForward(2 * ttl) }
	} else {
		client, elapse = redistest.Client(t), func() { time.Sleep(2 * ttl) }
	}
	opts := cached
	opts.TTL = ttl
	e := newEnvOn(t, client, opts)
	k := key("expired-session")
	update(t, e.store, k, step("a1"))
	update(t, e.store, k, step("a2"))
	if _, ok := e.store.Hint(k); !ok {
		t.Fatal("no hint after two turns")
	}
	elapse()
	if raw, ok := e.raw(t, k); ok {
		t.Fatalf("key still holds %s after its time to live", raw)
	}
	var seen []dialog.State
	saved := update(t, e.store, k, seeing(&seen, "after"))
	if len(seen) == 0 || seen[len(seen)-1].Turns != 0 {
		t.Errorf("fn last saw %+v, want a zero State", seen)
	}
	if saved.Turns != 1 {
		t.Errorf("saved turns=%d, want 1", saved.Turns)
	}
}

// TestCacheForgetsOnRedisError loses the reply of a write that Redis did
// apply: the Store cannot know the key's value, so it must drop its hint
// and read the key on the next turn.
func TestCacheForgetsOnRedisError(t *testing.T) {
	e := newEnv(t, cached)
	k := key("lost-reply-session")
	update(t, e.store, k, step("a1"))
	if _, ok := e.store.Hint(k); !ok {
		t.Fatal("no hint after a turn")
	}
	lose := &loseScriptReplies{}
	e.client.AddHook(lose)
	counter := e.countTrips()
	lose.on.Store(true)
	_, err := e.store.Update(context.Background(), k, step("a2"))
	lose.on.Store(false)
	if !errors.Is(err, dialog.ErrUnavailable) {
		t.Fatalf("Update = %v, want dialog.ErrUnavailable", err)
	}
	if h, ok := e.store.Hint(k); ok {
		t.Errorf("hint %s kept after a Redis error", h)
	}
	var seen []dialog.State
	var saved dialog.State
	n := trips(counter, func() { saved = update(t, e.store, k, seeing(&seen, "a3")) })
	if n != 2 || len(seen) != 1 {
		t.Errorf("next Update: %d round trips, fn ran %d times; want 2 and once (GET, write)", n, len(seen))
	}
	if want := []string{"a1", "a2", "a3"}; saved.Turns != 3 || !slices.Equal(saved.History, want) {
		t.Errorf("saved turns=%d history=%v, want 3 and %v (the applied write kept)", saved.Turns, saved.History, want)
	}
}

// loseScriptReplies is a go-redis hook that, while on, lets EVAL and
// EVALSHA run and then fails them as a connection dropped before the reply.
type loseScriptReplies struct {
	noHook
	on atomic.Bool
}

func (l *loseScriptReplies) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if n := cmd.Name(); l.on.Load() && (n == "eval" || n == "evalsha") {
			cmd.SetErr(io.ErrUnexpectedEOF)
			return io.ErrUnexpectedEOF
		}
		return err
	}
}

// TestCacheKeepsTheDecodedState checks the State kept with a hint: it is
// the one its raw value decodes to, after a write and after a read, so a
// turn on a hint sees what a turn on the stored value would.
func TestCacheKeepsTheDecodedState(t *testing.T) {
	e := newEnv(t, cached)
	other := e.replica(cached)
	k := key("decoded-session")
	check := func(when string) {
		t.Helper()
		h, ok := e.store.HintState(k)
		if !ok {
			t.Fatalf("%s: no hint", when)
		}
		if raw, _ := e.raw(t, k); h.Raw() != raw {
			t.Fatalf("%s: hint %s, stored %s", when, h.Raw(), raw)
		}
		want, err := redisstore.Parse([]byte(h.Raw()))
		if err != nil {
			t.Fatal(err)
		}
		if got := h.State(); !sameState(got, want) {
			t.Errorf("%s: kept state\n%+v\nraw decodes to\n%+v", when, got, want)
		}
	}
	yes := true
	update(t, e.store, k, func(s *dialog.State) error {
		s.Slots.HasNotice = &yes
		return step("a1")(s)
	})
	check("after a write")
	update(t, other, k, step("b1"))
	boom := errors.New("refused")
	if _, err := e.store.Update(context.Background(), k, func(*dialog.State) error { return boom }); err != boom {
		t.Fatalf("Update = %v, want %v", err, boom)
	}
	check("after reading another Store's write")
}

// TestCacheHandsOutCopies has fn change everything it can reach in the
// State it got from a hint, then refuse: the hint must be as it was, so
// that the next turn does not see a refused turn's changes.
func TestCacheHandsOutCopies(t *testing.T) {
	e := newEnv(t, cached)
	k := key("copy-session")
	yes := true
	update(t, e.store, k, func(s *dialog.State) error {
		s.Slots.HasNotice = &yes
		return step("a1")(s)
	})
	update(t, e.store, k, step("a2")) // has a Before, Recent stays empty
	before, _ := e.store.HintState(k)
	beforeState := before.State().Clone()
	boom := errors.New("refused")
	_, err := e.store.Update(context.Background(), k, func(s *dialog.State) error {
		*s.Slots.HasNotice = false
		s.History[0] = "changed"
		s.History = append(s.History, "more")
		s.Turns = 99
		return boom
	})
	if err != boom {
		t.Fatalf("Update = %v, want %v", err, boom)
	}
	after, ok := e.store.HintState(k)
	if !ok || after.Raw() != before.Raw() || !sameState(after.State(), beforeState) {
		t.Fatalf("hint changed by a refused fn:\n%+v\nwas\n%+v", after.State(), beforeState)
	}
	var seen []dialog.State
	saved := update(t, e.store, k, seeing(&seen, "a3"))
	if want := []string{"a1", "a2", "a3"}; !slices.Equal(saved.History, want) || !*saved.Slots.HasNotice || saved.Turns != 3 {
		t.Errorf("next turn saved history=%v has_notice=%v turns=%d, want %v, true, 3", saved.History, *saved.Slots.HasNotice, saved.Turns, want)
	}
}

// sameState reports whether a and b are equal, their Updated times as
// instants (a decoded time has a fixed zone where the written one has
// Asia/Tokyo).
func sameState(a, b dialog.State) bool {
	if !a.Updated.Equal(b.Updated) {
		return false
	}
	a.Updated = b.Updated
	return reflect.DeepEqual(a, b)
}
