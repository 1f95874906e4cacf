package knowledge

import (
	"slices"

	"github.com/madoguchi/madoguchi/bot"
)

// Answer returns municipality id's answer to topic, falling back to the
// national answer; ok is false when neither exists.
func (kb *KB) Answer(id, topic string) (a Answer, ok bool) {
	if m := kb.byID[id]; m != nil {
		for _, a := range m.Answers {
			if a.Topic == topic {
				return a, true
			}
		}
	}
	for _, a := range kb.National.Answers {
		if a.Topic == topic {
			return a, true
		}
	}
	return Answer{}, false
}

// MunicipalityBySeed returns the municipality whose page is seed, or nil.
func (kb *KB) MunicipalityBySeed(seed string) *Municipality {
	for _, m := range kb.Municipalities {
		if m.Page.Seed == seed {
			return m
		}
	}
	return nil
}

// Topic returns the FAQ topic with id, or nil.
func (kb *KB) Topic(id string) *Topic {
	for i := range kb.National.Topics {
		if kb.National.Topics[i].ID == id {
			return &kb.National.Topics[i]
		}
	}
	return nil
}

// Question returns how to ask for slot in municipality id: the national
// question with the municipality's text and hint where it has its own.
// ok is false for a slot with no national question.
func (kb *KB) Question(id, slot string) (q Question, ok bool) {
	return kb.QuestionIn(id, slot, bot.LangJa)
}

// QuestionIn is Question in lang: the national question's translation
// (text, hint, button labels), and a municipality's override in its own
// translation or, without one, in its Japanese (the national translation
// says the national words). Words not translated stay Japanese.
func (kb *KB) QuestionIn(id, slot string, lang bot.Lang) (q Question, ok bool) {
	for _, n := range kb.National.Questions {
		if n.Slot == slot {
			q, ok = n, true
		}
	}
	if w := q.in(lang); w != nil {
		q.Text, q.Hint = pick(w.Text, q.Text), pick(w.Hint, q.Hint)
		q.Buttons = slices.Clone(q.Buttons)
		for i := range q.Buttons {
			if i < len(w.Buttons) && w.Buttons[i] != "" {
				q.Buttons[i].Label = w.Buttons[i]
			}
		}
	}
	if m := kb.byID[id]; ok && m != nil {
		for _, o := range m.Questions {
			if o.Slot != slot {
				continue
			}
			w := o.in(lang)
			if w == nil {
				w = &QuestionWords{}
			}
			if o.Text != "" {
				q.Text = pick(w.Text, o.Text)
			}
			if o.Hint != "" {
				q.Hint = pick(w.Hint, o.Hint)
			}
		}
	}
	return q, ok
}

// pick returns s, or else when s is empty.
func pick(s, otherwise string) string {
	if s != "" {
		return s
	}
	return otherwise
}
