package redisstore_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

// TestUpdateLosesNoConcurrentTurn races writers on one key: every turn must
// be in the final state exactly once. With caches, the writers share two
// Stores, as two instances would, so hints keep going stale.
func TestUpdateLosesNoConcurrentTurn(t *testing.T) {
	const writers = 50
	for _, tt := range []struct {
		name    string
		opts    redisstore.Options
		stores  int
		cluster bool
	}{
		{"one store without cache", redisstore.Options{}, 1, false},
		{"two stores with caches", redisstore.Options{CacheSize: 100}, 2, false},
		{"two stores with caches on a cluster", redisstore.Options{CacheSize: 100}, 2, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var e env
			if tt.cluster {
				e = newEnvOn(t, redistest.StartCluster(t, 3).Client(t), tt.opts)
			} else {
				e = newEnv(t, tt.opts)
			}
			stores := []*redisstore.Store{e.store}
			for len(stores) < tt.stores {
				stores = append(stores, e.replica(tt.opts))
			}
			k := key("concurrent-session")
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			for i := range writers {
				write := func() {
					_, err := stores[i%len(stores)].Update(context.Background(), k, func(s *dialog.State) error {
						s.History = append(s.History, strconv.Itoa(i))
						s.Turns++
						return nil
					})
					if err != nil {
						errs <- err
					}
				}
				// The first turn of each Store comes alone, so that every
				// Store holds a hint (all stale but one) when the race starts.
				if i < len(stores) {
					write()
				} else {
					wg.Go(write)
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("Update: %v", err)
			}
			got := e.read(t, k)
			if got.Turns != writers {
				t.Errorf("turns = %d, want %d", got.Turns, writers)
			}
			var want []string
			for i := range writers {
				want = append(want, strconv.Itoa(i))
			}
			slices.SortFunc(got.History, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
			if !slices.Equal(got.History, want) {
				t.Errorf("history = %v, want each of 0..%d once", got.History, writers-1)
			}
		})
	}
}

// TestUpdateGivesUpUnderEndlessConflict has fn change the key behind the
// Store's back on every attempt, so every compare-and-set fails.
func TestUpdateGivesUpUnderEndlessConflict(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, redisstore.Options{MaxAttempts: 3})
	k := key("contended-session")
	calls := 0
	_, err := e.store.Update(ctx, k, func(s *dialog.State) error {
		calls++
		return e.client.Set(ctx, e.redisKey(k), `{"v":1,"turns":`+strconv.Itoa(calls)+`}`, 0).Err()
	})
	if !errors.Is(err, redisstore.ErrConflict) || !errors.Is(err, dialog.ErrUnavailable) {
		t.Errorf("Update = %v, want ErrConflict and dialog.ErrUnavailable", err)
	}
	if calls != 3 {
		t.Errorf("fn ran %d times, want MaxAttempts = 3", calls)
	}
}

// TestUpdateReplayedWriteIsNoConflict sends every script call twice, as
// go-redis does when it retries a command whose reply was lost: the turn
// must be applied once, not taken for a conflict and run again, whether the
// write was checked against a value read or against a cached hint.
func TestUpdateReplayedWriteIsNoConflict(t *testing.T) {
	for _, opts := range []redisstore.Options{{}, {CacheSize: 100}} {
		t.Run("cache="+strconv.Itoa(opts.CacheSize), func(t *testing.T) {
			e := newEnv(t, opts)
			e.client.AddHook(replayScripts{})
			k := key("replayed-session")
			for turn := 1; turn <= 3; turn++ {
				calls := 0
				saved, err := e.store.Update(context.Background(), k, func(s *dialog.State) error {
					calls++
					s.Turns++
					return nil
				})
				if err != nil {
					t.Fatalf("turn %d: %v", turn, err)
				}
				if calls != 1 || saved.Turns != turn {
					t.Errorf("turn %d: fn ran %d times, turns=%d; want once, turns=%d", turn, calls, saved.Turns, turn)
				}
			}
		})
	}
}

// replayScripts is a go-redis hook that runs EVAL and EVALSHA twice.
type replayScripts struct{ noHook }

func (replayScripts) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); n == "eval" || n == "evalsha" {
			if err := next(ctx, cmd); err != nil {
				return err
			}
		}
		return next(ctx, cmd)
	}
}

// noHook passes everything through; embed it to hook one thing.
type noHook struct{}

func (noHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (noHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return next
}
func (noHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestStoreOnCluster writes, reads and deletes conversations spread over
// the nodes of a real three-master Redis Cluster.
func TestStoreOnCluster(t *testing.T) {
	e := newEnvOn(t, redistest.StartCluster(t, 3).Client(t), redisstore.Options{})
	ctx := context.Background()
	for i := range 30 {
		k := key("cluster-session-" + strconv.Itoa(i))
		for range 2 {
			if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns++; return nil }); err != nil {
				t.Fatalf("Update %v: %v", k, err)
			}
		}
		if got := e.read(t, k); got.Turns != 2 {
			t.Errorf("%v: turns = %d, want 2", k, got.Turns)
		}
		if d := e.pttl(t, k); d <= 0 || d > redisstore.DefaultTTL {
			t.Errorf("%v: time to live %v", k, d)
		}
		if err := e.store.Delete(ctx, k); err != nil {
			t.Fatalf("Delete %v: %v", k, err)
		}
		if _, ok := e.raw(t, k); ok {
			t.Errorf("%v still stored after Delete", k)
		}
	}
}
