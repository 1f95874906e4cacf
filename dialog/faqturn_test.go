package dialog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// TestWindowOrExpiredByTheDateGiven: a question about the window or the
// expiry that gives the expiry date is answered by what that date calls
// for (「期限が2027年2月27日です。もう手続きできますか？」 was answered as
// expired, because 期限 weighs toward that topic).
func TestWindowOrExpiredByTheDateGiven(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	e, _, _ := newEngine(t, nil)
	for i, c := range []struct{ text, topic string }{
		{"期限が2026年2月27日です。もう手続きできますか？", "window"},
		{"有効期限が2026年3月1日なんですが、いつから更新できますか？", "window"},
		{"有効期限が2025年12月30日で、気づいたら過ぎてました。どうすればいいですか？", "expired"},
	} {
		user := "u" + string(rune('a'+i))
		say(t, e, user, "電子証明書の更新をしたい", "")
		r := say(t, e, user, c.text, "")
		want, ok := kb.Answer("nerima", c.topic)
		if !ok {
			t.Fatalf("nerima has no %s answer", c.topic)
		}
		if !replyHolds(r, want.Text) {
			t.Errorf("%q: the reply does not carry the %s answer:\n%v", c.text, c.topic, r.Messages)
		}
	}
}

func replyHolds(r bot.Reply, text string) bool {
	for _, m := range r.Messages {
		if strings.Contains(m.Text, text) {
			return true
		}
	}
	return false
}

// TestFactsDecideTheTopicAndTroublesAreAnswered: a child's-procedure
// question about a holder of 15 or over is the proxy's; and a slot answer
// that also tells a trouble in a sentence of its own gets that answer on
// the way, while a sentence that reports, or is about a slot the text
// answers, gets none.
func TestFactsDecideTheTopicAndTroublesAreAnswered(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	answer := func(topic string) string {
		a, ok := kb.Answer("nerima", topic)
		if !ok {
			t.Fatalf("nerima has no %s answer", topic)
		}
		return a.Text
	}
	e, _, _ := newEngine(t, nil)
	for i, c := range []struct {
		text, topic string
		answered    bool
	}{
		{"高校生の息子(17歳)の分なんですけど、平日は学校があるので母親の私だけで行ってもいいですか", "proxy", true},
		{"40歳です。暗証番号を忘れてしまった", "pin_forgotten", true},
		{"40歳です。おかげで予約とれました", "reservation", false},
		{"父は80歳です。私が代わりに行きます。照会書はなくしました", "notice_missing", false},
	} {
		user := "f" + string(rune('a'+i))
		say(t, e, user, "電子証明書の更新をしたい", "")
		r := say(t, e, user, c.text, "")
		if got := replyHolds(r, answer(c.topic)); got != c.answered {
			t.Errorf("%q: the %s answer given: %v, want %v\n%v", c.text, c.topic, got, c.answered, r.Messages)
		}
	}
}

// TestWhatToBringMidWay: asking for the list of things to bring in the
// middle of the questions (a request for the procedure itself, not written
// as a question) is answered with the page's general answer on the way;
// the slot the same text states is kept and the next question follows.
func TestWhatToBringMidWay(t *testing.T) {
	kb := loadKB(t)
	want, ok := kb.Answer("nerima", "what_to_bring")
	if !ok {
		t.Fatal("nerima has no what_to_bring answer")
	}
	e, _, _ := newEngine(t, nil)
	for i, text := range []string{"自分で行くつもり。持ち物おしえて", "本人が行きます。持ち物リストください"} {
		user := fmt.Sprintf("bring-%d", i)
		say(t, e, user, "", bot.CommandStart.Postback)
		r := say(t, e, user, "", "age_group=adult")
		if r.Asking != bot.SlotVisitor {
			t.Fatalf("asking %q, want visitor", r.Asking)
		}
		r = say(t, e, user, text, "")
		got := strings.Join(texts(r), "\n")
		if !strings.Contains(got, want.Text) || r.Slots.Visitor != bot.VisitorSelf || r.Asking == bot.SlotVisitor || r.Asking == "" {
			t.Errorf("%q: visitor %q, asking %q, reply:\n%s\nwant the page's what-to-bring answer, visitor self and the next question", text, r.Slots.Visitor, r.Asking, got)
		}
	}
}

// TestQuestionsOfAProxy: what a proxy brings is the proxy topic, and a
// holder with no guardian is not the adult-ward procedure; a notice said,
// unasked, never to have come is answered with the missing-notice topic
// and still taken as the answer (has_notice false).
func TestQuestionsOfAProxy(t *testing.T) {
	kb := loadKB(t)
	e, _, _ := newEngine(t, nil)
	cases := []struct{ text, topic string }{
		{"やっぱり夫に頼むことにしました。夫は何を持っていけばいいですか", "proxy"},
		{"母は認知症で施設に入っとるんですが後見人はついてません。娘の私が代理で申請することってできますか", "proxy"},
		{"本人が行きます。青い封筒がまだ届いてません", "notice_missing"},
	}
	for i, c := range cases {
		want, ok := kb.Answer("nerima", c.topic)
		if !ok {
			t.Fatalf("nerima has no %s answer", c.topic)
		}
		user := fmt.Sprintf("proxyq-%d", i)
		say(t, e, user, "", bot.CommandStart.Postback)
		say(t, e, user, "", "age_group=adult")
		r := say(t, e, user, c.text, "")
		if got := strings.Join(texts(r), "\n"); !strings.Contains(got, want.Text) {
			t.Errorf("%q: no %s answer in:\n%s", c.text, c.topic, got)
		}
		if c.topic == "notice_missing" && (r.Slots.HasNotice == nil || *r.Slots.HasNotice) {
			t.Errorf("%q: has_notice %v, want false", c.text, r.Slots.HasNotice)
		}
	}
}

// TestAsideNotAboutTheTopicCarried: 「通知?どっかいった」 answers the notice
// (lost) and nothing on the way: its second sentence speaks of the topic
// the first named, not of a lost card.
func TestAsideNotAboutTheTopicCarried(t *testing.T) {
	kb := loadKB(t)
	lost, ok := kb.Answer("nerima", "lost_card")
	if !ok {
		t.Fatal("nerima has no lost_card answer")
	}
	e, _, _ := newEngine(t, nil)
	const user = "aside-carried"
	say(t, e, user, "", bot.CommandStart.Postback)
	say(t, e, user, "", "age_group=adult")
	r := say(t, e, user, "", "visitor=proxy")
	if r.Asking != bot.SlotHasNotice {
		t.Fatalf("asking %q, want has_notice", r.Asking)
	}
	r = say(t, e, user, "通知?どっかいった", "")
	if r.Slots.HasNotice == nil || *r.Slots.HasNotice {
		t.Errorf("has_notice %v, want false", r.Slots.HasNotice)
	}
	if got := strings.Join(texts(r), "\n"); strings.Contains(got, lost.Text) {
		t.Errorf("the lost card's answer was given for a lost notice:\n%s", got)
	}
}
