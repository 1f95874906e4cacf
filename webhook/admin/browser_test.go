package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge/rules"
	"github.com/madoguchi/madoguchi/webhook/admin"
)

// chromium returns the browser's path; without one the test is skipped,
// and fails in CI (as the widget's browser tests do).
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM_BIN"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found: install it (apt-get install -y chromium) or set CHROMIUM_BIN")
	}
	t.Skip("browser test skipped: no Chromium (apt-get install -y chromium, or set CHROMIUM_BIN)")
	return ""
}

type tab struct {
	t      *testing.T
	ctx    context.Context
	n      int
	errors []string
}

func newTab(t *testing.T) *tab {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "ja-JP"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 1600),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	tb := &tab{t: t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			tb.errors = append(tb.errors, "dialog: "+ev.Message)
		case *runtime.EventExceptionThrown:
			tb.errors = append(tb.errors, "exception: "+ev.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 1600)); err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

func (tb *tab) evalString(expr string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage]("JSON.stringify(String("+expr+"))"))
	if err != nil {
		tb.t.Fatalf("eval %s: %v", expr, err)
	}
	var s, v string
	_ = json.Unmarshal(raw, &s)
	_ = json.Unmarshal([]byte(s), &v)
	return v
}

// waitFor polls a JavaScript condition until it holds on a page loaded
// whole (a long page's top is there before its end).
func (tb *tab) waitFor(what, cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool]("document.readyState === 'complete' && !!("+cond+")", chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return
		}
		// A form's submission replaces the page under the poll: poll the new one.
		if ctx.Err() == nil && (strings.Contains(err.Error(), "navigated") || strings.Contains(err.Error(), "context")) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		tb.t.Fatalf("waiting for %s: %v\npage: %.600s", what, err, tb.evalString("document.body && document.body.innerText"))
	}
}

// shot saves a full-page PNG (quality 100 is PNG) under $ARTIFACTS_DIR/admin, else
// testdata/artifacts, numbered in the order the test passed the pages.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	dir := filepath.Join("testdata", "artifacts")
	if d := os.Getenv("ARTIFACTS_DIR"); d != "" {
		dir = filepath.Join(d, "admin")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	tb.n++
	path := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", tb.n, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("artifact %s", path)
}

func q(css string) chromedp.JSPath {
	b, _ := json.Marshal(css)
	return chromedp.JSPath("document.querySelector(" + string(b) + ")")
}

// TestBrowserEditPublishRollback: a publisher logs in with Chromium, changes
// a counter's hours through the form, sees the changed situations, publishes,
// and a second server on the same Redis serves the new hours; rolled back,
// the old ones are back.
func TestBrowserEditPublishRollback(t *testing.T) {
	e := newEnv(t, nil)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	// A second server: its own Admin (store, watcher) and knowledge target.
	second := newProvider(t)
	b, err := admin.New(context.Background(), admin.Config{Redis: e.rdb, Prefix: e.prefix, Target: second,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = b.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	hours := func() string {
		c, err := rules.Checklist(second.Current().Municipality("edogawa"), bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf}, bot.NewDate(2026, 4, 1))
		if err != nil {
			t.Fatal(err)
		}
		return c.Counters[0].Hours
	}
	before := hours()

	tb := newTab(t)
	tb.do(chromedp.Navigate(srv.URL + "/admin"))
	tb.waitFor("the login page", `document.querySelector('#password')`)
	tb.shot("login")
	tb.do(chromedp.SendKeys(q("#user"), "root"), chromedp.SendKeys(q("#password"), pw))
	tb.do(chromedp.Click(q("form[action='/admin/login'] button")))
	tb.waitFor("the dashboard", `document.title.startsWith('ダッシュボード')`)
	tb.shot("dashboard")
	tb.do(chromedp.Click(q("a[href='/admin/m/edogawa']")))
	tb.waitFor("Edogawa's page", `document.querySelector('#c0_hours')`)
	tb.shot("edogawa")

	const newHours = "平日 午前8時30分から午後5時"
	tb.do(chromedp.SendKeys(q("#c0_hours"), newHours))
	tb.do(chromedp.Click(q("form:has(input[name='mode'][value='form']) button[type=submit]")))
	tb.waitFor("the saved draft", `document.body.innerText.includes('下書きを保存しました')`)
	if !strings.Contains(tb.evalString("document.body.innerText"), "回答が変わる状況") {
		t.Fatal("no preview of the changed situations")
	}
	// The page text came back from the textarea unchanged: no page diff.
	if got := tb.evalString("document.querySelectorAll('pre.diff').length"); got != "1" {
		t.Fatalf("%s text diffs, want the YAML's alone", got)
	}
	tb.do(chromedp.Evaluate[chromedp.Void]("document.querySelectorAll('details').forEach((d, i) => { if (i < 2) d.open = true })"))
	tb.shot("draft-preview")
	tb.do(chromedp.SendKeys(q("#comment"), "受付時間の記載"))
	tb.do(chromedp.Click(q("form[action='/admin/m/edogawa/publish'] button")))
	tb.waitFor("the publish", `document.body.innerText.includes('バージョン 2 を公開しました')`)
	tb.shot("published")
	waitFor(t, "the second server serving the new hours", func() bool { return hours() == newHours })

	tb.do(chromedp.Navigate(srv.URL + "/admin/m/edogawa/versions"))
	tb.waitFor("the versions", `document.querySelector("form[action='/admin/m/edogawa/rollback'] button")`)
	tb.shot("versions")
	tb.do(chromedp.Click(q("form[action='/admin/m/edogawa/rollback'] button")))
	tb.waitFor("the rollback", `document.body.innerText.includes('バージョン 3 として公開しました')`)
	tb.shot("rolled-back")
	waitFor(t, "the second server serving the old hours", func() bool { return hours() == before })

	tb.do(chromedp.Navigate(srv.URL + "/admin/audit"))
	tb.waitFor("the audit log", `document.body.innerText.includes('rollback')`)
	tb.shot("audit")
	if len(tb.errors) > 0 {
		t.Fatalf("the pages threw or opened dialogs: %q", tb.errors)
	}
}
