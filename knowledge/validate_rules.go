package knowledge

import (
	"fmt"
	"regexp"
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
		if r.NotCovered != "" {
			c.attributed(m, p+".not_covered", r.NotCovered, deref(r.Source))
		}
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
		c.also(f, p, n.Also, m.Page.Seed)
		c.attributed(m, p+".text", n.Text, append([]Source{deref(n.Source)}, n.Also...)...)
		c.placeholders(f, p, n.Text, n.When, true)
	}
	c.uniqueIDs(f, "followups", "id", idsOf(m.Followups, func(x Followup) string { return x.ID }), true)
	for i, u := range m.Followups {
		p := fmt.Sprintf("followups[%d]", i)
		c.required(f, p+".title", u.Title)
		c.required(f, p+".text", u.Text)
		if u.Contact == "" { // else checked at the contact
			c.phone(f, p+".phone", u.Phone)
		}
		c.condition(f, p+".when", u.When)
		c.source(f, p, u.Source, m.Page.Seed, true)
		c.also(f, p, u.Also, m.Page.Seed)
		c.attributed(m, p+".text", u.Text, append([]Source{deref(u.Source)}, u.Also...)...)
		c.placeholders(f, p, u.Text, u.When, false)
	}
}

// also checks a note's or follow-up's further quotes like its source.
func (c *checker) also(file, path string, also []Source, defaultSeed string) {
	for i := range also {
		c.source(file, fmt.Sprintf("%s.also[%d]", path, i), &also[i], defaultSeed, true)
	}
}

// attributed records a problem when text, written for m, rests on a quote
// from another seed than m's own page without saying where it comes from:
// 全国共通 (the national rule) or the name of the municipality whose page
// it quotes. A resident must never take another page's rule for their
// own municipality's.
func (c *checker) attributed(m *Municipality, path, text string, srcs ...Source) {
	for _, s := range srcs {
		if s.Seed == "" || s.Seed == m.Page.Seed {
			continue
		}
		name := c.seedOwner(s.Seed)
		if strings.Contains(text, "全国共通") || (name != "" && strings.Contains(text, name)) {
			continue
		}
		c.at(m.file, path, "quotes seeds/%s.txt, not %s's own page: say where it comes from (「全国共通の制度では…」 or 「%sのページでは…」)", s.Seed, m.Name, name)
	}
}

// seedOwner returns the name of the municipality whose page seed is, or "".
func (c *checker) seedOwner(seed string) string {
	for _, m := range c.kb.Municipalities {
		if m.Page.Seed == seed {
			return m.Name
		}
	}
	return ""
}

func deref(s *Source) Source {
	if s == nil {
		return Source{}
	}
	return *s
}

// placeholderPattern finds {name} in a text.
var placeholderPattern = regexp.MustCompile(`\{[^{}]*\}`)

// windowPlaceholders are the placeholders a note may use (see Note).
var windowPlaceholders = []string{"{window_start}", "{window_end}"}

// placeholders checks the {…} of a note or follow-up: only notes may hold
// them (allowed true), only the window's, and only when the note's
// condition guarantees a window (a status other than unknown).
func (c *checker) placeholders(file, path, text string, when Condition, allowed bool) {
	for _, ph := range placeholderPattern.FindAllString(text, -1) {
		switch {
		case !allowed:
			c.at(file, path+".text", "%s: placeholders are for notes only", ph)
		case !slices.Contains(windowPlaceholders, ph):
			c.at(file, path+".text", "unknown placeholder %s (want %s)", ph, strings.Join(windowPlaceholders, " or "))
		case len(when.Status) == 0 || slices.Contains(when.Status, StatusUnknown):
			c.at(file, path+".text", "%s needs a window: give when.status without unknown (too_early, in_window, expired)", ph)
		}
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
