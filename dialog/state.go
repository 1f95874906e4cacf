// Package dialog is the slot-filling conversation engine: it asks one
// question per turn, understands free Japanese answers and buttons, answers
// FAQ questions from the knowledge base, and ends with the rules engine's
// checklist. It implements bot.Responder; the state store it needs is
// declared here (Store) and satisfied by dialog/redisstore.
package dialog

import (
	"context"
	"errors"
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
	// Turns counts the turns applied to this state.
	Turns   int       `json:"turns"`
	Updated time.Time `json:"updated"`
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
