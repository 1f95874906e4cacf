package rules_test

import (
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// TestChecklistIn: the facts come in their translation where the
// knowledge has one and in Japanese, counted, where it has none; the
// Japanese checklist goes beside; the view says "shown in Japanese" only
// while something is untranslated; Japanese is Checklist itself.
func TestChecklistIn(t *testing.T) {
	m := town()
	m.Items[0].En = knowledge.Tr{"text": "The holder's My Number Card"}
	m.Rules[3].Visits[0].Items[1].En = knowledge.Tr{"note": "Optional"}
	m.Items[1].En = knowledge.Tr{"text": "A note of the PIN", "note": "Handy"}
	m.Counters[0].En = knowledge.Tr{"name": "Town hall", "reservation": "Not needed"}
	m.Contact.En = knowledge.Tr{"name": "Residents Division"}
	m.Notes[1].En = knowledge.Tr{"text": "Expiry date unknown"}
	m.Notes[2].En = knowledge.Tr{"text": "Always"}
	m.Followups[0].En = knowledge.Tr{"title": "e-Tax", "text": "Register again"}
	m.Translations.En = knowledge.Tr{"silent.hours": "The hours are not given."}
	s := bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf}
	today := date(t, "2025-05-01")

	c, err := rules.ChecklistIn(m, s, today, bot.LangEn)
	if err != nil {
		t.Fatal(err)
	}
	if c.Items[0].Text != "The holder's My Number Card" || c.Items[1].Text != "A note of the PIN" || c.Items[1].Note != "Optional" {
		t.Errorf("items %+v, want their English (the reference's note over the item's)", c.Items)
	}
	if c.Contact.Name != "Residents Division" || c.Followups[0].Text != "Register again" {
		t.Errorf("contact %+v, follow-ups %+v", c.Contact, c.Followups)
	}
	// Untranslated: the ward counter's name, hours and reservation.
	if c.Counters[0].Name != "Town hall" || c.Counters[1].Name != "お住まいの区の区役所" || c.Untranslated != 3 {
		t.Errorf("counters %+v, %d untranslated, want the second counter's 3 fields in Japanese", c.Counters, c.Untranslated)
	}
	if len(c.Notes) != 3 || c.Notes[0] != "Expiry date unknown" || c.Notes[2] != "The hours are not given." {
		t.Errorf("notes %q", c.Notes)
	}
	if c.Japanese == nil || c.Japanese.Items[0].Text != "本人のマイナンバーカード" || c.Japanese.Untranslated != 0 {
		t.Fatalf("Japanese beside: %+v", c.Japanese)
	}
	if v := present.Present(&c, present.Options{}); v.Note == "" {
		t.Error("a view with untranslated facts has no note saying so")
	}
	m.Counters[1].En = knowledge.Tr{"name": "Your ward office", "hours": "Weekdays", "reservation": "Depends on the ward"}
	if c, _ = rules.ChecklistIn(m, s, today, bot.LangEn); c.Untranslated != 0 {
		t.Errorf("%d untranslated, want 0", c.Untranslated)
	} else if v := present.Present(&c, present.Options{}); v.Note != "" {
		t.Errorf("a view with every fact translated says %q", v.Note)
	}
	ja, _ := rules.ChecklistIn(m, s, today, bot.LangJa)
	if ja.Japanese != nil || ja.Items[0].Text != "本人のマイナンバーカード" {
		t.Errorf("Japanese checklist %+v", ja)
	}
}
