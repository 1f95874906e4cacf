package versions

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/redis/go-redis/v9"
)

// addScript stores version 1 of a new unit when the unit has no head yet.
// KEYS: head, meta, content. ARGV: metadata JSON, content JSON.
// It returns 1 when stored, 0 when the unit already has versions.
var addScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[2], "1", ARGV[1])
redis.call("HSET", KEYS[3], "1", ARGV[2])
redis.call("SET", KEYS[1], "1")
return 1
`)

// AddUnit adds a municipality that the base folder does not hold: c (its
// <id>.yaml and its page, seeds/<id>.txt), validated together with the
// newest version of every other unit, becomes version 1 of unit id, by
// author with comment. Every watcher is told, and serves it at its next
// sync (the periodic check re-reads the added ids). An id that is not a
// municipality id is ErrBadUnitID, one already a unit (National, a base
// municipality, or one added before, here or elsewhere) ErrUnitExists, and
// content that does not validate a *knowledge.ValidationError (also when
// its YAML's id is not id); nothing is then written.
//
// The version is written by a script on the unit's own keys and the id then
// added to kb:units (another slot on a Cluster, hence two steps): should the
// second step fail, a retry of the same id registers the unit already
// stored and answers ErrUnitExists.
func (s *Store) AddUnit(ctx context.Context, id string, c Content, author, comment string) (Version, error) {
	if id == National || !validUnitID.MatchString(id) {
		return Version{}, ErrBadUnitID
	}
	heads, err := s.heads(ctx) // re-reads the added ids
	if err != nil {
		return Version{}, err
	}
	if s.Known(id) {
		return Version{}, ErrUnitExists
	}
	contents, err := s.contents(ctx, heads)
	if err != nil {
		return Version{}, err
	}
	contents[id] = c
	kb, err := knowledge.Load(s.Folder(contents))
	if err != nil {
		return Version{}, err
	}
	if kb.Municipality(id) == nil {
		return Version{}, &knowledge.ValidationError{Problems: []knowledge.Problem{{File: id + ".yaml", Field: "id",
			Message: fmt.Sprintf("the file's id must be %q, the id the municipality is added under", id)}}}
	}
	v := Version{Unit: id, Number: 1, Author: author, Time: s.clock().UTC().Truncate(time.Millisecond),
		Comment: comment, Hash: c.Hash()}
	meta, _ := json.Marshal(v)
	content, _ := json.Marshal(c)
	stored, err := addScript.Run(ctx, s.rdb, []string{s.key(id, "head"), s.key(id, "meta"), s.key(id, "content")},
		meta, content).Int()
	if err != nil {
		return Version{}, fmt.Errorf("versions: adding %s: %w", id, err)
	}
	if err := s.rdb.SAdd(ctx, s.unitsKey(), id).Err(); err != nil {
		return Version{}, fmt.Errorf("versions: registering %s: %w", id, err)
	}
	if err := s.refreshUnits(ctx); err != nil {
		return Version{}, err
	}
	if stored == 0 {
		return Version{}, ErrUnitExists
	}
	if err := s.rdb.Publish(ctx, s.Channel(), id+" "+strconv.Itoa(v.Number)).Err(); err != nil {
		s.log.Warn("versions: notifying the new unit", "unit", id, "err", err)
	}
	v.YAML, v.Page = c.YAML, c.Page
	return v, nil
}
