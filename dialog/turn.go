package dialog

import (
	"context"
	"slices"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
	"github.com/madoguchi/madoguchi/dialog/understand"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/faq"
	"github.com/madoguchi/madoguchi/knowledge/rules"
	"github.com/madoguchi/madoguchi/knowledge/usage"
)

// missesBeforeContact is how many unreadable answers in a row lead the
// dialog to offer the counter's phone number.
const missesBeforeContact = 2

// turn applies one input to one state and builds the reply. It must be
// pure (Store.Update may run it more than once).
type turn struct {
	// ctx is the turn's request context, for its log lines (the request id).
	ctx   context.Context
	e     *Engine
	k     version // the knowledge of this turn, taken once when it began
	m     *knowledge.Municipality
	st    *State
	today bot.Date
	out   []bot.OutMessage
	done  bool
	pin   bool // the text looked like a PIN (logged as a flag, never the text)
	// notedJapanese is set once the reply says that the page's words that
	// follow are Japanese (TextJapaneseOnly).
	notedJapanese bool
	// events are what the Observer is told once the turn is applied.
	events []Event

	used usage.Turn // what the turn did, for the staff's usage figures
	// reshown is set when the turn gave the last checklist again in
	// Japanese (showJapanese): not another checklist in the usage figures.
	reshown bool
}

// say says text as it is: a question's or an answer's words from the
// knowledge.
func (t *turn) say(text string) {
	t.out = append(t.out, bot.OutMessage{Type: bot.OutText, Text: text})
}

// tell says the catalogue's text id (vars are its placeholders' name,
// value pairs), with its Japanese original beside it when it is
// translated into the conversation's language.
func (t *turn) tell(id bot.TextID, vars ...string) {
	t.tellWith(id, vars, nil)
}

// tellContact says the text id whose {contact} is whom to ask (contact),
// in the conversation's language and, beside it, in Japanese.
func (t *turn) tellContact(id bot.TextID) {
	t.tellWith(id, nil, func(tx bot.Texts) []string { return []string{"contact", t.contactIn(tx)} })
}

// tellWith says the text id with vars and, when more is set, the
// placeholders it gives for each catalogue (the phrases that are texts
// themselves, so that the Japanese original is Japanese throughout).
func (t *turn) tellWith(id bot.TextID, vars []string, more func(bot.Texts) []string) {
	tx := t.tx()
	fill := func(tx bot.Texts) []string {
		if more == nil {
			return vars
		}
		return append(append([]string(nil), vars...), more(tx)...)
	}
	m := bot.OutMessage{Type: bot.OutText, Text: tx.Get(id, fill(tx)...)}
	if _, translated := tx.Japanese[id]; translated {
		m.TextJa = t.m.Words(bot.LangJa).Get(id, fill(t.m.Words(bot.LangJa))...)
	}
	t.out = append(t.out, m)
}

// sayJapanese says a text of the knowledge that is not translated (a
// question's words, an FAQ answer): in a conversation in another language
// the first such text of a reply is preceded by the note saying so.
func (t *turn) sayJapanese(text string) {
	t.noteJapanese()
	t.say(text)
}

// noteJapanese adds, once a reply and only outside Japanese, the note
// that what follows is the page's Japanese.
func (t *turn) noteJapanese() {
	if t.lang() == bot.LangJa || t.notedJapanese {
		return
	}
	t.notedJapanese = true
	t.tell(bot.TextJapaneseOnly)
}

// lang is the conversation's language.
func (t *turn) lang() bot.Lang {
	if t.st.Lang == "" {
		return bot.LangJa
	}
	return t.st.Lang
}

// tx is the municipality's catalogue of texts for this conversation.
func (t *turn) tx() bot.Texts { return t.m.Words(t.lang()) }

// greet opens a conversation.
func (t *turn) greet() {
	t.tell(bot.TextGreeting, "municipality", t.m.Name)
}

func (t *turn) run(in input) bot.Reply {
	t.st.Lang = chooseLang(t.st.Lang, in)
	if !in.postback {
		return t.text(in.text)
	}
	if t.st.lost() && (len(in.found) > 0 || in.skip != "" || in.command == cmdBack || in.command == cmdWardMore ||
		in.command == cmdFix || in.command == cmdFixSlot || in.command == cmdShowJa) {
		return t.restartLost()
	}
	switch {
	case in.command == cmdReset || in.command == cmdStart:
		t.reset()
		t.greet()
		return t.resume(true)
	case in.command == cmdBack:
		return t.back()
	case in.command == cmdLangMenu:
		return t.languageMenu()
	case in.command == cmdSetLang:
		return t.setLanguage(in.setLang)
	case in.command == cmdFix:
		return t.fixMenu()
	case in.command == cmdFixSlot:
		return t.fix(in.fix)
	case in.command == cmdFAQMenu:
		return t.faqMenu()
	case in.command == cmdWardMore:
		return t.ask(bot.SlotWard, wardButtons(t.m, t.tx(), 1))
	case in.command == cmdShowJa:
		return t.showJapanese()
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
	r := understand.Read(text, t.readContext())
	t.st.HolderOther = t.st.HolderOther || r.HolderOther
	if r.Slots.ExpiryDate != nil {
		t.st.Era = strings.Contains(text, "令和")
	}
	if !r.PIN && !r.DontKnow {
		var v *bool
		switch {
		case t.st.Asking == bot.SlotMoveAtVisit:
			v = readMoveAtVisit(text)
		default:
			// Only where the page has a same-day route; the text is read
			// first, since it seldom names a filing and matters walks
			// every situation.
			if v = statedMoveAtVisit(text); v != nil && !matters(t.m, t.st, bot.SlotMoveAtVisit) {
				v = nil
			}
		}
		if v != nil {
			r.Slots.MoveAtVisit = v
			r.Found = append(r.Found, bot.SlotMoveAtVisit)
			if *v && r.Slots.AddressChange == nil && t.st.Slots.AddressChange == nil {
				r.Slots.AddressChange = bot.Bool(true) // a move filed at the visit is a change
				r.Found = append(r.Found, bot.SlotAddressChange)
			}
		}
	}
	question := !r.PIN && understand.IsQuestion(text)
	// The FAQ is asked only where its answer can matter (a question, or a
	// text that answers nothing): a plain slot answer, most LINE turns,
	// skips its cost.
	var res faq.Result
	if question {
		res = t.askFAQ(text, r)
	}
	switch {
	case r.PIN:
		t.pin = true
		t.note(Event{Kind: EventPINWarning})
		t.tell(bot.TextPINWarning)
		return t.resume(false)
	case r.Command == understand.Reset:
		return t.run(input{command: cmdReset, postback: true})
	case r.Command == understand.Back:
		return t.back()
	case question && r.Command != understand.Start:
		if r.DontKnow && len(r.Found) == 0 && optional(t.st.Asking) {
			// 「カードのどこを見ればいいの？わかんない」: the optional answer is
			// unknown; the question is answered on the way.
			t.skip(t.st.Asking)
		}
		if reply, ok := t.answerQuestion(text, r, res); ok {
			return reply
		}
	}
	switch {
	case r.Command == understand.Start:
		// The resident asks for the procedure itself: what the whole
		// dialog answers, never an FAQ topic. Before the first question or
		// after the checklist it begins (anew); mid-way it asks the current
		// question again. Slots the same text states are kept.
		if t.st.Asking == "" {
			t.reset()
			t.greet()
		} else if res = t.askStart(text, r, res); startTopics[res.Topic] {
			// 「持ち物おしえて」 mid-way: what the checklist will list, said
			// now in the page's general words, then the question again.
			t.answer(res.Topic, res.Answer)
		}
		if len(r.Found) > 0 {
			return t.apply(adultsHaveNoLegalRep(t.st.Slots, r.Slots), r.Found)
		}
		return t.resume(true)
	}
	if len(r.Found) > 0 {
		if r.DontKnow && optional(t.st.Asking) && !slices.Contains(r.Found, t.st.Asking) {
			// 「引っ越してました。期限はわかんない」: a correction, and the
			// optional answer unknown.
			t.skip(t.st.Asking)
		}
		t.answerAside(text, r)
		t.answerNoNotice(text, r)
		return t.apply(adultsHaveNoLegalRep(t.st.Slots, r.Slots), r.Found)
	}
	if r.DontKnow && optional(t.st.Asking) {
		t.skip(t.st.Asking)
		return t.resume(true)
	}
	if !question {
		res = t.askFAQ(text, r)
	}
	if res.Confident {
		t.answer(res.Topic, res.Answer)
		return t.resume(false)
	}
	if t.st.Asking == "" && !t.st.Done && !question {
		t.greet()
		return t.resume(true)
	}
	if t.st.Asking == "" || question {
		return t.unsure(text)
	}
	return t.miss(t.k.faq.Suggest(t.m.ID, text, maxSuggestions))
}

// startTopics are the FAQ topics a request for the procedure itself may
// be answered with mid-way (持ち物を教えて: what to bring), before its
// question is asked again.
var startTopics = map[string]bool{"what_to_bring": true, "followups": true}

// askStart is res, or the FAQ's answer to text when res is empty (a
// request for the procedure is not always written as a question); only a
// confident match counts.
func (t *turn) askStart(text string, r understand.Result, res faq.Result) faq.Result {
	if res.Topic == "" {
		res = t.askFAQ(text, r)
	}
	if !res.Confident {
		return faq.Result{}
	}
	return res
}

// readContext is what the understanding needs to know of the conversation.
func (t *turn) readContext() understand.Context {
	return understand.Context{Asking: t.st.Asking, Today: t.today, Wards: t.wards(), Age: t.st.Slots.AgeGroup, AfterChecklist: t.st.Done,
		HolderOther: t.st.HolderOther}
}

// answerAside answers, on the way, the sentence of a slot answer that
// states no slot and that the FAQ matches with confidence, a trouble told
// without a question mark (「鶴見区住みです。暗証番号わからんくなった」: the
// ward, and a forgotten PIN). A topic about a slot the text answers is left
// to the checklist (「父の代わりに行きます。照会書はなくしました」 is no
// question about proxies or a missing form).
func (t *turn) answerAside(text string, r understand.Result) {
	sentences := strings.FieldsFunc(text, func(c rune) bool { return strings.ContainsRune("。．.!！?？\n", c) })
	if len(sentences) < 2 {
		return
	}
	for _, s := range sentences {
		if !containsAny(s, troubleWords...) {
			continue // 「おかげで予約とれました」 reports, it asks nothing
		}
		sr := understand.Read(s, t.readContext())
		if len(sr.Found) > 0 || sr.PIN || sr.Command != understand.None {
			continue
		}
		if res := t.askFAQ(s, sr); res.Confident && !slices.Contains(r.Found, topicSlots[res.Topic]) {
			t.answer(res.Topic, res.Answer)
			return
		}
	}
}

// answerNoNotice answers the missing-notice topic when a resident, not
// asked about the notice, says it never came (青い封筒がまだ届いてません。
// 期限は来年の2月です): told unasked, it is a worry (can I still renew?),
// which the page's answer settles; the answer to the question asked
// (has_notice false) is kept as well.
func (t *turn) answerNoNotice(text string, r understand.Result) {
	if t.st.Asking == bot.SlotHasNotice || !slices.Contains(r.Found, bot.SlotHasNotice) || r.Slots.HasNotice == nil || *r.Slots.HasNotice {
		return
	}
	if !containsAny(understand.Normalize(text), notArrived...) {
		return
	}
	if a, ok := t.k.kb.Answer(t.m.ID, "notice_missing"); ok {
		t.answer("notice_missing", a)
	}
}

// notArrived say a notice never came (not that it was lost).
var notArrived = []string{"届いてな", "届いていな", "届かな", "届いてません", "届いていません", "来てな", "来ていな", "来ません",
	"きてな", "きていな", "来とらん", "来てへん", "こない", "来ない", "まだ届", "まだ来", "never came", "not arrived", "hasn't come", "didn't come", "didn't get"}

// troubleWords tell a trouble, which a resident expects help with though
// they ask nothing: forgotten, lost, not arrived, not working.
var troubleWords = []string{"わからな", "わからん", "分からな", "分からん", "わかんな", "忘れ", "わすれ", "なくし", "無くし", "失くし",
	"紛失", "届かな", "届いてな", "届いていな", "来な", "こな", "来てな", "できな", "でけん", "できん", "困っ", "こまっ",
	"どうしよう", "壊れ", "こわれ", "ロック", "ろっく", "lost", "forgot", "can't", "cannot", "broken"}

// topicSlots are the FAQ topics about one slot's situation.
var topicSlots = map[string]string{
	"proxy": bot.SlotVisitor, "under15": bot.SlotVisitor, "notice": bot.SlotHasNotice, "notice_missing": bot.SlotHasNotice,
	"address_change": bot.SlotAddressChange, "window": bot.SlotExpiryDate, "expired": bot.SlotExpiryDate,
	"validity": bot.SlotExpiryDate, "validity_check": bot.SlotExpiryDate,
}

// answerQuestion answers a text written as a question when the FAQ finds its
// topic likely, keeping the ward it names (「港北区だけど予約いる？」): a
// question states its other facts as suppositions (代理人なら1回で終わる？),
// which must not become the resident's answers. ok is false when the
// FAQ finds nothing likely; the text is then read as an answer.
func (t *turn) answerQuestion(text string, r understand.Result, res faq.Result) (bot.Reply, bool) {
	if len(r.Found) > 0 && !understand.Supposes(text) {
		// 「私一人で行けますか？」, 「港北区だけど予約いる？」: facts stated in a
		// question count; its topic is answered on the way.
		if res.Confident || res.Likely {
			ward := t.st.Slots.Ward
			if r.Slots.Ward != "" {
				t.st.Slots.Ward = r.Slots.Ward // the ward named is the one asked about
			}
			t.answer(res.Topic, res.Answer)
			t.st.Slots.Ward = ward // apply records it, as a correction if it is one
		}
		return t.apply(adultsHaveNoLegalRep(t.st.Slots, r.Slots), r.Found), true
	}
	if !res.Likely && !res.Confident {
		return bot.Reply{}, false
	}
	if r.Slots.Ward != "" {
		t.st.Slots.Ward = r.Slots.Ward
		t.remember(bot.SlotWard)
	}
	t.answer(res.Topic, res.Answer)
	return t.resume(false), true
}

// optional reports whether "I don't know" is an answer to slot: the expiry
// date, the ward and whether a move is filed at the visit may stay unknown.
func optional(slot string) bool {
	return slot == bot.SlotExpiryDate || slot == bot.SlotWard || slot == bot.SlotMoveAtVisit
}

// unsure answers a question the FAQ could not place: the likeliest topics
// as buttons (「もしかして」) when there are any, else the contact; the miss
// is logged (the topics only, never the text) for staff.
func (t *turn) unsure(text string) bot.Reply {
	sugg := t.k.faq.Suggest(t.m.ID, text, maxSuggestions)
	topics := make([]string, len(sugg))
	for i, s := range sugg {
		topics[i] = s.Topic
	}
	t.used.Unanswered, t.used.Question = true, text
	t.e.log.InfoContext(t.ctx, "faq unanswered", "municipality", t.m.ID, "asking", t.st.Asking, "suggested", topics)
	if len(sugg) == 0 {
		t.note(Event{Kind: EventFAQ, FAQ: FAQUnanswered})
		t.tellContact(bot.TextUnsureContact)
		return t.resume(false)
	}
	t.note(Event{Kind: EventFAQ, FAQ: FAQSuggested, Topic: sugg[0].Topic})
	t.tell(bot.TextUnsureSuggest)
	buttons := t.suggestionButtons(sugg)
	if t.st.Asking != "" {
		t.sayQuestion(t.st.Asking)
		buttons = append(buttons, t.buttons(t.st.Asking)...)
	} else {
		buttons = append(buttons, t.afterButtons()...)
	}
	return t.reply(t.withBack(buttons[:min(len(buttons), maxQuickReplies-1)]))
}

// maxSuggestions is how many 「もしかして」 topics are offered at most.
const maxSuggestions = 3

// suggestionButtons offers the topics sugg names, titled in the
// conversation's language.
func (t *turn) suggestionButtons(sugg []faq.Result) []bot.QuickReply {
	out := make([]bot.QuickReply, 0, len(sugg))
	for _, s := range sugg {
		label := s.Title
		if tp := t.k.kb.Topic(s.Topic); tp != nil {
			label = tp.TitleIn(t.lang())
		}
		out = append(out, bot.QuickReply{Label: label, Postback: "faq=" + s.Topic})
	}
	return out
}

// apply stores slot values (answers or corrections), then asks the next
// question or gives the checklist.
func (t *turn) apply(s bot.Slots, found []string) bot.Reply {
	for _, slot := range found {
		if old := t.st.Slots.Get(slot); old != "" && old != s.Get(slot) {
			t.acknowledge(slot, s)
		}
		t.st.Slots.Take(slot, s)
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
		return t.reply(t.afterButtons())
	}
	return t.checklist()
}

// buildChecklist computes the checklist of the state's slots in lang,
// dated in 令和 where the resident wrote it. ok is false when the rules
// refused it: the slots were validated on the way in, so that is a
// knowledge defect, said honestly (TextChecklistFailed) rather than
// failing the turn.
func (t *turn) buildChecklist(lang bot.Lang) (c bot.Checklist, ok bool) {
	c, err := rules.ChecklistIn(t.m, checklistSlots(t.st), t.today, lang)
	if err != nil {
		t.e.log.ErrorContext(t.ctx, "checklist failed", "municipality", t.m.ID, "err", err)
		t.tellContact(bot.TextChecklistFailed)
		return c, false
	}
	if t.st.Era {
		c.Calendar = bot.CalendarEra
		if c.Japanese != nil {
			c.Japanese.Calendar = bot.CalendarEra
		}
	}
	return c, true
}

func (t *turn) checklist() bot.Reply {
	c, ok := t.buildChecklist(t.lang())
	if !ok {
		return t.reply(t.afterButtons())
	}
	if !t.st.Done {
		t.note(Event{Kind: EventFinished, Checklist: &c})
	}
	t.note(Event{Kind: EventChecklist, Checklist: &c})
	t.st.Asking, t.st.Done, t.done = "", true, true
	t.tellSummary(c)
	if c.Untranslated > 0 {
		t.noteJapanese() // some of the checklist's facts are the page's Japanese
	}
	t.out = append(t.out, bot.OutMessage{Type: bot.OutChecklist, Checklist: &c})
	t.tell(bot.TextAfterChecklist)
	return t.reply(t.afterButtons())
}

// showJapanese gives the conversation's last checklist again, entirely in
// Japanese (the page's words and the Japanese texts), for the resident to
// show a counter clerk (bot.CommandShowJapanese, a button under a
// translated checklist). It is computed from the state's slots, as the
// checklist was; the conversation's language is left as it is, and the
// line before the checklist and the buttons after it are in it. Before a
// checklist was given (a button of an older conversation, after 最初から)
// the question being asked is asked again.
func (t *turn) showJapanese() bot.Reply {
	if !t.st.Done {
		return t.resume(false)
	}
	c, ok := t.buildChecklist(bot.LangJa)
	if !ok {
		return t.reply(t.afterButtons())
	}
	t.st.Asking, t.reshown = "", true
	t.tell(bot.TextShownInJapanese)
	t.out = append(t.out, bot.OutMessage{Type: bot.OutChecklist, Checklist: &c})
	return t.reply(t.afterButtons())
}

// restartLost answers a button of a conversation whose state is gone (see
// State.lost): it says so (bot.TextRecordLost: the state expired after a
// day without a turn, or Redis evicted it under memory pressure) and asks
// the first question, applying nothing, so that an answer given in a
// conversation that is gone never joins a new one.
func (t *turn) restartLost() bot.Reply {
	t.reset()
	t.tell(bot.TextRecordLost)
	return t.resume(true)
}

func (t *turn) reset() {
	turns, lang := t.st.Turns, t.st.Lang
	*t.st = State{Version: SchemaVersion, Turns: turns, Lang: lang}
}

func (t *turn) wards() []understand.Ward {
	out := make([]understand.Ward, len(t.m.Wards))
	for i, w := range t.m.Wards {
		out[i] = understand.Ward{ID: w.ID, Name: w.Name, Readings: w.Readings}
	}
	return out
}

func (t *turn) reply(buttons []bot.QuickReply) bot.Reply {
	if buttons == nil {
		buttons = []bot.QuickReply{}
	}
	return bot.Reply{Messages: t.out, QuickReplies: buttons, Asking: t.st.Asking, Slots: t.st.Slots, Done: t.done}
}

// afterButtons are offered once the checklist is given.
func (t *turn) afterButtons() []bot.QuickReply {
	if t.done && len(t.answered()) > 0 {
		// Just after the checklist, with its read-back: correct an answer.
		return []bot.QuickReply{bot.CommandFix.Button(t.tx()), bot.CommandReset.Button(t.tx()), bot.CommandFAQ.Button(t.tx()),
			bot.CommandLanguage.Button(t.tx())}
	}
	return []bot.QuickReply{bot.CommandReset.Button(t.tx()), bot.CommandFAQ.Button(t.tx()), bot.CommandLanguage.Button(t.tx())}
}

// tellSummary says the text that comes before the checklist, with its
// Japanese original beside it outside Japanese.
func (t *turn) tellSummary(c bot.Checklist) {
	withReadback := func(c bot.Checklist, tx bot.Texts) string {
		s := t.summary(c, tx)
		if rb := t.readback(tx); rb != "" {
			s += "\n" + rb + "\n" + tx.Get(bot.TextReadbackHint)
		}
		return s
	}
	m := bot.OutMessage{Type: bot.OutText, Text: withReadback(c, t.tx())}
	if t.lang() != bot.LangJa {
		ja := t.m.Words(bot.LangJa)
		c.Texts = &ja
		if s := withReadback(c, ja); s != m.Text {
			m.TextJa = s
		}
	}
	t.out = append(t.out, m)
}

// summary is the text that comes before the checklist, in tx, in the
// page's own word for the procedure (昭島市 renews after expiry).
func (t *turn) summary(c bot.Checklist, tx bot.Texts) string {
	if !c.Covered {
		return tx.Get(bot.TextSummaryUncovered, "municipality", t.m.Name)
	}
	s := tx.Get(bot.TextSummary, "municipality", t.m.Name, "procedure", present.ProcedureWord(&c))
	if c.Visits > 1 {
		s = present.Sentences(tx.Lang, s, tx.Get(bot.TextSummaryVisits, "visits", present.VisitsWord(c.Visits, tx)))
	} else if c.SameDay {
		s = present.Sentences(tx.Lang, s, tx.Get(bot.TextSummarySameDay))
	}
	return s
}

// acknowledgements are the texts that confirm a corrected answer, by slot
// and value.
var acknowledgements = map[string]map[string]bot.TextID{
	bot.SlotVisitor: {string(bot.VisitorSelf): bot.TextAckVisitorSelf, string(bot.VisitorProxy): bot.TextAckVisitorProxy,
		string(bot.VisitorLegalRep): bot.TextAckVisitorLegal},
	bot.SlotAgeGroup: {string(bot.AgeAdult): bot.TextAckAgeAdult, string(bot.AgeUnder15): bot.TextAckAgeUnder15,
		string(bot.AgeAdultWard): bot.TextAckAgeAdultWard},
	bot.SlotHasNotice:     {"true": bot.TextAckNoticeYes, "false": bot.TextAckNoticeNo},
	bot.SlotAddressChange: {"true": bot.TextAckAddressYes, "false": bot.TextAckAddressNo},
}

// acknowledge confirms, in one short line, a slot the resident corrected,
// so that a misreading is seen and put right at once.
func (t *turn) acknowledge(slot string, s bot.Slots) {
	switch slot {
	case bot.SlotExpiryDate:
		t.tellWith(bot.TextAckExpiry, nil, func(tx bot.Texts) []string {
			return []string{"date", present.Date(*s.ExpiryDate, t.calendar(), tx)}
		})
	case bot.SlotWard:
		if w := t.m.Ward(s.Ward); w != nil {
			t.tell(bot.TextAckWard, "ward", w.Name)
		}
	default:
		if id, ok := acknowledgements[slot][s.Get(slot)]; ok {
			t.tell(id)
		}
	}
}
