package widget_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/httpx"
	"github.com/madoguchi/madoguchi/webhook/widget"
)

func init() { gin.SetMode(gin.TestMode) }

func staticEngine(t *testing.T) *gin.Engine {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	e.NoRoute(httpx.NoRoute)
	widget.Register(e, widget.Config{Catalog: dialog.NewCatalog(knowledge.NewProvider(kb))})
	return e
}

func get(e http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w
}

func TestAssets(t *testing.T) {
	e := staticEngine(t)
	tests := []struct {
		target, status, contentType, cache, contains string
	}{
		{"/widget.js", "200", "text/javascript; charset=utf-8", "public, max-age=300", "data-municipality"},
		{"/demo.css", "200", "text/css; charset=utf-8", "public, max-age=300", ".tabs"},
		{"/", "200", "text/html; charset=utf-8", "no-cache", `data-municipality="edogawa"`},
		{"/?m=nerima", "200", "text/html; charset=utf-8", "no-cache", `data-municipality="nerima"`},
		{"/?m=nowhere", "404", "application/json; charset=utf-8", "", "not_found"},
	}
	for _, tt := range tests {
		w := get(e, tt.target)
		if got := http.StatusText(w.Code); w.Code != atoi(tt.status) {
			t.Errorf("GET %s = %d %s", tt.target, w.Code, got)
			continue
		}
		h := w.Header()
		if h.Get("Content-Type") != tt.contentType || h.Get("Cache-Control") != tt.cache {
			t.Errorf("GET %s: Content-Type %q Cache-Control %q", tt.target, h.Get("Content-Type"), h.Get("Cache-Control"))
		}
		if !strings.Contains(w.Body.String(), tt.contains) {
			t.Errorf("GET %s: body lacks %q", tt.target, tt.contains)
		}
		if w.Code == 200 && h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", tt.target)
		}
	}
	page := get(e, "/?m=nerima")
	if csp := page.Header().Get("Content-Security-Policy"); csp != widget.DemoCSP || strings.Contains(csp, "unsafe") {
		t.Errorf("demo CSP = %q", csp)
	}
	for _, name := range []string{"江戸川区", "練馬区", "横浜市", `aria-current="page"`} {
		if !strings.Contains(page.Body.String(), name) {
			t.Errorf("demo page lacks %q", name)
		}
	}
	if strings.Contains(page.Body.String(), "<style") || strings.Contains(page.Body.String(), " style=") {
		t.Error("demo page has inline style, which its CSP blocks")
	}
}

func TestWidgetRevalidates(t *testing.T) {
	e := staticEngine(t)
	first := get(e, "/widget.js")
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Cross-Origin-Resource-Policy") != "cross-origin" {
		t.Fatalf("headers %v", first.Header())
	}
	if w := get(e, "/widget.js", "If-None-Match", etag); w.Code != 304 || w.Body.Len() != 0 {
		t.Errorf("revalidation = %d with %d bytes, want 304 and none", w.Code, w.Body.Len())
	}
	if w := get(e, "/widget.js", "If-None-Match", `"other"`); w.Code != 200 {
		t.Errorf("stale ETag = %d, want 200", w.Code)
	}
	for _, inm := range []string{"W/" + etag, `"other", ` + etag, "*"} {
		if w := get(e, "/widget.js", "If-None-Match", inm); w.Code != 304 {
			t.Errorf("If-None-Match %s = %d, want 304", inm, w.Code)
		}
	}
	if ct := first.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" || first.Body.Len() == 0 {
		t.Errorf("200 answer: Content-Type %q, %d bytes", ct, first.Body.Len())
	}
}

// TestWidgetSource guards the rules the widget must keep on other sites'
// pages: data is never parsed as HTML and nothing needs eval.
func TestWidgetSource(t *testing.T) {
	w := get(staticEngine(t), "/widget.js")
	src := w.Body.String()
	for _, banned := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'", ".style."} {
		if strings.Contains(src, banned) {
			t.Errorf("widget.js uses %s", banned)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// TestWidgetCommandsAreBots: the served widget.js carries bot.Commands
// (postback and label), and its source names no command of its own.
func TestWidgetCommandsAreBots(t *testing.T) {
	w := get(staticEngine(t), "/widget.js")
	body := w.Body.String()
	if w.Code != 200 || strings.Contains(body, "/*commands*/") {
		t.Fatalf("GET /widget.js = %d, commands not written in", w.Code)
	}
	for _, c := range bot.Commands {
		b, _ := json.Marshal(c)
		if !strings.Contains(body, string(b)) {
			t.Errorf("the served widget lacks the command %s", b)
		}
	}
	src, err := os.ReadFile("static/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range bot.Commands {
		for _, lit := range []string{"postback: '" + c.Postback + "'", "'" + kbtest.Text(t, c.Text) + "'"} {
			if strings.Contains(string(src), lit) {
				t.Errorf("widget.js writes %s itself: use commands.%s", lit, c.Postback)
			}
		}
	}
}

// TestWidgetHoldsNoWords: widget.js writes no Japanese of its own (outside
// comments): every word residents read comes from the knowledge's texts,
// written into the served file (the national Japanese, for when the server
// cannot be reached) and asked of GET /api/v1/texts.
func TestWidgetHoldsNoWords(t *testing.T) {
	src, err := os.ReadFile("static/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	japanese := regexp.MustCompile(`[\p{Han}\p{Hiragana}\p{Katakana}]`)
	for i, line := range strings.Split(string(src), "\n") {
		code := strings.TrimSpace(line)
		if j := strings.Index(code, "//"); j >= 0 && !strings.Contains(code[:j], "'") {
			code = code[:j]
		}
		if strings.HasPrefix(code, "*") || strings.HasPrefix(code, "/*") {
			continue
		}
		if japanese.MatchString(code) {
			t.Errorf("widget.js:%d writes words of its own: %s", i+1, code)
		}
	}
	w := get(staticEngine(t), "/widget.js")
	body := w.Body.String()
	if strings.Contains(body, "/*texts*/") {
		t.Fatal("the served widget.js has no texts written in")
	}
	for _, id := range bot.WidgetTexts {
		b, _ := json.Marshal(kbtest.Text(t, id))
		if !strings.Contains(body, `"`+string(id)+`":`+string(b)) {
			t.Errorf("the served widget.js lacks the text %s = %s", id, b)
		}
	}
}
