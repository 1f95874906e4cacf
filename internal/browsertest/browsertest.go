// Package browsertest drives a headless Chromium page for the tests of the
// staff console (webhook/admin, cmd/server's end-to-end test). Without a
// browser a test is skipped, and with CI set it fails, as the widget's
// browser tests do.
//
// Only tests import this package; it is never part of the server.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Chromium returns the browser's path (CHROMIUM_BIN, else chromium,
// chromium-browser or google-chrome on PATH); without one t is skipped, or
// fails when CI is set.
func Chromium(t *testing.T) string {
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

// Tab is one headless Chromium page, 1200 × 1600, in Japanese. Errors
// collects what the pages threw or the dialogs they opened. Every call
// waits at most 20 seconds and fails the test on an error.
type Tab struct {
	t      *testing.T
	ctx    context.Context
	shots  string // the screenshots' folder under $ARTIFACTS_DIR
	n      int
	Errors []string
}

// NewTab starts a browser for t, closed when t ends; its screenshots go to
// $ARTIFACTS_DIR/<shots>, else testdata/artifacts of the test's package.
func NewTab(t *testing.T, shots string) *Tab {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "ja-JP"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 1600),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	tb := &Tab{t: t, ctx: ctx, shots: shots}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			tb.Errors = append(tb.Errors, "dialog: "+ev.Message)
		case *runtime.EventExceptionThrown:
			tb.Errors = append(tb.Errors, "exception: "+ev.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 1600)); err != nil {
		t.Fatal(err)
	}
	return tb
}

// Do runs actions.
func (tb *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// EvalString returns a JavaScript expression's value as a string.
func (tb *Tab) EvalString(expr string) string {
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

// WaitFor polls a JavaScript condition until it holds on a page loaded
// whole (a long page's top is there before its end); a form's submission
// replacing the page under the poll is polled again.
func (tb *Tab) WaitFor(what, cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool]("document.readyState === 'complete' && !!("+cond+")", chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return
		}
		if ctx.Err() == nil && (strings.Contains(err.Error(), "navigated") || strings.Contains(err.Error(), "context")) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		tb.t.Fatalf("waiting for %s: %v\npage: %.600s", what, err, tb.EvalString("document.body && document.body.innerText"))
	}
}

// Shot saves a full-page PNG, numbered in the order the test passed the
// pages, and logs its path.
func (tb *Tab) Shot(name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	dir := filepath.Join("testdata", "artifacts")
	if d := os.Getenv("ARTIFACTS_DIR"); d != "" {
		dir = filepath.Join(d, tb.shots)
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

// Q is the first element matching css.
func Q(css string) chromedp.JSPath {
	b, _ := json.Marshal(css)
	return chromedp.JSPath("document.querySelector(" + string(b) + ")")
}
