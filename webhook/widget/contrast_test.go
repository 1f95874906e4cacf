package widget_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/internal/wcag"
)

// cssRule is one selector of widget.js's screen CSS and its colours.
type cssRule struct{ color, background string }

// widgetCSS reads the screen rules of widget.js's CSS (the print rules
// are black on white and left out), by selector: the colour and the
// background, each "" when the rule sets none (or a non-hex background
// such as transparent).
func widgetCSS(t *testing.T) map[string]cssRule {
	t.Helper()
	b, err := os.ReadFile("static/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	start, end := strings.Index(src, "var CSS = ["), strings.Index(src, "].join('\\n');")
	if start < 0 || end < start {
		t.Fatal("widget.js has no CSS array")
	}
	var css strings.Builder
	for _, m := range regexp.MustCompile(`(?m)^\s*'(.*)',?$`).FindAllStringSubmatch(src[start:end], -1) {
		if strings.HasPrefix(m[1], "@media print") {
			break // the print rules come last
		}
		css.WriteString(m[1] + "\n")
	}
	s := regexp.MustCompile(`@media[^{]*\{`).ReplaceAllString(css.String(), "")
	rules := map[string]cssRule{}
	hex := regexp.MustCompile(`^#[0-9a-fA-F]{3,6}$`)
	for _, m := range regexp.MustCompile(`([^{}]+)\{([^{}]*)\}`).FindAllStringSubmatch(s, -1) {
		var r cssRule
		for _, d := range strings.Split(m[2], ";") {
			k, v, ok := strings.Cut(d, ":")
			if !ok {
				continue
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			switch {
			case k == "color" && hex.MatchString(v):
				r.color = v
			case (k == "background" || k == "background-color") && hex.MatchString(v):
				r.background = v
			}
		}
		if r.color == "" && r.background == "" {
			continue
		}
		for _, sel := range strings.Split(m[1], ",") {
			sel = strings.TrimSpace(sel)
			old := rules[sel]
			if r.color != "" {
				old.color = r.color
			}
			if r.background != "" {
				old.background = r.background
			}
			rules[sel] = old
		}
	}
	return rules
}

// TestWidgetContrast computes the contrast of every colour pair the
// widget's CSS uses and requires WCAG AA (4.5:1). A rule's text colour is
// its own, else that of the rule without its :hover or :disabled, else
// the first element of its selector's, else the root's; its background is
// its own, else its selector's first element's, else each of the
// surfaces text sits on (the panel's white and the conversation's grey).
func TestWidgetContrast(t *testing.T) {
	rules := widgetCSS(t)
	root := rules[".root"].color
	if root == "" {
		t.Fatal("the CSS sets no .root colour")
	}
	surfaces := []string{"#fff", rules[".messages"].background}
	decorative := map[string]bool{".typing span": true} // the typing dots: no text
	pseudo := regexp.MustCompile(`:(hover|disabled|focus-visible)`)
	n := 0
	for sel, r := range rules {
		if decorative[sel] {
			continue
		}
		first := strings.Fields(sel)[0]
		fg := r.color
		for _, alt := range []string{pseudo.ReplaceAllString(sel, ""), first} {
			if fg == "" {
				fg = rules[alt].color
			}
		}
		if fg == "" {
			fg = root
		}
		bgs := []string{r.background}
		if r.background == "" {
			bgs = []string{rules[pseudo.ReplaceAllString(first, "")].background}
			if bgs[0] == "" || first == sel {
				bgs = surfaces
			}
		}
		for _, bg := range bgs {
			c, err := wcag.Contrast(fg, bg)
			if err != nil {
				t.Fatalf("%s: %v", sel, err)
			}
			n++
			if c < wcag.AA {
				t.Errorf("%s: %s on %s has contrast %.2f, under %.1f", sel, fg, bg, c, wcag.AA)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d colour pairs found: is the CSS still read?", n)
	}
	t.Logf("%d colour pairs checked", n)
}
