package dialog

import (
	"slices"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/faq"
)

// ask puts the question for slot, with its buttons (or the given ones).
func (t *turn) ask(slot string, buttons []bot.QuickReply) bot.Reply {
	if buttons == nil {
		buttons = t.buttons(slot)
	}
	t.st.Asking = slot
	t.sayQuestion(slot)
	return t.reply(t.withBack(buttons))
}

// miss asks the current question again after an answer it could not
// read, offering the FAQ topics the text may have been about.
func (t *turn) miss(sugg []faq.Result) bot.Reply {
	t.st.Misses++
	if t.st.Misses >= missesBeforeContact {
		t.tellContact(bot.TextMissContact)
	} else {
		t.tellWith(bot.TextMissHint, nil, func(tx bot.Texts) []string {
			return []string{"hint", t.questionIn(t.st.Asking, tx.Lang).Hint}
		})
	}
	buttons := t.buttons(t.st.Asking)
	if room := maxQuickReplies - 1 - len(buttons); len(sugg) > 0 && room > 0 {
		t.tell(bot.TextMissSuggest)
		buttons = append(buttons, t.suggestionButtons(sugg[:min(room, len(sugg))])...)
	}
	t.sayQuestion(t.st.Asking)
	return t.reply(t.withBack(buttons))
}

// back forgets the last answer and asks for it again.
func (t *turn) back() bot.Reply {
	h := t.st.History
	if len(h) == 0 {
		t.tell(bot.TextNoEarlierQuestion)
		return t.resume(false)
	}
	slot := h[len(h)-1]
	t.st.History = h[:len(h)-1]
	t.clear(slot)
	t.st.Done = false
	return t.ask(slot, nil)
}

func (t *turn) clear(slot string) {
	t.st.Slots.Take(slot, bot.Slots{})
	t.st.Skipped = slices.DeleteFunc(t.st.Skipped, func(x string) bool { return x == slot })
}

func (t *turn) skip(slot string) {
	t.clear(slot)
	t.st.Skipped = append(t.st.Skipped, slot)
	t.remember(slot)
	t.st.Misses = 0
}

// remember moves slot to the end of the history, the order 戻る undoes.
func (t *turn) remember(slot string) {
	t.st.History = append(slices.DeleteFunc(t.st.History, func(x string) bool { return x == slot }), slot)
}

// buttons returns the buttons offered with the question for slot: the
// wards' first page for the ward, and no 法定代理人 for a holder aged 15 or
// over (see adultsHaveNoLegalRep).
func (t *turn) buttons(slot string) []bot.QuickReply {
	if slot == bot.SlotWard {
		return wardButtons(t.m, t.tx(), 0)
	}
	var out []bot.QuickReply
	for _, b := range t.question(slot).Buttons {
		if slot == bot.SlotVisitor && b.Value == string(bot.VisitorLegalRep) && t.st.Slots.AgeGroup == bot.AgeAdult {
			continue
		}
		out = append(out, bot.QuickReply{Label: b.Label, Postback: slot + "=" + b.Value})
	}
	return out
}

// question returns how m asks for slot, in the conversation's language.
// The validator guarantees a national question for every slot the dialog
// asks.
func (t *turn) question(slot string) knowledge.Question { return t.questionIn(slot, t.lang()) }

func (t *turn) questionIn(slot string, lang bot.Lang) knowledge.Question {
	q, _ := t.k.kb.QuestionIn(t.m.ID, slot, lang)
	return q
}

// sayQuestion asks the question for slot in the conversation's language,
// with the Japanese beside it; a question not translated is said in
// Japanese after the note saying so.
func (t *turn) sayQuestion(slot string) {
	q, ja := t.question(slot), t.questionIn(slot, bot.LangJa)
	if t.lang() != bot.LangJa && q.Text == ja.Text {
		t.sayJapanese(q.Text)
		return
	}
	m := bot.OutMessage{Type: bot.OutText, Text: q.Text}
	if q.Text != ja.Text {
		m.TextJa = ja.Text
	}
	t.out = append(t.out, m)
}

// contactIn is the sentence, in tx, that sends the resident to the
// municipality.
func (t *turn) contactIn(tx bot.Texts) string {
	c := t.m.Contact
	name, _ := c.In(tx.Lang, "name", c.Name)
	if c.Phone == "" {
		return tx.Get(bot.TextContact, "name", name)
	}
	return tx.Get(bot.TextContactPhone, "name", name, "phone", c.Phone)
}

// maxQuickReplies is LINE's limit on the buttons of one message.
const maxQuickReplies = 13

// withBack adds 戻る to buttons when there is an answer to undo and room.
func (t *turn) withBack(buttons []bot.QuickReply) []bot.QuickReply {
	out := slices.Clone(buttons)
	if len(t.st.History) > 0 && len(out) < maxQuickReplies {
		out = append(out, bot.CommandBack.Button(t.tx()))
	}
	if len(t.st.History) == 0 && len(out) < maxQuickReplies {
		// The first question: the language can be chosen (言語 / Language).
		out = append(out, bot.CommandLanguage.Button(t.tx()))
	}
	return out
}

// adultsHaveNoLegalRep reads a parent or guardian named in free text ("母が
// 行きます") as a 任意代理人 when the holder is 15 or over and not under
// guardianship: the pages' 法定代理人 procedure is for under15 and
// adult_ward holders only, and for anyone else a person other than the
// holder, family included, is an agent (Nerima's 注釈2, Akishima's
// 同一世帯のかたも代理人となります).
func adultsHaveNoLegalRep(known, found bot.Slots) bot.Slots {
	age := found.AgeGroup
	if age == "" {
		age = known.AgeGroup
	}
	if age == bot.AgeAdult && found.Visitor == bot.VisitorLegalRep {
		found.Visitor = bot.VisitorProxy
	}
	return found
}
