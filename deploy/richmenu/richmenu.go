// Package richmenu is the rich menu every LINE channel of the bot shows,
// one per language (bot.Langs): its definition (menu.json, in the
// Messaging API's own JSON; menu.en.json, menu.ja-x-easy.json) and its
// image (menu.png, menu.en.png, menu.ja-x-easy.png), both written by `go
// run ./cmd/richmenu image` from the Japanese layout and the knowledge's
// texts, and embedded so that cmd/richmenu registers exactly what is
// committed here.
package richmenu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"embed"

	"github.com/madoguchi/madoguchi/bot"
)

var (
	//go:embed menu.json
	menuJSON []byte
	//go:embed menu.png
	menuPNG []byte

	//go:embed menu.*.json menu.*.png
	files embed.FS
)

// JSON returns the committed menu definition, menu.json (Japanese).
func JSON() []byte { return bytes.Clone(menuJSON) }

// PNG returns the committed menu image, menu.png (Japanese).
func PNG() []byte { return bytes.Clone(menuPNG) }

// Default returns the committed Japanese menu, parsed and validated: the
// layout of every language's menu, and the channel's default menu.
func Default() (*Menu, error) { return Parse(menuJSON) }

// JSONIn returns the committed menu definition in lang.
func JSONIn(lang bot.Lang) []byte {
	if lang == bot.LangJa {
		return JSON()
	}
	b, _ := files.ReadFile(FileName("menu", lang, ".json"))
	return b
}

// PNGIn returns the committed menu image in lang.
func PNGIn(lang bot.Lang) []byte {
	if lang == bot.LangJa {
		return PNG()
	}
	b, _ := files.ReadFile(FileName("menu", lang, ".png"))
	return b
}

// In returns the committed menu in lang, parsed and validated.
func In(lang bot.Lang) (*Menu, error) { return Parse(JSONIn(lang)) }

// FileName is the name of the file of the menu in lang: base+ext for
// Japanese (menu.json, menu.png), base.<lang>+ext for the others
// (menu.en.png).
func FileName(base string, lang bot.Lang, ext string) string {
	if lang == bot.LangJa {
		return base + ext
	}
	return base + "." + string(lang) + ext
}

// The Messaging API's limits on a rich menu and its image.
const (
	MaxImageBytes   = 1 << 20 // an image of at most 1 MB
	MaxAreas        = 20
	MaxChatBarRunes = 14
	MaxNameRunes    = 300
	MaxLabelRunes   = 20
	MaxDataBytes    = 300 // postback data: 300 characters; the dialog counts bytes
	MaxDisplayRunes = 300
)

// Menu is a rich menu object as the Messaging API defines it, limited to
// what the bot uses: every area's action is a postback, because the
// dialog is driven by postback data.
type Menu struct {
	Size        Size   `json:"size"`
	Selected    bool   `json:"selected"`
	Name        string `json:"name"`
	ChatBarText string `json:"chatBarText"`
	Areas       []Area `json:"areas"`
}

// Size is the menu's size in pixels, which is also its image's size.
type Size struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Area is one tappable rectangle of the menu and what tapping it does.
type Area struct {
	Bounds Bounds `json:"bounds"`
	Action Action `json:"action"`
}

// Bounds is an area's rectangle, in the image's pixels.
type Bounds struct {
	X      int `json:"x"`
	Y      int `json:"y"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Action is a postback action. Label is what the tile shows (and what
// screen readers say); DisplayText is posted in the chat as the resident's
// message when the tile is tapped.
type Action struct {
	Type        string `json:"type"`
	Label       string `json:"label"`
	Data        string `json:"data"`
	DisplayText string `json:"displayText"`
}

// Parse decodes a menu strictly (no unknown fields) and validates it.
func Parse(data []byte) (*Menu, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Menu
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode rich menu: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("decode rich menu: data after the JSON object")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate checks the menu against the Messaging API's rules, so that a
// mistake shows here rather than as a 400 from LINE: a size of 2500×1686
// or 2500×843, a name and a chat bar text within their lengths, 1 to 20
// areas inside the image, and postback actions whose data and texts fit.
func (m *Menu) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if m.Size.Width != 2500 || (m.Size.Height != 1686 && m.Size.Height != 843) {
		bad("size %d×%d: must be 2500×1686 or 2500×843", m.Size.Width, m.Size.Height)
	}
	if n := utf8.RuneCountInString(m.Name); n == 0 || n > MaxNameRunes {
		bad("name: must be 1 to %d characters", MaxNameRunes)
	}
	if n := utf8.RuneCountInString(m.ChatBarText); n == 0 || n > MaxChatBarRunes {
		bad("chatBarText %q: must be 1 to %d characters", m.ChatBarText, MaxChatBarRunes)
	}
	if len(m.Areas) == 0 || len(m.Areas) > MaxAreas {
		bad("areas: %d, must be 1 to %d", len(m.Areas), MaxAreas)
	}
	for i, a := range m.Areas {
		b := a.Bounds
		if b.X < 0 || b.Y < 0 || b.Width <= 0 || b.Height <= 0 || b.X+b.Width > m.Size.Width || b.Y+b.Height > m.Size.Height {
			bad("areas[%d].bounds %+v: outside the %d×%d image", i, b, m.Size.Width, m.Size.Height)
		}
		act := a.Action
		if act.Type != "postback" {
			bad("areas[%d].action.type %q: must be postback", i, act.Type)
		}
		if n := utf8.RuneCountInString(act.Label); n == 0 || n > MaxLabelRunes {
			bad("areas[%d].action.label %q: must be 1 to %d characters", i, act.Label, MaxLabelRunes)
		}
		if n := len(act.Data); n == 0 || n > MaxDataBytes {
			bad("areas[%d].action.data: %d bytes, must be 1 to %d", i, n, MaxDataBytes)
		}
		// A tile is a command (declared once, in bot.Commands; its word,
		// the knowledge's text, is checked against the tile by this
		// package's tests) or button data such as faq=<topic>.
		if _, ok := bot.CommandFor(act.Data); !ok && !strings.Contains(act.Data, "=") {
			bad("areas[%d].action.data: %q is neither a command of bot.Commands nor <key>=<value>", i, act.Data)
		}
		if n := utf8.RuneCountInString(act.DisplayText); n == 0 || n > MaxDisplayRunes {
			bad("areas[%d].action.displayText: must be 1 to %d characters", i, MaxDisplayRunes)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid rich menu: %w", errors.Join(errs...))
	}
	return nil
}
