package dialog

import (
	"context"

	"github.com/madoguchi/madoguchi/bot"
)

// Observer is told what the conversations do, for metrics (package
// dialog/dialogmetrics counts them for Prometheus). The engine calls it
// once a turn is applied (after the state store accepted it), never for a
// repeated message (bot.Reply.Repeat) nor for a failed turn, synchronously
// and from many turns at once: it must be fast and safe for concurrent
// use. An Event holds no user id and no text.
type Observer interface {
	Observe(ctx context.Context, ev Event)
}

// EventKind says what happened.
type EventKind string

// The kinds of Event.
const (
	// EventStarted: the first turn of a conversation the store did not
	// hold (a new resident, or one whose state expired or was forgotten).
	// "最初から" continues the same conversation.
	EventStarted EventKind = "started"
	// EventFinished: a conversation's first checklist (again after
	// "最初から"); Checklist is set.
	EventFinished EventKind = "finished"
	// EventChecklist: every checklist given, the first included (a
	// correction after the checklist gives another); Checklist is set.
	EventChecklist EventKind = "checklist"
	// EventFAQ: an FAQ outcome; FAQ and Topic are set.
	EventFAQ EventKind = "faq"
	// EventPINWarning: a text that looked like a PIN was refused (neither
	// stored nor echoed).
	EventPINWarning EventKind = "pin_warning"
)

// FAQOutcome is what became of a question to the FAQ.
type FAQOutcome string

// The FAQ outcomes.
const (
	// FAQAnswered: a topic's answer was given (a question in text, or a
	// topic button); Topic is the topic.
	FAQAnswered FAQOutcome = "answered"
	// FAQSuggested: the question was not placed, likely topics were
	// offered as buttons (「もしかして」); Topic is the likeliest one.
	FAQSuggested FAQOutcome = "suggested"
	// FAQUnanswered: nothing was found (the contact was given instead);
	// Topic is "" for a text, or the topic of a button the municipality
	// has no answer to.
	FAQUnanswered FAQOutcome = "unanswered"
)

// LanguageJapanese is the language of an event whose turn set none.
const LanguageJapanese = "ja"

// Event is one thing a turn did. Municipality, Channel and Language are
// always set.
type Event struct {
	Kind         EventKind
	Municipality string
	// Channel is the channel of the message (bot.ChannelLINE,
	// bot.ChannelWeb) or, when the context says so (bot.Via), the way it
	// came (bot.ViaAPI).
	Channel  string
	Language string
	// Checklist is the checklist given (EventFinished, EventChecklist).
	Checklist *bot.Checklist
	// FAQ and Topic are set for EventFAQ.
	FAQ   FAQOutcome
	Topic string
}

// note records an event of this turn; Respond hands them to the Observer
// once the turn is applied (the turn itself may run more than once).
func (t *turn) note(ev Event) { t.events = append(t.events, ev) }

// stampLanguage gives the turn's events the conversation's language (ja,
// ja-x-easy or en) as the turn ends: the first turn chooses it after its
// start is noted.
func (t *turn) stampLanguage() {
	for i := range t.events {
		if t.events[i].Language == "" {
			t.events[i].Language = string(t.lang())
		}
	}
}

// notify hands a turn's events to the observer, with the fields every
// event shares filled in.
func (e *Engine) notify(ctx context.Context, msg bot.Message, municipality string, events []Event) {
	if e.observer == nil {
		return
	}
	channel := string(msg.Channel)
	if v := bot.Via(ctx); v != "" {
		channel = v
	}
	for _, ev := range events {
		ev.Municipality, ev.Channel = municipality, channel
		if ev.Language == "" {
			ev.Language = LanguageJapanese
		}
		e.observer.Observe(ctx, ev)
	}
}
