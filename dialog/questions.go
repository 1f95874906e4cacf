package dialog

import (
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// wardButtonsPerPage keeps the ward buttons within LINE's 13 quick replies,
// leaving room for "その他の区" and "わからない".
const wardButtonsPerPage = 11

// wardButtons returns the ward buttons of page (0 or 1).
func wardButtons(m *knowledge.Municipality, tx bot.Texts, page int) []bot.QuickReply {
	var out []bot.QuickReply
	from := page * wardButtonsPerPage
	for i := from; i < len(m.Wards) && i < from+wardButtonsPerPage; i++ {
		out = append(out, bot.QuickReply{Label: m.Wards[i].Name, Postback: "ward=" + m.Wards[i].ID})
	}
	if page == 0 && len(m.Wards) > wardButtonsPerPage {
		out = append(out, bot.QuickReply{Label: tx.Get(bot.TextWardMore), Postback: "ward=more"})
	}
	return append(out, bot.QuickReply{Label: tx.Get(bot.TextWardUnknown), Postback: "ward=unknown"})
}

// nextSlot returns the next slot to ask for in m, or "" when the slots are
// enough for the checklist. It asks only what the answer depends on:
//   - nothing more once the page is known not to cover the situation,
//     whatever the answers still to come (uncovered);
//   - the form question of an agent only where the municipality's rules
//     give a different checklist with and without it; of a holder who
//     comes in person only where the page lists the notice among the
//     things the holder brings (noticeListed: Akishima's blue envelope;
//     elsewhere an unknown notice counts as "not at hand", which every
//     page accepts for the holder), and then after the address change;
//   - whether the move is filed at the visit only after an address
//     change, and where the rules tell the two apart (Edogawa's same-day
//     route);
//   - the ward only where there are wards.
func nextSlot(m *knowledge.Municipality, st *State) string {
	s := st.Slots
	switch {
	case s.AgeGroup == "":
		return bot.SlotAgeGroup
	case uncovered(m, st):
		return ""
	case s.Visitor == "":
		return bot.SlotVisitor
	case s.HasNotice == nil && s.Visitor != bot.VisitorSelf && !skipped(st, bot.SlotHasNotice) && matters(m, st, bot.SlotHasNotice):
		return bot.SlotHasNotice
	case s.AddressChange == nil && !skipped(st, bot.SlotAddressChange):
		return bot.SlotAddressChange
	case s.MoveAtVisit == nil && s.Moved() && !skipped(st, bot.SlotMoveAtVisit) && matters(m, st, bot.SlotMoveAtVisit):
		return bot.SlotMoveAtVisit
	case s.HasNotice == nil && s.Visitor == bot.VisitorSelf && !skipped(st, bot.SlotHasNotice) && noticeListed(m, st):
		// After the address change, which may leave the page silent.
		return bot.SlotHasNotice
	case s.ExpiryDate == nil && !skipped(st, bot.SlotExpiryDate):
		return bot.SlotExpiryDate
	case len(m.Wards) > 0 && s.Ward == "" && !skipped(st, bot.SlotWard):
		return bot.SlotWard
	}
	return ""
}

// uncovered reports whether every situation the known slots still allow
// falls under a not_covered rule: the page does not speak to the holder's
// case whatever the answers to come, so the resident is told at once.
// While the visitor is unknown it must moreover be one and the same rule,
// so that the checklist, computed for any visitor (checklistSlots), says
// what holds for theirs.
func uncovered(m *knowledge.Municipality, st *State) bool {
	var first *knowledge.Rule
	all := true
	eachSituation(st, func(sit knowledge.Situation) bool {
		r := m.RuleFor(sit)
		if first == nil {
			first = r
		}
		all = r != nil && r.NotCovered != "" && (st.Slots.Visitor != "" || r == first)
		return all
	})
	return all && first != nil
}

// checklistSlots returns the slots to compute the checklist with: st's,
// with a visitor when the dialog stopped before asking it (uncovered:
// every visitor gives the same not_covered rule).
func checklistSlots(st *State) bot.Slots {
	s := st.Slots
	if s.Visitor == "" {
		s.Visitor = bot.VisitorSelf
	}
	return s
}

// noticeListed reports whether, for a holder who comes in person, the
// rules list with the notice a required item that they leave out
// altogether without it (Akishima's 有効期限通知書(青い封筒)): only then
// is the holder asked, so that one who has it is told to bring it. Where
// the notice stays on the list as optional (Yokohama's お知らせ) the
// answer changes nothing worth a question.
func noticeListed(m *knowledge.Municipality, st *State) bool {
	found := false
	eachSituation(st, func(sit knowledge.Situation) bool {
		sit.HasNotice = true
		with := m.RuleFor(sit)
		sit.HasNotice = false
		without := m.RuleFor(sit)
		found = with != nil && without != nil && with.NotCovered == "" && dropsItem(with, without)
		return !found
	})
	return found
}

// dropsItem reports whether a required item of with appears nowhere in
// without.
func dropsItem(with, without *knowledge.Rule) bool {
	listed := map[string]bool{}
	for _, v := range without.Visits {
		for _, ref := range v.Items {
			listed[ref.Item] = true
		}
	}
	for _, v := range with.Visits {
		for _, ref := range v.Items {
			if !ref.Optional && !listed[ref.Item] {
				return true
			}
		}
	}
	return false
}

// matters reports whether the answer for slot (has_notice or
// move_at_visit) changes which rule applies, for some value of the slots
// not yet known.
func matters(m *knowledge.Municipality, st *State, slot string) bool {
	found := false
	eachSituation(st, func(sit knowledge.Situation) bool {
		with, without := sit, sit
		switch slot {
		case bot.SlotHasNotice:
			with.HasNotice, without.HasNotice = true, false
		case bot.SlotMoveAtVisit:
			if !sit.AddressChange {
				return true // no move without an address change
			}
			with.MoveAtVisit, without.MoveAtVisit = true, false
		}
		found = m.RuleFor(with) != m.RuleFor(without)
		return !found
	})
	return found
}

// eachSituation calls f with every situation the slots of st still allow:
// each value of a slot not known yet, each status the expiry date allows
// (unknown only once skipped), and the procedure the engine derives.
// It stops when f returns false.
func eachSituation(st *State, f func(knowledge.Situation) bool) {
	s := st.Slots
	ages := []bot.AgeGroup{s.AgeGroup}
	if s.AgeGroup == "" {
		ages = bot.AgeGroups
	}
	visitors := []bot.Visitor{s.Visitor}
	if s.Visitor == "" {
		visitors = bot.Visitors
	}
	// A known expiry date stands for each of its statuses (nextSlot does
	// not know today): an answer then seems to matter more often, never
	// less.
	statuses := []string{string(bot.StatusTooEarly), string(bot.StatusInWindow), string(bot.StatusExpired)}
	switch {
	case s.ExpiryDate == nil && skipped(st, bot.SlotExpiryDate):
		statuses = []string{knowledge.StatusUnknown}
	case s.ExpiryDate == nil:
		statuses = append(statuses, knowledge.StatusUnknown)
	}
	addrs := boolsOr(s.AddressChange)
	if s.MovesAtVisit() {
		addrs = []bool{true}
	}
	for _, age := range ages {
		for _, v := range visitors {
			for _, notice := range boolsOr(s.HasNotice) {
				for _, addr := range addrs {
					moves := []bool{false}
					if addr {
						moves = boolsOr(s.MoveAtVisit)
					}
					for _, move := range moves {
						for _, status := range statuses {
							sit := knowledge.Situation{AgeGroup: age, Visitor: v, HasNotice: notice,
								AddressChange: addr, MoveAtVisit: move, Procedure: bot.ProcedureRenewal, Status: status}
							if addr || status == string(bot.StatusExpired) {
								sit.Procedure = bot.ProcedureIssuance
							}
							if !f(sit) {
								return
							}
						}
					}
				}
			}
		}
	}
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
