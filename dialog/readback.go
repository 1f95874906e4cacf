package dialog

import (
	"slices"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
)

// The read-back: before the checklist the dialog says, in one line, what
// it understood of the resident's situation (お伺いした内容：15歳以上の方の
// カード・代理の方が窓口へ・照会書兼回答書なし…), as a counter clerk reads a
// form back, and offers 答えを直す (bot.CommandFix). A misread answer is
// then seen before the resident goes to the counter with the wrong
// documents, and put right with two taps: fix lists the answers given,
// fix=<slot> forgets one and asks it again, and the new answer gives the
// checklist again.

// readbackOrder is the order the read-back names the slots in: the order
// they are asked.
var readbackOrder = []string{
	bot.SlotAgeGroup, bot.SlotVisitor, bot.SlotHasNotice, bot.SlotAddressChange,
	bot.SlotMoveAtVisit, bot.SlotExpiryDate, bot.SlotWard,
}

// fixLabels are the fix menu's button words, by slot.
var fixLabels = map[string]bot.TextID{
	bot.SlotAgeGroup: bot.TextFixAgeGroup, bot.SlotVisitor: bot.TextFixVisitor,
	bot.SlotHasNotice: bot.TextFixNotice, bot.SlotAddressChange: bot.TextFixAddress,
	bot.SlotMoveAtVisit: bot.TextFixMoveAtVisit, bot.SlotExpiryDate: bot.TextFixExpiry,
	bot.SlotWard: bot.TextFixWard,
}

// readback is the read-back line in tx, "" when no answer is known.
func (t *turn) readback(tx bot.Texts) string {
	s := t.st.Slots
	var parts []string
	add := func(id bot.TextID, vars ...string) { parts = append(parts, tx.Get(id, vars...)) }
	for _, slot := range readbackOrder {
		switch slot {
		case bot.SlotAgeGroup:
			switch s.AgeGroup {
			case bot.AgeAdult:
				add(bot.TextReadbackAgeAdult)
			case bot.AgeUnder15:
				add(bot.TextReadbackAgeUnder15)
			case bot.AgeAdultWard:
				add(bot.TextReadbackAgeAdultWard)
			}
		case bot.SlotVisitor:
			switch {
			case s.Visitor == bot.VisitorSelf && (s.AgeGroup == bot.AgeUnder15 || s.AgeGroup == bot.AgeAdultWard):
				add(bot.TextReadbackVisitorSelfRep) // the holder with the legal representative
			case s.Visitor == bot.VisitorSelf:
				add(bot.TextReadbackVisitorSelf)
			case s.Visitor == bot.VisitorProxy:
				add(bot.TextReadbackVisitorProxy)
			case s.Visitor == bot.VisitorLegalRep:
				add(bot.TextReadbackVisitorLegal)
			}
		case bot.SlotHasNotice:
			if s.HasNotice != nil {
				add(map[bool]bot.TextID{true: bot.TextReadbackNoticeYes, false: bot.TextReadbackNoticeNo}[*s.HasNotice])
			}
		case bot.SlotAddressChange:
			if s.AddressChange != nil {
				add(map[bool]bot.TextID{true: bot.TextReadbackAddressYes, false: bot.TextReadbackAddressNo}[*s.AddressChange])
			}
		case bot.SlotMoveAtVisit:
			if s.MoveAtVisit != nil && *s.MoveAtVisit {
				add(bot.TextReadbackMoveAtVisit)
			}
		case bot.SlotExpiryDate:
			if s.ExpiryDate != nil {
				add(bot.TextReadbackExpiry, "date", present.Date(*s.ExpiryDate, t.calendar(), tx))
			}
		case bot.SlotWard:
			if w := t.m.Ward(s.Ward); w != nil {
				add(bot.TextReadbackWard, "ward", w.Name)
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return tx.Get(bot.TextReadback, "situation", strings.Join(parts, tx.Get(bot.TextReadbackSep)))
}

// calendar is how dates are written to this resident: in 令和 where they
// wrote it or the municipality prefers it.
func (t *turn) calendar() present.Calendar {
	if t.st.Era || t.m.Era() {
		return present.Era
	}
	return present.Western
}

// answered lists the slots with an answer, in the read-back's order.
func (t *turn) answered() []string {
	var out []string
	for _, slot := range readbackOrder {
		if slot == bot.SlotMoveAtVisit && (t.st.Slots.MoveAtVisit == nil || !*t.st.Slots.MoveAtVisit) {
			continue // said only when a move is filed at the visit
		}
		if t.st.Slots.Get(slot) != "" {
			out = append(out, slot)
		}
	}
	return out
}

// fixMenu asks which answer to correct, a button an answer.
func (t *turn) fixMenu() bot.Reply {
	slots := t.answered()
	if len(slots) == 0 {
		t.tell(bot.TextNoEarlierQuestion)
		return t.resume(false)
	}
	tx := t.tx()
	buttons := make([]bot.QuickReply, 0, len(slots))
	for _, slot := range slots {
		buttons = append(buttons, bot.QuickReply{Label: tx.Get(fixLabels[slot]), Postback: bot.CommandFix.Postback + "=" + slot})
	}
	t.st.Asking = ""
	t.tell(bot.TextFixWhich)
	return t.reply(buttons)
}

// fix forgets the answer for slot and asks it again; the answer to it
// gives the checklist again (the other answers are kept). A holder's age
// corrected forgets a legal representative going alone too: only an
// under-15 or adult-ward holder has one, so who goes is asked again.
func (t *turn) fix(slot string) bot.Reply {
	if t.st.Slots.Get(slot) == "" {
		return t.fixMenu()
	}
	forget := []string{slot}
	if slot == bot.SlotAgeGroup && t.st.Slots.Visitor == bot.VisitorLegalRep {
		forget = append(forget, bot.SlotVisitor)
	}
	if slot == bot.SlotAddressChange {
		forget = append(forget, bot.SlotMoveAtVisit)
	}
	for _, s := range forget {
		t.clear(s)
		t.st.History = slices.DeleteFunc(t.st.History, func(x string) bool { return x == s })
	}
	return t.resume(true)
}
