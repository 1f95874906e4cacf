package redisstore

import (
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/dialog"
)

// ErrConflict is wrapped by Update's error when other writers kept changing
// the key for Options.MaxAttempts attempts. The error also wraps
// dialog.ErrUnavailable: the turn was not applied and can be retried.
var ErrConflict = errors.New("state kept changing under concurrent updates")

// ErrNewerSchema is wrapped by Update's error when the stored state was
// written by a newer release (its "v" is above dialog.SchemaVersion). The
// state is left untouched. The error also wraps dialog.ErrUnavailable:
// during a rolling deploy the resident's retry is likely to reach an
// instance of the newer release.
var ErrNewerSchema = errors.New("state written by a newer release")

// transientPrefixes are Redis error replies that mean the server cannot
// serve the command now but may shortly: loading, failing over, resharding,
// a busy script, out of memory.
var transientPrefixes = []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN",
	"TRYAGAIN", "BUSY", "NOREPLICAS", "OOM"}

// storeErr wraps err from a Redis call with op, adding dialog.ErrUnavailable
// when Redis could not be reached or cannot serve now. Any error that is not
// a server reply (refused or dropped connections, timeouts, a closed client,
// an exhausted pool, the caller's context) counts as unreachable.
func storeErr(op string, err error) error {
	if unavailable(err) {
		return fmt.Errorf("redisstore: %s: %w: %w", op, dialog.ErrUnavailable, err)
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}

func unavailable(err error) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		return true
	}
	for _, p := range transientPrefixes {
		if redis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return false
}
