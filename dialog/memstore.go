package dialog

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// MemoryStore is a Store held in the process's memory, for conversations
// that must not reach the residents' state: the staff console's chat with a
// draft. It keeps at most Max keys (the least recently updated go first)
// for at most TTL each; a zero MemoryStore keeps 1,000 keys for an hour.
// States are copied in and out (as JSON), so fn never shares memory with
// the stored state. It is safe for concurrent use; updates of one store run
// one at a time.
type MemoryStore struct {
	Max int
	TTL time.Duration
	// Clock; time.Now when nil.
	Clock func() time.Time

	mu   sync.Mutex
	data map[Key]memEntry
}

type memEntry struct {
	state   []byte
	updated time.Time
}

var _ Store = (*MemoryStore)(nil)

func (s *MemoryStore) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, key Key, fn func(*State) error) (State, error) {
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ttl, max := s.TTL, s.Max
	if ttl <= 0 {
		ttl = time.Hour
	}
	if max <= 0 {
		max = 1000
	}
	now := s.now()
	if s.data == nil {
		s.data = map[Key]memEntry{}
	}
	var st State
	if e, ok := s.data[key]; ok && now.Sub(e.updated) < ttl {
		if err := json.Unmarshal(e.state, &st); err != nil {
			return State{}, err
		}
	}
	if err := fn(&st); err != nil {
		return State{}, err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return State{}, err
	}
	s.data[key] = memEntry{state: b, updated: now}
	for len(s.data) > max {
		var oldest Key
		var at time.Time
		for k, e := range s.data {
			if at.IsZero() || e.updated.Before(at) {
				oldest, at = k, e.updated
			}
		}
		delete(s.data, oldest)
	}
	var out State
	err = json.Unmarshal(b, &out)
	return out, err
}

// Delete implements Store.
func (s *MemoryStore) Delete(ctx context.Context, key Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.data, key)
	return nil
}
