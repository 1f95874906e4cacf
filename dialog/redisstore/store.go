// Package redisstore keeps dialog state in Redis: one JSON value per
// conversation, updated with optimistic concurrency so that two turns of the
// same resident arriving at once (a double tap, a LINE redelivery racing the
// original) never overwrite each other.
//
// Without a cache, an uncontended Update costs two round trips: a GET, then
// a compare-and-set script run with EVALSHA (falling back to EVAL the first
// time a server sees it). The script writes only if the value is still the
// one read.
//
// With Options.CacheSize, a Store also keeps the last value it read or wrote
// for each conversation, as a hint, and skips the GET: it runs fn on the hint
// and sends the hint as the value the script must find. That costs one round
// trip when this process saw the conversation's last turn, as on LINE, where
// a user's events are pinned to one instance. Because the script compares
// the whole stored value, a stale hint can never overwrite a newer state: the
// script refuses the write, and Update drops the hint and goes the
// two-round-trip way, for three in all.
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
	// writers keep winning the race (DefaultMaxAttempts when zero or less),
	// not counting the one run on a cached hint (see CacheSize).
	MaxAttempts int
	// CacheSize is how many conversations' last values the Store keeps in
	// memory, least recently used out first; zero or less keeps none, and
	// every Update reads the key first.
	//
	// A kept value is a hint, never trusted: Update runs fn on it and sends
	// the compare-and-set with it as the expected value, one round trip
	// instead of two. When another process has written the key since, or it
	// expired or was deleted, the script finds another value and refuses, so
	// no newer state is overwritten; Update then drops the hint and reads the
	// key (without backing off, and without using up an attempt), three round
	// trips in all. It pays for conversations whose turns mostly reach this
	// process: LINE's, whose events a shard lease pins to one instance. For
	// the web widget behind a load balancer with several replicas most hints
	// would be stale, so cmd/server caches LINE only (see ShouldCache).
	//
	// A kept value is the JSON already stored in Redis and the State it
	// decodes to, nothing more (no message text, no PIN): keeping the
	// decoded State saves decoding it on every turn. With its key and the
	// LRU's bookkeeping, an entry for a finished conversation (about 750
	// bytes of JSON with its recent message ids) takes about 2 KiB of heap,
	// so 10,000 entries take about 20 MiB.
	CacheSize int
	// ShouldCache reports whether a conversation's value is kept when
	// CacheSize is above zero; nil keeps every conversation's.
	ShouldCache func(dialog.Key) bool
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
	hints  *hintCache // nil without Options.CacheSize
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
	return &Store{client: client, opts: opts, hints: newHintCache(opts.CacheSize)}
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
//
// With a cached hint for key (Options.CacheSize), fn first runs on the hint.
// If the hint turns out stale, or fn returns an error on it, fn runs again on
// the value read from Redis, so an error Update returns from fn is always
// fn's answer to the stored state.
func (s *Store) Update(ctx context.Context, key dialog.Key, fn func(*dialog.State) error) (dialog.State, error) {
	k := s.key(key)
	hints := s.hintsFor(key)
	if st, done, err := s.updateOnHint(ctx, hints, k, fn); done {
		return st, err
	}
	for attempt := 0; attempt < s.opts.MaxAttempts; attempt++ {
		if attempt > 0 {
			if err := backoff(ctx, attempt); err != nil {
				return dialog.State{}, storeErr("update", err)
			}
		}
		old, exists, err := s.get(ctx, k)
		if err != nil {
			hints.forget(k)
			return dialog.State{}, storeErr("update: get", err)
		}
		st, err := s.decode(key, old, exists)
		if err != nil {
			hints.forget(k)
			return dialog.State{}, err
		}
		if exists {
			hints.remember(k, old, st)
		} else {
			hints.forget(k)
		}
		if err := fn(&st); err != nil {
			return dialog.State{}, err
		}
		val, err := s.seal(&st)
		if err != nil {
			return dialog.State{}, err
		}
		ok, err := s.compareAndSet(ctx, k, old, exists, val)
		if err != nil {
			hints.forget(k)
			return dialog.State{}, storeErr("update: set", err)
		}
		if ok {
			hints.remember(k, val, st)
			return st, nil
		}
		hints.forget(k)
	}
	return dialog.State{}, fmt.Errorf("redisstore: update gave up after %d attempts: %w: %w",
		s.opts.MaxAttempts, ErrConflict, dialog.ErrUnavailable)
}

// updateOnHint tries the update on the cached value of k alone, in one round
// trip, decoding nothing. done is false when there is no hint, the hint was
// stale, or fn refused it: Update then goes on as without a cache, with the
// hint dropped unless fn refused it.
func (s *Store) updateOnHint(ctx context.Context, hints *hintCache, k string, fn func(*dialog.State) error) (st dialog.State, done bool, err error) {
	old, st, ok := hints.get(k)
	if !ok {
		return dialog.State{}, false, nil
	}
	if err := fn(&st); err != nil {
		return dialog.State{}, false, nil
	}
	val, err := s.seal(&st)
	if err != nil {
		return dialog.State{}, true, err
	}
	ok, err = s.compareAndSet(ctx, k, old, true, val)
	if err != nil {
		// The write may or may not have been applied.
		hints.forget(k)
		return dialog.State{}, true, storeErr("update: set", err)
	}
	if !ok {
		hints.forget(k)
		return dialog.State{}, false, nil
	}
	hints.remember(k, val, st)
	return st, true, nil
}

// seal stamps st with the schema version and the time, and encodes it.
func (s *Store) seal(st *dialog.State) (string, error) {
	st.Version = dialog.SchemaVersion
	st.Updated = s.opts.Now()
	val, err := encode(*st)
	if err != nil {
		return "", fmt.Errorf("redisstore: update: %w", err)
	}
	return val, nil
}

// Delete implements dialog.Store. It also drops the cached hint of key,
// whether or not Redis answered.
func (s *Store) Delete(ctx context.Context, key dialog.Key) error {
	k := s.key(key)
	err := s.client.Del(ctx, k).Err()
	s.hints.forget(k)
	if err != nil {
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
