package line

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/madoguchi/madoguchi/bot"
)

// LINE's limits on what a reply may hold.
const (
	maxMessages     = 5
	maxTextUnits    = 5000 // UTF-16 code units per text message
	maxQuickReplies = 13
	maxLabelChars   = 20
	maxAltText      = 1500
	maxBubbleBytes  = 30 << 10
	maxCarouselSize = 50 << 10
	maxBubbles      = 12
)

// render turns a bot.Reply into at most five LINE messages: texts split
// within LINE's limit, checklists as Flex Messages, quick replies on the
// last message.
func render(r bot.Reply) []message {
	type part struct {
		text string
		flex *message
	}
	var parts []part
	for _, m := range r.Messages {
		switch {
		case m.Type == bot.OutChecklist && m.Checklist != nil:
			if f := checklistFlex(m.Checklist); f != nil {
				parts = append(parts, part{flex: f})
			} else {
				for _, t := range splitText(checklistText(m.Checklist), maxTextUnits) {
					parts = append(parts, part{text: t})
				}
			}
		case strings.TrimSpace(m.Text) != "":
			for _, t := range splitText(m.Text, maxTextUnits) {
				parts = append(parts, part{text: t})
			}
		}
	}
	// Too many: join neighbouring texts while they fit in one message.
	for i := 0; len(parts) > maxMessages && i < len(parts)-1; {
		a, b := parts[i], parts[i+1]
		if a.flex == nil && b.flex == nil && utf16Len(a.text)+2+utf16Len(b.text) <= maxTextUnits {
			parts[i].text = a.text + "\n\n" + b.text
			parts = append(parts[:i+1], parts[i+2:]...)
			continue
		}
		i++
	}
	if len(parts) > maxMessages {
		parts = parts[:maxMessages]
	}
	out := make([]message, len(parts))
	for i, p := range parts {
		if p.flex != nil {
			out[i] = *p.flex
		} else {
			out[i] = message{Type: "text", Text: p.text}
		}
	}
	if len(out) > 0 {
		out[len(out)-1].QuickReply = quickReplies(r.QuickReplies)
	}
	return out
}

// quickReplies makes postback buttons whose displayText is the label, so
// the chat shows what the resident chose, or returns nil when there are
// none. Buttons whose data is over the limit are left out rather than cut
// (cut data would mean something else).
func quickReplies(qs []bot.QuickReply) *quickReply {
	var items []quickReplyItem
	for _, q := range qs {
		if len(items) == maxQuickReplies {
			break
		}
		if q.Postback == "" || len(q.Postback) > bot.MaxPostbackBytes || q.Label == "" {
			continue
		}
		label := truncate(q.Label, maxLabelChars)
		items = append(items, quickReplyItem{
			Type:   "action",
			Action: action{Type: "postback", Label: label, Data: q.Postback, DisplayText: label},
		})
	}
	if len(items) == 0 {
		return nil
	}
	return &quickReply{Items: items}
}

// splitText cuts s into pieces of at most limit UTF-16 units, at a line
// break when one falls in the second half of a piece.
func splitText(s string, limit int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for utf16Len(s) > limit {
		cut, units, lastNL := 0, 0, -1
		for i, r := range s {
			n := utf16.RuneLen(r)
			if n < 0 {
				n = 1
			}
			if units+n > limit {
				break
			}
			units += n
			cut = i + utf8.RuneLen(r)
			if r == '\n' && units > limit/2 {
				lastNL = i
			}
		}
		if lastNL > 0 {
			cut = lastNL + 1
		}
		out = append(out, strings.TrimRight(s[:cut], "\n"))
		s = strings.TrimLeft(s[cut:], "\n")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if u := utf16.RuneLen(r); u > 0 {
			n += u
		} else {
			n++
		}
	}
	return n
}

// truncate shortens s to at most n characters (UTF-16 units, as LINE
// counts), ending with "…" when cut.
func truncate(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	var b strings.Builder
	units := 0
	for _, r := range s {
		u := max(utf16.RuneLen(r), 1)
		if units+u > n-1 {
			break
		}
		b.WriteRune(r)
		units += u
	}
	return b.String() + "…"
}
