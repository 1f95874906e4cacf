// Package widget serves the chat widget for municipal web pages: the
// embeddable script (GET /widget.js, plain JavaScript from go:embed, no build
// step) and a demo page (GET /) that shows a mock municipal page carrying the
// widget, one tab per municipality, under a strict Content-Security-Policy.
//
// The widget speaks POST /api/v1/chat (package api); this package serves only
// static files and knows nothing of the dialog.
package widget

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

//go:embed static
var static embed.FS

// DemoCSP is the Content-Security-Policy of the demo page: no inline script
// or style, no eval, and no string-to-HTML sinks (Trusted Types), so the
// demo proves the widget works on a strict host page.
const DemoCSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; " +
	"object-src 'none'; require-trusted-types-for 'script'"

// Municipality is one tab of the demo page.
type Municipality struct {
	ID   string
	Name string
}

// Config configures Register.
type Config struct {
	// Catalog, when set, gives the demo page's tabs on every request, in
	// its order (the current knowledge version: a municipality added is a
	// new tab at once); the first is shown at "/".
	Catalog bot.Catalog
	// Municipalities are fixed tabs, used when Catalog is nil. With neither,
	// the demo page is not registered.
	Municipalities []Municipality
}

// FromCatalog lists the municipalities of c as tabs.
func FromCatalog(c bot.Catalog) []Municipality {
	all := c.Municipalities()
	ms := make([]Municipality, 0, len(all))
	for _, m := range all {
		ms = append(ms, Municipality{ID: m.ID, Name: m.Name})
	}
	return ms
}

// asset is one embedded file served with validators.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

func loadAsset(name, contentType string, texts bot.Texts) asset {
	b, err := static.ReadFile("static/" + name)
	if err != nil {
		panic(fmt.Sprintf("widget: embedded %s: %v", name, err)) // cannot happen: embedded at build time
	}
	if name == "widget.js" {
		b = withTexts(withCommands(b), texts)
	}
	sum := sha256.Sum256(b)
	return asset{body: b, contentType: contentType, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
}

// Register adds to r:
//
//	GET /widget.js   the widget (cacheable for 5 minutes, then revalidated by ETag)
//	GET /demo.css    the demo page's stylesheet
//	GET /            the demo page; ?m=<id> selects a tab (unknown id: 404),
//	                 ?lang=<en|ja-x-easy|ja> sets the widget's data-lang
func Register(r gin.IRouter, cfg Config) {
	// widget.js holds the national Japanese texts as they were at start,
	// for when GET /api/v1/texts cannot be reached; it asks that for the
	// municipality's current ones.
	var texts bot.Texts
	if cfg.Catalog != nil {
		texts = cfg.Catalog.Texts("", bot.LangJa)
	}
	js := loadAsset("widget.js", "text/javascript; charset=utf-8", texts)
	css := loadAsset("demo.css", "text/css; charset=utf-8", texts)
	// The URL is not versioned, so caches hold it briefly: a fix reaches
	// every municipal page within minutes.
	r.GET("/widget.js", serveAsset(js, "public, max-age=300", true))
	r.GET("/demo.css", serveAsset(css, "public, max-age=300", false))
	switch {
	case cfg.Catalog != nil:
		r.GET("/", demo(func() []Municipality { return FromCatalog(cfg.Catalog) }))
	case len(cfg.Municipalities) > 0:
		r.GET("/", demo(func() []Municipality { return cfg.Municipalities }))
	}
}

func serveAsset(a asset, cacheControl string, crossOrigin bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Cache-Control", cacheControl)
		h.Set("ETag", a.etag)
		h.Set("X-Content-Type-Options", "nosniff")
		if crossOrigin {
			// Loaded by <script> from other sites' pages, some with COEP.
			h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		}
		h.Set("Content-Type", a.contentType)
		// ServeContent answers If-None-Match against the ETag set above
		// (304), and HEAD and range requests.
		http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(a.body))
	}
}

func demo(tabs func() []Municipality) gin.HandlerFunc {
	return func(c *gin.Context) {
		ms := tabs()
		id := c.Query("m")
		if id == "" && len(ms) > 0 {
			id = ms[0].ID
		}
		page, ok := demoPage(ms, id, c.Query("lang"))
		if !ok {
			httpx.WriteError(c, bot.NotFoundf("unknown municipality %q", id))
			return
		}
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", DemoCSP)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	}
}

// textsMarker is where widget.js holds its fallback texts.
const textsMarker = "/*texts*/{}/*end*/"

// withTexts writes the widget's texts (bot.WidgetTexts) of t into
// widget.js: the words it shows when the server cannot give the
// municipality's own.
func withTexts(js []byte, t bot.Texts) []byte {
	words := map[bot.TextID]string{}
	for _, id := range bot.WidgetTexts {
		if w, ok := t.Words[id]; ok {
			words[id] = w
		}
	}
	j, err := json.Marshal(words)
	if err != nil || bytes.Count(js, []byte(textsMarker)) != 1 {
		panic("widget: widget.js must hold " + textsMarker + " once") // a build defect, caught by every test
	}
	return bytes.Replace(js, []byte(textsMarker), j, 1)
}

// commandsMarker is where widget.js holds its commands.
const commandsMarker = "/*commands*/{}/*end*/"

// withCommands writes bot.Commands, keyed by postback, into widget.js, so
// that the widget's buttons send what the dialog understands and say what
// the other channels say.
func withCommands(js []byte) []byte {
	cmds := map[string]bot.Command{}
	for _, c := range bot.Commands {
		cmds[c.Postback] = c
	}
	j, err := json.Marshal(cmds)
	if err != nil || bytes.Count(js, []byte(commandsMarker)) != 1 {
		panic("widget: widget.js must hold " + commandsMarker + " once") // a build defect, caught by every test
	}
	return bytes.Replace(js, []byte(commandsMarker), j, 1)
}
