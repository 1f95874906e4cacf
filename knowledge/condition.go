package knowledge

import "github.com/madoguchi/madoguchi/bot"

// Situation is one point of the space rules are written over: the slots that
// decide a checklist, with defaults applied, and the derived procedure and
// status ("unknown" when no expiry date is known).
//
// MoveAtVisit (a 転入届 or 転居届 filed at the visit) is true only with
// AddressChange: a move filed at the visit is an address change.
type Situation struct {
	AgeGroup      bot.AgeGroup
	Visitor       bot.Visitor
	HasNotice     bool
	AddressChange bool
	MoveAtVisit   bool
	Procedure     bot.Procedure
	Status        string
}

// StatusUnknown is the Condition.Status value for "no expiry date given".
const StatusUnknown = "unknown"

// Matches reports whether s satisfies every field of c; an empty field
// matches anything.
func (c Condition) Matches(s Situation) bool {
	return anyOf(c.AgeGroup, s.AgeGroup) && anyOf(c.Visitor, s.Visitor) &&
		anyOf(c.HasNotice, s.HasNotice) && anyOf(c.AddressChange, s.AddressChange) &&
		anyOf(c.MoveAtVisit, s.MoveAtVisit) && anyOf(c.Procedure, s.Procedure) && anyOf(c.Status, s.Status)
}

func anyOf[T comparable](allowed []T, v T) bool {
	if len(allowed) == 0 {
		return true
	}
	for _, a := range allowed {
		if a == v {
			return true
		}
	}
	return false
}

// RuleFor returns the first rule of m whose When matches s, or nil.
func (m *Municipality) RuleFor(s Situation) *Rule {
	for i := range m.Rules {
		if m.Rules[i].When.Matches(s) {
			return &m.Rules[i]
		}
	}
	return nil
}

// Item returns the item defined with id, or nil.
func (m *Municipality) Item(id string) *ItemDef {
	for i := range m.Items {
		if m.Items[i].ID == id {
			return &m.Items[i]
		}
	}
	return nil
}

// Ward returns the ward with id, or nil.
func (m *Municipality) Ward(id string) *Ward {
	for i := range m.Wards {
		if m.Wards[i].ID == id {
			return &m.Wards[i]
		}
	}
	return nil
}
