package dialog

import (
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

func embeddedKB(t *testing.T) *knowledge.KB {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

// TestNoQuestionWherePageIsSilent: once every answer still to come leads
// to a not_covered rule, the dialog asks nothing more and the checklist
// says the page is silent; while some answer can lead to a covered
// checklist, it keeps asking.
func TestNoQuestionWherePageIsSilent(t *testing.T) {
	kb := embeddedKB(t)
	today := bot.NewDate(2026, 1, 10)
	cases := []struct {
		muni  string
		slots bot.Slots
		want  string
	}{
		{"akishima", bot.Slots{AgeGroup: bot.AgeUnder15}, ""},
		{"akishima", bot.Slots{AgeGroup: bot.AgeAdultWard}, ""},
		{"yokohama", bot.Slots{AgeGroup: bot.AgeUnder15}, ""},
		{"akishima", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false)}, ""},
		{"akishima", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true)}, ""},
		{"nerima", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(true)}, ""},
		{"nerima", bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorProxy}, ""},
		{"akitakata", bot.Slots{AgeGroup: bot.AgeAdultWard, Visitor: bot.VisitorProxy}, ""},
		{"yokohama", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep}, ""},
		// Still open: some answer leads to a covered checklist.
		{"akishima", bot.Slots{AgeGroup: bot.AgeAdult}, bot.SlotVisitor},
		{"akishima", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy}, bot.SlotHasNotice},
		{"nerima", bot.Slots{AgeGroup: bot.AgeUnder15}, bot.SlotVisitor},
		{"edogawa", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorLegalRep}, bot.SlotAddressChange},
		{"yokohama", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf}, bot.SlotAddressChange},
	}
	for _, c := range cases {
		m := kb.Municipality(c.muni)
		st := &State{Slots: c.slots}
		got := nextSlot(m, st)
		if got != c.want {
			t.Errorf("%s %s: next slot %q, want %q", c.muni, c.slots, got, c.want)
		}
		if got != "" {
			continue
		}
		cl, err := rules.Checklist(m, checklistSlots(st), today)
		if err != nil || cl.Covered {
			t.Errorf("%s %s: stopped asking, but the checklist is covered=%v (err %v)", c.muni, c.slots, cl.Covered, err)
		}
	}
}

// TestNeverAskedOnceSilent checks, for every municipality and every state
// with the visitor known, that a question is asked only while some answer
// to come can still give a covered checklist.
func TestNeverAskedOnceSilent(t *testing.T) {
	kb := embeddedKB(t)
	bools := []*bool{nil, bot.Bool(false), bot.Bool(true)}
	for _, m := range kb.Municipalities {
		for _, age := range bot.AgeGroups {
			for _, v := range bot.Visitors {
				for _, notice := range bools {
					for _, addr := range bools {
						st := &State{Slots: bot.Slots{AgeGroup: age, Visitor: v, HasNotice: notice, AddressChange: addr}}
						if nextSlot(m, st) == "" {
							continue
						}
						coverable := false
						eachSituation(st, func(sit knowledge.Situation) bool {
							coverable = m.RuleFor(sit).NotCovered == ""
							return !coverable
						})
						if !coverable {
							t.Errorf("%s %s: asks %s, though the page covers none of what may follow", m.ID, st.Slots, nextSlot(m, st))
						}
					}
				}
			}
		}
	}
}

// TestHolderAskedForTheNoticeOnlyWhereThePageListsIt: Akishima lists the
// blue envelope among what the holder brings; elsewhere the holder's
// notice changes nothing worth a question (Yokohama keeps it optional).
func TestHolderAskedForTheNoticeOnlyWhereThePageListsIt(t *testing.T) {
	kb := embeddedKB(t)
	for _, m := range kb.Municipalities {
		for _, age := range bot.AgeGroups {
			st := &State{Slots: bot.Slots{AgeGroup: age, Visitor: bot.VisitorSelf, AddressChange: bot.Bool(false)}}
			asked := nextSlot(m, st) == bot.SlotHasNotice
			if want := m.ID == "akishima" && age == bot.AgeAdult; asked != want {
				t.Errorf("%s %s: has_notice asked %v, want %v", m.ID, st.Slots, asked, want)
			}
		}
	}
}
