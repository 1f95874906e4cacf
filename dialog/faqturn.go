package dialog

import (
	"github.com/madoguchi/madoguchi/dialog/understand"
	"github.com/madoguchi/madoguchi/knowledge/faq"

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
			buttons = append(buttons, bot.QuickReply{Label: tp.TitleIn(t.lang()), Postback: "faq=" + id})
		}
	}
	return t.reply(buttons)
}

// askFAQ asks the FAQ about text, which r is the reading of; where the
// facts the text states decide between two neighbouring topics, they do:
//   - a question about the window or the expiry that gives the expiry date
//     (「期限が2027年2月27日です。もう手続きできますか？」) is about the window
//     while the date is to come, the expired certificate once it has passed;
//   - a question about a child's procedure whose holder it says is 15 or
//     over (「高校生の息子(17歳)の分…母親の私だけで行っても？」) is about a
//     proxy, since only under 15 does a parent come as the legal
//     representative.
func (t *turn) askFAQ(text string, r understand.Result) faq.Result {
	res := t.k.faq.Ask(t.m.ID, text)
	topic := res.Topic
	switch d := r.Slots.ExpiryDate; {
	case d != nil && (topic == "window" || topic == "expired"):
		topic = "window"
		if d.Before(t.today) {
			topic = "expired"
		}
	case topic == "what_to_bring" && r.Slots.Visitor == bot.VisitorProxy:
		// 夫は何を持っていけばいい？ said of a proxy: what a proxy brings is
		// the proxy topic.
		topic = "proxy"
	case topic == "under15" && understand.NoGuardian(text):
		// 母は認知症ですが後見人はついていません: not the adult-ward procedure;
		// a family member going is a proxy.
		topic = "proxy"
	case topic == "under15" && r.Slots.AgeGroup == bot.AgeAdult:
		topic = "proxy"
	}
	if a, ok := t.k.kb.Answer(t.m.ID, topic); ok && topic != res.Topic {
		res.Topic, res.Answer = topic, a
		if tp := t.k.kb.Topic(topic); tp != nil {
			res.Title = tp.Title
		}
	}
	return res
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
