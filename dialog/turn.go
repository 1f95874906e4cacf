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

func (t *turn) run(in input) bot.Reply {
	if !in.postback {
		return t.text(in.text)
	}
	switch {
	case in.command == cmdReset || in.command == cmdStart:
		t.reset()
		t.say("%sのマイナンバーカードの電子証明書の更新・発行について、必要な持ち物と窓口をご案内します。いくつか質問にお答えください。", t.m.Name)
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
	fresh := t.st.Turns == 0 && t.st.Asking == "" && !t.st.Done
	r := understand.Understand(text, t.st.Asking, t.today, t.wards())
	switch {
	case r.PIN:
		t.pin = true
		t.say("暗証番号のような文字列が送られたため、内容は保存も表示もしていません。暗証番号は、このチャットを含め、だれにも送らないでください。")
		return t.resume(false)
	case r.Command == understand.Reset:
		return t.run(input{command: cmdReset, postback: true})
	case r.Command == understand.Back:
		return t.back()
	}
	if len(r.Found) > 0 {
		return t.apply(adultsHaveNoLegalRep(t.st.Slots, r.Slots), r.Found)
	}
	if r.DontKnow && (t.st.Asking == bot.SlotExpiryDate || t.st.Asking == bot.SlotWard) {
		t.skip(t.st.Asking)
		return t.resume(true)
	}
	if res := t.e.faq.Ask(t.m.ID, text); res.Confident {
		t.say("%s", res.Answer.Text)
		return t.resume(false)
	}
	if fresh || (t.st.Asking == "" && !t.st.Done) {
		t.say("%sのマイナンバーカードの電子証明書の更新・発行について、必要な持ち物と窓口をご案内します。いくつか質問にお答えください。", t.m.Name)
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
		t.st.History = append(slices.DeleteFunc(t.st.History, func(x string) bool { return x == slot }), slot)
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

// ask puts the question for slot, with its buttons (or the given ones).
func (t *turn) ask(slot string, buttons []bot.QuickReply) bot.Reply {
	q := questions[slot]
	if buttons == nil {
		buttons = t.buttons(slot)
	}
	t.st.Asking = slot
	t.say("%s", q.text)
	return t.reply(withBack(buttons, len(t.st.History) > 0))
}

func (t *turn) miss() bot.Reply {
	t.st.Misses++
	q := questions[t.st.Asking]
	if t.st.Misses >= missesBeforeContact {
		t.say("すみません、うまく読み取れませんでした。%s\nボタンからもお選びいただけます。", t.contact())
	} else {
		t.say("すみません、うまく読み取れませんでした。%s", q.hint)
	}
	buttons := t.buttons(t.st.Asking)
	t.say("%s", q.text)
	return t.reply(withBack(buttons, len(t.st.History) > 0))
}

func (t *turn) checklist() bot.Reply {
	c, err := rules.Checklist(t.m, t.st.Slots, t.today)
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

// back forgets the last answer and asks for it again.
func (t *turn) back() bot.Reply {
	h := t.st.History
	if len(h) == 0 {
		t.say("これより前の質問はありません。")
		return t.resume(false)
	}
	slot := h[len(h)-1]
	t.st.History = h[:len(h)-1]
	t.clear(slot)
	t.st.Done = false
	return t.ask(slot, nil)
}

func (t *turn) clear(slot string) {
	copySlot(&t.st.Slots, bot.Slots{}, slot)
	t.st.Skipped = slices.DeleteFunc(t.st.Skipped, func(x string) bool { return x == slot })
}

// copySlot sets the named slot of dst to its value in src (clearing it when
// src is empty).
func copySlot(dst *bot.Slots, src bot.Slots, slot string) {
	switch slot {
	case bot.SlotAgeGroup:
		dst.AgeGroup = src.AgeGroup
	case bot.SlotVisitor:
		dst.Visitor = src.Visitor
	case bot.SlotHasNotice:
		dst.HasNotice = src.HasNotice
	case bot.SlotAddressChange:
		dst.AddressChange = src.AddressChange
	case bot.SlotExpiryDate:
		dst.ExpiryDate = src.ExpiryDate
	case bot.SlotWard:
		dst.Ward = src.Ward
	}
}

func (t *turn) skip(slot string) {
	t.clear(slot)
	t.st.Skipped = append(t.st.Skipped, slot)
	t.st.History = append(slices.DeleteFunc(t.st.History, func(x string) bool { return x == slot }), slot)
	t.st.Misses = 0
}

func (t *turn) wards() []understand.Ward {
	out := make([]understand.Ward, len(t.m.Wards))
	for i, w := range t.m.Wards {
		out[i] = understand.Ward{ID: w.ID, Name: w.Name}
	}
	return out
}

// contact is the sentence that sends the resident to the municipality.
func (t *turn) contact() string {
	c := t.m.Contact
	if c.Phone == "" {
		return fmt.Sprintf("%sにお問い合わせください。", c.Name)
	}
	return fmt.Sprintf("%s(電話: %s)にお問い合わせください。", c.Name, c.Phone)
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

func withBack(buttons []bot.QuickReply, canGoBack bool) []bot.QuickReply {
	out := slices.Clone(buttons)
	if canGoBack && len(out) < 13 {
		out = append(out, bot.QuickReply{Label: "戻る", Postback: PostbackBack})
	}
	return out
}

// summary is the text that comes before the checklist.
func summary(m *knowledge.Municipality, c bot.Checklist) string {
	var b strings.Builder
	if !c.Covered {
		fmt.Fprintf(&b, "%sのページには、このケースの手続きの記載がありません。", m.Name)
		return b.String()
	}
	proc := "更新"
	if c.Procedure == bot.ProcedureIssuance {
		proc = "発行"
	}
	fmt.Fprintf(&b, "%sでの電子証明書の%sに必要なものをまとめました。", m.Name, proc)
	if c.Visits > 1 {
		fmt.Fprintf(&b, "窓口には%d回お越しいただく必要があります(即日の手続きはできません)。", c.Visits)
	} else if c.SameDay {
		b.WriteString("1回の来庁で手続きできます。")
	}
	return b.String()
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

// buttons returns the buttons offered with the question for slot: the
// wards' first page for the ward, and no 法定代理人 for a holder aged 15 or
// over (see adultsHaveNoLegalRep).
func (t *turn) buttons(slot string) []bot.QuickReply {
	switch slot {
	case bot.SlotWard:
		return wardButtons(t.m, 0)
	case bot.SlotVisitor:
		if t.st.Slots.AgeGroup == bot.AgeAdult {
			return slices.DeleteFunc(slices.Clone(questions[slot].buttons), func(q bot.QuickReply) bool {
				return q.Postback == "visitor="+string(bot.VisitorLegalRep)
			})
		}
	}
	return questions[slot].buttons
}
