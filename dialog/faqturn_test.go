package dialog_test

import (
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
