package redisstore

import (
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/madoguchi/madoguchi/dialog"
)

// hintCache holds, per Redis key, the last raw value this Store read from or
// wrote to that key (Options.CacheSize), with the State it decodes to, so
// that a turn on a hint decodes no JSON. It is only ever a hint: Update runs
// fn on (a copy of) the State and sends the raw value as the expected old
// value of the compare-and-set.
// The script compares the full stored value with it, so a stale hint (another
// replica wrote since, the key expired, was deleted, or holds an older or
// newer state) cannot overwrite anything: the script refuses it, the hint is
// dropped, and Update reads the key as it does without a cache. A stale hint
// costs one round trip, never a turn. The one value a stale hint could be
// taken for is the very value Update is about to write (the script takes
// that for its own replayed write); that needs fn on the stale state to give
// the stored state byte for byte, its Updated timestamp to the nanosecond
// included.
//
// A nil *hintCache caches nothing, so callers need no checks. It is safe for
// concurrent use; two Updates of one key in this process may race on its
// entry, which at worst leaves a stale hint.
type hintCache struct {
	lru *lru.Cache[string, hint]
}

// hint is a raw stored value and the State it decodes to. The State is
// never handed out or changed: get returns a deep copy.
type hint struct {
	raw string
	st  dialog.State
}

// newHintCache returns a cache of up to size values, or nil when size is 0
// or less.
func newHintCache(size int) *hintCache {
	if size <= 0 {
		return nil
	}
	c, err := lru.New[string, hint](size)
	if err != nil {
		// lru.New fails only for a size of 0 or less.
		panic("redisstore: " + err.Error())
	}
	return &hintCache{lru: c}
}

// get returns the hint for k: the raw value and a copy of its State, which
// the caller may change.
func (h *hintCache) get(k string) (string, dialog.State, bool) {
	if h == nil {
		return "", dialog.State{}, false
	}
	v, ok := h.lru.Get(k)
	if !ok {
		return "", dialog.State{}, false
	}
	return v.raw, v.st.Clone(), true
}

// remember records that k holds val, which decodes to st (a copy is kept).
func (h *hintCache) remember(k, val string, st dialog.State) {
	if h != nil {
		h.lru.Add(k, hint{raw: val, st: st.Clone()})
	}
}

// forget drops the hint for k.
func (h *hintCache) forget(k string) {
	if h != nil {
		h.lru.Remove(k)
	}
}

// hintsFor returns the hint cache to use for key: nil when the Store has
// none or Options.ShouldCache leaves key out.
func (s *Store) hintsFor(key dialog.Key) *hintCache {
	if s.hints == nil || (s.opts.ShouldCache != nil && !s.opts.ShouldCache(key)) {
		return nil
	}
	return s.hints
}
