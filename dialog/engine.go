package dialog

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/faq"
	"github.com/madoguchi/madoguchi/knowledge/usage"
)

// Config holds what an Engine needs; only cmd/ builds one.
type Config struct {
	// Knowledge hands out the current knowledge; each turn takes it once,
	// when it begins, and uses that version to its end.
	Knowledge *knowledge.Provider
	// KB, when Knowledge is nil, is a fixed knowledge base (tests, tools).
	KB     *knowledge.KB
	Store  Store
	Clock  func() time.Time // defaults to time.Now
	Logger *slog.Logger     // defaults to slog.Default()
	// Observer, if set, is told what each applied turn did (metrics).
	Observer Observer
	// Usage, when set, is told what each applied turn did (usage.go).
	Usage usage.Recorder
}

// Engine is the conversation engine; it implements bot.Responder and is
// safe for concurrent use.
type Engine struct {
	kb    *knowledge.Provider
	store Store
	clock func() time.Time
	log   *slog.Logger
	// observer is told each applied turn's events; nil for none.
	observer Observer
	usage    usage.Recorder
}

var _ bot.Responder = (*Engine)(nil)

// New returns an Engine over cfg.
func New(cfg Config) *Engine {
	e := &Engine{kb: cfg.Knowledge, store: cfg.Store, clock: cfg.Clock, log: cfg.Logger, observer: cfg.Observer}
	e.usage = cfg.Usage
	if e.kb == nil {
		e.kb = knowledge.NewProvider(cfg.KB)
	}
	// Each version's FAQ index is built once, before Set makes the
	// version current (and for the current one now), never per turn.
	e.kb.Prepare(func(kb *knowledge.KB) { faq.For(kb) })
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	return e
}

// Respond runs one dialog turn: it understands the message, updates the
// conversation's state atomically and returns the replies. A PIN-like text
// is never stored, logged or echoed. A message whose ID is one of the last
// RecentIDs applied to the conversation (a channel's retry) is not applied
// again and its Reply has Repeat set: for the newest, the reply it got
// then, computed again from the state before it; for an older one, no
// messages (the channel had finished it before the newer ones began). Errors: CodeNotFound for an unknown
// municipality, CodeInvalid for an empty or oversized message or an unknown
// postback, CodeUnavailable when the state store is down (nothing applied).
func (e *Engine) Respond(ctx context.Context, msg bot.Message) (bot.Reply, error) {
	// One version of the knowledge for the whole turn, retries of the
	// store's update included.
	k := versionOf(e.kb.Current())
	m := k.kb.Municipality(msg.Municipality)
	if m == nil {
		return bot.Reply{}, bot.NotFoundf("unknown municipality %q", msg.Municipality)
	}
	if err := validate(msg); err != nil {
		return bot.Reply{}, err
	}
	today := e.today(msg)
	in := understandInput(m, msg)
	if in.err != nil {
		return bot.Reply{}, in.err
	}
	var reply bot.Reply
	var pin bool
	var events []Event // of the turn applied; none for a repeat
	var last *turn     // the turn applied, for the usage figures
	key := Key{Channel: msg.Channel, Municipality: m.ID, User: msg.User}
	_, err := e.store.Update(ctx, key, func(st *State) error {
		last = nil
		if i := slices.Index(st.Recent, msg.ID); msg.ID != "" && i >= 0 {
			// A retry of a turn already applied: write nothing. The newest
			// is answered again from the state before it; an older one was
			// answered before the newer ones began, so nothing is said.
			reply = bot.Reply{Repeat: true}
			if i == len(st.Recent)-1 && st.Before != nil {
				t := &turn{ctx: ctx, e: e, k: k, m: m, st: st.Before.snapshot(), today: today}
				reply = t.run(in)
				reply.Repeat, reply.Lang = true, t.lang()
				pin = t.pin
			}
			events = nil
			return errRepeat
		}
		prev := st.snapshot()
		t := &turn{ctx: ctx, e: e, k: k, m: m, st: st, today: today}
		if st.Turns == 0 {
			t.note(Event{Kind: EventStarted})
		}
		reply = t.run(in)
		reply.Lang = t.lang()
		pin = t.pin
		t.stampLanguage()
		events = t.events
		last, t.used.Started = t, st.Turns == 0
		st.Turns++
		if msg.ID != "" {
			st.Before = prev
			st.Recent = append(st.Recent, msg.ID)
			if n := len(st.Recent); n > RecentIDs {
				st.Recent = slices.Delete(st.Recent, 0, n-RecentIDs)
			}
		}
		return nil
	})
	if errors.Is(err, errRepeat) {
		err = nil
	}
	if err != nil {
		e.log.WarnContext(ctx, "dialog turn failed", "user", bot.HashUser(msg.User), "municipality", m.ID, "err", err)
		if errors.Is(err, ErrUnavailable) {
			return bot.Reply{}, bot.Unavailable("会話の状態を保存できませんでした。しばらくしてからもう一度お送りください。(state store unavailable; please retry)", err)
		}
		return bot.Reply{}, err
	}
	e.notify(ctx, msg, m.ID, events)
	e.recordUsage(ctx, msg, last, reply)
	// One line a turn is Debug: the channels already log each request or
	// event. A refused PIN is rare and worth an operator's eye.
	level := slog.LevelDebug
	if pin {
		level = slog.LevelInfo
	}
	e.log.Log(ctx, level, "dialog turn", "user", bot.HashUser(msg.User), "municipality", m.ID,
		"channel", msg.Channel, "asking", reply.Asking, "done", reply.Done, "pin_warning", pin)
	return reply, nil
}

// version is the knowledge one turn uses: a KB and its FAQ index.
type version struct {
	kb  *knowledge.KB
	faq *faq.Index
}

func versionOf(kb *knowledge.KB) version { return version{kb: kb, faq: faq.For(kb)} }

// errRepeat stops a Store update that would repeat the turn last applied.
var errRepeat = errors.New("dialog: message already applied")

// Forget deletes the conversation of one user.
func (e *Engine) Forget(ctx context.Context, ch bot.Channel, municipality, user string) error {
	err := e.store.Delete(ctx, Key{Channel: ch, Municipality: municipality, User: user})
	if errors.Is(err, ErrUnavailable) {
		return bot.Unavailable("state store unavailable", err)
	}
	return err
}

func (e *Engine) today(msg bot.Message) bot.Date {
	if msg.Today != nil {
		return *msg.Today
	}
	if !msg.Time.IsZero() {
		return bot.DateOf(msg.Time)
	}
	return bot.DateOf(e.clock())
}

func validate(msg bot.Message) error {
	switch {
	case msg.User == "":
		return bot.Invalidf("session_id", "a user or session id is required")
	case msg.Text == "" && msg.Postback == "":
		return bot.Invalidf("text", "either text or postback is required")
	case msg.Text != "" && msg.Postback != "":
		return bot.Invalidf("text", "send either text or postback, not both")
	case utf8.RuneCountInString(msg.Text) > bot.MaxTextRunes:
		return bot.Invalidf("text", "text is longer than %d characters", bot.MaxTextRunes)
	case len(msg.Postback) > bot.MaxPostbackBytes:
		return bot.Invalidf("postback", "postback is longer than %d bytes", bot.MaxPostbackBytes)
	case !utf8.ValidString(msg.Text):
		return bot.Invalidf("text", "text is not valid UTF-8")
	}
	return nil
}
