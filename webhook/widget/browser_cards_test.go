package widget_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

var update = flag.Bool("update", false, "rewrite testdata/cards from the widget's rendered checklists")

// cardSituation is a resident's situation, answered with the buttons the
// widget offers: for each question (the panel's data-asking), the label
// to press; "" presses the first button (Yokohama's first ward).
type cardSituation struct {
	municipality string
	name         string
	press        map[string]string
}

// cardSituations are one representative situation for each municipality,
// answered as a resident would with the buttons; the expiry date is not
// known, so the cards do not depend on the day the test runs.
var cardSituations = []cardSituation{
	{"akishima", "15歳未満・法定代理人", map[string]string{"age_group": "15歳未満", "visitor": "法定代理人(親権者・後見人)", "has_notice": "ある", "address_change": "変わっていない", "expiry_date": "わからない"}},
	{"akitakata", "本人・照会書あり", map[string]string{"age_group": "15歳以上", "visitor": "本人", "has_notice": "ある", "address_change": "変わっていない", "expiry_date": "わからない"}},
	{"edogawa", "本人・転居と同じ日", map[string]string{"age_group": "15歳以上", "visitor": "本人", "has_notice": "ある", "address_change": "変わった", "move_at_visit": "同じ日に届け出る", "expiry_date": "わからない"}},
	{"nerima", "代理人・照会書なし", map[string]string{"age_group": "15歳以上", "visitor": "代理人(家族など)", "has_notice": "ない", "address_change": "変わっていない", "expiry_date": "わからない"}},
	{"yokohama", "代理人・照会書なし・青葉区", map[string]string{"age_group": "15歳以上", "visitor": "代理人(家族など)", "has_notice": "ない", "address_change": "変わっていない", "expiry_date": "わからない", "ward": ""}},
}

// answerWith presses, for each question the widget asks, the button the
// situation names, until the checklist card appears; it returns the
// questions asked.
func answerWith(t *testing.T, tb *tab, press map[string]string) []string {
	t.Helper()
	var asked []string
	for i := 0; tb.evalInt(count(".card")) == 0; i++ {
		tb.waitFor("quick replies", count(".quick button")+" > 0")
		slot := tb.evalString(in(".panel") + ".getAttribute('data-asking')")
		label, ok := press[slot]
		if !ok || i == 12 {
			t.Fatalf("no button to press for %q after %q", slot, asked)
		}
		asked = append(asked, slot)
		btn := in(".quick button")
		if label != "" {
			js, _ := json.Marshal(label)
			btn = `Array.from(` + shadow + `.querySelectorAll('.quick button')).find(b => b.textContent === ` + string(js) + `)`
			if !tb.evalBool(btn) {
				t.Fatalf("question %s offers no button %q: %s", slot, label, tb.evalString(in(".quick")+".textContent"))
			}
		}
		n := turns(tb)
		tb.do(chromedp.Click(chromedp.JSPath(btn), chromedp.NodeVisible))
		tb.waitFor("the reply", count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	}
	return asked
}

// cardText is the checklist card's visible text (innerText): every line
// trimmed, empty lines dropped. innerText follows the layout's blocks,
// not the wrapping, so it is the same at every width.
func cardText(tb *tab) string {
	raw := tb.evalString(in(".card") + ".innerText")
	var lines []string
	for _, l := range strings.Split(raw, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestBrowserCardGolden drives the real widget, with the buttons, to a
// real checklist for each municipality and compares the card's visible
// text with testdata/cards/<municipality>.txt (-update writes them, as
// webhook/line's golden tests do). webhook/line's TestFlexSameSentences
// reads these files to check that LINE's card says the same sentences.
// At 360 and 1280 px it also saves screenshots of the whole card, page by
// page as a resident scrolls, into the artifacts folder.
func TestBrowserCardGolden(t *testing.T) {
	s := newServer(t, guard.Config{})
	for _, c := range cardSituations {
		t.Run(c.municipality, func(t *testing.T) {
			var first string
			for _, w := range []struct{ width, height int64 }{{360, 740}, {1280, 800}} {
				tb := newBrowser(t, w.width, w.height, false)
				openWidget(t, tb, s, c.municipality)
				answerWith(t, tb, c.press)
				got := cardText(tb)
				if first == "" {
					first = got
				} else if got != first {
					t.Errorf("the card reads differently at %d px:\n%s\nthan at 360 px:\n%s", w.width, got, first)
				}
				checkReadable(t, tb)
				cardShots(t, tb, c.municipality+"-"+itoa(int(w.width)))
				tb.checkClean()
			}
			compareCard(t, filepath.Join("testdata", "cards", c.municipality+".txt"), "# "+c.name+"\n"+first)
		})
	}
}

// cardShots saves the viewport, page by page, from the card's top to its
// end, as a resident scrolling the conversation sees it.
func cardShots(t *testing.T, tb *tab, name string) {
	t.Helper()
	tb.eval(`(() => { const m = `+in(".messages")+`, c = `+in(".card")+`;
		m.scrollTop = c.offsetTop - m.offsetTop - 8; return true; })()`, new(bool))
	for i := 1; ; i++ {
		tb.screenshot("card-" + name + "-" + itoa(i))
		done := tb.evalBool(`(() => { const m = ` + in(".messages") + `, c = ` + in(".card") + `;
			if (c.getBoundingClientRect().bottom <= m.getBoundingClientRect().bottom + 1 || m.scrollTop + m.clientHeight >= m.scrollHeight - 1) { return true; }
			m.scrollTop += m.clientHeight - 48; return false; })()`)
		if done || i == 12 {
			return
		}
	}
}

func compareCard(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal([]byte(got), want) {
		t.Errorf("%s differs from the card the widget renders now; run go test -run TestBrowserCardGolden -update ./webhook/widget/ and review the diff\ngot:\n%s", path, got)
	}
}
