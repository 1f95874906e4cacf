package richmenu_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/deploy/richmenu"
	"github.com/madoguchi/madoguchi/internal/kbtest"
)

// TestCommandTilesSayTheKnowledgesWords: a tile that is a command is
// labelled with the command's text in the knowledge (national, Japanese:
// the rich menu is one image for every resident), as its buttons are in
// every channel.
func TestCommandTilesSayTheKnowledgesWords(t *testing.T) {
	m, err := richmenu.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, a := range m.Areas {
		c, ok := bot.CommandFor(a.Action.Data)
		if !ok {
			continue
		}
		n++
		if want := kbtest.Text(t, c.Text); a.Action.Label != want {
			t.Errorf("areas[%d]: label %q, but the %s command is called %q (knowledge text %s)", i, a.Action.Label, c.Postback, want, c.Text)
		}
	}
	if n == 0 {
		t.Error("no tile is a command")
	}
}

func TestCommittedMenu(t *testing.T) {
	m, err := richmenu.Default()
	if err != nil {
		t.Fatal(err)
	}
	img := richmenu.PNG()
	if len(img) > richmenu.MaxImageBytes {
		t.Errorf("menu.png is %d bytes, over LINE's 1 MB", len(img))
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("menu.png: %v", err)
	}
	if cfg.Width != m.Size.Width || cfg.Height != m.Size.Height {
		t.Errorf("menu.png is %dx%d, the menu %dx%d", cfg.Width, cfg.Height, m.Size.Width, m.Size.Height)
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
