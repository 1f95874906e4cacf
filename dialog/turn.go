package dialog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog/understand"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// missesBeforeContact is how many unreadable answers in a row lead the
// dialog to offer the counter's phone number.
const missesBeforeContact = 2

// turn applies one input to one state and builds the reply. It must be
// pure (Store.Update may run it more than once).
type turn struct {
	e     *Engine
	m     *knowledge.Municipality
	st    *State
	today bot.Date
	out   []bot.OutMessage
	done  bool
	pin   bool // the text looked like a PIN (logged as a flag, never the text)
}

func (t *turn) say(format string, args ...any) {
	t.out = append(t.out, bot.OutMessage{Type: bot.OutText, Text: fmt.Sprintf(format, args...)})
}

// greet opens a conversation.
func (t *turn) greet() {
	t.say("%sのマイナンバーカードの電子証明書の更新・発行について、必要な持ち物と窓口をご案内します。いくつか質問にお答えください。", t.m.Name)
}

func (t *turn) run(in input) bot.Reply {
	if !in.postback {
		return t.text(in.text)
	}
	switch {
	case in.command == cmdReset || in.command == cmdStart:
		t.reset()
		t.greet()
		return t.resume(true)
	case in.command == cmdBack:
		return t.back()
	case in.command == cmdFAQMenu:
		return t.faqMenu()
	case in.command == cmdWardMore:
		return t.ask(bot.SlotWard, wardButtons(t.m, 1))
	case in.topic != "":
		return t.answerTopic(in.topic)
	case in.skip != "":
		t.skip(in.skip)
		return t.resume(true)
	}
	return t.apply(in.slots, in.found)
}

// text handles free text: slot answers (also corrections of earlier ones),
// "わからない", an FAQ question, or nothing readable.
func (t *turn) text(text string) bot.Reply {
	r := understand.Understand(text, t.st.Asking, t.today, t.wards())
	if t.st.Asking == bot.SlotMoveAtVisit && !r.PIN && !r.DontKnow {
		if v := readMoveAtVisit(text); v != nil {
			r.Slots.MoveAtVisit = v
			r.Found = append(r.Found, bot.SlotMoveAtVisit)
		}
	}
	switch {
	case r.PIN:
		t.pin = true
		t.say("暗証番号のような文字列が送られたため、内容は保存も表示もしていません。暗証番号は、このチャットを含め、だれにも送らないでください。")
		return t.resume(false)
	case r.Command == understand.Reset:
		return t.run(input{command: cmdReset, postback: true})
	case r.Command == understand.Back:
		return t.back()
	case r.Command == understand.Start:
		// The resident asks for the procedure itself: what the whole
		// dialog answers, never an FAQ topic. Before the first question or
		// after the checklist it begins (anew); mid-way it asks the current
		// question again. Slots the same text states are kept.
		if t.st.Asking == "" {
			t.reset()
			t.greet()
		}
		if len(r.Found) > 0 {
			return t.apply(adultsHaveNoLegalRep(t.st.Slots, r.Slots), r.Found)
		}
		return t.resume(true)
	}
	if len(r.Found) > 0 {
		return t.apply(adultsHaveNoLegalRep(t.st.Slots, r.Slots), r.Found)
	}
	if r.DontKnow && (t.st.Asking == bot.SlotExpiryDate || t.st.Asking == bot.SlotWard || t.st.Asking == bot.SlotMoveAtVisit) {
		t.skip(t.st.Asking)
		return t.resume(true)
	}
	if res := t.e.faq.Ask(t.m.ID, text); res.Confident {
		t.say("%s", res.Answer.Text)
		return t.resume(false)
	}
	if t.st.Asking == "" && !t.st.Done {
		t.greet()
		return t.resume(true)
	}
	if t.st.Asking == "" {
		t.say("すみません、ご質問にはっきりお答えできませんでした。%s", t.contact())
		return t.resume(false)
	}
	return t.miss()
}

// apply stores slot values (answers or corrections), then asks the next
// question or gives the checklist.
func (t *turn) apply(s bot.Slots, found []string) bot.Reply {
	for _, slot := range found {
		copySlot(&t.st.Slots, s, slot)
		t.st.Skipped = slices.DeleteFunc(t.st.Skipped, func(x string) bool { return x == slot })
		t.remember(slot)
	}
	if a := t.st.Slots.AddressChange; a != nil && !*a && t.st.Slots.MoveAtVisit != nil {
		// No address change, so no move filed at the visit: forget the
		// answer rather than keep slots the engine refuses together.
		t.clear(bot.SlotMoveAtVisit)
		t.st.History = slices.DeleteFunc(t.st.History, func(x string) bool { return x == bot.SlotMoveAtVisit })
	}
	t.st.Misses = 0
	return t.resume(true)
}

// resume asks the next question, or gives the checklist when the slots are
// enough. After an FAQ answer or a warning (progressed false) a finished
// conversation is not given its checklist again.
func (t *turn) resume(progressed bool) bot.Reply {
	next := nextSlot(t.m, t.st)
	if next != "" {
		return t.ask(next, nil)
	}
	if !progressed && t.st.Done {
		t.st.Asking = ""
		return t.reply(afterButtons)
	}
	return t.checklist()
}

func (t *turn) checklist() bot.Reply {
	c, err := rules.Checklist(t.m, checklistSlots(t.st), t.today)
	if err != nil {
		// The slots were validated on the way in, so this is a knowledge
		// defect; say so honestly rather than fail the turn.
		t.e.log.Error("checklist failed", "municipality", t.m.ID, "err", err)
		t.say("申し訳ありません、持ち物をご案内できませんでした。%s", t.contact())
		return t.reply(afterButtons)
	}
	t.st.Asking, t.st.Done, t.done = "", true, true
	t.say("%s", summary(t.m, c))
	t.out = append(t.out, bot.OutMessage{Type: bot.OutChecklist, Checklist: &c})
	t.say("ほかにご質問があれば、このままお送りください(手数料、受付時間、暗証番号など)。")
	return t.reply(afterButtons)
}

func (t *turn) reset() {
	turns := t.st.Turns
	*t.st = State{Version: SchemaVersion, Turns: turns}
}

func (t *turn) wards() []understand.Ward {
	out := make([]understand.Ward, len(t.m.Wards))
	for i, w := range t.m.Wards {
		out[i] = understand.Ward{ID: w.ID, Name: w.Name}
	}
	return out
}

func (t *turn) reply(buttons []bot.QuickReply) bot.Reply {
	if buttons == nil {
		buttons = []bot.QuickReply{}
	}
	return bot.Reply{Messages: t.out, QuickReplies: buttons, Asking: t.st.Asking, Slots: t.st.Slots, Done: t.done}
}

var afterButtons = []bot.QuickReply{
	{Label: "最初から", Postback: PostbackReset},
	{Label: "よくある質問", Postback: PostbackFAQ},
}

// summary is the text that comes before the checklist.
func summary(m *knowledge.Municipality, c bot.Checklist) string {
	var b strings.Builder
	if !c.Covered {
		fmt.Fprintf(&b, "%sのページには、このケースの手続きの記載がありません。", m.Name)
		return b.String()
	}
	proc := c.ProcedureName // the page's own word: 昭島市 renews after expiry
	if proc == "" {
		proc = "更新"
		if c.Procedure == bot.ProcedureIssuance {
			proc = "発行"
		}
	}
	fmt.Fprintf(&b, "%sでの電子証明書の%sに必要なものをまとめました。", m.Name, proc)
	if c.Visits > 1 {
		fmt.Fprintf(&b, "窓口には%d回お越しいただく必要があります(即日の手続きはできません)。", c.Visits)
	} else if c.SameDay {
		b.WriteString("1回の来庁で手続きできます。")
	}
	return b.String()
}
