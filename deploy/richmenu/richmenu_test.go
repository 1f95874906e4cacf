package richmenu_test

import (
	"bytes"
	"image/png"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/deploy/richmenu"
	"github.com/madoguchi/madoguchi/internal/kbtest"
)

// TestCommandTilesSayTheKnowledgesWords: in every language's menu, a tile
// that is a command is labelled with the command's text in the knowledge
// (national, in that language), as its buttons are in every channel.
func TestCommandTilesSayTheKnowledgesWords(t *testing.T) {
	for _, lang := range bot.Langs {
		m, err := richmenu.In(lang)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		texts := kbtest.Texts(t, "", lang)
		n := 0
		for i, a := range m.Areas {
			c, ok := bot.CommandFor(a.Action.Data)
			if !ok {
				continue
			}
			n++
			if want := c.Label(texts); a.Action.Label != want {
				t.Errorf("%s: areas[%d]: label %q, but the %s command is called %q (knowledge text %s)", lang, i, a.Action.Label, c.Postback, want, c.Text)
			}
		}
		if n == 0 {
			t.Errorf("%s: no tile is a command", lang)
		}
	}
}

// TestMenusAreTheKnowledgesWords: every language's committed menu is the
// Japanese layout in that language's words (what `richmenu image`
// writes), so the menus differ in words only.
func TestMenusAreTheKnowledgesWords(t *testing.T) {
	layout, err := richmenu.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range bot.Langs {
		want, hints, err := richmenu.Localize(layout, lang, kbtest.Texts(t, "", lang))
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if len(hints) != len(layout.Areas) || slices.Contains(hints, "") {
			t.Errorf("%s: hints %q", lang, hints)
		}
		wantJSON, err := richmenu.Encode(want)
		if err != nil {
			t.Fatal(err)
		}
		if got := richmenu.JSONIn(lang); !bytes.Equal(got, wantJSON) {
			t.Errorf("%s: %s is not the layout in the knowledge's words; run `go run ./cmd/richmenu image`:\n got %s\nwant %s",
				lang, richmenu.FileName("menu", lang, ".json"), got, wantJSON)
		}
		m, err := richmenu.In(lang)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if m.Size != layout.Size || m.Selected != layout.Selected || len(m.Areas) != len(layout.Areas) {
			t.Fatalf("%s: the menu is not the Japanese layout", lang)
		}
		for i, a := range m.Areas {
			if a.Bounds != layout.Areas[i].Bounds || a.Action.Data != layout.Areas[i].Action.Data {
				t.Errorf("%s: areas[%d] %+v, the layout's %+v", lang, i, a, layout.Areas[i])
			}
		}
	}
	if en, _ := richmenu.In(bot.LangEn); en != nil && en.ChatBarText != "Menu" {
		t.Errorf("English chat bar %q", en.ChatBarText)
	}
}

func TestLocalizeNeedsEveryText(t *testing.T) {
	layout, err := richmenu.Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := kbtest.Texts(t, "", bot.LangEn)
	words := maps.Clone(texts.Words)
	delete(words, bot.TextRichMenuHintFAQ)
	texts.Words = words
	if _, _, err := richmenu.Localize(layout, bot.LangEn, texts); err == nil || !strings.Contains(err.Error(), "richmenu_hint_faq") {
		t.Errorf("error %v, want one naming the missing text", err)
	}
	odd := *layout
	odd.Areas = append([]richmenu.Area(nil), layout.Areas...)
	odd.Areas[2].Action.Data = "faq=fee"
	if _, _, err := richmenu.Localize(&odd, bot.LangEn, kbtest.Texts(t, "", bot.LangEn)); err == nil || !strings.Contains(err.Error(), `"faq=fee"`) {
		t.Errorf("error %v, want one naming the tile without words", err)
	}
}

func TestCommittedMenu(t *testing.T) {
	for _, lang := range bot.Langs {
		m, err := richmenu.In(lang)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		img := richmenu.PNGIn(lang)
		name := richmenu.FileName("menu", lang, ".png")
		if len(img) > richmenu.MaxImageBytes {
			t.Errorf("%s is %d bytes, over LINE's 1 MB", name, len(img))
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.Width != m.Size.Width || cfg.Height != m.Size.Height {
			t.Errorf("%s is %dx%d, the menu %dx%d", name, cfg.Width, cfg.Height, m.Size.Width, m.Size.Height)
		}
	}
	if bytes.Equal(richmenu.PNGIn(bot.LangEn), richmenu.PNG()) {
		t.Error("the English image is the Japanese one")
	}
}

func TestAliases(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	seen := map[string]bool{}
	for _, lang := range bot.Langs {
		a := bot.RichMenuAlias(lang)
		if !valid.MatchString(a) || seen[a] {
			t.Errorf("alias %q of %s: LINE takes 1 to 32 of [A-Za-z0-9_-], one per menu", a, lang)
		}
		seen[a] = true
	}
	if got := bot.RichMenuAlias(bot.LangEn); got != "madoguchi-en" {
		t.Errorf("English alias %q", got)
	}
}

func TestParseRejects(t *testing.T) {
	good := string(richmenu.JSON())
	tests := []struct {
		name, from, to, want string
	}{
		{"wrong size", `"height": 843`, `"height": 800`, "size 2500×800"},
		{"chat bar text too long", `"chatBarText": "メニュー"`, `"chatBarText": "メニューメニューメニューメニュー"`, "chatBarText"},
		{"area outside", `"x": 1875`, `"x": 1900`, "areas[3].bounds"},
		{"not a postback", `"type": "postback", "label": "最初から"`, `"type": "message", "label": "最初から"`, "areas[3].action.type"},
		{"no display text", `"displayText": "最初からやり直したい"`, `"displayText": ""`, "areas[3].action.displayText"},
		{"data too long", `"data": "reset"`, `"data": "` + strings.Repeat("x", 301) + `"`, "areas[3].action.data: 301 bytes"},
		{"unknown field", `"selected": true`, `"selected": true, "colour": "red"`, "unknown field"},
		{"no such command", `"data": "reset"`, `"data": "restart"`, "neither a command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.from) {
				t.Fatalf("menu.json has no %s", tt.from)
			}
			_, err := richmenu.Parse([]byte(strings.Replace(good, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one about %q", err, tt.want)
			}
		})
	}
}
