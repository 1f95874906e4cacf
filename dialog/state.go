// Package dialog is the slot-filling conversation engine: it asks one
// question per turn, understands free Japanese answers and buttons, answers
// FAQ questions from the knowledge base, and ends with the rules engine's
// checklist. It implements bot.Responder; the state store it needs is
// declared here (Store) and satisfied by dialog/redisstore.
package dialog

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/madoguchi/madoguchi/bot"
)

// SchemaVersion is the version of State written by this release. Stores
// must still load every older version (see redisstore's migrations).
const SchemaVersion = 1

// State is one conversation's memory. It never holds message text, and
// never a PIN-like answer.
type State struct {
	Version int       `json:"v"`
	Slots   bot.Slots `json:"slots"`
	// Asking is the slot the last reply asked for ("" when none).
	Asking string `json:"asking,omitempty"`
	// Skipped lists optional slots the resident could not answer ("わからない").
	Skipped []string `json:"skipped,omitempty"`
	// History lists the slots in the order they were filled, for 戻る.
	History []string `json:"history,omitempty"`
	// Misses counts consecutive answers that could not be understood.
	Misses int `json:"misses,omitempty"`
	// Done is true once the checklist has been given.
	Done bool `json:"done,omitempty"`
	// Era is true when the resident wrote the expiry date in 令和: the
	// dates they read are then written so too (bot.CalendarEra).
	Era bool `json:"era,omitempty"`
	// Lang is the conversation's language once chosen (the resident asked
	// for one, or wrote their first text, in English or not); "" until
	// then, which is Japanese. A reset keeps it.
	Lang bot.Lang `json:"lang,omitempty"`
	// HolderOther is true once a message named the holder as someone
	// other than the writer (親父の電子証明書をやりたい): the writer's
	// 「俺が行く」 later is then going for them (understand.Context).
	HolderOther bool `json:"holder_other,omitempty"`
	// Turns counts the turns applied to this state.
	Turns   int       `json:"turns"`
	Updated time.Time `json:"updated"`
	// Recent lists the bot.Message.IDs of the last turns applied (at most
	// RecentIDs, newest last; turns without an ID are not listed), and
	// Before is the state as it was before the newest of them (with no
	// Before or Recent of its own). A retry of the newest is answered again
	// from Before; a retry of an older one is known as applied.
	Recent []string `json:"recent,omitempty"`
	Before *State   `json:"before,omitempty"`
}

// lost reports whether s is the zero State a Store returns for a key it
// does not hold: no turn was ever applied, or the conversation's state
// expired or was evicted. A button's answer (a postback naming a slot, 戻る,
// the ward list's next page) arriving on it belongs to a conversation that
// is gone: the engine says so and starts again (MsgRecordLost) rather than
// carry the lone answer into a new conversation whose questions the
// resident has not seen.
func (s *State) lost() bool {
	return s.Version == 0 && s.Turns == 0 && s.Updated.IsZero() && s.Asking == "" && len(s.History) == 0
}

// RecentIDs is how many message IDs a State remembers: as many as a
// channel may have applied without having recorded them as handled (the
// LINE queue finishes a chat's events in batches of up to 16).
const RecentIDs = 16

// Clone returns a deep copy of s: changing the copy, its slices and
// pointers included, leaves s as it was.
func (s State) Clone() State {
	c := s
	c.Skipped = slices.Clone(s.Skipped)
	c.History = slices.Clone(s.History)
	c.Recent = slices.Clone(s.Recent)
	c.Slots.HasNotice = clonePtr(s.Slots.HasNotice)
	c.Slots.AddressChange = clonePtr(s.Slots.AddressChange)
	c.Slots.MoveAtVisit = clonePtr(s.Slots.MoveAtVisit)
	c.Slots.ExpiryDate = clonePtr(s.Slots.ExpiryDate)
	if s.Before != nil {
		b := s.Before.Clone()
		c.Before = &b
	}
	return c
}

// snapshot returns a deep copy of s without its Before, Recent and
// Updated: what a repeated turn needs to be answered again.
func (s *State) snapshot() *State {
	c := *s
	c.Before, c.Recent, c.Updated = nil, nil, time.Time{}
	c = c.Clone()
	return &c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Key identifies one conversation: a channel, a municipality and a user (a
// LINE user id or a web session id).
type Key struct {
	Channel      bot.Channel
	Municipality string
	User         string
}

// ErrUnavailable is wrapped by Store errors when the backing store cannot
// be reached; the turn was not applied and may be retried.
var ErrUnavailable = errors.New("state store unavailable")

// Store keeps conversation state between turns.
type Store interface {
	// Update loads the state of key (a zero State if there is none), calls
	// fn on it and saves the result, renewing the key's time to live. If
	// another writer saved the same key in between, fn is called again on
	// the fresh state, so no concurrent update is lost; fn must therefore
	// have no side effects beyond the State. An error from fn aborts the
	// update and is returned as is. Update returns the state it saved.
	Update(ctx context.Context, key Key, fn func(*State) error) (State, error)
	// Delete removes everything stored for key; deleting a missing key is
	// not an error.
	Delete(ctx context.Context, key Key) error
}
