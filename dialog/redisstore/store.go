// Package redisstore keeps dialog state in Redis: one JSON value per
// conversation, updated with optimistic concurrency so that two turns of the
// same resident arriving at once (a double tap, a LINE redelivery racing the
// original) never overwrite each other.
//
// An uncontended Update costs two round trips: a GET, then a compare-and-set
// script run with EVALSHA (falling back to EVAL the first time a server sees
// it). The script writes only if the value is still the one read.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/dialog"
)

// The defaults of Options.
const (
	DefaultTTL         = 24 * time.Hour
	DefaultPrefix      = "madoguchi:"
	DefaultMaxAttempts = 100
)

// Options configures a Store. The zero value gives the defaults.
type Options struct {
	// TTL is how long a conversation is kept after its last turn
	// (DefaultTTL when zero or negative).
	TTL time.Duration
	// Prefix starts every key the Store writes (DefaultPrefix when empty).
	Prefix string
	// MaxAttempts bounds how often fn is run for one Update when other
	// writers keep winning the race (DefaultMaxAttempts when zero or less).
	MaxAttempts int
	// Now is the clock that stamps State.Updated (time.Now when nil).
	Now func() time.Time
	// Logger receives a warning when a stored state is corrupt and is
	// discarded; it never receives the state's content or the user id
	// (slog.Default() when nil).
	Logger *slog.Logger
}

// Store is a dialog.Store backed by Redis. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	opts   Options
}

var _ dialog.Store = (*Store)(nil)

// New returns a Store on client; the client stays the caller's to close.
func New(client redis.UniversalClient, opts Options) *Store {
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Store{client: client, opts: opts}
}

// key returns the Redis key of a conversation:
// <prefix>state:<channel>:<municipality>:<user>. The user comes last, so a
// colon in it cannot make two conversations share a key.
func (s *Store) key(k dialog.Key) string {
	return s.opts.Prefix + "state:" + string(k.Channel) + ":" + k.Municipality + ":" + k.User
}

// Update implements dialog.Store. Errors from Redis wrap dialog.ErrUnavailable
// (the turn was not applied), as do ErrConflict and ErrNewerSchema; an error
// from fn is returned as is and nothing is written.
//
// If Redis fails after the write was applied but before its reply arrived,
// Update still reports ErrUnavailable; a resident who then repeats the turn
// applies it twice. A replayed write (go-redis retrying the script) is
// recognised and not counted as a conflict, so fn is never re-run for it.
func (s *Store) Update(ctx context.Context, key dialog.Key, fn func(*dialog.State) error) (dialog.State, error) {
	k := s.key(key)
	for attempt := 0; attempt < s.opts.MaxAttempts; attempt++ {
		if attempt > 0 {
			if err := backoff(ctx, attempt); err != nil {
				return dialog.State{}, storeErr("update", err)
			}
		}
		old, exists, err := s.get(ctx, k)
		if err != nil {
			return dialog.State{}, storeErr("update: get", err)
		}
		st, err := s.decode(key, old, exists)
		if err != nil {
			return dialog.State{}, err
		}
		if err := fn(&st); err != nil {
			return dialog.State{}, err
		}
		st.Version = dialog.SchemaVersion
		st.Updated = s.opts.Now()
		val, err := encode(st)
		if err != nil {
			return dialog.State{}, fmt.Errorf("redisstore: update: %w", err)
		}
		ok, err := s.compareAndSet(ctx, k, old, exists, val)
		if err != nil {
			return dialog.State{}, storeErr("update: set", err)
		}
		if ok {
			return st, nil
		}
	}
	return dialog.State{}, fmt.Errorf("redisstore: update gave up after %d attempts: %w: %w",
		s.opts.MaxAttempts, ErrConflict, dialog.ErrUnavailable)
}

// Delete implements dialog.Store.
func (s *Store) Delete(ctx context.Context, key dialog.Key) error {
	if err := s.client.Del(ctx, s.key(key)).Err(); err != nil {
		return storeErr("delete", err)
	}
	return nil
}

// get reads the raw value of k; exists is false when there is none.
func (s *Store) get(ctx context.Context, k string) (val string, exists bool, err error) {
	val, err = s.client.Get(ctx, k).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return val, true, nil
}

// backoff sleeps a short random time that grows with attempt, so that
// writers racing on one key spread out instead of colliding again.
func backoff(ctx context.Context, attempt int) error {
	limit := min(50*time.Microsecond<<min(attempt, 10), 5*time.Millisecond)
	t := time.NewTimer(rand.N(limit) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
