// Package rules is the rules engine: a pure function from a municipality's
// knowledge, a resident's slots and today's date to the checklist the
// municipality's page implies. It holds no municipality's facts: those are
// in the knowledge; the engine only derives the procedure, the window and
// which rule, notes and follow-ups apply.
package rules

import (
	"fmt"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
	"github.com/madoguchi/madoguchi/knowledge"
)

// Checklist returns the checklist for slots s in municipality m on day today.
// AgeGroup and Visitor are required; HasNotice, AddressChange and
// MoveAtVisit default to false (MoveAtVisit true implies an address
// change). Errors are *bot.Error with CodeInvalid naming the field.
//
// The procedure is issuance after expiry or when an address change revoked
// the signing certificate, else renewal. The checklist is that of the first
// rule of m matching the situation; when the rule is NotCovered the
// checklist has no items, Covered is false and the notes say so.
func Checklist(m *knowledge.Municipality, s bot.Slots, today bot.Date) (bot.Checklist, error) {
	return build(m, s, today, &words{lang: bot.LangJa})
}

// ChecklistIn is Checklist in lang: the page's facts (items and their
// notes, counters, wards' counters and reservation rules, notes,
// follow-ups, the contact's name, the not-covered text) in their
// translation into lang where the knowledge has one, else in Japanese,
// counted in Untranslated; the texts are m's catalogue in lang, and
// Japanese holds the checklist in Japanese. In Japanese it is Checklist.
func ChecklistIn(m *knowledge.Municipality, s bot.Slots, today bot.Date, lang bot.Lang) (bot.Checklist, error) {
	if _, ok := bot.ParseLang(string(lang)); !ok || lang == bot.LangJa {
		return Checklist(m, s, today)
	}
	ja, err := Checklist(m, s, today)
	if err != nil {
		return bot.Checklist{}, err
	}
	w := &words{lang: lang}
	c, err := build(m, s, today, w)
	if err != nil {
		return bot.Checklist{}, err
	}
	c.Untranslated = w.missing
	c.Japanese = &ja
	return c, nil
}

// words picks the facts' words in one language, counting those left in
// Japanese.
type words struct {
	lang    bot.Lang
	missing int
}

// of returns field (ja in Japanese) of a fact with translations t in w's
// language, or ja, counted as missing, where t has none.
func (w *words) of(t knowledge.Translations, field, ja string) string {
	s, ok := t.In(w.lang, field, ja)
	if !ok {
		w.missing++
	}
	return s
}

// build makes the checklist of Checklist with the facts in w's language.
func build(m *knowledge.Municipality, s bot.Slots, today bot.Date, w *words) (bot.Checklist, error) {
	sit, window, err := situation(m, s, today)
	if err != nil {
		return bot.Checklist{}, err
	}
	rule := m.RuleFor(sit)
	if rule == nil {
		// Validation guarantees complete rules; this is a knowledge defect.
		return bot.Checklist{}, fmt.Errorf("rules: %s has no rule for %+v", m.File(), sit)
	}
	c := bot.Checklist{
		Municipality:  m.ID,
		Procedure:     sit.Procedure,
		ProcedureName: procedureName(m, sit),
		Certificates:  certificates(rule, sit),
		Window:        window,
		Covered:       rule.NotCovered == "",
		Rule:          rule.ID,
		Source:        bot.Source{Title: m.Page.Title, Updated: m.Page.Updated, PageID: m.Page.PageID},
		Contact:       &bot.Contact{Name: w.of(m.Contact.Translations, "name", m.Contact.Name), Phone: m.Contact.Phone, Fax: m.Contact.Fax, Email: m.Contact.Email},
		Items:         []bot.Item{},
		Notes:         []string{},
		Followups:     []bot.Followup{},
	}
	if m.Contact.Phone == "" {
		c.Contact.NoPhone = w.of(m.Translations, "silent.phone", m.Silent["phone"])
	}
	texts := m.Words(w.lang)
	c.Texts = &texts
	if window != nil {
		c.Status = bot.Status(sit.Status)
	}
	cal := present.Western
	if m.Era() {
		c.Calendar, cal = bot.CalendarEra, present.Era
	}
	if !c.Covered {
		c.Notes = append(c.Notes, w.of(rule.Translations, "not_covered", rule.NotCovered))
	}
	c.Items, err = items(m, rule, w)
	if err != nil {
		return bot.Checklist{}, err
	}
	c.Visits = len(rule.Visits)
	c.SameDay = c.Covered && c.Visits == 1
	if rule.SameDay != nil {
		c.SameDay = *rule.SameDay
	}
	c.Counters = counters(m, s.Ward, w)
	for _, n := range m.Notes {
		if n.When.Matches(sit) {
			c.Notes = append(c.Notes, windowText(w.of(n.Translations, "text", n.Text), window, cal, texts))
		}
	}
	c.Notes = append(c.Notes, silentNotes(m, w)...)
	for _, f := range m.Followups {
		if f.When.Matches(sit) {
			c.Followups = append(c.Followups, bot.Followup{Title: w.of(f.Translations, "title", f.Title),
				Text: w.of(f.Translations, "text", f.Text), Phone: f.Phone})
		}
	}
	return c, nil
}

// situation validates s and derives the point of the rule space it names.
func situation(m *knowledge.Municipality, s bot.Slots, today bot.Date) (knowledge.Situation, *bot.Window, error) {
	if err := s.Validate(); err != nil {
		return knowledge.Situation{}, nil, err
	}
	if s.AgeGroup == "" {
		return knowledge.Situation{}, nil, bot.Invalidf("age_group", "age_group is required (adult, under15 or adult_ward)")
	}
	if s.Visitor == "" {
		return knowledge.Situation{}, nil, bot.Invalidf("visitor", "visitor is required (self, legal_rep or proxy)")
	}
	if s.Ward != "" && len(m.Wards) == 0 {
		return knowledge.Situation{}, nil, bot.Invalidf("ward", "ward applies only to a municipality with wards (yokohama), not %s", m.ID)
	}
	if s.Ward != "" && m.Ward(s.Ward) == nil {
		return knowledge.Situation{}, nil, bot.Invalidf("ward", "ward must be one of %s's wards: %s (got %q)", m.ID, wardIDs(m), s.Ward)
	}
	sit := knowledge.Situation{
		AgeGroup:      s.AgeGroup,
		Visitor:       s.Visitor,
		HasNotice:     s.HasNotice != nil && *s.HasNotice,
		AddressChange: s.Moved(),
		MoveAtVisit:   s.MovesAtVisit(),
		Procedure:     bot.ProcedureRenewal,
		Status:        knowledge.StatusUnknown,
	}
	var window *bot.Window
	if s.ExpiryDate != nil {
		w := RenewalWindow(*s.ExpiryDate)
		window = &w
		sit.Status = string(StatusOn(w, today))
	}
	if sit.Status == string(bot.StatusExpired) || sit.AddressChange {
		sit.Procedure = bot.ProcedureIssuance
	}
	return sit, window, nil
}

// procedureName is the page's word for the procedure of sit: the first of
// m's ProcedureNames that matches, else 更新 for renewal and 発行 for
// issuance.
func procedureName(m *knowledge.Municipality, sit knowledge.Situation) string {
	for _, p := range m.ProcedureNames {
		if p.When.Matches(sit) {
			return p.Name
		}
	}
	if sit.Procedure == bot.ProcedureIssuance {
		return "発行"
	}
	return "更新"
}

// windowText fills a note's {window_start} and {window_end} with the
// window's days, written as residents read dates (2025年9月2日(火), or
// 令和7年9月2日(火) in the era calendar; present.Date). Validation allows
// them only in notes that apply when the window is known; with none, the
// text is returned as it is.
func windowText(text string, w *bot.Window, cal present.Calendar, t bot.Texts) string {
	if w == nil || !strings.Contains(text, "{window_") {
		return text
	}
	return strings.NewReplacer("{window_start}", present.Date(w.Start, cal, t), "{window_end}", present.Date(w.End, cal, t)).Replace(text)
}

// certificates returns the certificates the procedure covers: the rule's
// own list if it has one; else the user certificate, plus the signing one
// for adults (not issued, in principle, to under15 and adult_ward). An
// address change revokes only the signing certificate, so before the
// window opens (or with no expiry date) only that one is issued anew.
func certificates(r *knowledge.Rule, sit knowledge.Situation) []bot.Certificate {
	if len(r.Certificates) > 0 {
		return append([]bot.Certificate(nil), r.Certificates...)
	}
	adult := sit.AgeGroup == bot.AgeAdult
	switch {
	case adult && sit.AddressChange && (sit.Status == knowledge.StatusUnknown || sit.Status == string(bot.StatusTooEarly)):
		return []bot.Certificate{bot.CertSigning}
	case adult:
		return []bot.Certificate{bot.CertSigning, bot.CertUser}
	}
	return []bot.Certificate{bot.CertUser}
}

// items lists what to bring on each visit of r, numbering visits from 1.
func items(m *knowledge.Municipality, r *knowledge.Rule, w *words) ([]bot.Item, error) {
	out := []bot.Item{}
	for i, v := range r.Visits {
		for _, ref := range v.Items {
			def := m.Item(ref.Item)
			if def == nil {
				return nil, fmt.Errorf("rules: %s rule %s refers to undefined item %q", m.File(), r.ID, ref.Item)
			}
			note := w.of(def.Translations, "note", def.Note)
			if ref.Note != "" {
				note = w.of(ref.Translations, "note", ref.Note)
			}
			out = append(out, bot.Item{Text: w.of(def.Translations, "text", def.Text), Visit: i + 1, Optional: ref.Optional, Note: note})
		}
	}
	return out, nil
}

// counters lists m's counters; a per-ward counter becomes the ward's own
// counter, with its reservation rule, when the ward is known.
func counters(m *knowledge.Municipality, ward string, w *words) []bot.Counter {
	wd := m.Ward(ward)
	out := make([]bot.Counter, 0, len(m.Counters))
	for _, c := range m.Counters {
		bc := bot.Counter{Phone: c.Phone, Hours: w.of(c.Translations, "hours", c.Hours)}
		if c.PerWard && wd != nil {
			bc.Name, bc.Reservation = w.of(wd.Translations, "counter", wd.Counter), w.of(wd.Translations, "reservation", wd.Reservation)
		} else {
			bc.Name, bc.Reservation = w.of(c.Translations, "name", c.Name), w.of(c.Translations, "reservation", c.Reservation)
		}
		out = append(out, bc)
	}
	return out
}

// silentNotes returns, for each counter field the page leaves empty, the
// knowledge's note saying so, once.
func silentNotes(m *knowledge.Municipality, w *words) []string {
	var out []string
	for _, field := range []string{"phone", "hours", "reservation"} {
		text, ok := m.Silent[field]
		if !ok {
			continue
		}
		for _, c := range m.Counters {
			v := map[string]string{"phone": c.Phone, "hours": c.Hours, "reservation": c.Reservation}[field]
			if v == "" {
				out = append(out, w.of(m.Translations, "silent."+field, text))
				break
			}
		}
	}
	return out
}

// wardIDs lists m's ward ids for an error message.
func wardIDs(m *knowledge.Municipality) string {
	ids := make([]string, len(m.Wards))
	for i, w := range m.Wards {
		ids[i] = w.ID
	}
	return strings.Join(ids, ", ")
}
