// Package usage keeps the figures staff read in the console's usage page
// (/admin/usage): per municipality and day (Japan time), the conversations
// started, the checklists given by situation (rule and procedure), the FAQ
// topics answered, and the questions the bot could not answer, so that
// staff see what the knowledge lacks.
//
// What it keeps, in Redis, and for how long:
//
//   - counts only, never a user id, a session id or a hash of one;
//   - an unanswered question's text only when it holds nothing PIN-like
//     (Config.PINLike, and no run of 4 or more digits, whatever the
//     script); otherwise it is counted as withheld, without its text;
//   - every key of a day expires Config.Retention after that day ends.
//
// Keys are REDIS_PREFIX + "usage:{<municipality>}:<kind>:<YYYY-MM-DD>":
// the hash tag puts a municipality's figures on one Cluster slot, so a
// report is one pipeline to one node.
//
// Recording never slows or fails a dialog turn: Record only puts the event
// on a bounded queue (dropping it, counted, when the queue is full) and Run
// writes the queue in pipelines; a write that fails is counted (Stats) and
// logged without any text, never returned to the turn.
package usage

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/redis/go-redis/v9"
)

// DefaultRetention is how long the figures are kept when Config.Retention
// is zero (USAGE_RETENTION's default).
const DefaultRetention = 90 * 24 * time.Hour

// DefaultQueue is the default bound of the queue between Record and Run.
const DefaultQueue = 4096

// MaxTextRunes is the length an unanswered question is cut to before it is
// kept; MaxQuestionsPerDay is how many distinct ones a municipality keeps a
// day (beyond it the least asked are dropped, so a flood of distinct texts
// cannot grow Redis without bound).
const (
	MaxTextRunes       = 200
	MaxQuestionsPerDay = 2000
)

// Turn is what one applied dialog turn did, as the engine reports it.
type Turn struct {
	Municipality string
	Channel      bot.Channel
	// Started is true for the first turn of a conversation (no state yet,
	// or the state of an earlier one expired).
	Started bool
	// Checklist is set when the turn gave a checklist.
	Checklist *Situation
	// Topics are the FAQ topics the turn answered (by text or button).
	Topics []string
	// Unanswered is true when the turn met a question the FAQ could not
	// place; Question is its text. The engine passes it as the resident
	// wrote it: the recorder decides whether the text may be kept.
	Unanswered bool
	Question   string
}

// Situation is the checklist a turn gave: the rule that produced it, its
// procedure, and whether the page covers the case.
type Situation struct {
	Rule      string
	Procedure string
	Covered   bool
}

// Recorder is what the dialog engine calls, once per applied turn (never
// for a channel's retry of a turn already applied). It must return at once
// and never fail the turn.
type Recorder interface {
	Record(ctx context.Context, t Turn)
}

// Config configures a Store.
type Config struct {
	// Redis holds the figures; required.
	Redis redis.UniversalClient
	// Prefix starts every key (REDIS_PREFIX); it must hold no brace.
	Prefix string
	// Retention is how long a day's figures and questions are kept after
	// the day ends; DefaultRetention when zero.
	Retention time.Duration
	// PINLike reports a text that looks like a PIN (understand.LooksLikePIN);
	// required: without it no question text would be safe to keep.
	PINLike func(string) bool
	// Queue bounds the events waiting to be written; DefaultQueue when zero.
	Queue int
	// Clock gives the time an event is counted at; time.Now when nil.
	Clock func() time.Time
	// Logger; slog.Default() when nil. Never given a text.
	Logger *slog.Logger
}

// Stats are the recorder's counters since it started.
type Stats struct {
	Recorded uint64 // events written to Redis
	Dropped  uint64 // events dropped because the queue was full
	Failed   uint64 // events whose write failed
	Withheld uint64 // unanswered questions kept without their text (PIN-like)
}

// Store records usage (Record, Run) and reads it back (Report).
type Store struct {
	cfg                                 Config
	queue                               chan item
	recorded, dropped, failed, withheld atomic.Uint64
}

// item is a queued event, or a flush request (done set).
type item struct {
	at   time.Time
	turn Turn
	done chan struct{}
}

var _ Recorder = (*Store)(nil)

// New returns a Store over cfg; Run must run for Record's events to be written.
func New(cfg Config) (*Store, error) {
	if cfg.Redis == nil || cfg.PINLike == nil {
		return nil, errors.New("usage: Config.Redis and Config.PINLike are required")
	}
	if strings.ContainsAny(cfg.Prefix, "{}") {
		return nil, errors.New("usage: the key prefix must hold no brace")
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Store{cfg: cfg, queue: make(chan item, cfg.Queue)}, nil
}

// Retention is how long a day's figures are kept after the day ends.
func (s *Store) Retention() time.Duration { return s.cfg.Retention }

// Stats returns the recorder's counters.
func (s *Store) Stats() Stats {
	return Stats{Recorded: s.recorded.Load(), Dropped: s.dropped.Load(), Failed: s.failed.Load(), Withheld: s.withheld.Load()}
}

// Record queues t without waiting: when the queue is full, t is dropped and
// counted. It never blocks and ignores ctx (the turn's deadline must not
// cut the write short).
func (s *Store) Record(_ context.Context, t Turn) {
	if t.Municipality == "" || strings.ContainsAny(t.Municipality, "{}") {
		return
	}
	t.Topics = append([]string(nil), t.Topics...)
	select {
	case s.queue <- item{at: s.cfg.Clock(), turn: t}:
	default:
		s.dropped.Add(1)
	}
}

// Flush waits until every event Record queued before it is written (or its
// write failed), or ctx ends.
func (s *Store) Flush(ctx context.Context) error {
	done := make(chan struct{})
	select {
	case s.queue <- item{done: done}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeTimeout bounds one pipeline of writes.
const writeTimeout = 2 * time.Second

// batch is how many events one pipeline carries at most.
const batch = 128

// Run writes the queued events until ctx ends, then writes what is still
// queued (within writeTimeout) and returns.
func (s *Store) Run(ctx context.Context) {
	for {
		select {
		case it := <-s.queue:
			s.drain(it)
		case <-ctx.Done():
			for {
				select {
				case it := <-s.queue:
					s.drain(it)
				default:
					return
				}
			}
		}
	}
}

// drain writes first and whatever else is queued, up to batch events, in
// one pipeline, then closes the flush requests among them.
func (s *Store) drain(first item) {
	items := []item{first}
	for len(items) < batch {
		select {
		case it := <-s.queue:
			items = append(items, it)
			continue
		default:
		}
		break
	}
	var events []item
	var flushes []chan struct{}
	for _, it := range items {
		if it.done != nil {
			flushes = append(flushes, it.done)
		} else {
			events = append(events, it)
		}
	}
	if len(events) > 0 {
		s.write(events)
	}
	for _, f := range flushes {
		close(f)
	}
}

func (s *Store) write(events []item) {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	pipe := s.cfg.Redis.Pipeline()
	ttl := map[string]time.Duration{}
	for _, ev := range events {
		s.add(pipe, ev, ttl)
	}
	for k, d := range ttl {
		pipe.Expire(ctx, k, d)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		s.failed.Add(uint64(len(events)))
		s.cfg.Logger.Warn("usage: writing the usage figures failed; they are lost", "events", len(events), "err", err)
		return
	}
	s.recorded.Add(uint64(len(events)))
}

// The fields of a day's hash.
const (
	FieldConversations = "conversations"
	FieldChecklists    = "checklists"
	FieldFAQ           = "faq"
	FieldUnanswered    = "unanswered"
	FieldWithheld      = "unanswered_withheld"
)

// The kinds of key of a day.
const (
	kindDay        = "day"        // hash of the counts above
	kindSituations = "situations" // sorted set: procedure + " " + rule (+ " uncovered")
	kindTopics     = "topics"     // sorted set: topic id
	kindQuestions  = "questions"  // sorted set: question text
)

func (s *Store) key(municipality, kind string, d bot.Date) string {
	return s.cfg.Prefix + "usage:{" + municipality + "}:" + kind + ":" + d.String()
}

// add queues ev's writes on pipe and notes each key's TTL: the retention
// after the end of ev's day, so that a day is kept as long as any other.
func (s *Store) add(pipe redis.Pipeliner, ev item, ttl map[string]time.Duration) {
	ctx := context.Background()
	t := ev.turn
	d := bot.DateOf(ev.at)
	keep := d.AddDays(1).Time().Sub(ev.at) + s.cfg.Retention
	touch := func(kind string) string {
		k := s.key(t.Municipality, kind, d)
		ttl[k] = keep
		return k
	}
	day := touch(kindDay)
	if t.Started {
		pipe.HIncrBy(ctx, day, FieldConversations, 1)
	}
	if c := t.Checklist; c != nil {
		pipe.HIncrBy(ctx, day, FieldChecklists, 1)
		pipe.ZIncrBy(ctx, touch(kindSituations), 1, SituationName(*c))
	}
	for _, topic := range t.Topics {
		pipe.HIncrBy(ctx, day, FieldFAQ, 1)
		pipe.ZIncrBy(ctx, touch(kindTopics), 1, topic)
	}
	if t.Unanswered {
		pipe.HIncrBy(ctx, day, FieldUnanswered, 1)
		if q, ok := s.keepable(t.Question); ok {
			k := touch(kindQuestions)
			pipe.ZIncrBy(ctx, k, 1, q)
			pipe.ZRemRangeByRank(ctx, k, 0, -MaxQuestionsPerDay-1)
		} else {
			s.withheld.Add(1)
			pipe.HIncrBy(ctx, day, FieldWithheld, 1)
		}
	}
}

// SituationName is how a situation is named in the figures: its procedure
// and rule ("-" when none), and "uncovered" when the page does not cover it.
func SituationName(c Situation) string {
	rule := c.Rule
	if rule == "" {
		rule = "-"
	}
	n := c.Procedure + " " + rule
	if !c.Covered {
		n += " uncovered"
	}
	return n
}

// keepable returns the text of an unanswered question as it may be kept
// (spaces collapsed, cut to MaxTextRunes), and false when it must not be:
// empty, PIN-like, or holding a run of 4 or more digits.
func (s *Store) keepable(text string) (string, bool) {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" || !utf8.ValidString(text) || HasDigitRun(text, 4) || s.cfg.PINLike(text) {
		return "", false
	}
	if utf8.RuneCountInString(text) > MaxTextRunes {
		text = string([]rune(text)[:MaxTextRunes])
	}
	return text, true
}

// HasDigitRun reports whether text holds n or more consecutive decimal
// digits of any script (1234, １２３４, ١٢٣٤), or of kanji numerals
// (一二三四, 〇), spaces, hyphens and dots between them not breaking the run.
func HasDigitRun(text string, n int) bool {
	run := 0
	for _, r := range text {
		switch {
		case unicode.IsDigit(r) || strings.ContainsRune("〇一二三四五六七八九零壱弐参", r):
			run++
			if run >= n {
				return true
			}
		case r == ' ' || r == '-' || r == '.' || r == '　' || r == '－' || r == '‐' || r == 'ー' || r == '・':
			// a separator inside a number (1 2 3 4, 12-34) keeps the run
		default:
			run = 0
		}
	}
	return false
}
