package knowledge

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// checkMunicipality records the problems of one municipality file.
func (c *checker) checkMunicipality(m *Municipality) {
	c.resolveContacts(m) // first: the checks below see the phones
	c.checkHeader(m)
	c.checkCounters(m)
	c.checkWards(m)
	c.checkItems(m)
	c.checkRules(m)
	c.checkCoverage(m)
	c.checkNotes(m)
	c.checkAnswers(m.file, m.Answers, m.Page.Seed)
	for i, a := range m.Answers {
		c.attributed(m, fmt.Sprintf("answers[%d].text", i), a.Text, deref(a.Source))
	}
	c.checkTopicsAnswered(m)
	c.checkQuestionOverrides(m)
	c.checkTexts(m.file, m.Texts, false)
}

// checkHeader checks the id, the name, the page and the contact: the id is
// the file's name, the page names an existing seed and a YYYY-MM-DD date.
func (c *checker) checkHeader(m *Municipality) {
	f := m.file
	want := strings.TrimSuffix(f, ".yaml")
	switch {
	case m.ID == "":
		c.at(f, "id", "required (%q, the file's name)", want)
	case m.ID != want:
		c.at(f, "id", "%q does not match the file name (want %q)", m.ID, want)
	}
	c.required(f, "name", m.Name)
	c.required(f, "page.title", m.Page.Title)
	if m.Page.Updated == "" {
		c.at(f, "page.updated", "required")
	} else if _, err := bot.ParseDate(m.Page.Updated); err != nil {
		c.at(f, "page.updated", "%v", err)
	}
	if m.Page.Seed == "" {
		c.at(f, "page.seed", "required")
	} else if _, ok := c.seeds[m.Page.Seed]; !ok {
		c.at(f, "page.seed", "seeds/%s.txt not found", m.Page.Seed)
	}
	if m.Contact.Ref == "" { // else checked among contacts
		c.required(f, "contact.name", m.Contact.Name)
		c.phone(f, "contact.phone", m.Contact.Phone)
		c.phone(f, "contact.fax", m.Contact.Fax)
		c.email(f, "contact.email", m.Contact.Email)
		c.source(f, "contact", m.Contact.Source, m.Page.Seed, false)
	}
	if d := m.Dates; d != nil {
		if d.Calendar != CalendarWestern && d.Calendar != CalendarEra {
			c.at(f, "dates.calendar", "must be %s or %s (got %q)", CalendarWestern, CalendarEra, d.Calendar)
		}
		c.source(f, "dates", d.Source, m.Page.Seed, true)
	}
	for i, p := range m.ProcedureNames {
		path := fmt.Sprintf("procedure_names[%d]", i)
		c.required(f, path+".name", p.Name)
		c.condition(f, path+".when", p.When)
		c.source(f, path, p.Source, m.Page.Seed, true)
	}
}

// silentFields are the counter fields Municipality.Silent may explain.
var silentFields = []string{"phone", "hours", "reservation"}

// checkCounters checks counters and silent: a name, well-formed phones, and
// for every field a counter leaves empty a silent text saying the page does
// not give it.
func (c *checker) checkCounters(m *Municipality) {
	f := m.file
	keys := make([]string, 0, len(m.Silent))
	for k := range m.Silent {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(silentFields, k) {
			c.at(f, "silent."+k, "unknown key (allowed: %s)", strings.Join(silentFields, ", "))
		} else if strings.TrimSpace(m.Silent[k]) == "" {
			c.at(f, "silent."+k, "empty: say that the page does not give it")
		}
	}
	if len(m.Counters) == 0 {
		c.at(f, "counters", "at least one counter is required")
	}
	// A checklist ends with whom to call: the contact's phone, or the
	// sentence saying the page names none.
	if m.Contact.Name != "" && m.Contact.Phone == "" && strings.TrimSpace(m.Silent["phone"]) == "" { // a contact left unresolved is reported already
		c.at(f, "contact", "the contact has no phone, and silent.phone does not say that the page names none")
	}
	c.uniqueIDs(f, "counters", "id", idsOf(m.Counters, func(x Counter) string { return x.ID }), true)
	for i, k := range m.Counters {
		p := fmt.Sprintf("counters[%d]", i)
		c.required(f, p+".name", k.Name)
		if k.Contact == "" { // else checked at the contact
			c.phone(f, p+".phone", k.Phone)
		}
		for j, v := range []string{k.Phone, k.Hours, k.Reservation} {
			if field := silentFields[j]; v == "" && m.Silent[field] == "" {
				c.at(f, p+"."+field, "empty, and silent.%s does not say that the page is silent about it", field)
			}
		}
		if k.PerWard && len(m.Wards) == 0 {
			c.at(f, p+".per_ward", "per_ward counter, but the file defines no wards")
		}
		c.source(f, p, k.Source, m.Page.Seed, true)
		c.also(f, p, k.Also, m.Page.Seed)
		c.attributed(m, p+".hours", k.Hours+k.Reservation, append([]Source{deref(k.Source)}, k.Also...)...)
	}
}

// checkWards checks a municipality's wards (Yokohama's): romanised ids
// (lower-case letters, the values of the ward slot) and names, each once,
// readings in hiragana, each ward with a counter.
func (c *checker) checkWards(m *Municipality) {
	if len(m.Wards) == 0 {
		return
	}
	f := m.file
	c.uniqueIDs(f, "wards", "id", idsOf(m.Wards, func(x Ward) string { return x.ID }), true)
	names := map[string]int{}
	for i, w := range m.Wards {
		p := fmt.Sprintf("wards[%d]", i)
		if w.ID != "" && !wardID.MatchString(w.ID) {
			c.at(f, p+".id", "%q is not a romanised ward id (lower-case letters a-z, such as aoba)", w.ID)
		}
		if j, dup := names[w.Name]; dup && w.Name != "" {
			c.at(f, p+".name", "duplicate name %q (first at wards[%d])", w.Name, j)
		}
		names[w.Name] = i
		for k, r := range w.Readings {
			if !hiragana.MatchString(r) {
				c.at(f, fmt.Sprintf("%s.readings[%d]", p, k), "%q is not a reading in hiragana", r)
			}
		}
		c.required(f, p+".name", w.Name)
		c.required(f, p+".counter", w.Counter)
		c.source(f, p, w.Source, m.Page.Seed, true)
		c.also(f, p, w.Also, m.Page.Seed)
		c.attributed(m, p+".reservation", w.Reservation, append([]Source{deref(w.Source)}, w.Also...)...)
	}
}

var (
	wardID   = regexp.MustCompile(`^[a-z]{1,40}$`)
	hiragana = regexp.MustCompile(`^[\p{Hiragana}ー]{1,40}$`)
)

// checkItems checks item definitions and the rules' references to them:
// every reference names a defined item, every defined item is referenced
// (an unused one is usually a typo on one side).
func (c *checker) checkItems(m *Municipality) {
	f := m.file
	c.uniqueIDs(f, "items", "id", idsOf(m.Items, func(x ItemDef) string { return x.ID }), true)
	defined, used := map[string]bool{}, map[string]bool{}
	for i, it := range m.Items {
		defined[it.ID] = true
		c.required(f, fmt.Sprintf("items[%d].text", i), it.Text)
		c.source(f, fmt.Sprintf("items[%d]", i), it.Source, m.Page.Seed, true)
		c.attributed(m, fmt.Sprintf("items[%d].text", i), it.Text+it.Note, deref(it.Source))
	}
	for i, r := range m.Rules {
		for j, v := range r.Visits {
			for k, ref := range v.Items {
				p := fmt.Sprintf("rules[%d].visits[%d].items[%d]", i, j, k)
				switch {
				case ref.Item == "":
					c.at(f, p, "item id required")
				case !defined[ref.Item]:
					c.at(f, p, "item %q is not defined in items", ref.Item)
				}
				used[ref.Item] = true
			}
		}
	}
	for i, it := range m.Items {
		if it.ID != "" && !used[it.ID] {
			c.at(f, fmt.Sprintf("items[%d].id", i), "item %q is never used by a rule", it.ID)
		}
	}
}
