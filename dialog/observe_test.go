package dialog_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
)

// recorder is a dialog.Observer that keeps the events.
type recorder struct {
	mu     sync.Mutex
	events []dialog.Event
}

func (r *recorder) Observe(_ context.Context, ev dialog.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recorder) take() []dialog.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// conflictStore is an in-memory Store whose every Update first runs fn on
// a copy it throws away, as a Store does when another writer saved the
// key in between; fail makes Update fail after fn ran.
type conflictStore struct {
	mu     sync.Mutex
	states map[dialog.Key]dialog.State
	fail   bool
}

func (s *conflictStore) Update(_ context.Context, k dialog.Key, fn func(*dialog.State) error) (dialog.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lost := s.states[k].Clone()
	if err := fn(&lost); err != nil {
		return dialog.State{}, err
	}
	st := s.states[k].Clone()
	if err := fn(&st); err != nil {
		return dialog.State{}, err
	}
	if s.fail {
		return dialog.State{}, dialog.ErrUnavailable
	}
	s.states[k] = st
	return st, nil
}

func (s *conflictStore) Delete(_ context.Context, k dialog.Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.states, k)
	return nil
}

// TestObserverEvents checks the Observer contract: each applied turn's
// events once, however often the Store ran the turn, with the
// municipality, channel and language filled in; none for a repeated
// message or a turn the Store could not save.
func TestObserverEvents(t *testing.T) {
	rec := &recorder{}
	store := &conflictStore{states: map[dialog.Key]dialog.State{}}
	e := dialog.New(dialog.Config{KB: loadKB(t), Store: store, Observer: rec})
	today := bot.NewDate(2026, time.January, 10)
	send := func(text, id string) (bot.Reply, error) {
		return e.Respond(context.Background(), bot.Message{Channel: bot.ChannelLINE, Municipality: "akishima",
			User: "Uobserver0001", Text: text, ID: id, Today: &today})
	}
	kinds := func(evs []dialog.Event) []string {
		var out []string
		for _, ev := range evs {
			if ev.Municipality != "akishima" || ev.Channel != "line" || ev.Language != "ja" {
				t.Errorf("event %+v: want municipality akishima, channel line, language ja", ev)
			}
			s := string(ev.Kind)
			if ev.Kind == dialog.EventFAQ {
				s += ":" + string(ev.FAQ) + ":" + ev.Topic
			}
			out = append(out, s)
		}
		return out
	}
	for _, step := range []struct {
		text, id string
		want     []string
	}{
		{"更新の持ち物を知りたい", "01HOBSERVER000000000000001", []string{"started"}},
		{"更新の持ち物を知りたい", "01HOBSERVER000000000000001", nil}, // LINE's retry
		{"手数料はいくらかかりますか", "01HOBSERVER000000000000002", []string{"faq:answered:fee"}},
		{"1234", "01HOBSERVER000000000000003", []string{"pin_warning"}},
		{"小学生の娘です", "01HOBSERVER000000000000004", []string{"finished", "checklist"}},
		{"母親の私が行きます", "01HOBSERVER000000000000005", []string{"checklist"}},
	} {
		if _, err := send(step.text, step.id); err != nil {
			t.Fatalf("%q: %v", step.text, err)
		}
		got := kinds(rec.take())
		if len(got) != len(step.want) {
			t.Errorf("%q: events %q, want %q", step.text, got, step.want)
			continue
		}
		for i := range got {
			if got[i] != step.want[i] {
				t.Errorf("%q: events %q, want %q", step.text, got, step.want)
				break
			}
		}
	}

	store.fail = true
	if _, err := send("手数料はいくらかかりますか", "01HOBSERVER000000000000006"); err == nil {
		t.Fatal("a turn the store could not save succeeded")
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("a turn the store could not save told the observer %+v", got)
	}
}

// TestObserverLanguage: the events of a conversation in English or
// やさしい日本語 carry its language, for the metrics by language.
func TestObserverLanguage(t *testing.T) {
	rec := &recorder{}
	e := dialog.New(dialog.Config{KB: loadKB(t), Store: &conflictStore{states: map[dialog.Key]dialog.State{}}, Observer: rec})
	today := bot.NewDate(2026, time.January, 10)
	for user, c := range map[string]struct {
		msg  bot.Message
		want string
	}{
		"Ulang0000000000000000000000000001": {bot.Message{Text: "I want to renew my certificate"}, "en"},
		"Ulang0000000000000000000000000002": {bot.Message{Text: "更新したい", Lang: bot.LangEasy}, "ja-x-easy"},
		"Ulang0000000000000000000000000003": {bot.Message{Text: "更新したい"}, "ja"},
	} {
		msg := c.msg
		msg.Channel, msg.Municipality, msg.User, msg.Today = bot.ChannelWeb, "akishima", user, &today
		if _, err := e.Respond(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		evs := rec.take()
		if len(evs) == 0 {
			t.Fatalf("%q: no events", msg.Text)
		}
		for _, ev := range evs {
			if ev.Language != c.want {
				t.Errorf("%q: event %s in %q, want %q", msg.Text, ev.Kind, ev.Language, c.want)
			}
		}
	}
}
