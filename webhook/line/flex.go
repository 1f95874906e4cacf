package line

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// Colours of the checklist bubbles.
const (
	colorTitle = "#1E5AA8"
	colorMuted = "#777777"
	colorBody  = "#333333"
)

// checklistFlex renders a checklist as a carousel: 持ち物 (by visit),
// 窓口 (hours and a tel: button each) and この後の手続き, each bubble
// footed with the source page and its update date. It returns nil when
// the result would exceed LINE's size limits; the caller then sends text.
func checklistFlex(c *bot.Checklist) *message {
	bubbles := []flexBubble{itemsBubble(c)}
	if b, ok := countersBubble(c); ok {
		bubbles = append(bubbles, b)
	}
	if b, ok := followupsBubble(c); ok {
		bubbles = append(bubbles, b)
	}
	if len(bubbles) > maxBubbles {
		bubbles = bubbles[:maxBubbles]
	}
	footer := sourceFooter(c.Source)
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
	return &message{Type: "flex", AltText: checklistAltText(c), Contents: contents}
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

func procedureName(c *bot.Checklist) string {
	if c.ProcedureName != "" { // the page's own word
		return "電子証明書の" + c.ProcedureName
	}
	if c.Procedure == bot.ProcedureIssuance {
		return "電子証明書の発行"
	}
	return "電子証明書の更新"
}

func itemsBubble(c *bot.Checklist) flexBubble {
	var body []any
	if c.Window != nil {
		body = append(body, small(fmt.Sprintf("更新できる期間: %s〜%s", c.Window.Start, c.Window.End)))
	}
	if s := statusText(c.Status); s != "" {
		body = append(body, small(s))
	}
	if c.Visits > 1 {
		visit := fmt.Sprintf("窓口へは%d回お越しいただく必要があります。", c.Visits)
		if !c.SameDay {
			visit += "初回の当日には完了しません。"
		}
		body = append(body, small(visit))
	}
	for v := 1; v <= max(c.Visits, 1); v++ {
		var lines []any
		for _, it := range c.Items {
			if max(it.Visit, 1) != v {
				continue
			}
			t := "・" + it.Text
			if it.Optional {
				t += "（お持ちの場合）"
			}
			lines = append(lines, text(t))
			if it.Note != "" {
				lines = append(lines, small("　"+it.Note))
			}
		}
		if len(lines) == 0 {
			continue
		}
		if c.Visits > 1 {
			body = append(body, heading(fmt.Sprintf("%d回目の来庁", v)))
		}
		body = append(body, lines...)
	}
	if len(c.Items) == 0 {
		body = append(body, text("持ち物の情報がありません。下の窓口にお問い合わせください。"))
	}
	return bubble("持ち物", procedureName(c), body)
}

func statusText(s bot.Status) string {
	switch s {
	case bot.StatusTooEarly:
		return "まだ更新できる期間の前です。"
	case bot.StatusInWindow:
		return "現在、更新できる期間です。"
	case bot.StatusExpired:
		return "有効期限が過ぎています。"
	}
	return ""
}

func countersBubble(c *bot.Checklist) (flexBubble, bool) {
	var body []any
	for _, k := range c.Counters {
		body = append(body, heading(k.Name))
		if k.Hours != "" {
			body = append(body, small("受付時間: "+k.Hours))
		}
		if k.Reservation != "" {
			body = append(body, small("予約: "+k.Reservation))
		}
		if b := telButton(k.Phone); b != nil {
			body = append(body, b)
		}
	}
	if c.Contact != nil && c.Contact.Name != "" {
		body = append(body, heading("お問い合わせ先: "+c.Contact.Name))
		if b := telButton(c.Contact.Phone); b != nil {
			body = append(body, b)
		}
	}
	return bubble("窓口", "受付時間と電話番号", body), len(body) > 0
}

func followupsBubble(c *bot.Checklist) (flexBubble, bool) {
	var body []any
	for _, f := range c.Followups {
		body = append(body, heading(f.Title))
		if f.Text != "" {
			body = append(body, text(f.Text))
		}
		if b := telButton(f.Phone); b != nil {
			body = append(body, b)
		}
	}
	if len(c.Notes) > 0 {
		body = append(body, heading("ご注意"))
		for _, n := range c.Notes {
			body = append(body, small("・"+n))
		}
	}
	return bubble("この後の手続き", "お手続きのあとに", body), len(body) > 0
}

func sourceFooter(s bot.Source) *flexBox {
	if s.Title == "" {
		return nil
	}
	t := "出典: " + s.Title
	if s.Updated != "" {
		t += "（" + s.Updated + " 更新）"
	}
	return vbox("", small(t))
}

func bubble(title, subtitle string, body []any) flexBubble {
	head := []any{&flexText{Type: "text", Text: title, Weight: "bold", Size: "lg", Color: colorTitle, Wrap: true}}
	if subtitle != "" {
		head = append(head, small(subtitle))
	}
	return flexBubble{Type: "bubble", Header: vbox("", head...), Body: vbox("sm", body...)}
}

// vbox is a vertical box of contents, spaced by spacing ("" for LINE's
// default).
func vbox(spacing string, contents ...any) *flexBox {
	return &flexBox{Type: "box", Layout: "vertical", Spacing: spacing, Contents: contents}
}

func heading(s string) *flexText {
	return &flexText{Type: "text", Text: s, Weight: "bold", Size: "md", Color: colorBody, Wrap: true, Margin: "lg"}
}

func text(s string) *flexText {
	return &flexText{Type: "text", Text: s, Size: "sm", Color: colorBody, Wrap: true}
}

func small(s string) *flexText {
	return &flexText{Type: "text", Text: s, Size: "xs", Color: colorMuted, Wrap: true}
}

// telButton returns a button that dials phone, or nil when phone holds no
// number.
func telButton(phone string) *flexButton {
	digits := telDigits(phone)
	if len(digits) < 6 {
		return nil
	}
	return &flexButton{
		Type:   "button",
		Style:  "link",
		Height: "sm",
		Action: action{Type: "uri", Label: truncate("電話 "+firstNumber(phone), maxLabelChars), URI: "tel:" + digits},
	}
}

// firstNumber returns the first phone number written in s ("03-1234-5678
// (代表)" gives "03-1234-5678"), full-width digits made narrow.
func firstNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r = '0' + (r - '０')
		}
		if r == '－' || r == '‐' || r == 'ー' {
			r = '-'
		}
		switch {
		case r >= '0' && r <= '9', r == '-' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0:
			return strings.TrimRight(b.String(), "-")
		}
	}
	return strings.TrimRight(b.String(), "-")
}

func telDigits(s string) string { return strings.ReplaceAll(firstNumber(s), "-", "") }

// checklistAltText is what notifications and old clients show: the
// procedure, the things to bring and the counter, within 1,500 characters.
func checklistAltText(c *bot.Checklist) string {
	var b strings.Builder
	b.WriteString(procedureName(c) + "の持ち物: ")
	for i, it := range c.Items {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(it.Text)
	}
	if c.Visits > 1 {
		fmt.Fprintf(&b, "（来庁%d回）", c.Visits)
	}
	if len(c.Counters) > 0 {
		b.WriteString(" 窓口: " + c.Counters[0].Name)
	}
	return truncate(b.String(), maxAltText)
}

// checklistText is the plain-text form of a checklist, used when the Flex
// form would be over LINE's size limits.
func checklistText(c *bot.Checklist) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【%sの持ち物】\n", procedureName(c))
	for v := 1; v <= max(c.Visits, 1); v++ {
		if c.Visits > 1 {
			fmt.Fprintf(&b, "〈%d回目の来庁〉\n", v)
		}
		for _, it := range c.Items {
			if max(it.Visit, 1) == v {
				b.WriteString("・" + it.Text + "\n")
			}
		}
	}
	if len(c.Counters) > 0 {
		b.WriteString("\n【窓口】\n")
		for _, k := range c.Counters {
			b.WriteString(k.Name + "\n")
			if k.Hours != "" {
				b.WriteString("受付時間: " + k.Hours + "\n")
			}
			if k.Phone != "" {
				b.WriteString("電話: " + k.Phone + "\n")
			}
		}
	}
	if len(c.Followups) > 0 {
		b.WriteString("\n【この後の手続き】\n")
		for _, f := range c.Followups {
			b.WriteString("・" + f.Title + ": " + f.Text + "\n")
		}
	}
	if c.Source.Title != "" {
		b.WriteString("\n出典: " + c.Source.Title + "（" + c.Source.Updated + " 更新）")
	}
	return b.String()
}
