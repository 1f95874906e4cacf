package dialog

import (
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

func TestReadMoveAtVisit(t *testing.T) {
	cases := []struct {
		text string
		want string // "true", "false" or "" for no answer
	}{
		{"はい", "true"},
		{"ハイ", "true"},
		{"うん、同じ日に出す", "true"},
		{"転入届も一緒に出します", "true"},
		{"今日あわせて届け出る", "true"},
		{"いいえ", "false"},
		{"いや、もう出した", "false"},
		{"はい、もう出しました", "false"},
		{"転居届は先週済ませました", "false"},
		{"名前が変わっただけです", "false"},
		{"結婚して苗字が変わりました", "false"},
		{"あとで出します", "false"},
		{"一緒にはしない", "false"},
		{"同じ日じゃないです", "false"},
		{"ありがとう", ""},
		{"転入届をいつ出すかまだ決めてなくて、なんとも…", ""},
		{"", ""},
	}
	for _, c := range cases {
		got := ""
		if v := readMoveAtVisit(c.text); v != nil {
			got = map[bool]string{true: "true", false: "false"}[*v]
		}
		if got != c.want {
			t.Errorf("readMoveAtVisit(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestMoveAtVisitAskedOnlyWhereItMatters: the question is asked only after
// an address change, only of someone other than the holder, and only in
// Edogawa, the one page with a same-day route for a move filed at the visit.
func TestMoveAtVisitAskedOnlyWhereItMatters(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range kb.Municipalities {
		for _, age := range bot.AgeGroups {
			for _, v := range bot.Visitors {
				for _, addr := range []bool{false, true} {
					st := &State{Slots: bot.Slots{AgeGroup: age, Visitor: v, HasNotice: bot.Bool(true), AddressChange: bot.Bool(addr)}}
					asked := nextSlot(m, st) == bot.SlotMoveAtVisit
					want := m.ID == "edogawa" && addr && (v == bot.VisitorLegalRep || v == bot.VisitorProxy && age == bot.AgeAdult)
					if asked != want {
						t.Errorf("%s %s: move_at_visit asked %v, want %v", m.ID, st.Slots, asked, want)
					}
				}
			}
		}
	}
}

// TestMoveAtVisitLaterSentenceCorrects: a later sentence of the answer
// corrects an earlier one (「もう出した…と思ったらまだでした。当日一緒に出します」).
func TestMoveAtVisitLaterSentenceCorrects(t *testing.T) {
	for text, want := range map[string]bool{
		"転居届はもう出した…と思ったらまだでした💦 当日一緒に出します":  true,
		"はい、同じ日に出します。あ、やっぱりもう出してました":       false,
		"転居届は先に別の日に出すことになったので、当日じゃなくなりました": false,
	} {
		if got := readMoveAtVisit(text); got == nil || *got != want {
			t.Errorf("readMoveAtVisit(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestStatedMoveAtVisit: a filing named with its day, in a message not
// asked it; 済ませたい is a wish (the filing is still to come), 出してあります
// a filing done.
func TestStatedMoveAtVisit(t *testing.T) {
	for text, want := range map[string]string{
		"転入届と一緒に親の私だけで済ませたいです": "true",
		"転入届も同じ日に出します":         "true",
		"先月転居届は出してあります":        "false",
		"転居届はもう出しました":          "false",
		"転居届は先週済ませました":         "false",
		"住所が変わりました":            "",
	} {
		got := ""
		if v := statedMoveAtVisit(text); v != nil {
			got = map[bool]string{true: "true", false: "false"}[*v]
		}
		if got != want {
			t.Errorf("statedMoveAtVisit(%q) = %q, want %q", text, got, want)
		}
	}
}
