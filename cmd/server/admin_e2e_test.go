package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

// chromium returns the browser's path; without one the test is skipped,
// and fails in CI (as the widget's and the console's browser tests do).
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

// tab is one headless Chromium page; errors collects what the pages threw
// or the dialogs they opened.
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

// waitFor polls a JavaScript condition until it holds on a page loaded whole.
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

// shot saves a full-page PNG under $ARTIFACTS_DIR/e2e, else
// cmd/server/testdata/artifacts, numbered in the order the test passed
// the pages.
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
		dir = filepath.Join(d, "e2e")
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

// sharedRedis returns the REDIS_URL and REDIS_PREFIX of a real Redis two
// servers share: TEST_REDIS_URL under the test's own prefix, else a
// redis-server of the test's own (with AOF, as the README asks).
func sharedRedis(t testing.TB) (url, prefix string) {
	t.Helper()
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		redistest.Client(t) // deletes the prefix's keys when the test ends
		return u, redistest.Prefix(t)
	}
	return redistest.StartServer(t, "appendonly yes").URL(), "madoguchi-e2e:"
}

// loopback returns base (http://host:port) with the host 127.0.0.1.
func loopback(t *testing.T, base string) string {
	t.Helper()
	i := strings.LastIndex(base, ":")
	if i < 0 {
		t.Fatalf("no port in %s", base)
	}
	return "http://127.0.0.1" + base[i:]
}

// checklistReply is a chat answer, as far as these tests look.
type checklistReply struct {
	Messages []struct {
		Type      string `json:"type"`
		Checklist *struct {
			Counters []struct {
				Name  string `json:"name"`
				Phone string `json:"phone"`
			} `json:"counters"`
		} `json:"checklist"`
	} `json:"messages"`
	QuickReplies []struct {
		Postback string `json:"postback"`
	} `json:"quick_replies"`
	Done bool `json:"done"`
}

// chatToChecklist runs one conversation through base's chat API, pressing
// the first button at every question, and returns the phone of the
// checklist's counter named counter ("" when the checklist has none such).
func chatToChecklist(t *testing.T, base, municipality, session, counter string) string {
	t.Helper()
	turn := `"text":"更新したい"`
	for i := 0; i < 12; i++ {
		var r checklistReply
		code, _ := postJSON(t, base+"/api/v1/chat", "", `{"municipality":"`+municipality+`","session_id":"`+session+`",`+turn+`}`, &r)
		if code != http.StatusOK {
			t.Fatalf("%s turn %d: %d", session, i+1, code)
		}
		if r.Done {
			for _, m := range r.Messages {
				if m.Checklist == nil {
					continue
				}
				for _, c := range m.Checklist.Counters {
					if c.Name == counter {
						return c.Phone
					}
				}
				return ""
			}
			t.Fatalf("%s: done without a checklist", session)
		}
		if len(r.QuickReplies) == 0 {
			t.Fatalf("%s turn %d: no checklist and no button", session, i+1)
		}
		turn = `"postback":"` + r.QuickReplies[0].Postback + `"`
	}
	t.Fatalf("%s: no checklist after 12 turns", session)
	return ""
}

// TestConsoleEndToEnd is issue 12's end-to-end test: two whole servers on
// one real Redis; a publisher logs in to the first's /admin in headless
// Chromium, changes 小松川事務所's phone number through the counter form
// and pastes the page text with the new number, sees the situations whose
// checklist changes, and publishes; a conversation through the SECOND
// server's chat API then ends on a checklist with the new number. Rolled
// back in the console, the old number is back there. Every page passed is
// a screenshot in the artifacts folder.
func TestConsoleEndToEnd(t *testing.T) {
	chromium(t)
	url, prefix := sharedRedis(t)
	const user, password = "root", "correct horse battery"
	_, _, first := startMain(t, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix, "ADMIN_USER": user, "ADMIN_PASSWORD": password})
	_, _, second := startMain(t, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix})
	// The browser goes to a loopback address, where the console's cookie
	// is not Secure (the server listens on every address).
	first = loopback(t, first)

	const counter, oldPhone, newPhone = "小松川事務所戸籍住民係", "03-3683-5184", "03-3683-9999"
	sessions := 0
	served := func() string {
		sessions++
		return chatToChecklist(t, second, "edogawa", fmt.Sprintf("e2e-%d-%d", time.Now().UnixNano(), sessions), counter)
	}
	if got := served(); got != oldPhone {
		t.Fatalf("before: the second server's checklist gives %s %q, want %s", counter, got, oldPhone)
	}
	await := func(what, want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			got := served()
			if got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the second server's checklist still gives %q, want %q", what, got, want)
			}
		}
	}

	tb := newTab(t)
	tb.do(chromedp.Navigate(first + "/admin"))
	tb.waitFor("the login page", `document.querySelector('#password')`)
	tb.shot("login")
	tb.do(chromedp.SendKeys(q("#user"), user), chromedp.SendKeys(q("#password"), password))
	tb.do(chromedp.Click(q("form[action='/admin/login'] button")))
	tb.waitFor("the dashboard", `document.title.startsWith('ダッシュボード')`)
	tb.shot("dashboard")
	tb.do(chromedp.Click(q("a[href='/admin/m/edogawa']")))
	tb.waitFor("Edogawa's page", `document.querySelector('#page_form')`)
	tb.shot("edogawa")

	// The counter's phone in the form (it is its contact's), and the page
	// text as staff paste it from the city's new page.
	idx := tb.evalString(`[...document.querySelectorAll("input[id$='_phone']")].findIndex(e => e.value === '` + oldPhone + `' && e.closest('.counter').innerText.includes('komatsugawa'))`)
	if idx == "-1" {
		t.Fatalf("no phone field holding %s on the form", oldPhone)
	}
	field := "#c" + idx + "_phone"
	tb.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('` + field + `').value = ''`))
	tb.do(chromedp.SendKeys(q(field), newPhone))
	tb.do(chromedp.Evaluate[chromedp.Void](`(t => { t.value = t.value.split('` + oldPhone + `').join('` + newPhone + `') })(document.querySelector('#page_form'))`))
	tb.do(chromedp.Click(q("form:has(input[name='mode'][value='form']) button[type=submit]")))
	tb.waitFor("the saved draft", `document.body.innerText.includes('下書きを保存しました') || document.body.innerText.includes('保存できませんでした')`)
	body := tb.evalString("document.body.innerText")
	if !strings.Contains(body, "下書きを保存しました") {
		tb.shot("draft-refused")
		t.Fatalf("the draft was refused:\n%.2000s", body)
	}
	changed := tb.evalString("document.querySelectorAll('details').length")
	if changed == "0" || !strings.Contains(body, "回答が変わる状況") {
		t.Fatalf("the preview lists %s changed situations:\n%.1500s", changed, body)
	}
	tb.do(chromedp.Evaluate[chromedp.Void]("document.querySelectorAll('details').forEach((d, i) => { if (i < 2) d.open = true })"))
	if open := tb.evalString("[...document.querySelectorAll('details')].slice(0, 2).map(d => d.innerText).join('\\n')"); !strings.Contains(open, newPhone) || !strings.Contains(open, oldPhone) {
		t.Errorf("the first situations' differences do not show %s → %s:\n%s", oldPhone, newPhone, open)
	}
	if got := tb.evalString("document.querySelectorAll('pre.diff').length"); got != "2" {
		t.Errorf("%s text diffs, want the YAML's and the page's", got)
	}
	tb.shot("draft-preview")
	tb.do(chromedp.SendKeys(q("#comment"), "小松川事務所の電話番号の変更"))
	tb.do(chromedp.Click(q("form[action='/admin/m/edogawa/publish'] button")))
	tb.waitFor("the publish", `document.body.innerText.includes('バージョン 2 を公開しました')`)
	tb.shot("published")
	await("after the publish", newPhone)

	tb.do(chromedp.Navigate(first + "/admin/m/edogawa/versions"))
	tb.waitFor("the versions", `document.querySelector("form[action='/admin/m/edogawa/rollback'] button")`)
	tb.shot("versions")
	tb.do(chromedp.Click(q("form[action='/admin/m/edogawa/rollback'] button")))
	tb.waitFor("the rollback", `document.body.innerText.includes('バージョン 3 として公開しました')`)
	tb.shot("rolled-back")
	await("after the rollback", oldPhone)

	tb.do(chromedp.Navigate(first + "/admin/audit"))
	tb.waitFor("the audit log", `document.body.innerText.includes('rollback')`)
	tb.shot("audit")
	if len(tb.errors) > 0 {
		t.Fatalf("the pages threw or opened dialogs: %q", tb.errors)
	}
}
