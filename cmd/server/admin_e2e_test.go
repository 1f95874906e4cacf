package main

import (
	"fmt"
	"github.com/madoguchi/madoguchi/internal/browsertest"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/madoguchi/madoguchi/internal/redistest"
)

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
	browsertest.Chromium(t)
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

	tb := browsertest.NewTab(t, "e2e")
	tb.Do(chromedp.Navigate(first + "/admin"))
	tb.WaitFor("the login page", `document.querySelector('#password')`)
	tb.Shot("login")
	tb.Do(chromedp.SendKeys(browsertest.Q("#user"), user), chromedp.SendKeys(browsertest.Q("#password"), password))
	tb.Do(chromedp.Click(browsertest.Q("form[action='/admin/login'] button")))
	tb.WaitFor("the dashboard", `document.title.startsWith('ダッシュボード')`)
	tb.Shot("dashboard")
	tb.Do(chromedp.Click(browsertest.Q("a[href='/admin/m/edogawa']")))
	tb.WaitFor("Edogawa's page", `document.querySelector('#page_form')`)
	tb.Shot("edogawa")

	// The counter's phone in the form (it is its contact's), and the page
	// text as staff paste it from the city's new page.
	idx := tb.EvalString(`[...document.querySelectorAll("input[id$='_phone']")].findIndex(e => e.value === '` + oldPhone + `' && e.closest('.counter').innerText.includes('komatsugawa'))`)
	if idx == "-1" {
		t.Fatalf("no phone field holding %s on the form", oldPhone)
	}
	field := "#c" + idx + "_phone"
	tb.Do(chromedp.Evaluate[chromedp.Void](`document.querySelector('` + field + `').value = ''`))
	tb.Do(chromedp.SendKeys(browsertest.Q(field), newPhone))
	tb.Do(chromedp.Evaluate[chromedp.Void](`(t => { t.value = t.value.split('` + oldPhone + `').join('` + newPhone + `') })(document.querySelector('#page_form'))`))
	tb.Do(chromedp.Click(browsertest.Q("form:has(input[name='mode'][value='form']) button[type=submit]")))
	tb.WaitFor("the saved draft", `document.body.innerText.includes('下書きを保存しました') || document.body.innerText.includes('保存できませんでした')`)
	body := tb.EvalString("document.body.innerText")
	if !strings.Contains(body, "下書きを保存しました") {
		tb.Shot("draft-refused")
		t.Fatalf("the draft was refused:\n%.2000s", body)
	}
	changed := tb.EvalString("document.querySelectorAll('details').length")
	if changed == "0" || !strings.Contains(body, "回答が変わる状況") {
		t.Fatalf("the preview lists %s changed situations:\n%.1500s", changed, body)
	}
	tb.Do(chromedp.Evaluate[chromedp.Void]("document.querySelectorAll('details').forEach((d, i) => { if (i < 2) d.open = true })"))
	if open := tb.EvalString("[...document.querySelectorAll('details')].slice(0, 2).map(d => d.innerText).join('\\n')"); !strings.Contains(open, newPhone) || !strings.Contains(open, oldPhone) {
		t.Errorf("the first situations' differences do not show %s → %s:\n%s", oldPhone, newPhone, open)
	}
	if got := tb.EvalString("document.querySelectorAll('pre.diff').length"); got != "2" {
		t.Errorf("%s text diffs, want the YAML's and the page's", got)
	}
	tb.Shot("draft-preview")
	tb.Do(chromedp.SendKeys(browsertest.Q("#comment"), "小松川事務所の電話番号の変更"))
	tb.Do(chromedp.Click(browsertest.Q("form[action='/admin/m/edogawa/publish'] button")))
	tb.WaitFor("the publish", `document.body.innerText.includes('バージョン 2 を公開しました')`)
	tb.Shot("published")
	await("after the publish", newPhone)

	tb.Do(chromedp.Navigate(first + "/admin/m/edogawa/versions"))
	tb.WaitFor("the versions", `document.querySelector("form[action='/admin/m/edogawa/rollback'] button")`)
	tb.Shot("versions")
	tb.Do(chromedp.Click(browsertest.Q("form[action='/admin/m/edogawa/rollback'] button")))
	tb.WaitFor("the rollback", `document.body.innerText.includes('バージョン 3 として公開しました')`)
	tb.Shot("rolled-back")
	await("after the rollback", oldPhone)

	tb.Do(chromedp.Navigate(first + "/admin/audit"))
	tb.WaitFor("the audit log", `document.body.innerText.includes('rollback')`)
	tb.Shot("audit")
	if len(tb.Errors) > 0 {
		t.Fatalf("the pages threw or opened dialogs: %q", tb.Errors)
	}
}
