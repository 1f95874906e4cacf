package line

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// widgetCards are the situations of the widget's golden cards
// (webhook/widget/testdata/cards, written by TestBrowserCardGolden from
// the real widget driven with its buttons; the expiry date unknown).
var widgetCards = map[string]bot.Slots{
	"akishima":  {AgeGroup: bot.AgeUnder15, Visitor: bot.VisitorLegalRep, HasNotice: bot.Bool(true), AddressChange: bot.Bool(false)},
	"akitakata": {AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), AddressChange: bot.Bool(false)},
	"edogawa":   {AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf, HasNotice: bot.Bool(true), AddressChange: bot.Bool(true), MoveAtVisit: bot.Bool(true)},
	"nerima":    {AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), AddressChange: bot.Bool(false)},
	"yokohama":  {AgeGroup: bot.AgeAdult, Visitor: bot.VisitorProxy, HasNotice: bot.Bool(false), AddressChange: bot.Bool(false), Ward: "aoba"},
}

// widgetOnly are the lines of the widget's card in tx's language that
// LINE's card rightly lacks: the print button (LINE cannot print a
// message) and, under a translated checklist, the button back from the
// Japanese (LINE's card answers the show-Japanese button with another).
func widgetOnly(tx bot.Texts) []string {
	return []string{tx.Get("widget_print"), tx.Get("widget_show_translation")}
}

// flexSentences collects every text a resident reads in a Flex message:
// each text's "text" and each button's "label", not the altText (the
// notification line, not part of the card). Layout-only marks are taken
// off (present.MarksFor(lang)): the leading "・" of a list line and "　" of
// an indented note (the widget draws lists and indents with CSS), and the
// "（…）" around an item's optional label, which the widget shows as a tag
// on the same line (after a space in English).
func flexSentences(t *testing.T, msg *message, optional []string, lang bot.Lang) []string {
	mk := present.MarksFor(lang)
	tagSep := ""
	if lang == bot.LangEn {
		tagSep = " "
	}
	t.Helper()
	b, err := json.Marshal(msg.Contents)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(n any) {
		switch n := n.(type) {
		case map[string]any:
			for k, v := range n {
				if s, ok := v.(string); ok && (k == "text" || k == "label") {
					s = strings.TrimPrefix(strings.TrimPrefix(s, mk.Bullet), mk.Indent)
					for _, o := range optional {
						if strings.HasSuffix(s, mk.OptionalOpen+o+mk.OptionalClose) {
							s = strings.TrimSuffix(s, mk.OptionalOpen+o+mk.OptionalClose) + tagSep + o
						}
					}
					out = append(out, s)
				} else {
					walk(v)
				}
			}
		case []any:
			for _, v := range n {
				walk(v)
			}
		}
	}
	walk(tree)
	return out
}

// TestFlexSameSentences checks that, for the checklist of each widget
// golden card, in Japanese, やさしい日本語 and English, LINE's Flex card and
// the widget's rendered card say the same sentences: the same set, but for
// widgetOnly and the layout marks flexSentences lists.
func TestFlexSameSentences(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for id, slots := range widgetCards {
		for _, lang := range bot.Langs {
			t.Run(id+"/"+string(lang), func(t *testing.T) {
				name := id + ".txt"
				if lang != bot.LangJa {
					name = id + "." + string(lang) + ".txt"
				}
				raw, err := os.ReadFile(filepath.Join("..", "widget", "testdata", "cards", name))
				if err != nil {
					t.Fatal(err)
				}
				c, err := rules.ChecklistIn(kb.Municipality(id), slots, goldenToday, lang)
				if err != nil {
					t.Fatal(err)
				}
				widget := map[string]bool{}
				for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
					if !strings.HasPrefix(l, "# ") && !slices.Contains(widgetOnly(*c.Texts), l) {
						widget[l] = true
					}
				}
				var optional []string
				for _, g := range present.Present(&c, present.Options{}).Visits {
					for _, it := range g.Items {
						if it.Optional != "" {
							optional = append(optional, it.Optional)
						}
					}
				}
				msg := checklistFlex(&c)
				if msg == nil {
					t.Fatal("no Flex form")
				}
				flex := map[string]bool{}
				for _, s := range flexSentences(t, msg, optional, lang) {
					flex[s] = true
				}
				for s := range flex {
					if !widget[s] {
						t.Errorf("LINE says %q; the widget's card does not", s)
					}
				}
				for s := range widget {
					if !flex[s] {
						t.Errorf("the widget's card says %q; LINE's does not", s)
					}
				}
				if len(flex) < 8 {
					t.Errorf("only %d sentences compared", len(flex))
				}
			})
		}
	}
}
