package dialog

import (
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// wardButtonsPerPage keeps the ward buttons within LINE's 13 quick replies,
// leaving room for "その他の区" and "わからない".
const wardButtonsPerPage = 11

// wardButtons returns the ward buttons of page (0 or 1).
func wardButtons(m *knowledge.Municipality, page int) []bot.QuickReply {
	var out []bot.QuickReply
	from := page * wardButtonsPerPage
	for i := from; i < len(m.Wards) && i < from+wardButtonsPerPage; i++ {
		out = append(out, bot.QuickReply{Label: m.Wards[i].Name, Postback: "ward=" + m.Wards[i].ID})
	}
	if page == 0 && len(m.Wards) > wardButtonsPerPage {
		out = append(out, bot.QuickReply{Label: "その他の区", Postback: "ward=more"})
	}
	return append(out, bot.QuickReply{Label: "わからない", Postback: "ward=unknown"})
}

// nextSlot returns the next slot to ask for in m, or "" when the slots are
// enough for the checklist. It asks only what the answer depends on: the
// form question only where the municipality's rules give a different
// checklist with and without it, and never of a holder who comes in person
// (the form decides how a proxy proceeds; a holder is asked at the counter
// anyway, and an unknown notice counts as "not at hand", which every page
// accepts for the holder); the ward only where there are wards.
func nextSlot(m *knowledge.Municipality, st *State) string {
	s := st.Slots
	switch {
	case s.AgeGroup == "":
		return bot.SlotAgeGroup
	case s.Visitor == "":
		return bot.SlotVisitor
	case s.HasNotice == nil && s.Visitor != bot.VisitorSelf && !skipped(st, bot.SlotHasNotice) && noticeMatters(m, s):
		return bot.SlotHasNotice
	case s.AddressChange == nil && !skipped(st, bot.SlotAddressChange):
		return bot.SlotAddressChange
	case s.ExpiryDate == nil && !skipped(st, bot.SlotExpiryDate):
		return bot.SlotExpiryDate
	case len(m.Wards) > 0 && s.Ward == "" && !skipped(st, bot.SlotWard):
		return bot.SlotWard
	}
	return ""
}

// noticeMatters reports whether having the 照会書兼回答書 changes which rule
// applies, for any value of the slots not yet known.
func noticeMatters(m *knowledge.Municipality, s bot.Slots) bool {
	for _, addr := range boolsOr(s.AddressChange) {
		for _, proc := range bot.Procedures {
			sit := knowledge.Situation{AgeGroup: s.AgeGroup, Visitor: s.Visitor, AddressChange: addr, Procedure: proc}
			if addr && proc == bot.ProcedureRenewal {
				continue // an address change always means issuance
			}
			for _, status := range []string{knowledge.StatusUnknown, string(bot.StatusTooEarly), string(bot.StatusInWindow), string(bot.StatusExpired)} {
				sit.Status = status
				sit.HasNotice = true
				with := m.RuleFor(sit)
				sit.HasNotice = false
				without := m.RuleFor(sit)
				if with != without {
					return true
				}
			}
		}
	}
	return false
}

func boolsOr(p *bool) []bool {
	if p != nil {
		return []bool{*p}
	}
	return []bool{false, true}
}

func skipped(st *State, slot string) bool {
	for _, s := range st.Skipped {
		if s == slot {
			return true
		}
	}
	return false
}
