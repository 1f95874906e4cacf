package widget_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/api"
	"github.com/madoguchi/madoguchi/webhook/guard"
	"github.com/madoguchi/madoguchi/webhook/httpx"
	"github.com/madoguchi/madoguchi/webhook/widget"
	"github.com/redis/go-redis/v9"
)

// EnvChromium names a Chromium binary to use instead of the one on PATH.
const EnvChromium = "CHROMIUM_BIN"

// chromium returns the browser's path. Without one the test is skipped, but
// in CI (CI set) it fails: a missing browser must not pass silently there.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(EnvChromium); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no Chromium found (CI=%s): install it (apt-get install -y chromium) or set %s", os.Getenv("CI"), EnvChromium)
	}
	t.Skipf("browser test skipped: no Chromium found (apt-get install -y chromium, or set %s); in CI this fails", EnvChromium)
	return ""
}

// server is the service as cmd/server composes it: the guard, the JSON API
// over the real dialog engine and Redis store, and the widget.
type server struct {
	*httptest.Server
	KB         *knowledge.KB
	chats      atomic.Int64 // POST /api/v1/chat requests that reached the server
	preflights atomic.Int64 // OPTIONS /api/v1/chat requests (CORS preflights)
	// RedisDown makes every Redis command fail while true, as when the
	// server is unreachable; the stack then answers as it would in production.
	RedisDown atomic.Bool
	// DropChats makes the server close the connection of every chat POST
	// without an answer while true: a network failure as the browser sees it.
	DropChats atomic.Bool
}

func newServer(t *testing.T, gcfg guard.Config) *server {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	rdb := redistest.Client(t)
	s := &server{KB: kb}
	rdb.AddHook(outage{&s.RedisDown})
	t.Cleanup(func() { s.RedisDown.Store(false) })          // redistest's cleanup needs Redis
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil)) // outages are logged, and expected here
	e := httpx.NewEngine(quiet, nil)
	e.Use(func(c *gin.Context) {
		if c.Request.URL.Path != "/api/v1/chat" {
			return
		}
		switch c.Request.Method {
		case http.MethodOptions:
			s.preflights.Add(1)
		case http.MethodPost:
			s.chats.Add(1)
			if s.DropChats.Load() {
				if conn, _, err := c.Writer.Hijack(); err == nil {
					_ = conn.Close()
				}
				c.Abort()
			}
		}
	})
	gcfg.Redis = rdb
	gcfg.Logger = quiet
	gcfg.KeyPrefix = redistest.Prefix(t) + "ratelimit:"
	g, err := guard.New(gcfg)
	if err != nil {
		t.Fatal(err)
	}
	e.Use(g.Middleware())
	store := redisstore.New(rdb, redisstore.Options{Prefix: redistest.Prefix(t) + "dialog:"})
	api.Register(e, api.Deps{Catalog: dialog.NewCatalog(knowledge.NewProvider(kb)), Responder: dialog.New(dialog.Config{KB: kb, Store: store, Logger: quiet})})
	widget.Register(e, widget.Config{Catalog: dialog.NewCatalog(knowledge.NewProvider(kb))})
	s.Server = httptest.NewServer(e)
	t.Cleanup(s.Close)
	return s
}

// outage fails every Redis command while down is true.
type outage struct{ down *atomic.Bool }

var errRedisDown = errors.New("dial tcp: connection refused (test outage)")

func (o outage) DialHook(next redis.DialHook) redis.DialHook { return next }

func (o outage) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if o.down.Load() {
			cmd.SetErr(errRedisDown)
			return errRedisDown
		}
		return next(ctx, cmd)
	}
}

func (o outage) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if o.down.Load() {
			for _, cmd := range cmds {
				cmd.SetErr(errRedisDown)
			}
			return errRedisDown
		}
		return next(ctx, cmds)
	}
}

// tab is one browser tab with what the page did that a test must notice.
type tab struct {
	ctx     context.Context
	t       *testing.T
	mu      sync.Mutex
	dialogs []string
	errors  []string
}

// newBrowser starts headless Chromium with the flags this machine needs
// (no sandbox as root, no network beyond localhost) and opens a tab of
// width×height. bypassCSP is only for injecting axe-core.
func newBrowser(t *testing.T, width, height int64, bypassCSP bool) *tab {
	t.Helper()
	bin := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "ja-JP"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(width), int(height)),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	tb := &tab{ctx: ctx, t: t}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, ev.Message)
			tb.mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		case *runtime.EventExceptionThrown:
			tb.mu.Lock()
			tb.errors = append(tb.errors, "exception: "+exceptionText(ev.ExceptionDetails))
			tb.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	// Recorded before any page script runs; devtools scripts are not subject
	// to the page's CSP.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) {
			window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
		});`,
	}); err != nil {
		t.Fatal(err)
	}
	if bypassCSP {
		if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	return tb
}

// do runs actions, failing the test on error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression and decodes its JSON value into v.
func (tb *tab) eval(expr string, v any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage]("Promise.resolve(("+expr+")).then(v => JSON.stringify(v === undefined ? null : v))", chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("eval %s: %v", expr, err)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		tb.t.Fatalf("eval %s: result %s: %v", expr, raw, err)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		tb.t.Fatalf("eval %s: decode %s: %v", expr, s, err)
	}
}

func (tb *tab) evalInt(expr string) int {
	tb.t.Helper()
	var n int
	tb.eval(expr, &n)
	return n
}

func (tb *tab) evalString(expr string) string {
	tb.t.Helper()
	var s string
	tb.eval(expr, &s)
	return s
}

// waitFor polls a JavaScript condition until it is true.
func (tb *tab) waitFor(what, cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool]("!!("+cond+")", chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		tb.t.Fatalf("waiting for %s (%s): %v\nwidget text: %s", what, cond, err, tb.evalString(shadow+".textContent"))
	}
}

// checkClean fails the test if the page opened a dialog, threw or broke its CSP.
func (tb *tab) checkClean() {
	tb.t.Helper()
	var csp []string
	tb.eval("window.__csp || []", &csp)
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.dialogs) > 0 {
		tb.t.Errorf("the page opened dialogs: %q", tb.dialogs)
	}
	if len(tb.errors) > 0 {
		tb.t.Errorf("the page threw: %q", tb.errors)
	}
	if len(csp) > 0 {
		tb.t.Errorf("CSP violations: %q", csp)
	}
}

// screenshot saves a PNG of the viewport under the artifacts directory:
// $ARTIFACTS_DIR/widget, else testdata/artifacts.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	tb.artifact(name+".png", png)
}

// artifact saves a file under $ARTIFACTS_DIR/widget, else testdata/artifacts.
func (tb *tab) artifact(name string, data []byte) {
	tb.t.Helper()
	dir := filepath.Join("testdata", "artifacts")
	if d := os.Getenv("ARTIFACTS_DIR"); d != "" {
		dir = filepath.Join(d, "widget")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("artifact %s", path)
}

// The widget's shadow root, and elements in it, as JavaScript.
const shadow = `document.querySelector('[data-madoguchi-widget]').shadowRoot`

func in(css string) string {
	b, _ := json.Marshal(css)
	return shadow + ".querySelector(" + string(b) + ")"
}

func count(css string) string {
	b, _ := json.Marshal(css)
	return shadow + ".querySelectorAll(" + string(b) + ").length"
}

// clickIn clicks an element of the widget with the mouse.
func clickIn(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.JSPath(in(css)), chromedp.NodeVisible)
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

func (tb *tab) evalBool(expr string) bool {
	tb.t.Helper()
	var b bool
	tb.eval("!!("+expr+")", &b)
	return b
}
