package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/deploy/richmenu"
	"github.com/madoguchi/madoguchi/knowledge"
)

// apiTimeout bounds each Messaging API call (the SDK's default client has
// no timeout at all).
const apiTimeout = 30 * time.Second

func runRegister(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	municipality := fs.String("municipality", "", "register for this municipality's channel")
	all := fs.Bool("all", false, "register for every municipality's channel (once per access token)")
	menuPath := fs.String("menu", "", "the Japanese menu's definition (default: the embedded deploy/richmenu/menu.json)")
	imagePath := fs.String("image", "", "the Japanese menu's image, a PNG (default: the embedded deploy/richmenu/menu.png)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || (*municipality == "") == !*all {
		fmt.Fprint(stderr, "richmenu register: give exactly one of -municipality id and -all\n")
		return exitUsage
	}
	menus, err := loadMenus(*menuPath, *imagePath)
	if err != nil {
		fmt.Fprintf(stderr, "richmenu register: %v\n", err)
		return exitFail
	}
	ids, err := municipalities(getenv("KNOWLEDGE_DIR"))
	if err != nil {
		fmt.Fprintf(stderr, "richmenu register: %v\n", err)
		return exitFail
	}
	targets := ids
	if !*all {
		if !contains(ids, *municipality) {
			fmt.Fprintf(stderr, "richmenu register: unknown municipality %q (known: %s)\n", *municipality, strings.Join(ids, ", "))
			return exitUsage
		}
		targets = []string{*municipality}
	}

	// Municipalities sharing a channel share one registration.
	byToken := map[string][]string{}
	var tokens []string
	for _, id := range targets {
		tok := accessToken(getenv, id)
		if tok == "" {
			if !*all {
				fmt.Fprintf(stderr, "richmenu register: no access token for %s: set LINE_CHANNEL_ACCESS_TOKEN_%s or LINE_CHANNEL_ACCESS_TOKEN\n", id, strings.ToUpper(id))
				return exitUsage
			}
			fmt.Fprintf(stderr, "richmenu register: %s skipped: no access token\n", id)
			continue
		}
		if _, seen := byToken[tok]; !seen {
			tokens = append(tokens, tok)
		}
		byToken[tok] = append(byToken[tok], id)
	}
	if len(tokens) == 0 {
		fmt.Fprint(stderr, "richmenu register: no access token: set LINE_CHANNEL_ACCESS_TOKEN or LINE_CHANNEL_ACCESS_TOKEN_<ID>\n")
		return exitUsage
	}

	ep := endpoints{
		api:  orDefault(getenv("LINE_API_ENDPOINT"), "https://api.line.me"),
		data: orDefault(getenv("LINE_API_DATA_ENDPOINT"), "https://api-data.line.me"),
	}
	client := &http.Client{Timeout: apiTimeout}
	status := exitOK
	for _, tok := range tokens {
		names := strings.Join(byToken[tok], ",")
		ids, err := register(ep, client, tok, menus)
		for i, id := range ids {
			if *all {
				fmt.Fprintf(stdout, "%s\t%s\t%s\n", names, menus[i].lang, id)
			} else {
				fmt.Fprintf(stdout, "%s\t%s\n", menus[i].lang, id)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "richmenu register: %s: %v\n", names, err)
			status = exitFail
		}
	}
	return status
}

type endpoints struct{ api, data string }

// langMenu is one language's menu and its image.
type langMenu struct {
	lang bot.Lang
	menu *richmenu.Menu
	img  []byte
}

// register registers menus (the Japanese first) with the channel whose
// access token is token: it creates each menu and uploads its image,
// makes the Japanese one the default menu of every user, then points each
// language's alias (bot.RichMenuAlias) at its menu, creating the alias or
// updating it. It returns the ids of the menus, in the order of menus,
// once they are registered and the default is set (with an error if an
// alias failed). Menus created before a failure of the creation, an upload
// or the default are deleted again (best effort), so such a failed run
// leaves no half-made menu behind and the channel as it was; a failed
// alias is not undone (the menus are in use), running register again
// mends it.
func register(ep endpoints, client *http.Client, token string, menus []langMenu) ([]string, error) {
	api, err := messaging_api.NewMessagingApiAPI(token,
		messaging_api.WithEndpoint(ep.api), messaging_api.WithHTTPClient(client))
	if err != nil {
		return nil, err
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(token,
		messaging_api.WithBlobEndpoint(ep.data), messaging_api.WithBlobHTTPClient(client))
	if err != nil {
		return nil, err
	}
	var ids []string
	undo := func(err error) ([]string, error) {
		for _, id := range ids {
			if _, derr := api.DeleteRichMenu(id); derr != nil {
				err = fmt.Errorf("%w; deleting %s failed too, delete it by hand: %v", err, id, derr)
			}
		}
		return nil, err
	}
	for _, m := range menus {
		res, err := api.CreateRichMenu(request(m.menu))
		if err != nil {
			return undo(fmt.Errorf("create the rich menu (%s): %w", m.lang, err))
		}
		id := res.RichMenuId
		if id == "" {
			return undo(fmt.Errorf("create the rich menu (%s): the API answered without a richMenuId", m.lang))
		}
		ids = append(ids, id)
		if _, err := blob.SetRichMenuImage(id, "image/png", bytes.NewReader(m.img)); err != nil {
			return undo(fmt.Errorf("upload the image of %s (%s): %w", id, m.lang, err))
		}
	}
	if _, err := api.SetDefaultRichMenu(ids[0]); err != nil {
		return undo(fmt.Errorf("set as default of %s: %w", ids[0], err))
	}
	var errs []error
	for i, m := range menus {
		if err := setAlias(api, bot.RichMenuAlias(m.lang), ids[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return ids, fmt.Errorf("the menus are registered and the default is set, but %w; run register again", errors.Join(errs...))
	}
	return ids, nil
}

// setAlias points the rich menu alias alias at the menu id: it asks for
// the alias (GET /v2/bot/richmenu/alias/{richMenuAliasId}), updates it if
// it exists (POST /v2/bot/richmenu/alias/{richMenuAliasId}) and creates it
// if LINE answers 404 (POST /v2/bot/richmenu/alias).
func setAlias(api *messaging_api.MessagingApiAPI, alias, id string) error {
	res, _, err := api.GetRichMenuAliasWithHttpInfo(alias)
	switch {
	case err == nil:
		if _, err := api.UpdateRichMenuAlias(alias, &messaging_api.UpdateRichMenuAliasRequest{RichMenuId: id}); err != nil {
			return fmt.Errorf("update the alias %s to %s: %w", alias, id, err)
		}
	case res != nil && res.StatusCode == http.StatusNotFound:
		if _, err := api.CreateRichMenuAlias(&messaging_api.CreateRichMenuAliasRequest{RichMenuAliasId: alias, RichMenuId: id}); err != nil {
			return fmt.Errorf("create the alias %s of %s: %w", alias, id, err)
		}
	default:
		return fmt.Errorf("look up the alias %s: %w", alias, err)
	}
	return nil
}

// request converts the menu to the SDK's request type.
func request(m *richmenu.Menu) *messaging_api.RichMenuRequest {
	req := &messaging_api.RichMenuRequest{
		Size:        &messaging_api.RichMenuSize{Width: int64(m.Size.Width), Height: int64(m.Size.Height)},
		Selected:    m.Selected,
		Name:        m.Name,
		ChatBarText: m.ChatBarText,
	}
	for _, a := range m.Areas {
		b := a.Bounds
		req.Areas = append(req.Areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: int64(b.X), Y: int64(b.Y), Width: int64(b.Width), Height: int64(b.Height)},
			Action: &messaging_api.PostbackAction{Label: a.Action.Label, Data: a.Action.Data, DisplayText: a.Action.DisplayText},
		})
	}
	return req
}

// loadMenus reads every language's menu and image, the Japanese first
// (the embedded ones; menuPath and imagePath, when given, replace the
// Japanese menu's), and checks that each image is a PNG of its menu's size
// within LINE's 1 MB.
func loadMenus(menuPath, imagePath string) ([]langMenu, error) {
	var out []langMenu
	for _, lang := range bot.Langs {
		data, img := richmenu.JSONIn(lang), richmenu.PNGIn(lang)
		var err error
		if lang == bot.LangJa && menuPath != "" {
			if data, err = os.ReadFile(menuPath); err != nil {
				return nil, err
			}
		}
		if lang == bot.LangJa && imagePath != "" {
			if img, err = os.ReadFile(imagePath); err != nil {
				return nil, err
			}
		}
		menu, err := richmenu.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", lang, err)
		}
		if len(img) > richmenu.MaxImageBytes {
			return nil, fmt.Errorf("the image (%s) is %d bytes, over LINE's limit of %d", lang, len(img), richmenu.MaxImageBytes)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		if err != nil {
			return nil, fmt.Errorf("the image (%s) is not a PNG: %w", lang, err)
		}
		if cfg.Width != menu.Size.Width || cfg.Height != menu.Size.Height {
			return nil, fmt.Errorf("the image (%s) is %d×%d, the menu %d×%d", lang, cfg.Width, cfg.Height, menu.Size.Width, menu.Size.Height)
		}
		out = append(out, langMenu{lang, menu, img})
	}
	return out, nil
}

// loadKnowledge loads the knowledge of dir, the embedded one if "".
func loadKnowledge(dir string) (*knowledge.KB, error) {
	load := knowledge.LoadEmbedded
	if dir != "" {
		load = func() (*knowledge.KB, error) { return knowledge.LoadDir(dir) }
	}
	kb, err := load()
	if err != nil {
		return nil, fmt.Errorf("load knowledge: %w", err)
	}
	return kb, nil
}

// municipalities lists the municipality ids of the knowledge base.
func municipalities(dir string) ([]string, error) {
	kb, err := loadKnowledge(dir)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(kb.Municipalities))
	for _, m := range kb.Municipalities {
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// accessToken resolves a municipality's channel access token as the
// server does (the contract's LINE_CHANNEL_ACCESS_TOKEN[_<ID>]).
func accessToken(getenv func(string) string, id string) string {
	if tok := getenv("LINE_CHANNEL_ACCESS_TOKEN_" + strings.ToUpper(id)); tok != "" {
		return tok
	}
	return getenv("LINE_CHANNEL_ACCESS_TOKEN")
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
