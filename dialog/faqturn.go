package dialog

import (
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// faqMenuTopics are the topics offered as buttons by the FAQ menu, at most
// 12 so that a "戻る"-less menu fits LINE's 13 quick replies.
var faqMenuTopics = []string{"fee", "hours", "where", "phone", "reservation", "pin_forgotten",
	"pin_types", "proxy", "window", "expired", "followup_konbini", "followup_etax"}

func (t *turn) faqMenu() bot.Reply {
	t.tell(bot.TextFAQMenu)
	var buttons []bot.QuickReply
	for _, id := range faqMenuTopics {
		if tp := t.k.kb.Topic(id); tp != nil {
			buttons = append(buttons, bot.QuickReply{Label: tp.Title, Postback: "faq=" + id})
		}
	}
	return t.reply(buttons)
}

// answerTopic answers an FAQ topic chosen by button, then resumes the flow.
func (t *turn) answerTopic(topic string) bot.Reply {
	a, ok := t.k.kb.Answer(t.m.ID, topic)
	if !ok {
		t.note(Event{Kind: EventFAQ, FAQ: FAQUnanswered, Topic: topic})
		t.tellContact(bot.TextFAQUnanswerable)
	} else {
		t.answer(topic, a)
	}
	return t.resume(false)
}

// wardTopics are the topics whose answer depends on the ward in a
// municipality with wards (Yokohama: 16 wards book, two take walk-ins).
var wardTopics = map[string]bool{"reservation": true, "where": true}

// answer says a's text in the conversation's language (its translation,
// else the Japanese after the note saying so); for a ward topic with the ward known, the ward's
// own counter and reservation rule come first, since they are what the
// resident asked about.
func (t *turn) answer(topic string, a knowledge.Answer) {
	t.note(Event{Kind: EventFAQ, FAQ: FAQAnswered, Topic: topic})
	t.used.Topics = append(t.used.Topics, topic)
	if w := t.m.Ward(t.st.Slots.Ward); w != nil && wardTopics[topic] {
		counter, ok1 := w.In(t.lang(), "counter", w.Counter)
		reservation, ok2 := w.In(t.lang(), "reservation", w.Reservation)
		if !ok1 || !ok2 {
			t.noteJapanese() // the ward's counter or rule is the page's Japanese
		}
		t.tellWith(bot.TextFAQWardCounter, []string{"ward", w.Name}, func(tx bot.Texts) []string {
			if tx.Lang == bot.LangJa {
				return []string{"counter", w.Counter, "reservation", w.Reservation}
			}
			return []string{"counter", counter, "reservation", reservation}
		})
		if topic == "reservation" {
			return
		}
	}
	if _, ok := a.In(t.lang(), "text", a.Text); !ok {
		t.noteJapanese() // the answer is the page's Japanese
	}
	t.out = append(t.out, t.attributed(topic, a))
}

// attributed returns a's text, saying where it comes from when that is
// not the municipality's own page: a national answer never passes for the
// municipality's rule (「昭島市のページには記載がありません。全国共通の制度では、…」),
// and a municipal answer quoting another page names it.
func (t *turn) attributed(topic string, a knowledge.Answer) bot.OutMessage {
	own := false
	for _, x := range t.m.Answers {
		own = own || x.Topic == topic
	}
	in := func(tx bot.Texts) string {
		text, _ := a.In(tx.Lang, "text", a.Text)
		switch {
		case !own:
			return tx.Get(bot.TextFAQNational, "municipality", t.m.Name, "answer", text)
		case a.Source != nil && a.Source.Seed != "" && a.Source.Seed != t.m.Page.Seed:
			if other := t.k.kb.MunicipalityBySeed(a.Source.Seed); other != nil {
				return tx.Get(bot.TextFAQOtherPage, "answer", text, "other", other.Name)
			}
		}
		return text
	}
	m := bot.OutMessage{Type: bot.OutText, Text: in(t.tx())}
	if ja := in(t.m.Words(bot.LangJa)); ja != m.Text {
		m.TextJa = ja
	}
	return m
}
