package rules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot/present"
)

// TestChecklistEndsWithWhomToCall checks, for every municipality, every
// situation (and every ward, or none, where there are wards), that the
// checklist residents read names whom to call: its last place is the
// municipality's contact, with the contact's own number from the
// knowledge as a tel: link, or, where the page names no phone, the
// knowledge's sentence saying so (said there once, not again among the
// warnings). No number is made up: the one shown is the knowledge's.
func TestChecklistEndsWithWhomToCall(t *testing.T) {
	pageMunicipality(t, "nerima") // loads the knowledge
	n := 0
	for _, id := range pageKB.IDs() {
		m := pageMunicipality(t, id)
		wards := []string{""}
		for _, w := range m.Wards {
			wards = append(wards, w.ID)
		}
		for _, s := range pageSituations() {
			for _, ward := range wards {
				s.Ward = ward
				c := pageChecklist(t, m, s)
				v := present.Present(&c, present.Options{})
				n++
				if len(v.Places) == 0 {
					t.Errorf("%s %v: the checklist names no place", id, s)
					continue
				}
				last := v.Places[len(v.Places)-1]
				if last.Name != "お問い合わせ先："+m.Contact.Name {
					t.Errorf("%s %v: the last place is %q, want the contact %q", id, s, last.Name, m.Contact.Name)
				}
				switch {
				case m.Contact.Phone != "":
					if last.Phone != "電話："+m.Contact.Phone || last.Tel == "" || !strings.Contains(m.Contact.Phone, present.FirstNumber(last.TelLabel)) {
						t.Errorf("%s %v: the contact's phone reads %q (tel %q), want the knowledge's %q", id, s, last.Phone, last.Tel, m.Contact.Phone)
					}
				case last.Phone == "" || last.Phone != m.Silent["phone"] || last.Tel != "":
					t.Errorf("%s %v: the contact has no phone, and the checklist ends with %q instead of the knowledge's sentence that the page names none (%q)", id, s, last.Phone, m.Silent["phone"])
				case slices.Contains(v.Warnings, last.Phone):
					t.Errorf("%s %v: the no-phone sentence is said twice, with the contact and among the warnings", id, s)
				}
			}
		}
	}
	if n < 5*len(pageSituations()) {
		t.Errorf("only %d checklists checked", n)
	}
}
