package versions

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"sync"
	"time"

	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/redis/go-redis/v9"
)

// Target receives each newly published knowledge base; knowledge.Provider
// implements it. Set must swap atomically: a reader holding the previous KB
// keeps using it.
type Target interface {
	Current() *knowledge.KB
	Set(*knowledge.KB)
}

// DefaultInterval is how often a Watcher checks the version numbers when no
// notification comes (a lost pub/sub message, a reconnect).
const DefaultInterval = 500 * time.Millisecond

// Watcher keeps a Target on the newest version of every unit.
type Watcher struct {
	s        *Store
	target   Target
	interval time.Duration

	mu     sync.Mutex
	served map[string]int // the versions the target serves
}

// NewWatcher returns a watcher of s for target, which must already serve
// version 1 of every unit (the base folder). interval is the period of the
// safety-net check: DefaultInterval when zero.
func (s *Store) NewWatcher(target Target, interval time.Duration) *Watcher {
	if interval <= 0 {
		interval = DefaultInterval
	}
	w := &Watcher{s: s, target: target, interval: interval, served: map[string]int{}}
	for _, u := range s.baseUnits {
		w.served[u] = 1
	}
	return w
}

// Served returns the version of each unit that the target serves.
func (w *Watcher) Served() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.served)
}

// Sync brings the target onto the newest versions now, when they differ
// from those it serves. A server calls it once at start, so that it serves
// what was published before it started. On an error (Redis down, or a
// combination that no longer validates, which publish prevents) the target
// keeps what it serves.
func (w *Watcher) Sync(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	heads, err := w.s.heads(ctx)
	if err != nil {
		return err
	}
	if maps.Equal(heads, w.served) {
		return nil
	}
	snap, err := w.s.snapshot(ctx, heads)
	if err != nil {
		return err
	}
	w.target.Set(snap.KB)
	w.served = heads
	w.s.log.Info("knowledge: serving new versions", "versions", heads)
	return nil
}

// Run keeps the target on the newest versions until ctx ends: it syncs at
// once, on every publish notification, and every interval. Errors are
// logged and retried at the next tick; Run returns ctx's error.
func (w *Watcher) Run(ctx context.Context) error {
	sub := w.s.rdb.Subscribe(ctx, w.s.Channel())
	defer sub.Close()
	notes := sub.Channel(redis.WithChannelSize(16))
	tick := time.NewTicker(w.interval)
	defer tick.Stop()
	var lastErr string
	sync := func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		err := w.Sync(sctx)
		switch {
		case err == nil:
			if lastErr != "" {
				w.s.log.Info("knowledge: version check works again")
			}
			lastErr = ""
		case ctx.Err() != nil:
		case err.Error() != lastErr: // once per distinct error, not every tick
			lastErr = err.Error()
			var ve *knowledge.ValidationError
			if errors.As(err, &ve) {
				b, _ := json.Marshal(ve.Problems)
				w.s.log.Error("knowledge: the newest versions do not validate; serving the previous ones", "problems", string(b))
			} else {
				w.s.log.Warn("knowledge: version check failed; serving the versions held", "err", err)
			}
		}
	}
	sync()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-notes:
		case <-tick.C:
		}
		sync()
	}
}
