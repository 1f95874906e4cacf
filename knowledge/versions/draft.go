package versions

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Draft is a unit's open draft: content saved (and validated) by an editor,
// based on version Base, not yet published. A unit has at most one; saving
// replaces it.
type Draft struct {
	Content
	Base   int       `json:"base_version"`
	Author string    `json:"author"`
	Time   time.Time `json:"time"`
}

// SaveDraft stores d as unit's open draft.
func (s *Store) SaveDraft(ctx context.Context, unit string, d Draft) error {
	if !s.Known(unit) {
		return ErrUnknownUnit
	}
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.rdb.Set(ctx, s.key(unit, "draft"), b, 0).Err()
}

// GetDraft returns unit's open draft, or ErrNotFound.
func (s *Store) GetDraft(ctx context.Context, unit string) (Draft, error) {
	if !s.Known(unit) {
		return Draft{}, ErrUnknownUnit
	}
	raw, err := s.rdb.Get(ctx, s.key(unit, "draft")).Bytes()
	if errors.Is(err, redis.Nil) {
		return Draft{}, ErrNotFound
	}
	if err != nil {
		return Draft{}, err
	}
	var d Draft
	if err := json.Unmarshal(raw, &d); err != nil {
		return Draft{}, err
	}
	return d, nil
}

// DeleteDraft removes unit's open draft, if any.
func (s *Store) DeleteDraft(ctx context.Context, unit string) error {
	if !s.Known(unit) {
		return ErrUnknownUnit
	}
	return s.rdb.Del(ctx, s.key(unit, "draft")).Err()
}
