package widget_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/madoguchi/madoguchi/internal/wcag"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

// axeRules must have run and passed on the open widget: a check that
// checked nothing would pass too.
var axeRules = []string{"color-contrast", "button-name", "label", "aria-allowed-attr"}

// checkAxe injects axe-core (once per page) and runs it on the whole demo
// page; serious and critical violations fail the test, the others are
// logged.
func checkAxe(t *testing.T, tb *tab, where string) {
	t.Helper()
	if !tb.evalBool("typeof axe === 'object'") {
		src, err := os.ReadFile("testdata/axe.min.js")
		if err != nil {
			t.Fatal(err)
		}
		if !tb.evalBool("(() => { " + string(src) + "\n; return typeof axe === 'object'; })()") {
			t.Fatal("axe-core did not load")
		}
	}
	var res struct {
		Passes     []string
		Violations []struct {
			ID, Impact, Help string
			Nodes            []string
		}
	}
	tb.eval(`axe.run(document).then(r => ({Passes: r.passes.map(p => p.id), Violations: r.violations.map(v =>
		({ID: v.id, Impact: v.impact, Help: v.help, Nodes: v.nodes.map(n => JSON.stringify(n.target))}))}))`, &res)
	for _, rule := range axeRules {
		if !slices.Contains(res.Passes, rule) {
			t.Errorf("%s: axe rule %s did not pass (passes: %v)", where, rule, res.Passes)
		}
	}
	for _, v := range res.Violations {
		msg := where + ": " + v.Impact + " " + v.ID + ": " + v.Help + " at " + strings.Join(v.Nodes, ", ")
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// TestBrowserAccessibility runs axe-core on the demo page with the widget
// open, at 360 and 1280 px: at the start of a conversation and on a
// checklist, for Akitakata and for Yokohama (whose checklist names the
// ward's counter).
func TestBrowserAccessibility(t *testing.T) {
	s := newServer(t, guard.Config{})
	for _, c := range []cardSituation{cardSituations[1], cardSituations[4]} {
		for _, w := range []struct{ width, height int64 }{{360, 740}, {1280, 800}} {
			t.Run(fmt.Sprintf("%s-%d", c.municipality, w.width), func(t *testing.T) {
				tb := newBrowser(t, w.width, w.height, true) // CSP bypassed only so axe can be injected
				openWidget(t, tb, s, c.municipality)
				checkAxe(t, tb, "start")
				answerWith(t, tb, c.press)
				if c.municipality == "yokohama" && !strings.Contains(cardText(tb), "青葉区役所戸籍課") {
					t.Fatalf("the checklist does not name the ward's counter: %s", cardText(tb))
				}
				checkAxe(t, tb, "checklist")
			})
		}
	}
}

// ring is a focused control's focus indicator as computed in the page.
type ring struct {
	Tag, Class, Text string
	Visible          bool    // the control matches :focus-visible
	Style            string  // outline-style, or "box-shadow"
	Width            float64 // px
	Color, Behind    string  // #rrggbb; Behind is what the ring is drawn on
	// Clipped is how many px of the ring an ancestor that clips its
	// overflow (the panel, the conversation) cuts off.
	Clipped float64
}

// focusRing reads the focused control of the widget (nil when the focus
// is outside the widget): its outline, else its box-shadow's spread, and
// the first opaque background behind the ring (the control's own for an
// inset ring, else its parents').
const focusRing = `(() => {
	const host = document.querySelector('[data-madoguchi-widget]');
	if (document.activeElement !== host) { return null; }
	const e = host.shadowRoot.activeElement;
	if (!e) { return null; }
	const hex = (c) => { const m = c.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/);
		if (!m || (m[4] !== undefined && parseFloat(m[4]) < 1)) { return ''; }
		return '#' + [m[1], m[2], m[3]].map(x => (+x).toString(16).padStart(2, '0')).join(''); };
	const cs = getComputedStyle(e);
	let style = cs.outlineStyle, width = parseFloat(cs.outlineWidth) || 0, color = hex(cs.outlineColor);
	const inset = parseFloat(cs.outlineOffset) < 0;
	if (style === 'none' && cs.boxShadow !== 'none') {
		const m = cs.boxShadow.match(/(rgba?\([^)]*\))\s+[-\d.]+px\s+[-\d.]+px\s+[-\d.]+px\s+([-\d.]+)px/);
		if (m) { style = 'box-shadow'; color = hex(m[1]); width = parseFloat(m[2]); }
	}
	const r = e.getBoundingClientRect(), out = inset ? 0 : (parseFloat(cs.outlineOffset) || 0) + width;
	let clipped = 0;
	for (let n = e.parentElement || e.getRootNode().host; n; n = n.parentElement || (n.getRootNode().host)) {
		const o = getComputedStyle(n);
		if (o.overflowX === 'visible' && o.overflowY === 'visible') { continue; }
		const c = n.getBoundingClientRect();
		clipped = Math.max(clipped, c.left - (r.left - out), (r.right + out) - c.right, c.top - (r.top - out), (r.bottom + out) - c.bottom);
	}
	let behind = '';
	for (let n = inset ? e : (e.parentElement || e.getRootNode().host); n && !behind; n = n.parentElement || (n.getRootNode().host)) {
		behind = hex(getComputedStyle(n).backgroundColor);
		if (n === document.documentElement) { break; }
	}
	return {Tag: e.tagName.toLowerCase() + (e.type ? '[' + e.type + ']' : ''), Class: e.className, Text: (e.getAttribute('aria-label') || e.textContent || '').slice(0, 30),
		Visible: e.matches(':focus-visible'), Style: style, Width: width, Color: color, Behind: behind || '#ffffff', Clipped: clipped};
})()`

// TestBrowserFocusRing tabs through every control of the open widget on
// a checklist with real key presses (Tab and Shift+Tab from the message
// box, then Escape to the launcher), and requires of each focus ring, as
// computed: a style other than none, at least 2 px, not cut off by the
// panel or the scrolling conversation, and 3:1 contrast with what it is
// drawn on (WCAG 2.4.11 and 1.4.11). At 360 and 1280 px.
func TestBrowserFocusRing(t *testing.T) {
	s := newServer(t, guard.Config{})
	for _, w := range []struct{ width, height int64 }{{360, 740}, {1280, 800}} {
		t.Run(strconv.Itoa(int(w.width)), func(t *testing.T) {
			tb := newBrowser(t, w.width, w.height, false)
			openWidget(t, tb, s, "edogawa")
			answerWith(t, tb, cardSituations[2].press)
			var seen []ring
			walk := func(key string, opts ...chromedp.KeyOption) {
				tb.do(chromedp.Focus(chromedp.JSPath(in("textarea"))))
				for i := 0; i < 80; i++ {
					if i == 0 && len(seen) == 0 { // the message box, reached by a key press
						tb.do(chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)), chromedp.KeyEvent(kb.Tab))
						var r *ring
						tb.eval(focusRing, &r)
						if r == nil || r.Tag != "textarea[textarea]" {
							t.Fatalf("Shift+Tab, Tab from the message box lands on %+v", r)
						}
						seen = append(seen, *r)
					}
					tb.do(chromedp.KeyEvent(key, opts...))
					var r *ring
					tb.eval(focusRing, &r)
					if r == nil {
						return
					}
					seen = append(seen, *r)
				}
				t.Fatalf("80 presses of %q did not leave the widget", key)
			}
			walk(kb.Tab)
			walk(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
			tb.do(chromedp.Focus(chromedp.JSPath(in("textarea"))), chromedp.KeyEvent(kb.Escape))
			var r *ring
			tb.eval(focusRing, &r)
			if r == nil || r.Class != "launcher" {
				t.Fatalf("after Escape the focus is on %+v, want the launcher", r)
			}
			seen = append(seen, *r)

			kinds := map[string]bool{}
			for _, r := range seen {
				kinds[r.Tag] = true
				what := fmt.Sprintf("%s.%s %q", r.Tag, r.Class, r.Text)
				if !r.Visible {
					t.Errorf("%s has the focus from the keyboard but does not match :focus-visible", what)
				}
				if r.Style == "none" || r.Style == "" || r.Width < 2 || r.Color == "" {
					t.Errorf("%s: focus ring %s %.1fpx %s, want a visible ring of 2 px or more", what, r.Style, r.Width, r.Color)
					continue
				}
				if r.Clipped > 0.5 {
					t.Errorf("%s: %.1f px of the focus ring is cut off by a scrolling or clipping container", what, r.Clipped)
				}
				c, err := wcag.Contrast(r.Color, r.Behind)
				if err != nil {
					t.Fatal(err)
				}
				if c < 3 {
					t.Errorf("%s: focus ring %s on %s has contrast %.2f, under 3:1", what, r.Color, r.Behind, c)
				}
			}
			// The walk reached every kind of control of the widget.
			for _, k := range []string{"button[button]", "button[submit]", "input[checkbox]", "a", "textarea[textarea]", "div"} {
				if !kinds[k] {
					t.Errorf("the Tab walk never focused a %s (focused: %v)", k, kinds)
				}
			}
			b, _ := json.Marshal(seen)
			t.Logf("%d focus stops: %s", len(seen), b)
		})
	}
}

// TestBrowserTouchHint checks that the Enter/Shift+Enter hint shows with
// a mouse and is hidden on a touch screen (no hover, coarse pointer),
// where there is no Shift key to press; and, on the touch screen at
// 360 px, the sizes an older resident needs on a checklist.
func TestBrowserTouchHint(t *testing.T) {
	s := newServer(t, guard.Config{})
	desk := newBrowser(t, 1280, 800, false)
	openWidget(t, desk, s, "nerima")
	if d := desk.evalString("getComputedStyle(" + in(".hint") + ").display"); d == "none" {
		t.Error("the Shift+Enter hint is hidden on a desktop")
	}
	if h := desk.evalInt("Math.round(" + in(".hint") + ".getBoundingClientRect().height)"); h == 0 {
		t.Error("the Shift+Enter hint takes no space on a desktop")
	}

	phone := newBrowser(t, 360, 740, false)
	if _, err := chromedp.Call(phone.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(phone.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
		{Name: "pointer", Value: "coarse"}, {Name: "hover", Value: "none"}, {Name: "any-pointer", Value: "coarse"}, {Name: "any-hover", Value: "none"},
	}}); err != nil {
		t.Fatal(err)
	}
	openWidget(t, phone, s, "nerima")
	if !phone.evalBool("matchMedia('(pointer: coarse)').matches && matchMedia('(hover: none)').matches") {
		t.Fatal("the touch screen is not emulated: (pointer: coarse) and (hover: none) do not match")
	}
	if d := phone.evalString("getComputedStyle(" + in(".hint") + ").display"); d != "none" {
		t.Errorf("the Shift+Enter hint shows on a touch screen (display %s)", d)
	}
	answerWith(t, phone, cardSituations[3].press)
	checkReadable(t, phone)
	phone.screenshot("widget-360-touch-checklist")
}
