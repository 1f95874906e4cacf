package line

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// goldenSituation is a resident's situation the golden files render.
type goldenSituation struct {
	name   string
	slots  bot.Slots
	expiry *bot.Date
}

// goldenToday is the day the golden checklists are computed on.
var goldenToday = bot.NewDate(2026, time.March, 24)

// goldenSituations are real situations residents are in: the holder in
// the window, after expiry and too early; a proxy with and without the
// 照会書兼回答書 (two visits where the page says so); a child with a parent.
func goldenSituations() []goldenSituation {
	d := func(y int, m time.Month, day int) *bot.Date { x := bot.NewDate(y, m, day); return &x }
	adultSelf := bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true)}
	return []goldenSituation{
		{"本人・通知書あり・更新できる期間", adultSelf, d(2026, time.May, 10)},
		{"本人・有効期限切れ", adultSelf, d(2026, time.February, 1)},
		{"本人・まだ期間の前", adultSelf, d(2026, time.December, 25)},
		{"任意代理人・通知書あり", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(true)}, d(2026, time.May, 10)},
		{"任意代理人・照会書なし", bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false)}, d(2026, time.May, 10)},
		{"15歳未満・法定代理人と本人", bot.Slots{AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true)}, d(2026, time.May, 10)},
	}
}

// goldenChecklists computes the golden situations' checklists for
// municipality m with the rules engine, in Japanese.
func goldenChecklists(t *testing.T, m *knowledge.Municipality) (names []string, lists []bot.Checklist) {
	return goldenChecklistsIn(t, m, bot.LangJa)
}

// goldenChecklistsIn computes the golden situations' checklists for
// municipality m with the rules engine in lang (ChecklistIn: the facts in
// their translations, the Japanese beside them).
func goldenChecklistsIn(t *testing.T, m *knowledge.Municipality, lang bot.Lang) (names []string, lists []bot.Checklist) {
	for _, g := range goldenSituations() {
		s := g.slots
		s.ExpiryDate = g.expiry
		if len(m.Wards) > 0 {
			s.Ward = m.Wards[0].ID
		}
		c, err := rules.ChecklistIn(m, s, goldenToday, lang)
		if err != nil {
			t.Fatalf("%s %s: %v", m.ID, g.name, err)
		}
		names = append(names, g.name)
		lists = append(lists, c)
	}
	return names, lists
}

// TestPresentGolden renders real checklists of every municipality, from
// the embedded knowledge and the rules engine, for LINE (the Flex JSON)
// and as the one presentation's text (what the widget shows, section by
// section) into testdata/present, for a reviewer to read. -update writes
// them. Every sentence of the view must be in the Flex card: the channels
// say the same thing.
func TestPresentGolden(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range kb.IDs() {
		t.Run(id, func(t *testing.T) {
			names, lists := goldenChecklists(t, kb.Municipality(id))
			var txt bytes.Buffer
			var flexes []any
			for i := range lists {
				c := &lists[i]
				v := present.Present(c, present.Options{})
				fmt.Fprintf(&txt, "=== %s (%s, 今日 %s)\n%s\n\n", names[i], c.Rule, present.Date(goldenToday, present.Western, *nationalTexts()), present.Text(v))
				f := checklistFlex(c)
				if f == nil {
					t.Fatalf("%s: no Flex form", names[i])
				}
				b, err := json.Marshal(f)
				if err != nil {
					t.Fatal(err)
				}
				flat := string(b)
				for _, s := range viewStrings(v) {
					js, _ := json.Marshal(s)
					if !strings.Contains(flat, strings.Trim(string(js), `"`)) {
						t.Errorf("%s: the Flex card lacks the view's %q", names[i], s)
					}
				}
				for _, iso := range []string{"2026-", "2025-", "2024-", "2020-"} {
					if strings.Contains(flat, iso) && !strings.Contains(strings.Join(c.Notes, ""), iso) {
						t.Errorf("%s: the Flex card writes an ISO date", names[i])
					}
				}
				flexes = append(flexes, map[string]any{"situation": names[i], "message": f})
			}
			fj, err := json.MarshalIndent(flexes, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", "present", id+".txt"), txt.Bytes())
			compareGolden(t, filepath.Join("testdata", "present", id+".flex.json"), append(fj, '\n'))
		})
	}
}

// viewStrings lists every text of v a channel must show.
func viewStrings(v present.View) []string {
	out := []string{v.Title, v.Headline, v.Status, v.Uncovered, v.Source}
	if len(v.Visits) > 0 {
		out = append(out, v.Titles.Items)
	}
	for _, g := range v.Visits {
		out = append(out, g.Title)
		for _, it := range g.Items {
			out = append(out, it.Text, it.Note, it.Optional)
		}
	}
	if len(v.Places) > 0 {
		out = append(out, v.Titles.Places)
	}
	for _, p := range v.Places {
		out = append(out, p.Name, p.Hours, p.Reservation, telLabel(p.TelLabel))
	}
	if len(v.Afterwards) > 0 {
		out = append(out, v.Titles.Afterwards)
	}
	for _, s := range v.Afterwards {
		out = append(out, s.Title, s.Text, telLabel(s.TelLabel))
	}
	if len(v.Warnings) > 0 {
		out = append(out, v.Titles.Warnings)
	}
	out = append(out, v.Warnings...)
	kept := out[:0]
	for _, s := range out {
		if s != "" {
			kept = append(kept, s)
		}
	}
	return kept
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" { // wire_test.go's flag
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what is rendered now; run go test -run TestPresentGolden -update ./webhook/line/ and review the diff", path)
	}
}

// TestPresentGoldenLangs renders the golden situations' checklists of
// every municipality in やさしい日本語 and in English (the rules engine's
// ChecklistIn, the facts in their translations) for LINE and as text, into
// testdata/present/<id>.<lang>.txt and .flex.json, for a reviewer to read
// beside the Japanese (-update writes them, with TestPresentGolden's).
// Every sentence of the view is in the Flex card, none is left
// untranslated (no "shown in Japanese" note), the card says it is a
// translation and offers the Japanese (bot.CommandShowJapanese), and its
// Japanese (view_ja's checklist) is the Japanese golden's checklist.
func TestPresentGoldenLangs(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range kb.IDs() {
		m := kb.Municipality(id)
		_, jaLists := goldenChecklists(t, m)
		for _, lang := range []bot.Lang{bot.LangEasy, bot.LangEn} {
			t.Run(id+"/"+string(lang), func(t *testing.T) {
				var txt bytes.Buffer
				var flexes []any
				names, lists := goldenChecklistsIn(t, m, lang)
				for i := range lists {
					c := &lists[i]
					if c.Untranslated != 0 {
						t.Errorf("%s: %d facts left in Japanese", names[i], c.Untranslated)
					}
					if c.Japanese == nil || !sameFacts(*c.Japanese, jaLists[i]) {
						t.Errorf("%s: the checklist's Japanese is not the Japanese checklist", names[i])
					}
					v := present.Present(c, present.Options{})
					if v.Lang != lang || v.Note != "" || v.Translation != c.Texts.Get(bot.TextTranslated) {
						t.Errorf("%s: view in %q with note %q and translation %q, want no note and the line that it is a translation", names[i], v.Lang, v.Note, v.Translation)
					}
					fmt.Fprintf(&txt, "=== %s (%s, %s)\n%s\n\n", names[i], c.Rule, present.Date(goldenToday, present.Western, *c.Texts), present.Text(v))
					f := checklistFlex(c)
					if f == nil {
						t.Fatalf("%s: no Flex form", names[i])
					}
					b, err := json.Marshal(f)
					if err != nil {
						t.Fatal(err)
					}
					for _, s := range append(viewStrings(v), v.Translation, bot.CommandShowJapanese.Label(*c.Texts)) {
						js, _ := json.Marshal(s)
						if !strings.Contains(string(b), strings.Trim(string(js), `"`)) {
							t.Errorf("%s: the Flex card lacks the view's %q", names[i], s)
						}
					}
					for _, l := range telLabels(v) {
						if n := present.FirstNumber(l); !strings.Contains(telLabel(l), n) {
							t.Errorf("%s: the button %q cuts the number %s", names[i], telLabel(l), n)
						}
					}
					if !strings.Contains(string(b), `"data":"`+bot.CommandShowJapanese.Postback+`"`) {
						t.Errorf("%s: the Flex card offers no Japanese", names[i])
					}
					for _, iso := range []string{"2026-", "2025-", "2024-", "2020-"} {
						if strings.Contains(string(b), iso) && !strings.Contains(strings.Join(c.Notes, ""), iso) {
							t.Errorf("%s: the Flex card writes an ISO date", names[i])
						}
					}
					flexes = append(flexes, map[string]any{"situation": names[i], "message": f})
				}
				fj, err := json.MarshalIndent(flexes, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				base := filepath.Join("testdata", "present", id+"."+string(lang))
				compareGolden(t, base+".txt", txt.Bytes())
				compareGolden(t, base+".flex.json", append(fj, '\n'))
			})
		}
	}
}

// sameFacts reports whether a and b are the same checklist, but for the
// words they travel with.
func sameFacts(a, b bot.Checklist) bool {
	a.Texts, b.Texts = nil, nil
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// telLabels lists the labels of v's dialling buttons.
func telLabels(v present.View) []string {
	var out []string
	for _, p := range v.Places {
		if p.Tel != "" {
			out = append(out, p.TelLabel)
		}
	}
	for _, s := range v.Afterwards {
		if s.Tel != "" {
			out = append(out, s.TelLabel)
		}
	}
	return out
}
