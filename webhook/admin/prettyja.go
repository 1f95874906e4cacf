package admin

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// jaLine is one line of a checklist value written out for staff, and
// whether it differs from the other side of the change.
type jaLine struct {
	Text    string
	Changed bool
}

// jaSides renders a change's published and draft values as plain Japanese
// lines (a counter's name, 電話, 受付時間, 予約 on lines of their own, an
// item as its text, yes/no as あり/なし…), and marks on each side the
// lines the other side does not have, so staff see what changed without
// reading JSON.
func jaSides(before, after json.RawMessage) jaChange {
	bl, al := jaText(before), jaText(after)
	mark := func(lines, other []string) []jaLine {
		out := make([]jaLine, len(lines))
		for i, l := range lines {
			out[i] = jaLine{Text: l, Changed: !slices.Contains(other, l)}
		}
		return out
	}
	return jaChange{Before: mark(bl, al), After: mark(al, bl)}
}

// jaChange is a change's two sides as jaSides writes them.
type jaChange struct{ Before, After []jaLine }

// jaKeys names a checklist's JSON keys in Japanese, in the order shown.
var jaKeys = []struct{ key, ja string }{
	{"name", "名前"}, {"title", "件名"}, {"text", "内容"}, {"phone", "電話"}, {"fax", "ファックス"}, {"email", "メール"},
	{"hours", "受付時間"}, {"reservation", "予約"}, {"visit", "来庁"}, {"optional", "任意"}, {"note", "注記"},
	{"covered", "ページに記載"}, {"contact", "問い合わせ先"}, {"rule", "ルール"}, {"start", "開始"}, {"end", "終了"},
	{"updated", "更新日"}, {"page_id", "ページ"},
}

// jaText renders one JSON value as lines.
func jaText(raw json.RawMessage) []string {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return []string{string(raw)}
	}
	if v == nil {
		return []string{"(なし)"}
	}
	var out []string
	jaValue(&out, v, "")
	if len(out) == 0 {
		out = []string{"(なし)"}
	}
	return out
}

func jaValue(out *[]string, v any, indent string) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				first := true
				for _, l := range jaObject(m) {
					p := "　"
					if first {
						p, first = "・", false
					}
					*out = append(*out, indent+p+l)
				}
				continue
			}
			*out = append(*out, indent+"・"+jaScalar(e))
		}
	case map[string]any:
		for _, l := range jaObject(x) {
			*out = append(*out, indent+l)
		}
	default:
		*out = append(*out, indent+jaScalar(x))
	}
}

// jaObject writes an object's fields one to a line, known keys first in
// jaKeys's order, empty ones left out.
func jaObject(m map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	add := func(k, label string) {
		seen[k] = true
		v, ok := m[k]
		if !ok || v == nil || v == "" {
			return
		}
		if k == "visit" {
			if n, ok := v.(float64); ok {
				out = append(out, fmt.Sprintf("%s: %d 回目", label, int(n)))
				return
			}
		}
		if sub, ok := v.(map[string]any); ok {
			out = append(out, label+": "+strings.Join(jaObject(sub), "、"))
			return
		}
		out = append(out, label+": "+jaScalar(v))
	}
	for _, k := range jaKeys {
		add(k.key, k.ja)
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		add(k, fieldJA(k))
	}
	return out
}

func jaScalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "(なし)"
	case bool:
		if x {
			return "あり"
		}
		return "なし"
	case float64:
		return fmt.Sprint(x)
	case string:
		return x
	case map[string]any:
		return strings.Join(jaObject(x), "、")
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
