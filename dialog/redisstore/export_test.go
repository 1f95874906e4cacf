package redisstore

import "github.com/madoguchi/madoguchi/dialog"

// Hint returns the value s has cached for key, without touching its
// recency, for tests.
func (s *Store) Hint(key dialog.Key) (string, bool) {
	h, ok := s.HintState(key)
	return h.raw, ok
}

// HintState returns the raw value s has cached for key and the State kept
// with it (not a copy), without touching its recency, for tests.
func (s *Store) HintState(key dialog.Key) (hint, bool) {
	if s.hints == nil {
		return hint{}, false
	}
	return s.hints.lru.Peek(s.key(key))
}

// Raw and State expose a hint's parts to tests.
func (h hint) Raw() string         { return h.raw }
func (h hint) State() dialog.State { return h.st }

// Parse is parse, for tests.
var Parse = parse
