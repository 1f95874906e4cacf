// Package audit records what staff did in the admin console and API: every
// login (success and failure), draft save, publish, rollback, and token and
// account change, with who, when, from where and on what. Entries live in a
// Redis stream (<prefix>audit, capped near MaxEntries) and are read newest
// first, filtered, or exported as CSV.
//
// An entry never holds a password, a token or knowledge text: only names,
// ids, version numbers and short outcomes.
package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Actions recorded.
const (
	LoginOK       = "login"
	LoginFailed   = "login_failed"
	LoginThrottle = "login_throttled"
	Logout        = "logout"
	Setup         = "setup"
	SaveDraft     = "save_draft"
	Publish       = "publish"
	Rollback      = "rollback"
	TokenCreate   = "token_create"
	TokenRevoke   = "token_revoke"
	AccountCreate = "account_create"
	AccountUpdate = "account_update"
	AccountDelete = "account_delete"
	UnitCreate    = "unit_create"
)

// MaxEntries is about how many entries the log keeps (the stream is trimmed
// approximately beyond it).
const MaxEntries = 100_000

// Entry is one recorded action.
type Entry struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`          // the account (or, for a failed login, the name typed)
	Action string    `json:"action"`         // one of the constants above
	Unit   string    `json:"unit,omitempty"` // municipality id or "national"
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
	Addr   string    `json:"addr,omitempty"`
}

// Log is the audit log.
type Log struct {
	rdb   redis.UniversalClient
	key   string
	clock func() time.Time
}

// New returns the log stored under prefix+"audit".
func New(rdb redis.UniversalClient, prefix string, clock func() time.Time) *Log {
	if clock == nil {
		clock = time.Now
	}
	return &Log{rdb: rdb, key: prefix + "audit", clock: clock}
}

// Record appends e, stamped with the current time.
func (l *Log) Record(ctx context.Context, e Entry) error {
	e.Time = l.clock().UTC().Truncate(time.Millisecond)
	e.ID = ""
	b, _ := json.Marshal(e)
	return l.rdb.XAdd(ctx, &redis.XAddArgs{Stream: l.key, MaxLen: MaxEntries, Approx: true, Values: []any{"e", b}}).Err()
}

// Filter selects entries: each non-empty field must match (Actor, Action
// and Unit exactly), Since and Until bound the time (inclusive), Limit caps
// the count (1,000 when zero).
type Filter struct {
	Actor, Action, Unit string
	Since, Until        time.Time
	Limit               int
}

func (f Filter) match(e Entry) bool {
	return (f.Actor == "" || e.Actor == f.Actor) && (f.Action == "" || e.Action == f.Action) &&
		(f.Unit == "" || e.Unit == f.Unit)
}

// List returns the entries f selects, newest first.
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	end, start := "+", "-"
	if !f.Until.IsZero() {
		end = strconv.FormatInt(f.Until.UnixMilli(), 10)
	}
	if !f.Since.IsZero() {
		start = strconv.FormatInt(f.Since.UnixMilli(), 10)
	}
	out := []Entry{}
	for len(out) < f.Limit {
		msgs, err := l.rdb.XRevRangeN(ctx, l.key, end, start, 500).Result()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			raw, _ := m.Values["e"].(string)
			var e Entry
			if err := json.Unmarshal([]byte(raw), &e); err != nil {
				return nil, errors.New("audit: an entry does not decode")
			}
			e.ID = m.ID
			if f.match(e) {
				out = append(out, e)
				if len(out) == f.Limit {
					break
				}
			}
		}
		if len(msgs) < 500 {
			break
		}
		end = "(" + msgs[len(msgs)-1].ID
	}
	return out, nil
}

// WriteCSV writes entries as CSV with a header row. Cells that a
// spreadsheet would take for a formula (=, +, -, @ first) get a leading
// apostrophe.
func WriteCSV(w io.Writer, entries []Entry) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"time", "actor", "action", "unit", "target", "detail", "addr"})
	for _, e := range entries {
		row := []string{e.Time.Format(time.RFC3339Nano), e.Actor, e.Action, e.Unit, e.Target, e.Detail, e.Addr}
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && i > 0 {
				row[i] = "'" + c
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
