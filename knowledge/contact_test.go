package knowledge_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// TestContactNumberLivesOnce: in the embedded knowledge a number is one
// field; changing it there changes the checklist's contact, its counter
// and every answer that refers to it.
func TestContactNumberLivesOnce(t *testing.T) {
	f := kbtest.Copy(t)
	kbtest.Replace(t, f, "akishima.yaml", "    phone: 042-544-4120\n", "    phone: 042-544-9999\n", 1)
	kb := kbtest.Load(t, f)
	m := kb.Municipality("akishima")
	c, err := rules.Checklist(m, bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true)}, bot.Date{Year: 2025, Month: 5, Day: 1})
	if err != nil {
		t.Fatal(err)
	}
	if c.Contact == nil || c.Contact.Phone != "042-544-9999" || c.Counters[0].Phone != "042-544-9999" {
		t.Errorf("contact %+v, counters %+v: want the new number at both", c.Contact, c.Counters)
	}
	if a, _ := kb.Answer("akishima", "phone"); a.Phone != "042-544-9999" {
		t.Errorf("answer phone = %q, want the new number", a.Phone)
	}
	if m.Contact.Ref != "shimin" {
		t.Errorf("contact.Ref = %q, want shimin", m.Contact.Ref)
	}
}

func TestContactReferencesAreChecked(t *testing.T) {
	tests := []struct {
		name string
		edit []edit
		want []string
	}{
		{"unknown contact", []edit{{"edogawa.yaml", "    contact: senyo\n    source", "    contact: senyou\n    source"}}, []string{
			`edogawa.yaml:15: counters[0].phone: empty, and silent.phone does not say that the page is silent about it`,
			`edogawa.yaml:17: counters[0].contact: no contact "senyou" in contacts (or national.yaml's contacts)`,
		}},
		{"a reference and a number", []edit{{"edogawa.yaml", "    contact: senyo\n    source", "    contact: senyo\n    phone: 03-5662-9201\n    source"}}, []string{
			`edogawa.yaml:18: counters[0].phone: give contact: or phone:, not both (the number is the contact's)`,
		}},
		{"a number written twice", []edit{{"edogawa.yaml", "    contact: senyo\n    source", "    phone: 03-5662-9200\n    source"}}, []string{
			`edogawa.yaml:17: counters[0].phone: 03-5662-9200 is also at contact.phone: a number lives once, in contacts:, and the others refer to it (contact: <id>)`,
		}},
		{"unknown contact field", []edit{{"akishima.yaml", "  name: 市民課市民係\n", "  name: 市民課市民係\n  phnoe: 042-544-4120\n"}}, []string{
			`akishima.yaml:10: field phnoe not found in type knowledge.Contact`,
		}},
		{"contacts list and a reference to it", []edit{{"akitakata.yaml", "contact:\n  id: shimin\n  name: 市民課\n  phone: 0826-42-5616\n",
			"contacts:\n  - id: shimin\n    name: 市民課\n    phone: 0826-42-5616\ncontact: shimin\n"}}, nil},
		{"a reference to a national contact", []edit{{"akitakata.yaml", "    contact: shimin\n    source", "    contact: free_dial\n    source"}}, nil},
		{"reference where a contact is written out", []edit{{"akitakata.yaml", "contact:\n  id: shimin\n  name: 市民課\n  phone: 0826-42-5616\n",
			"contacts:\n  - shimin\ncontact: shimin\n"}}, []string{
			`akitakata.yaml:8: contacts[0].id: required`,
			`akitakata.yaml:8: contacts[0]: a contact here is written out (id, name, phone…), not referred to`,
			`akitakata.yaml:9: contact: no contact "shimin" in contacts (or national.yaml's contacts)`,
			`akitakata.yaml:14: counters[0].phone: empty, and silent.phone does not say that the page is silent about it`,
			`akitakata.yaml:16: counters[0].contact: no contact "shimin" in contacts (or national.yaml's contacts)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, withEdits(t, tt.edit...))
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
