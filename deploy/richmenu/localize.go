package richmenu

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/madoguchi/madoguchi/bot"
)

// TileTexts are the ids of a tile's words in the knowledge's texts: its
// label (the tile's big words, and what screen readers say), its hint
// (the smaller line under the label, drawn in the image only) and what
// tapping it posts in the chat as the resident's message (displayText).
type TileTexts struct {
	Label, Hint, Say bot.TextID
}

// Tiles are the words of each tile, by its postback data. A command's
// tile is labelled with the command's own text, as its buttons are in
// every channel.
var Tiles = map[string]TileTexts{
	bot.CommandStart.Postback: {bot.CommandStart.Text, bot.TextRichMenuHintStart, bot.TextRichMenuSayStart},
	bot.CommandFAQ.Postback:   {bot.CommandFAQ.Text, bot.TextRichMenuHintFAQ, bot.TextRichMenuSayFAQ},
	"faq=phone":               {bot.TextRichMenuPhone, bot.TextRichMenuHintPhone, bot.TextRichMenuSayPhone},
	bot.CommandReset.Postback: {bot.CommandReset.Text, bot.TextRichMenuHintReset, bot.TextRichMenuSayReset},
}

// Localize returns layout (the Japanese menu: its size, areas and
// postback data) in the words of t, a catalogue in lang: the chat bar,
// every tile's label and displayText, and the name (the layout's, with
// the language after it but for Japanese; residents never see it). It
// returns the tiles' hints too, in the order of the areas. A tile whose
// data has no Tiles entry, or a text missing from t, is an error.
func Localize(layout *Menu, lang bot.Lang, t bot.Texts) (*Menu, []string, error) {
	m := *layout
	m.Areas = append([]Area(nil), layout.Areas...)
	get := func(id bot.TextID) (string, error) {
		if s, ok := t.Words[id]; ok && s != "" {
			return s, nil
		}
		return "", fmt.Errorf("rich menu in %s: the knowledge has no text %s", lang, id)
	}
	var err error
	if m.ChatBarText, err = get(bot.TextRichMenuChatBar); err != nil {
		return nil, nil, err
	}
	if lang != bot.LangJa {
		m.Name = fmt.Sprintf("%s (%s)", layout.Name, lang)
	}
	hints := make([]string, len(m.Areas))
	for i := range m.Areas {
		a := &m.Areas[i].Action
		tt, ok := Tiles[a.Data]
		if !ok {
			return nil, nil, fmt.Errorf("rich menu: areas[%d]: no words for the tile %q (richmenu.Tiles)", i, a.Data)
		}
		if a.Label, err = get(tt.Label); err != nil {
			return nil, nil, err
		}
		if a.DisplayText, err = get(tt.Say); err != nil {
			return nil, nil, err
		}
		if hints[i], err = get(tt.Hint); err != nil {
			return nil, nil, err
		}
	}
	if err := m.Validate(); err != nil {
		return nil, nil, fmt.Errorf("rich menu in %s: %w", lang, err)
	}
	return &m, hints, nil
}

// Encode writes m as the committed files are: one line per field of the
// menu and per part of an area, so that a changed word shows as one
// changed line.
func Encode(m *Menu) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	field := func(indent, name string, v any, last bool) error {
		j, err := compact(v)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s%q: %s", indent, name, j)
		if !last {
			b.WriteString(",")
		}
		b.WriteString("\n")
		return nil
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"size", m.Size}, {"selected", m.Selected}, {"name", m.Name}, {"chatBarText", m.ChatBarText}} {
		if err := field("  ", f.name, f.v, false); err != nil {
			return nil, err
		}
	}
	b.WriteString("  \"areas\": [\n")
	for i, a := range m.Areas {
		b.WriteString("    {\n")
		if err := field("      ", "bounds", a.Bounds, false); err != nil {
			return nil, err
		}
		if err := field("      ", "action", a.Action, true); err != nil {
			return nil, err
		}
		b.WriteString("    }")
		if i < len(m.Areas)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes(), nil
}

// compact is v's JSON on one line, with a space after each colon and
// comma between fields (as menu.json was written by hand), no HTML
// escaping.
func compact(v any) ([]byte, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	inString, escaped := false, false
	for _, c := range bytes.TrimSpace(raw.Bytes()) {
		out.WriteByte(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ':' || c == ','):
			out.WriteByte(' ')
		}
	}
	return out.Bytes(), nil
}
