package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
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
		if changes := compare(pm, dm, s.Slots, today); len(changes) > 0 {
			out.Changed = append(out.Changed, ChangedSituation{Situation: s, Changes: changes})
		}
	}
	return out
}

// compare returns the fields of the checklist of s that differ between
// municipality versions pm and dm (either may be nil: absent), in
// the checklist's field order. Fields are compared as Go values and only differing ones
// encoded, which keeps the preview of all of Yokohama's situations fast.
func compare(pm, dm *knowledge.Municipality, s bot.Slots, today bot.Date) []Change {
	pc, perr := checklist(pm, s, today)
	dc, derr := checklist(dm, s, today)
	if perr != nil || derr != nil {
		if perr != nil && derr != nil && perr.Error() == derr.Error() {
			return nil
		}
		return []Change{{Field: "error", Before: errJSON(perr), After: errJSON(derr)}}
	}
	pv, dv := reflect.ValueOf(pc), reflect.ValueOf(dc)
	var changes []Change
	for _, f := range checklistFields {
		if f.name == "municipality" {
			continue
		}
		a, b := pv.Field(f.index).Interface(), dv.Field(f.index).Interface()
		if reflect.DeepEqual(a, b) {
			continue
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if bytes.Equal(ja, jb) { // nil and empty lists, for instance
			continue
		}
		changes = append(changes, Change{Field: f.name, Before: ja, After: jb})
	}
	return changes
}

func checklist(m *knowledge.Municipality, s bot.Slots, today bot.Date) (bot.Checklist, error) {
	if m == nil {
		return bot.Checklist{}, errors.New("municipality absent")
	}
	return rules.Checklist(m, s, today)
}

func errJSON(err error) json.RawMessage {
	if err == nil {
		return json.RawMessage("null")
	}
	b, _ := json.Marshal(err.Error())
	return b
}

type checklistField struct {
	name  string
	index int
}

// checklistFields are bot.Checklist's fields by JSON name, in their order.
var checklistFields = func() []checklistField {
	t := reflect.TypeFor[bot.Checklist]()
	var out []checklistField
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, checklistField{name: name, index: i})
	}
	return out
}()
