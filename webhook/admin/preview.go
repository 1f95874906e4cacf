package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// Situation is one resident situation the preview checks: the slots a
// checklist is computed from, and its Japanese description.
type Situation struct {
	Slots bot.Slots `json:"slots"`
	Label string    `json:"label"`
}

// Change is one field of a checklist that a draft changes in a situation:
// the field's JSON name and its published and draft values (null when
// absent; for "error", the engine's message).
type Change struct {
	Field  string          `json:"field"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// ChangedSituation is a situation whose checklist the draft changes.
type ChangedSituation struct {
	Situation
	Changes []Change `json:"changes"`
}

// Preview lists, out of Total situations, those whose checklist differs.
type Preview struct {
	Total   int                `json:"total"`
	Changed []ChangedSituation `json:"changed"`
}

// situations enumerates every resident situation of a municipality whose
// wards are wards: age group × visitor × has_notice × address_change (with
// the move filed earlier, at the visit, or unknown) × procedure (an expiry
// date in the renewal window, one already past) × ward (none, and each of
// wards). today fixes the dates.
func situations(today bot.Date, wards []string) []Situation {
	inWindow, expired := today.AddDays(30), today.AddDays(-30)
	wardOpts := append([]string{""}, wards...)
	var out []Situation
	for _, w := range wardOpts {
		for _, a := range bot.AgeGroups {
			for _, v := range bot.Visitors {
				for _, n := range []bool{false, true} {
					for _, ac := range []bool{false, true} {
						moves := []*bool{nil}
						if ac {
							moves = []*bool{nil, bot.Bool(false), bot.Bool(true)}
						}
						for _, mv := range moves {
							for _, e := range []bot.Date{inWindow, expired} {
								s := bot.Slots{AgeGroup: a, Visitor: v, HasNotice: bot.Bool(n), AddressChange: bot.Bool(ac),
									MoveAtVisit: mv, ExpiryDate: &e, Ward: w}
								out = append(out, Situation{Slots: s, Label: label(s, e == expired)})
							}
						}
					}
				}
			}
		}
	}
	return out
}

var (
	ageJA     = map[bot.AgeGroup]string{bot.AgeAdult: "15歳以上", bot.AgeUnder15: "15歳未満", bot.AgeAdultWard: "成年被後見人"}
	visitorJA = map[bot.Visitor]string{bot.VisitorSelf: "本人が来庁", bot.VisitorLegalRep: "法定代理人が来庁", bot.VisitorProxy: "任意代理人が来庁"}
)

// label describes s in Japanese, for staff.
func label(s bot.Slots, expired bool) string {
	parts := []string{ageJA[s.AgeGroup], visitorJA[s.Visitor]}
	if *s.HasNotice {
		parts = append(parts, "通知書あり")
	} else {
		parts = append(parts, "通知書なし")
	}
	switch {
	case !*s.AddressChange:
		parts = append(parts, "住所変更なし")
	case s.MoveAtVisit == nil:
		parts = append(parts, "住所変更あり")
	case *s.MoveAtVisit:
		parts = append(parts, "住所変更あり(来庁時に届出)")
	default:
		parts = append(parts, "住所変更あり(届出済み)")
	}
	if expired {
		parts = append(parts, "有効期限切れ")
	} else {
		parts = append(parts, "更新期間内")
	}
	if s.Ward != "" {
		parts = append(parts, s.Ward+"区")
	}
	return strings.Join(parts, "・")
}

// wardIDs returns the ward ids of the municipality in either version.
func wardIDs(ms ...*knowledge.Municipality) []string {
	var ids []string
	for _, m := range ms {
		if m == nil {
			continue
		}
		for _, w := range m.Wards {
			if !slices.Contains(ids, w.ID) {
				ids = append(ids, w.ID)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// preview compares the checklists of municipality id in the published and
// draft knowledge over every situation. A unit that has no checklists
// (national) has none; a municipality new in the draft changes them all.
func preview(published, draft *knowledge.KB, id string, today bot.Date) Preview {
	var pm, dm *knowledge.Municipality
	if published != nil {
		pm = published.Municipality(id)
	}
	if draft != nil {
		dm = draft.Municipality(id)
	}
	out := Preview{Changed: []ChangedSituation{}}
	if pm == nil && dm == nil {
		return out
	}
	sits := situations(today, wardIDs(pm, dm))
	out.Total = len(sits)
	for _, s := range sits {
		before, after := checklistFields(pm, s.Slots, today), checklistFields(dm, s.Slots, today)
		var changes []Change
		for _, f := range fieldOrder {
			b, a := before[f], after[f]
			if !bytes.Equal(b, a) {
				changes = append(changes, Change{Field: f, Before: orNull(b), After: orNull(a)})
			}
		}
		if len(changes) > 0 {
			out.Changed = append(out.Changed, ChangedSituation{Situation: s, Changes: changes})
		}
	}
	return out
}

// fieldOrder lists a checklist's JSON fields in the order changes are shown,
// with "error" for a situation the engine refuses.
var fieldOrder = []string{"error", "procedure", "procedure_name", "certificates", "window", "status", "visits", "same_day",
	"items", "counters", "followups", "notes", "source", "covered", "contact", "rule"}

func orNull(b json.RawMessage) json.RawMessage {
	if b == nil {
		return json.RawMessage("null")
	}
	return b
}

// checklistFields returns the checklist of s in m as its JSON fields.
func checklistFields(m *knowledge.Municipality, s bot.Slots, today bot.Date) map[string]json.RawMessage {
	if m == nil {
		return map[string]json.RawMessage{"error": json.RawMessage(`"municipality absent"`)}
	}
	c, err := rules.Checklist(m, s, today)
	if err != nil {
		msg, _ := json.Marshal(err.Error())
		return map[string]json.RawMessage{"error": msg}
	}
	b, err := json.Marshal(c)
	if err != nil {
		msg, _ := json.Marshal(fmt.Sprintf("checklist does not encode: %v", err))
		return map[string]json.RawMessage{"error": msg}
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(b, &fields)
	delete(fields, "municipality")
	return fields
}
