package admin

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

func loadKB(tb testing.TB) *knowledge.KB {
	tb.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		tb.Fatal(err)
	}
	return kb
}

var previewToday = bot.NewDate(2026, 4, 1)

func TestPreviewUnchanged(t *testing.T) {
	p := preview(loadKB(t), loadKB(t), "yokohama", previewToday)
	// 3 age groups × 3 visitors × 2 forms × 4 address cases × 2 procedures × (no ward + 18 wards)
	if p.Total != 144*19 || len(p.Changed) != 0 {
		t.Fatalf("total %d, changed %d", p.Total, len(p.Changed))
	}
}

// TestPreviewOneWard: a change to one ward's counter changes exactly that
// ward's situations, and only their counters.
func TestPreviewOneWard(t *testing.T) {
	draft := loadKB(t)
	y := draft.Municipality("yokohama")
	var ward string
	for i := range y.Wards {
		if y.Wards[i].ID == "aoba" {
			y.Wards[i].Counter = "青葉区役所 新窓口"
			ward = y.Wards[i].ID
		}
	}
	if ward == "" {
		t.Fatal("no aoba ward")
	}
	p := preview(loadKB(t), draft, "yokohama", previewToday)
	if len(p.Changed) != 144 {
		t.Fatalf("%d situations changed, want aoba's 144", len(p.Changed))
	}
	for _, c := range p.Changed {
		if c.Slots.Ward != "aoba" || len(c.Changes) != 1 || c.Changes[0].Field != "counters" {
			t.Fatalf("changed %s: %+v", c.Label, c.Changes)
		}
	}
}

// TestPreviewRuleChange: dropping an item from a rule's visit changes the
// items of the situations that rule serves, named with the rule.
func TestPreviewRuleChange(t *testing.T) {
	draft := loadKB(t)
	m := draft.Municipality("nerima")
	var r *knowledge.Rule
	for i := range m.Rules {
		if len(m.Rules[i].Visits) > 0 && len(m.Rules[i].Visits[0].Items) >= 2 {
			r = &m.Rules[i]
			break
		}
	}
	if r == nil {
		t.Fatal("no nerima rule with two items on a visit")
	}
	r.Visits[0].Items = r.Visits[0].Items[1:]
	p := preview(loadKB(t), draft, "nerima", previewToday)
	if len(p.Changed) == 0 || len(p.Changed) == p.Total {
		t.Fatalf("%d of %d situations changed", len(p.Changed), p.Total)
	}
	for _, c := range p.Changed {
		if c.Changes[0].Field != "items" {
			t.Fatalf("%s: %+v", c.Label, c.Changes[0])
		}
	}
}

// BenchmarkPreviewYokohama: the changed-situations preview over all of
// Yokohama's 2,736 situations, with a contact change that alters them all.
func BenchmarkPreviewYokohama(b *testing.B) {
	pub, draft := loadKB(b), loadKB(b)
	draft.Municipality("yokohama").Contact.Phone = "045-000-0000"
	var p Preview
	for b.Loop() {
		p = preview(pub, draft, "yokohama", previewToday)
	}
	if len(p.Changed) != p.Total {
		b.Fatalf("%d of %d changed", len(p.Changed), p.Total)
	}
}

// TestJaSides: a counters change is written as Japanese lines, the
// differing ones marked on each side.
func TestJaSides(t *testing.T) {
	before := json.RawMessage(`[{"name":"小松川事務所","phone":"03-3683-5184","hours":"","reservation":""},{"name":"東部","phone":"03-3679-1125"}]`)
	after := json.RawMessage(`[{"name":"小松川事務所","phone":"03-3683-9999","hours":"","reservation":""},{"name":"東部","phone":"03-3679-1125"}]`)
	j := jaSides(before, after)
	var got []string
	for _, l := range j.Before {
		got = append(got, fmt.Sprintf("%s %v", l.Text, l.Changed))
	}
	for _, l := range j.After {
		got = append(got, fmt.Sprintf("%s %v", l.Text, l.Changed))
	}
	want := []string{"・名前: 小松川事務所 false", "　電話: 03-3683-5184 true", "・名前: 東部 false", "　電話: 03-3679-1125 false",
		"・名前: 小松川事務所 false", "　電話: 03-3683-9999 true", "・名前: 東部 false", "　電話: 03-3679-1125 false"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("jaSides =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if l := jaText(json.RawMessage(`null`)); len(l) != 1 || l[0] != "(なし)" {
		t.Errorf("null: %q", l)
	}
	if l := jaText(json.RawMessage(`true`)); l[0] != "あり" {
		t.Errorf("true: %q", l)
	}
}
