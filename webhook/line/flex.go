package line

import (
	"encoding/json"
	"slices"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
)

// Colours of the checklist bubbles, all on LINE's white bubble. Every
// pair is checked for WCAG AA contrast (4.5:1) by TestFlexContrast: the
// key lines (visits, same day, hours, reservation) are in colorBody at
// normal size, never in a small grey.
const (
	colorBackground = "#FFFFFF"
	colorTitle      = "#1E5AA8"
	colorBody       = "#1A1A1A"
	colorNote       = "#404040"
	colorWarning    = "#8A3B00"
	colorLink       = "#0B5CAD"
	// colorButton is a primary button's fill, under LINE's white label.
	colorButton = colorTitle
)

// flexColors lists the (foreground, background) pairs the bubbles use,
// for the contrast test.
var flexColors = [][2]string{
	{colorTitle, colorBackground},
	{colorBody, colorBackground},
	{colorNote, colorBackground},
	{colorWarning, colorBackground},
	{colorLink, colorBackground},
	{colorBackground, colorButton},
}

// checklistFlex renders a checklist's one presentation (present.View) as a
// carousel: 持ち物 (headline, status, items by visit), 窓口とお問い合わせ
// (hours, reservation and a tel: button each), この後の手続き and ご注意
// (the warnings, in their own bubble), each bubble footed with the source
// page and its update date. It adds no sentence of its own. It returns
// nil when the result would exceed LINE's size limits; the caller then
// sends present.Text.
//
// A translated checklist's first bubble also holds, after the line that it
// is a translation, the button of bot.CommandShowJapanese (its label the
// command's text in the checklist's language): its postback gives the
// same checklist in Japanese, for the counter clerk.
func checklistFlex(c *bot.Checklist) *message {
	v := present.Present(c, present.Options{})
	first := itemsBubble(v)
	if v.Lang != bot.LangJa {
		first.Body.Contents = slices.Insert(first.Body.Contents, showJapaneseAt(first.Body.Contents, v), any(showJapaneseButton(c.Words())))
	}
	bubbles := []flexBubble{first}
	if b, ok := placesBubble(v); ok {
		bubbles = append(bubbles, b)
	}
	if b, ok := afterwardsBubble(v); ok {
		bubbles = append(bubbles, b)
	}
	if b, ok := warningsBubble(v); ok {
		bubbles = append(bubbles, b)
	}
	if len(bubbles) > maxBubbles {
		bubbles = bubbles[:maxBubbles]
	}
	var footer *flexBox
	if v.Source != "" {
		footer = vbox("", note(v.Source))
	}
	for i := range bubbles {
		bubbles[i].Footer = footer
	}
	var contents any = &bubbles[0]
	if len(bubbles) > 1 {
		contents = &flexCarousel{Type: "carousel", Contents: bubbles}
	}
	if !fits(contents, bubbles) {
		return nil
	}
	return &message{Type: "flex", AltText: truncate(v.Summary, maxAltText), Contents: contents}
}

// fits reports whether a Flex container (a bubble, or a carousel of
// bubbles) is within LINE's limits on the bytes of its JSON: 30 KB a
// bubble, 50 KB a carousel. A bubble's JSON is part of its carousel's, so
// the bubbles are measured one by one only when the whole is over 30 KB.
func fits(contents any, bubbles []flexBubble) bool {
	n := jsonSize(contents)
	switch {
	case n <= maxBubbleBytes:
		return true
	case len(bubbles) == 1 || n > maxCarouselSize:
		return false
	}
	for i := range bubbles {
		if jsonSize(&bubbles[i]) > maxBubbleBytes {
			return false
		}
	}
	return true
}

// jsonSize returns the length of v's JSON, or an impossible size when v
// cannot be encoded.
func jsonSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return maxCarouselSize + 1
	}
	return len(b)
}

func itemsBubble(v present.View) flexBubble {
	var body []any
	for _, s := range []string{v.Headline, v.Status} {
		if s != "" {
			body = append(body, key(s))
		}
	}
	if v.Translation != "" {
		body = append(body, note(v.Translation))
	}
	if v.Note != "" {
		body = append(body, note(v.Note))
	}
	if v.Uncovered != "" {
		body = append(body, warning(v.Uncovered))
	}
	mk := present.MarksFor(v.Lang)
	for _, g := range v.Visits {
		if g.Title != "" {
			body = append(body, heading(g.Title))
		}
		for _, it := range g.Items {
			body = append(body, text(it.Item(v.Lang)))
			if it.Note != "" {
				body = append(body, note(mk.Indent+it.Note))
			}
		}
	}
	if len(v.Visits) == 0 { // nothing to bring: a page that does not cover the case
		return bubble(v.Title, "", body)
	}
	return bubble(v.Titles.Items, v.Title, body)
}

// showJapaneseAt is where the show-Japanese button goes in the items
// bubble's body: after the key lines and the line that the checklist is a
// translation, so that it is seen with that line, before the items.
func showJapaneseAt(body []any, v present.View) int {
	for i, x := range body {
		if t, ok := x.(*flexText); ok && t.Text == v.Translation {
			return i + 1
		}
	}
	return 0
}

// showJapaneseButton is the button that asks for the checklist in
// Japanese (bot.CommandShowJapanese), labelled in t.
func showJapaneseButton(t bot.Texts) *flexButton {
	label := truncate(bot.CommandShowJapanese.Label(t), maxLabelChars)
	return &flexButton{
		Type:   "button",
		Style:  "primary",
		Color:  colorButton,
		Height: "md",
		Action: action{Type: "postback", Label: label, Data: bot.CommandShowJapanese.Postback, DisplayText: label},
	}
}

func placesBubble(v present.View) (flexBubble, bool) {
	var body []any
	for _, p := range v.Places {
		body = append(body, heading(p.Name))
		for _, s := range []string{p.Hours, p.Reservation} {
			if s != "" {
				body = append(body, text(s))
			}
		}
		if b := telButton(p.Tel, p.TelLabel); b != nil {
			body = append(body, b)
		} else if p.Phone != "" {
			body = append(body, text(p.Phone))
		}
	}
	return bubble(v.Titles.Places, "", body), len(body) > 0
}

func afterwardsBubble(v present.View) (flexBubble, bool) {
	var body []any
	for _, s := range v.Afterwards {
		body = append(body, heading(s.Title))
		if s.Text != "" {
			body = append(body, text(s.Text))
		}
		if b := telButton(s.Tel, s.TelLabel); b != nil {
			body = append(body, b)
		} else if s.Phone != "" {
			body = append(body, text(s.Phone))
		}
	}
	return bubble(v.Titles.Afterwards, "", body), len(body) > 0
}

func warningsBubble(v present.View) (flexBubble, bool) {
	var body []any
	mk := present.MarksFor(v.Lang)
	for _, w := range v.Warnings {
		body = append(body, text(mk.Bullet+w))
	}
	return bubble(v.Titles.Warnings, "", body), len(body) > 0
}

func bubble(title, subtitle string, body []any) flexBubble {
	head := []any{&flexText{Type: "text", Text: title, Weight: "bold", Size: "lg", Color: colorTitle, Wrap: true}}
	if subtitle != "" {
		head = append(head, &flexText{Type: "text", Text: subtitle, Weight: "bold", Size: "md", Color: colorBody, Wrap: true})
	}
	return flexBubble{Type: "bubble", Header: vbox("", head...), Body: vbox("md", body...)}
}

// vbox is a vertical box of contents, spaced by spacing ("" for LINE's
// default).
func vbox(spacing string, contents ...any) *flexBox {
	return &flexBox{Type: "box", Layout: "vertical", Spacing: spacing, Contents: contents}
}

func heading(s string) *flexText {
	return &flexText{Type: "text", Text: s, Weight: "bold", Size: "md", Color: colorTitle, Wrap: true, Margin: "lg"}
}

// key is a line residents must not miss: the visits, the same day, the
// window. Normal size, bold, dark.
func key(s string) *flexText {
	return &flexText{Type: "text", Text: s, Weight: "bold", Size: "md", Color: colorBody, Wrap: true}
}

func text(s string) *flexText {
	return &flexText{Type: "text", Text: s, Size: "md", Color: colorBody, Wrap: true}
}

func note(s string) *flexText {
	return &flexText{Type: "text", Text: s, Size: "sm", Color: colorNote, Wrap: true}
}

func warning(s string) *flexText {
	return &flexText{Type: "text", Text: s, Weight: "bold", Size: "md", Color: colorWarning, Wrap: true}
}

// telButton returns a button that dials digits, or nil when there are none.
func telButton(digits, label string) *flexButton {
	if digits == "" {
		return nil
	}
	return &flexButton{
		Type:   "button",
		Style:  "link",
		Color:  colorLink,
		Height: "md",
		Action: action{Type: "uri", Label: telLabel(label), URI: "tel:" + digits},
	}
}

// telLabel is a dialling button's label within LINE's limit: the view's
// label, or, when that is too long, the number alone, never a number cut
// short (「電話(でんわ)する 0826-42-5…」).
func telLabel(label string) string {
	if utf16Len(label) <= maxLabelChars {
		return label
	}
	if n := present.FirstNumber(label); n != "" && utf16Len(n) <= maxLabelChars {
		return n
	}
	return truncate(label, maxLabelChars)
}

// checklistText is the plain-text form of a checklist (present.Text),
// used when the Flex form would be over LINE's size limits.
func checklistText(c *bot.Checklist) string {
	return present.Text(present.Present(c, present.Options{}))
}
