package dialog

import (
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// input is one message, understood. It lives for one turn only: text is
// kept for FAQ matching and never stored.
type input struct {
	command  string   // one of the cmd* constants, or ""
	dontKnow bool     // わからない, for the slot being asked
	skip     string   // a slot whose "わからない" button was pressed
	fix      string   // the slot whose answer to correct (cmdFixSlot)
	setLang  bot.Lang // the language chosen (cmdSetLang)
	slots    bot.Slots
	found    []string
	topic    string // an FAQ topic chosen by button
	text     string
	postback bool
	lang     bot.Lang // the language the message asks for, "" for none
	err      error
}

// The commands a message can carry.
const (
	cmdStart    = "start"     // begin (again) from the first question
	cmdReset    = "reset"     // 最初から
	cmdBack     = "back"      // 戻る
	cmdFAQMenu  = "faq"       // list the FAQ topics
	cmdWardMore = "ward_more" // the second page of ward buttons
	cmdFix      = "fix"       // 答えを直す: which answer?
	cmdFixSlot  = "fix_slot"  // fix=<slot>: ask that one again
	cmdShowJa   = "show_ja"   // the last checklist again, in Japanese
	cmdLangMenu = "lang"      // 言語 / Language: which one?
	cmdSetLang  = "set_lang"  // lang=<code>: the conversation's language
)

// Postback data the dialog sends and understands besides "<slot>=<value>":
// the commands declared once in bot (bot.Commands).
var (
	PostbackStart = bot.CommandStart.Postback
	PostbackReset = bot.CommandReset.Postback
	PostbackBack  = bot.CommandBack.Postback
	PostbackFAQ   = bot.CommandFAQ.Postback
	PostbackFix   = bot.CommandFix.Postback
	// PostbackShowJapanese asks for the last checklist in Japanese.
	PostbackShowJapanese = bot.CommandShowJapanese.Postback
	// PostbackLanguage lists the languages; "lang=<code>" chooses one.
	PostbackLanguage = bot.CommandLanguage.Postback
)

// understandInput turns a message into an input: postbacks are parsed
// here; free text is understood inside the turn, where the question being
// asked is known.
func understandInput(m *knowledge.Municipality, msg bot.Message) input {
	in := input{text: msg.Text}
	if msg.Postback != "" {
		in = parsePostback(m, msg.Postback)
	}
	in.lang = msg.Lang
	return in
}

// parsePostback reads button data: a command, "faq=<topic>" or
// "<slot>=<value>" with a value the contract allows.
func parsePostback(m *knowledge.Municipality, data string) input {
	switch data {
	case PostbackStart:
		return input{command: cmdStart, postback: true}
	case PostbackReset:
		return input{command: cmdReset, postback: true}
	case PostbackBack:
		return input{command: cmdBack, postback: true}
	case PostbackFAQ:
		return input{command: cmdFAQMenu, postback: true}
	case PostbackFix:
		return input{command: cmdFix, postback: true}
	case PostbackShowJapanese:
		return input{command: cmdShowJa, postback: true}
	case PostbackLanguage:
		return input{command: cmdLangMenu, postback: true}
	}
	slot, value, ok := strings.Cut(data, "=")
	in := input{postback: true}
	bad := func() input {
		in.err = bot.Invalidf("postback", "unknown postback %q", data)
		return in
	}
	if !ok {
		return bad()
	}
	switch slot {
	case "faq":
		in.topic = value
		return in
	case PostbackLanguage:
		l, ok := bot.ParseLang(value)
		if !ok {
			return bad()
		}
		in.command, in.setLang = cmdSetLang, l
		return in
	case PostbackFix:
		if _, ok := fixLabels[value]; !ok {
			return bad()
		}
		in.command, in.fix = cmdFixSlot, value
		return in
	case bot.SlotAgeGroup:
		if !bot.Valid(bot.AgeGroup(value), bot.AgeGroups) {
			return bad()
		}
		in.slots.AgeGroup = bot.AgeGroup(value)
	case bot.SlotVisitor:
		if !bot.Valid(bot.Visitor(value), bot.Visitors) {
			return bad()
		}
		in.slots.Visitor = bot.Visitor(value)
	case bot.SlotHasNotice, bot.SlotAddressChange, bot.SlotMoveAtVisit:
		if value != "true" && value != "false" {
			return bad()
		}
		b := value == "true"
		switch slot {
		case bot.SlotHasNotice:
			in.slots.HasNotice = &b
		case bot.SlotAddressChange:
			in.slots.AddressChange = &b
		default:
			in.slots.MoveAtVisit = &b
		}
	case bot.SlotExpiryDate:
		if value == "unknown" {
			in.skip = slot
			return in
		}
		d, err := bot.ParseDate(value)
		if err != nil {
			return bad()
		}
		in.slots.ExpiryDate = &d
	case bot.SlotWard:
		switch {
		case value == "unknown":
			in.skip = slot
			return in
		case value == "more":
			in.command = cmdWardMore
			return in
		case m.Ward(value) == nil:
			return bad()
		}
		in.slots.Ward = value
	default:
		return bad()
	}
	in.found = []string{slot}
	return in
}
