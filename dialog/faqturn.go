package dialog

import "github.com/madoguchi/madoguchi/bot"

// faqMenuTopics are the topics offered as buttons by the FAQ menu, at most
// 12 so that a "戻る"-less menu fits LINE's 13 quick replies.
var faqMenuTopics = []string{"fee", "hours", "where", "phone", "reservation", "pin_forgotten",
	"pin_types", "proxy", "window", "expired", "followup_konbini", "followup_etax"}

func (t *turn) faqMenu() bot.Reply {
	t.say("知りたいことをお選びください。文章でご質問いただくこともできます。")
	var buttons []bot.QuickReply
	for _, id := range faqMenuTopics {
		if tp := t.e.kb.Topic(id); tp != nil {
			buttons = append(buttons, bot.QuickReply{Label: tp.Title, Postback: "faq=" + id})
		}
	}
	return t.reply(buttons)
}

// answerTopic answers an FAQ topic chosen by button, then resumes the flow.
func (t *turn) answerTopic(topic string) bot.Reply {
	a, ok := t.e.kb.Answer(t.m.ID, topic)
	if !ok {
		t.say("すみません、そのご質問にはお答えできません。%s", t.contact())
	} else {
		t.say("%s", a.Text)
	}
	return t.resume(false)
}
