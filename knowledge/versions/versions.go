// Package versions keeps the published versions of the knowledge in Redis
// and brings every server instance onto the newest one.
//
// The knowledge is made of units: "national" (national.yaml) and one unit per
// municipality id (<id>.yaml and its page text, seeds/<id>.txt), because every
// fact quotes the page and the validator checks the quote against it.
//
// Version 1 of every unit is the base knowledge folder the server was started
// with (the embedded one, or KNOWLEDGE_DIR); it is never written to Redis.
// Each publish stores a new, immutable version (number, author, time,
// comment, content hash, YAML, page) and is a compare-and-set on the version
// the draft was based on: when that is no longer the newest the publish
// fails with a *ConflictError naming the newest, and nothing is written. A
// rollback publishes an earlier version's content as a new version.
//
// Keys, under Config.Prefix, carry the unit in a hash tag so that one unit's
// keys share a Redis Cluster slot and the publish script may touch them all:
//
//	<prefix>kb:{<unit>}:head     the newest version number (absent: 1)
//	<prefix>kb:{<unit>}:meta     hash: version number → metadata JSON
//	<prefix>kb:{<unit>}:content  hash: version number → {yaml, page} JSON
//	<prefix>kb:{<unit>}:draft    the unit's open draft (see Draft)
//	<prefix>kb:published         the pub/sub channel told "<unit> <n>" on each publish
//	<prefix>kb:units             set: the municipality ids added by AddUnit
//
// A municipality added in the console (AddUnit) is not in the base folder:
// its version 1 is stored in Redis like any later version, and its id in
// kb:units, which every Store re-reads on each version check, so that
// every server serves it within a second, and a server started later too.
//
// Published versions must survive a Redis restart: Redis needs AOF
// (appendonly yes) wherever versions are stored.
package versions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/redis/go-redis/v9"
)

// National is the unit of national.yaml, which only a global admin edits.
const National = "national"

// ErrNotFound is returned for a version (or draft) that does not exist.
var ErrNotFound = errors.New("versions: no such version")

// ErrUnknownUnit is returned for a unit that is neither National nor a
// municipality of the base knowledge.
var ErrUnknownUnit = errors.New("versions: unknown unit")

// ErrUnitExists is AddUnit's error for an id that is already a unit.
var ErrUnitExists = errors.New("versions: the unit exists already")

// ErrBadUnitID is AddUnit's error for an id that is not a municipality id
// (knowledge's rule: lower-case letters, digits and _, starting with a
// letter, at most 40).
var ErrBadUnitID = errors.New("versions: not a municipality id")

var validUnitID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// ConflictError is a publish whose base version is not the newest: Current
// is the newest version, the one the publish collided with.
type ConflictError struct {
	Unit    string
	Base    int
	Current int
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("versions: %s: base version %d is not the current version %d", e.Unit, e.Base, e.Current)
}

// Version is one published version of a unit. List leaves YAML and Page
// empty.
type Version struct {
	Unit    string    `json:"unit"`
	Number  int       `json:"version"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"`
	Comment string    `json:"comment"`
	// Hash is the SHA-256 of the YAML, a NUL byte and the page, in hex.
	Hash string `json:"hash"`
	// RollbackOf is the version whose content a rollback republished.
	RollbackOf int    `json:"rollback_of,omitempty"`
	YAML       string `json:"yaml,omitempty"`
	Page       string `json:"page,omitempty"`
}

// Content is a unit's text: its YAML and its page (empty for National).
type Content struct {
	YAML string `json:"yaml"`
	Page string `json:"page"`
}

// Hash returns the content hash stored with a version.
func (c Content) Hash() string {
	h := sha256.New()
	h.Write([]byte(c.YAML))
	h.Write([]byte{0})
	h.Write([]byte(c.Page))
	return hex.EncodeToString(h.Sum(nil))
}

// Config configures a Store.
type Config struct {
	// Redis holds the versions; required. A Cluster client works.
	Redis redis.UniversalClient
	// Prefix starts every key (see the package comment).
	Prefix string
	// Base is the knowledge folder of version 1; knowledge.Embedded() when nil.
	Base fs.FS
	// Logger; slog.Default() when nil.
	Logger *slog.Logger
	// Clock gives the time stamped on versions; time.Now when nil.
	Clock func() time.Time
}

// Store reads and publishes versions. It is safe for concurrent use.
type Store struct {
	rdb       redis.UniversalClient
	prefix    string
	log       *slog.Logger
	clock     func() time.Time
	base      fstest.MapFS
	baseUnits []string           // National first, then the base folder's municipality ids
	v1        map[string]Content // each base unit's content

	mu    sync.RWMutex
	added []string // municipality ids added by AddUnit, as last read from kb:units
}

// New reads the base folder. It fails when the base folder does not load
// and validate.
func New(cfg Config) (*Store, error) {
	if cfg.Redis == nil {
		return nil, errors.New("versions: Config.Redis is nil")
	}
	if cfg.Base == nil {
		cfg.Base = knowledge.Embedded()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	s := &Store{rdb: cfg.Redis, prefix: cfg.Prefix, log: cfg.Logger, clock: cfg.Clock,
		base: fstest.MapFS{}, v1: map[string]Content{}}
	err := fs.WalkDir(cfg.Base, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(cfg.Base, path)
		if err != nil {
			return err
		}
		s.base[path] = &fstest.MapFile{Data: data, Mode: 0o444}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("versions: reading the base knowledge: %w", err)
	}
	kb, err := knowledge.Load(s.base)
	if err != nil {
		return nil, fmt.Errorf("versions: the base knowledge: %w", err)
	}
	s.baseUnits = append(s.baseUnits, National)
	for _, m := range kb.Municipalities {
		s.baseUnits = append(s.baseUnits, m.ID)
	}
	for _, u := range s.baseUnits {
		yf, pf := files(u)
		c := Content{YAML: string(s.fileData(yf))}
		if pf != "" {
			c.Page = string(s.fileData(pf))
		}
		s.v1[u] = c
	}
	return s, nil
}

func (s *Store) fileData(name string) []byte {
	if f := s.base[name]; f != nil {
		return f.Data
	}
	return nil
}

// files names a unit's YAML file and page file ("" for National).
func files(unit string) (yamlFile, pageFile string) {
	if unit == National {
		return "national.yaml", ""
	}
	return unit + ".yaml", "seeds/" + unit + ".txt"
}

// Units lists the units: National, then the base knowledge's municipality
// ids, then those added (AddUnit, here or on another server), as of the last
// version check.
func (s *Store) Units() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append(slices.Clone(s.baseUnits), s.added...)
}

// Known reports whether unit is one of Units.
func (s *Store) Known(unit string) bool { return slices.Contains(s.Units(), unit) }

// isBase reports whether unit's version 1 is the base folder's.
func (s *Store) isBase(unit string) bool { return slices.Contains(s.baseUnits, unit) }

func (s *Store) unitsKey() string { return s.prefix + "kb:units" }

// refreshUnits re-reads the added municipality ids from Redis.
func (s *Store) refreshUnits(ctx context.Context) error {
	ids, err := s.rdb.SMembers(ctx, s.unitsKey()).Result()
	if err != nil {
		return err
	}
	var added []string
	for _, id := range ids {
		if validUnitID.MatchString(id) && !s.isBase(id) && id != National {
			added = append(added, id)
		}
	}
	sort.Strings(added)
	s.mu.Lock()
	s.added = added
	s.mu.Unlock()
	return nil
}

func (s *Store) key(unit, what string) string { return s.prefix + "kb:{" + unit + "}:" + what }

// Channel is the pub/sub channel told of every publish.
func (s *Store) Channel() string { return s.prefix + "kb:published" }

// version1 is the base version of unit.
func (s *Store) version1(unit string, content bool) Version {
	c := s.v1[unit]
	v := Version{Unit: unit, Number: 1, Author: "system", Comment: "起動時の知識 (the knowledge the server was built or started with)", Hash: c.Hash()}
	if content {
		v.YAML, v.Page = c.YAML, c.Page
	}
	return v
}

// Head returns the newest version number of unit.
func (s *Store) Head(ctx context.Context, unit string) (int, error) {
	if !s.Known(unit) {
		return 0, ErrUnknownUnit
	}
	n, err := s.rdb.Get(ctx, s.key(unit, "head")).Int()
	if errors.Is(err, redis.Nil) {
		return 1, nil
	}
	return n, err
}

// heads returns the newest version number of every unit.
// It re-reads the added units first.
func (s *Store) heads(ctx context.Context) (map[string]int, error) {
	if err := s.refreshUnits(ctx); err != nil {
		return nil, err
	}
	units := s.Units()
	cmds := make([]*redis.StringCmd, len(units))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, u := range units {
			cmds[i] = p.Get(ctx, s.key(u, "head"))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	out := make(map[string]int, len(units))
	for i, u := range units {
		n, err := cmds[i].Int()
		switch {
		case errors.Is(err, redis.Nil):
			n = 1
		case err != nil:
			return nil, fmt.Errorf("versions: %s head: %w", u, err)
		}
		out[u] = n
	}
	return out, nil
}

// Latest returns the newest version of unit, with its content.
func (s *Store) Latest(ctx context.Context, unit string) (Version, error) {
	n, err := s.Head(ctx, unit)
	if err != nil {
		return Version{}, err
	}
	return s.Get(ctx, unit, n)
}

// Get returns version n of unit with its content, or ErrNotFound.
func (s *Store) Get(ctx context.Context, unit string, n int) (Version, error) {
	if !s.Known(unit) {
		return Version{}, ErrUnknownUnit
	}
	if n == 1 && s.isBase(unit) {
		return s.version1(unit, true), nil
	}
	if n < 1 {
		return Version{}, ErrNotFound
	}
	field := strconv.Itoa(n)
	var meta, content *redis.StringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		meta = p.HGet(ctx, s.key(unit, "meta"), field)
		content = p.HGet(ctx, s.key(unit, "content"), field)
		return nil
	})
	if errors.Is(err, redis.Nil) {
		return Version{}, ErrNotFound
	}
	if err != nil {
		return Version{}, err
	}
	var v Version
	if err := json.Unmarshal([]byte(meta.Val()), &v); err != nil {
		return Version{}, fmt.Errorf("versions: %s v%d metadata: %w", unit, n, err)
	}
	var c Content
	if err := json.Unmarshal([]byte(content.Val()), &c); err != nil {
		return Version{}, fmt.Errorf("versions: %s v%d content: %w", unit, n, err)
	}
	v.YAML, v.Page = c.YAML, c.Page
	return v, nil
}

// List returns every version of unit, newest first, without content.
func (s *Store) List(ctx context.Context, unit string) ([]Version, error) {
	if !s.Known(unit) {
		return nil, ErrUnknownUnit
	}
	all, err := s.rdb.HGetAll(ctx, s.key(unit, "meta")).Result()
	if err != nil {
		return nil, err
	}
	var out []Version
	if s.isBase(unit) {
		out = append(out, s.version1(unit, false))
	}
	for _, raw := range all {
		var v Version
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, fmt.Errorf("versions: %s metadata: %w", unit, err)
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number > out[j].Number })
	return out, nil
}

// contents returns the content of version heads[u] of every unit.
func (s *Store) contents(ctx context.Context, heads map[string]int) (map[string]Content, error) {
	out := make(map[string]Content, len(heads))
	cmds := map[string]*redis.StringCmd{}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for u, n := range heads {
			if n == 1 && s.isBase(u) {
				out[u] = s.v1[u]
				continue
			}
			cmds[u] = p.HGet(ctx, s.key(u, "content"), strconv.Itoa(n))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for u, cmd := range cmds {
		var c Content
		if err := json.Unmarshal([]byte(cmd.Val()), &c); err != nil {
			return nil, fmt.Errorf("versions: %s v%d content: %w", u, heads[u], err)
		}
		out[u] = c
	}
	return out, nil
}

// Folder returns the knowledge folder made of the base folder with each
// unit's file(s) replaced by units[u].
func (s *Store) Folder(units map[string]Content) fstest.MapFS {
	out := make(fstest.MapFS, len(s.base)+len(units))
	for name, f := range s.base {
		out[name] = f
	}
	for u, c := range units {
		yf, pf := files(u)
		out[yf] = &fstest.MapFile{Data: []byte(c.YAML), Mode: 0o444}
		if pf != "" {
			out[pf] = &fstest.MapFile{Data: []byte(c.Page), Mode: 0o444}
		}
	}
	return out
}

// Snapshot is the newest version of every unit, validated.
type Snapshot struct {
	KB       *knowledge.KB
	Versions map[string]int
	Contents map[string]Content
}

// Newest loads the newest version of every unit and validates them
// together.
func (s *Store) Newest(ctx context.Context) (*Snapshot, error) {
	heads, err := s.heads(ctx)
	if err != nil {
		return nil, err
	}
	return s.snapshot(ctx, heads)
}

func (s *Store) snapshot(ctx context.Context, heads map[string]int) (*Snapshot, error) {
	contents, err := s.contents(ctx, heads)
	if err != nil {
		return nil, err
	}
	kb, err := knowledge.Load(s.Folder(contents))
	if err != nil {
		return nil, err
	}
	return &Snapshot{KB: kb, Versions: heads, Contents: contents}, nil
}

// Validate validates content as unit's next version, together with the
// newest version of every other unit. It returns the knowledge base the
// publish would serve, the snapshot it was checked against (whose KB is nil
// when the published knowledge itself no longer validates), or a
// *knowledge.ValidationError.
func (s *Store) Validate(ctx context.Context, unit string, c Content) (*knowledge.KB, *Snapshot, error) {
	return s.validate(ctx, unit, c, true)
}

// validate is Validate; withCurrent false skips loading the current
// knowledge (the snapshot's KB is then nil), which a publish does not need.
func (s *Store) validate(ctx context.Context, unit string, c Content, withCurrent bool) (*knowledge.KB, *Snapshot, error) {
	if !s.Known(unit) {
		return nil, nil, ErrUnknownUnit
	}
	heads, err := s.heads(ctx)
	if err != nil {
		return nil, nil, err
	}
	contents, err := s.contents(ctx, heads)
	if err != nil {
		return nil, nil, err
	}
	cur := &Snapshot{Versions: heads, Contents: contents}
	if withCurrent {
		cur.KB, _ = knowledge.Load(s.Folder(contents))
	}
	next := make(map[string]Content, len(contents))
	for u, cc := range contents {
		next[u] = cc
	}
	next[unit] = c
	kb, err := knowledge.Load(s.Folder(next))
	if err != nil {
		return nil, cur, err
	}
	return kb, cur, nil
}

// publishScript stores version base+1 of a unit when its head is base.
// KEYS: head, meta, content. ARGV: base, metadata JSON, content JSON.
// It returns {1, n} on success and {0, current} on a conflict.
var publishScript = redis.NewScript(`
local cur = tonumber(redis.call("GET", KEYS[1]) or "1")
local base = tonumber(ARGV[1])
if cur ~= base then
  return {0, cur}
end
local n = cur + 1
redis.call("HSET", KEYS[2], tostring(n), ARGV[2])
redis.call("HSET", KEYS[3], tostring(n), ARGV[3])
redis.call("SET", KEYS[1], tostring(n))
return {1, n}
`)

// Publish stores content as the next version of unit, by author with
// comment, when base is the newest version: else *ConflictError, whether or
// not the content is valid. Content that does not validate, with the newest
// version of every other unit, is a *knowledge.ValidationError. Every
// watcher is told at once.
func (s *Store) Publish(ctx context.Context, unit string, base int, c Content, author, comment string) (Version, error) {
	return s.publish(ctx, unit, base, c, author, comment, 0)
}

func (s *Store) publish(ctx context.Context, unit string, base int, c Content, author, comment string, rollbackOf int) (Version, error) {
	head, err := s.Head(ctx, unit)
	if err != nil {
		return Version{}, err
	}
	if head != base {
		return Version{}, &ConflictError{Unit: unit, Base: base, Current: head}
	}
	if _, _, err := s.validate(ctx, unit, c, false); err != nil {
		return Version{}, err
	}
	v := Version{Unit: unit, Number: base + 1, Author: author, Time: s.clock().UTC().Truncate(time.Millisecond),
		Comment: comment, Hash: c.Hash(), RollbackOf: rollbackOf}
	meta, _ := json.Marshal(v)
	content, _ := json.Marshal(c)
	res, err := publishScript.Run(ctx, s.rdb, []string{s.key(unit, "head"), s.key(unit, "meta"), s.key(unit, "content")},
		base, meta, content).Int64Slice()
	if err != nil {
		return Version{}, fmt.Errorf("versions: publishing %s: %w", unit, err)
	}
	if res[0] == 0 {
		return Version{}, &ConflictError{Unit: unit, Base: base, Current: int(res[1])}
	}
	if err := s.rdb.Publish(ctx, s.Channel(), unit+" "+strconv.Itoa(v.Number)).Err(); err != nil {
		// The periodic check brings the watchers on within a second.
		s.log.Warn("versions: notifying the publish", "unit", unit, "version", v.Number, "err", err)
	}
	v.YAML, v.Page = c.YAML, c.Page
	return v, nil
}

// Rollback publishes version to's content as the newest version of unit.
// A missing version is ErrNotFound. The content is validated again with the
// other units' newest versions, since they may have changed since.
func (s *Store) Rollback(ctx context.Context, unit string, to int, author, comment string) (Version, error) {
	old, err := s.Get(ctx, unit, to)
	if err != nil {
		return Version{}, err
	}
	head, err := s.Head(ctx, unit)
	if err != nil {
		return Version{}, err
	}
	if strings.TrimSpace(comment) == "" {
		comment = fmt.Sprintf("バージョン %d に戻す (rollback to version %d)", to, to)
	}
	return s.publish(ctx, unit, head, Content{YAML: old.YAML, Page: old.Page}, author, comment, to)
}
