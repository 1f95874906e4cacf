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
	menuPath := fs.String("menu", "", "menu definition (default: the embedded deploy/richmenu/menu.json)")
	imagePath := fs.String("image", "", "menu image, a PNG (default: the embedded deploy/richmenu/menu.png)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || (*municipality == "") == !*all {
		fmt.Fprint(stderr, "richmenu register: give exactly one of -municipality id and -all\n")
		return exitUsage
	}
	menu, img, err := loadMenu(*menuPath, *imagePath)
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
		id, err := register(ep, client, tok, menu, img)
		if err != nil {
			fmt.Fprintf(stderr, "richmenu register: %s: %v\n", names, err)
			status = exitFail
			continue
		}
		if *all {
			fmt.Fprintf(stdout, "%s\t%s\n", names, id)
		} else {
			fmt.Fprintln(stdout, id)
		}
	}
	return status
}

type endpoints struct{ api, data string }

// register creates the menu, uploads its image and makes it the default
// menu of the channel whose access token is token, and returns its id. A
// menu created but not made the default is deleted again (best effort), so
// a failed run leaves no half-made menu behind.
func register(ep endpoints, client *http.Client, token string, menu *richmenu.Menu, img []byte) (string, error) {
	api, err := messaging_api.NewMessagingApiAPI(token,
		messaging_api.WithEndpoint(ep.api), messaging_api.WithHTTPClient(client))
	if err != nil {
		return "", err
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(token,
		messaging_api.WithBlobEndpoint(ep.data), messaging_api.WithBlobHTTPClient(client))
	if err != nil {
		return "", err
	}
	res, err := api.CreateRichMenu(request(menu))
	if err != nil {
		return "", fmt.Errorf("create the rich menu: %w", err)
	}
	id := res.RichMenuId
	if id == "" {
		return "", errors.New("create the rich menu: the API answered without a richMenuId")
	}
	undo := func(step string, err error) (string, error) {
		err = fmt.Errorf("%s of %s: %w", step, id, err)
		if _, derr := api.DeleteRichMenu(id); derr != nil {
			err = fmt.Errorf("%w; deleting %s failed too, delete it by hand: %v", err, id, derr)
		}
		return "", err
	}
	if _, err := blob.SetRichMenuImage(id, "image/png", bytes.NewReader(img)); err != nil {
		return undo("upload the image", err)
	}
	if _, err := api.SetDefaultRichMenu(id); err != nil {
		return undo("set as default", err)
	}
	return id, nil
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

// loadMenu reads the menu and its image (the embedded ones by default) and
// checks that the image is a PNG of the menu's size within LINE's 1 MB.
func loadMenu(menuPath, imagePath string) (*richmenu.Menu, []byte, error) {
	data, img := richmenu.JSON(), richmenu.PNG()
	var err error
	if menuPath != "" {
		if data, err = os.ReadFile(menuPath); err != nil {
			return nil, nil, err
		}
	}
	if imagePath != "" {
		if img, err = os.ReadFile(imagePath); err != nil {
			return nil, nil, err
		}
	}
	menu, err := richmenu.Parse(data)
	if err != nil {
		return nil, nil, err
	}
	if len(img) > richmenu.MaxImageBytes {
		return nil, nil, fmt.Errorf("the image is %d bytes, over LINE's limit of %d", len(img), richmenu.MaxImageBytes)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return nil, nil, fmt.Errorf("the image is not a PNG: %w", err)
	}
	if cfg.Width != menu.Size.Width || cfg.Height != menu.Size.Height {
		return nil, nil, fmt.Errorf("the image is %d×%d, the menu %d×%d", cfg.Width, cfg.Height, menu.Size.Width, menu.Size.Height)
	}
	return menu, img, nil
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
