package knowledge

import (
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// statusValues are the values a condition's status may list; "unknown" is
// the status when no expiry date is given.
var statusValues = []string{"too_early", "in_window", "expired", "unknown"}

// checkRules checks each rule's shape (visits with items, or not_covered,
// never both), its condition and certificates, and its source. A
// not_covered rule speaks for a page's silence and needs no source.
func (c *checker) checkRules(m *Municipality) {
	f := m.file
	if len(m.Rules) == 0 {
		c.at(f, "rules", "at least one rule is required")
	}
	c.uniqueIDs(f, "rules", "id", idsOf(m.Rules, func(x Rule) string { return x.ID }), true)
	for i, r := range m.Rules {
		p := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.NotCovered != "" && len(r.Visits) > 0:
			c.at(f, p, "has both not_covered and visits: give visits, or not_covered where the page does not cover the situation")
		case r.NotCovered == "" && len(r.Visits) == 0:
			c.at(f, p, "needs visits, or not_covered where the page does not cover the situation")
		}
		for j, v := range r.Visits {
			if len(v.Items) == 0 {
				c.at(f, fmt.Sprintf("%s.visits[%d].items", p, j), "a visit needs at least one item")
			}
		}
		c.condition(f, p+".when", r.When)
		oneOf(c, f, p+".certificates", "certificate", r.Certificates, []bot.Certificate{bot.CertSigning, bot.CertUser})
		c.source(f, p, r.Source, m.Page.Seed, r.NotCovered == "" && len(r.Visits) > 0)
	}
}

// checkNotes checks notes and follow-ups: ids, texts, conditions, phones and
// sources.
func (c *checker) checkNotes(m *Municipality) {
	f := m.file
	c.uniqueIDs(f, "notes", "id", idsOf(m.Notes, func(x Note) string { return x.ID }), true)
	for i, n := range m.Notes {
		p := fmt.Sprintf("notes[%d]", i)
		c.required(f, p+".text", n.Text)
		c.condition(f, p+".when", n.When)
		c.source(f, p, n.Source, m.Page.Seed, true)
	}
	c.uniqueIDs(f, "followups", "id", idsOf(m.Followups, func(x Followup) string { return x.ID }), true)
	for i, u := range m.Followups {
		p := fmt.Sprintf("followups[%d]", i)
		c.required(f, p+".title", u.Title)
		c.required(f, p+".text", u.Text)
		c.phone(f, p+".phone", u.Phone)
		c.condition(f, p+".when", u.When)
		c.source(f, p, u.Source, m.Page.Seed, true)
	}
}

// condition records every value of cond (at path) that its slot does not
// allow.
func (c *checker) condition(file, path string, cond Condition) {
	oneOf(c, file, path+".age_group", "age_group", cond.AgeGroup, bot.AgeGroups)
	oneOf(c, file, path+".visitor", "visitor", cond.Visitor, bot.Visitors)
	oneOf(c, file, path+".procedure", "procedure", cond.Procedure, bot.Procedures)
	oneOf(c, file, path+".status", "status", cond.Status, statusValues)
}

// oneOf records each of values (the list at path) that is not in all.
func oneOf[T ~string](c *checker, file, path, what string, values, all []T) {
	for i, v := range values {
		if !slices.Contains(all, v) {
			want := make([]string, len(all))
			for j, a := range all {
				want[j] = string(a)
			}
			c.at(file, fmt.Sprintf("%s[%d]", path, i), "unknown %s %q (want %s)", what, v, strings.Join(want, ", "))
		}
	}
}
