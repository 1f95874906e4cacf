package admin_test

import (
	"context"
	"github.com/madoguchi/madoguchi/internal/browsertest"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge/rules"
	"github.com/madoguchi/madoguchi/webhook/admin"
)

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

	tb := browsertest.NewTab(t, "admin")
	tb.Do(chromedp.Navigate(srv.URL + "/admin"))
	tb.WaitFor("the login page", `document.querySelector('#password')`)
	tb.Shot("login")
	tb.Do(chromedp.SendKeys(browsertest.Q("#user"), "root"), chromedp.SendKeys(browsertest.Q("#password"), pw))
	tb.Do(chromedp.Click(browsertest.Q("form[action='/admin/login'] button")))
	tb.WaitFor("the dashboard", `document.title.startsWith('ダッシュボード')`)
	tb.Shot("dashboard")
	tb.Do(chromedp.Click(browsertest.Q("a[href='/admin/m/edogawa']")))
	tb.WaitFor("Edogawa's page", `document.querySelector('#c0_hours')`)
	tb.Shot("edogawa")

	const newHours = "平日 午前8時30分から午後5時"
	tb.Do(chromedp.SendKeys(browsertest.Q("#c0_hours"), newHours))
	tb.Do(chromedp.Click(browsertest.Q("form:has(input[name='mode'][value='form']) button[type=submit]")))
	tb.WaitFor("the saved draft", `document.body.innerText.includes('下書きを保存しました')`)
	if !strings.Contains(tb.EvalString("document.body.innerText"), "回答が変わる状況") {
		t.Fatal("no preview of the changed situations")
	}
	// The page text came back from the textarea unchanged: no page diff.
	if got := tb.EvalString("document.querySelectorAll('pre.diff').length"); got != "1" {
		t.Fatalf("%s text diffs, want the YAML's alone", got)
	}
	tb.Do(chromedp.Evaluate[chromedp.Void]("document.querySelectorAll('details').forEach((d, i) => { if (i < 2) d.open = true })"))
	tb.Shot("draft-preview")
	tb.Do(chromedp.SendKeys(browsertest.Q("#comment"), "受付時間の記載"))
	tb.Do(chromedp.Click(browsertest.Q("form[action='/admin/m/edogawa/publish'] button")))
	tb.WaitFor("the publish", `document.body.innerText.includes('バージョン 2 を公開しました')`)
	tb.Shot("published")
	waitFor(t, "the second server serving the new hours", func() bool { return hours() == newHours })

	tb.Do(chromedp.Navigate(srv.URL + "/admin/m/edogawa/versions"))
	tb.WaitFor("the versions", `document.querySelector("form[action='/admin/m/edogawa/rollback'] button")`)
	tb.Shot("versions")
	tb.Do(chromedp.Click(browsertest.Q("form[action='/admin/m/edogawa/rollback'] button")))
	tb.WaitFor("the rollback", `document.body.innerText.includes('バージョン 3 として公開しました')`)
	tb.Shot("rolled-back")
	waitFor(t, "the second server serving the old hours", func() bool { return hours() == before })

	tb.Do(chromedp.Navigate(srv.URL + "/admin/audit"))
	tb.WaitFor("the audit log", `document.body.innerText.includes('rollback')`)
	tb.Shot("audit")
	if len(tb.Errors) > 0 {
		t.Fatalf("the pages threw or opened dialogs: %q", tb.Errors)
	}
}
