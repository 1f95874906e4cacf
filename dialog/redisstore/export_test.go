package redisstore

import "github.com/madoguchi/madoguchi/dialog"

// Hint returns the value s has cached for key, without touching its
// recency, for tests.
func (s *Store) Hint(key dialog.Key) (string, bool) {
	if s.hints == nil {
		return "", false
	}
	return s.hints.lru.Peek(s.key(key))
}
