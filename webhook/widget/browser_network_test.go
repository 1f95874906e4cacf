package widget_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

// municipalSite is a municipality's own web site, on an origin of its own,
// embedding the widget with the one tag the README gives; its page
// /?m=<id> names municipality id in data-municipality.
type municipalSite struct {
	*httptest.Server
	Origin    string // the site's origin, known before it is started
	madoguchi string // madoguchi's origin, set before Start
}

// newMunicipalSite listens on a new port of 127.0.0.1: another origin than
// madoguchi's. Set madoguchi, then call Start.
func newMunicipalSite(t *testing.T) *municipalSite {
	t.Helper()
	site := &municipalSite{}
	site.Server = httptest.NewUnstartedServer(http.HandlerFunc(site.serve))
	site.Origin = "http://" + site.Listener.Addr().String()
	t.Cleanup(site.Close)
	return site
}

var municipalityID = regexp.MustCompile(`^[a-z0-9_-]{1,40}$`)

func (site *municipalSite) serve(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("m")
	if r.URL.Path != "/" || !municipalityID.MatchString(id) {
		http.NotFound(w, r)
		return
	}
	// A strict page: scripts and connections only from madoguchi.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src "+site.madoguchi+
		"; connect-src "+site.madoguchi+"; style-src 'self'; base-uri 'none'; object-src 'none'; "+
		"require-trusted-types-for 'script'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>マイナンバーカードの電子証明書 | 区役所</title></head>
<body><main><h1>マイナンバーカードの電子証明書の更新</h1>
<p>電子証明書の有効期限は、発行日から5回目の誕生日までです。</p></main>
<script src="%s/widget.js" data-municipality="%s" async></script>
</body></html>`, site.madoguchi, id)
}

// TestBrowserCrossOrigin embeds the widget in a page of another origin, as a
// municipality's site does: the chat goes through CORS (a preflight, then
// the POST) for the municipality the guard allows that origin, and a page
// naming another municipality gets a polite notice, not a broken widget.
func TestBrowserCrossOrigin(t *testing.T) {
	site := newMunicipalSite(t)
	s := newServer(t, guard.Config{Origins: map[string][]string{"nerima": {site.Origin}}})
	site.madoguchi = s.URL
	site.Start()
	tb := newBrowser(t, 1280, 800, false)

	openPanel(t, tb, site.URL+"/?m=nerima")
	tb.waitFor("the first question", count(".msg.bot")+" > 0 && !"+in(".typing"))
	if o := tb.evalString("location.origin"); o != site.Origin || o == s.URL {
		t.Fatalf("the page's origin is %q, want %q (madoguchi is %s)", o, site.Origin, s.URL)
	}
	if s.preflights.Load() == 0 {
		t.Error("no CORS preflight reached the server: the chat was not cross-origin")
	}
	tb.waitFor("quick replies", count(".quick button")+" > 0")
	asking := tb.evalString(in(".panel") + ".getAttribute('data-asking')")
	chats, n := s.chats.Load(), turns(tb)
	tb.do(clickIn(".quick button"))
	tb.waitFor("the reply", count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	if s.chats.Load() != chats+1 {
		t.Errorf("a click sent %d requests, want 1", s.chats.Load()-chats)
	}
	if next := tb.evalString(in(".panel") + ".getAttribute('data-asking')"); next == asking {
		t.Errorf("after answering, still asking %q", asking)
	}
	if n := tb.evalInt(count(".msg.notice")); n != 0 {
		t.Errorf("%d notices on the allowed page: %s", n, tb.evalString(in(".msg.notice")+".textContent"))
	}
	tb.screenshot("widget-1280-cross-origin")
	tb.checkClean()

	// The same site naming a municipality that does not allow it.
	chats = s.chats.Load()
	openPanel(t, tb, site.URL+"/?m=edogawa")
	tb.waitFor("the notice", in(".msg.notice")+" && !"+in(".typing"))
	if s.chats.Load() != chats+1 {
		t.Errorf("opening sent %d requests, want 1", s.chats.Load()-chats)
	}
	notice := tb.evalString(in(".msg.notice") + ".textContent")
	if !strings.Contains(notice, "このページからはご利用いただけません。") {
		t.Errorf("403 notice = %q", notice)
	}
	if tb.evalInt(count(".msg.notice button")) != 0 {
		t.Error("the 403 notice offers to send again, which cannot help")
	}
	if n := tb.evalInt(count(".msg.bot") + " + " + count(".msg.user")); n != 0 {
		t.Errorf("%d conversation messages shown on a refused page", n)
	}
	if role := tb.evalString(in(".msg.notice") + ".getAttribute('role')"); role != "alert" {
		t.Errorf("the notice's role is %q, want alert", role)
	}
	tb.screenshot("widget-1280-forbidden-origin")
	tb.checkClean()
}

// TestBrowserRetry breaks the backend under a conversation: first Redis (the
// API answers 503), then the network (the connection closes unanswered).
// Each time the panel says so and offers 「もう一度送る」; once the backend is
// back, the button sends the same message again and the conversation goes on.
func TestBrowserRetry(t *testing.T) {
	s := newServer(t, guard.Config{})
	tb := newBrowser(t, 1280, 800, false)
	openWidget(t, tb, s, "nerima")
	box := chromedp.JSPath(in("textarea"))
	userTexts := func() string {
		return tb.evalString(`Array.from(` + shadow + `.querySelectorAll('.msg.user')).map(m => m.textContent).join('|')`)
	}

	// 503: a typed answer while Redis is down.
	asking := tb.evalString(in(".panel") + ".getAttribute('data-asking')")
	text, ok := answers[asking]
	if !ok {
		t.Fatalf("no typed answer for %q", asking)
	}
	bots := tb.evalInt(count(".msg.bot"))
	s.RedisDown.Store(true)
	chats := s.chats.Load()
	tb.do(chromedp.SendKeys(box, text), enter)
	tb.waitFor("the 503 notice", in(".msg.notice")+" && !"+in(".typing"))
	if s.chats.Load() != chats+1 {
		t.Errorf("sending made %d requests, want 1", s.chats.Load()-chats)
	}
	notice := tb.evalString(in(".msg.notice") + ".textContent")
	if !strings.Contains(notice, "ただいま応答できません") || !strings.Contains(notice, "「もう一度送る」を押して") {
		t.Errorf("503 notice = %q", notice)
	}
	if b := tb.evalString(in(".msg.notice button") + ".textContent"); b != "もう一度送る" {
		t.Errorf("the notice's button says %q", b)
	}
	if got := tb.evalString(in(".panel") + ".getAttribute('data-asking')"); got != asking || tb.evalInt(count(".msg.bot")) != bots {
		t.Errorf("a failed turn moved the conversation: asking %q, %d bot messages", got, tb.evalInt(count(".msg.bot")))
	}
	tb.screenshot("widget-1280-unavailable")

	// Pressing while still down fails again, politely.
	chats = s.chats.Load()
	tb.do(clickIn(".msg.notice button"))
	tb.waitFor("the notice again", in(".msg.notice")+" && !"+in(".typing"))
	if s.chats.Load() != chats+1 || tb.evalInt(count(".msg.notice")) != 1 {
		t.Errorf("a retry while down: %d requests, %d notices, want 1 and 1", s.chats.Load()-chats, tb.evalInt(count(".msg.notice")))
	}

	// Redis is back: the same answer goes again and the next question comes.
	s.RedisDown.Store(false)
	chats = s.chats.Load()
	tb.do(clickIn(".msg.notice button"))
	tb.waitFor("the next question", count(".msg.bot")+" > "+itoa(bots)+" && !"+in(".typing"))
	if s.chats.Load() != chats+1 {
		t.Errorf("the retry made %d requests, want 1", s.chats.Load()-chats)
	}
	next := tb.evalString(in(".panel") + ".getAttribute('data-asking')")
	if next == asking || next == "" {
		t.Errorf("after the retry asking %q, want the question after %q", next, asking)
	}
	if n := tb.evalInt(count(".msg.notice")); n != 0 {
		t.Errorf("%d notices left after a successful retry", n)
	}
	if got := userTexts(); strings.Count(got, text) != 1 {
		t.Errorf("the resident's messages %q: want %q once, retries add no bubble", got, text)
	}

	// A network failure: a quick reply whose connection is dropped.
	tb.waitFor("quick replies", count(".quick button")+" > 0")
	label := tb.evalString(in(".quick button") + ".textContent")
	asking, bots = next, tb.evalInt(count(".msg.bot"))
	s.DropChats.Store(true)
	tb.do(clickIn(".quick button"))
	tb.waitFor("the network notice", in(".msg.notice")+" && !"+in(".typing"))
	if notice := tb.evalString(in(".msg.notice") + ".textContent"); !strings.Contains(notice, "通信できませんでした") {
		t.Errorf("network notice = %q", notice)
	}
	if tb.evalInt(count(".quick button")) == 0 {
		t.Error("the choices were not offered again after the failure")
	}
	tb.screenshot("widget-1280-network-error")
	s.DropChats.Store(false)
	tb.do(clickIn(".msg.notice button"))
	tb.waitFor("the question after "+label, count(".msg.bot")+" > "+itoa(bots)+" && !"+in(".typing"))
	if got := tb.evalString(in(".panel") + ".getAttribute('data-asking')"); got == asking {
		t.Errorf("after the retry of %q still asking %q", label, got)
	}
	if got := userTexts(); strings.Count(got, label) != 1 {
		t.Errorf("the resident's messages %q: want %q once", got, label)
	}

	// The bot's side of the recovered conversation is whole after a reload
	// (the resident's messages and the notices are not kept).
	before := tb.evalInt(count(".msg.bot"))
	tb.do(chromedp.Reload())
	tb.waitFor("the launcher after reload", shadow+" && "+in(".launcher"))
	tb.do(clickIn(".launcher"))
	tb.waitFor("the restored conversation", count(".msg")+" >= "+itoa(before))
	if after := turns(tb); after != before || tb.evalInt(count(".msg.bot")) != before {
		t.Errorf("after reload %d messages, want the %d bot messages", after, before)
	}
	tb.checkClean()
}

// TestBrowserUnconfiguredOrigin embeds the widget on a page whose origin no
// municipality allows (a site before its administrator set
// WIDGET_ORIGINS): the panel says the page may not use the chat, rather
// than blaming the resident's connection.
func TestBrowserUnconfiguredOrigin(t *testing.T) {
	site := newMunicipalSite(t)
	s := newServer(t, guard.Config{Origins: map[string][]string{"nerima": {"https://www.city.nerima.example"}}})
	site.madoguchi = s.URL
	site.Start()
	tb := newBrowser(t, 1280, 800, false)

	openPanel(t, tb, site.URL+"/?m=nerima")
	tb.waitFor("the notice", in(".msg.notice")+" && !"+in(".typing"))
	notice := tb.evalString(in(".msg.notice") + ".textContent")
	if !strings.Contains(notice, "このページからはご利用いただけません。") || strings.Contains(notice, "通信") {
		t.Errorf("notice on an unconfigured page = %q, want the page-not-allowed message", notice)
	}
	if tb.evalInt(count(".msg.notice button")) != 0 {
		t.Error("the notice offers to send again, which cannot help")
	}
	if s.preflights.Load() == 0 {
		t.Error("no CORS preflight reached the server")
	}
	tb.checkClean()
}

// TestBrowserBusyNotices checks the two notices of a busy service: the cap
// on open conversations (503 unavailable with Retry-After: the widget's new
// session is refused) and a rate limit (429 with Retry-After). Each says
// what happened and how long to wait, politely, with 「もう一度送る」,
// instead of the notice of a broken backend.
func TestBrowserBusyNotices(t *testing.T) {
	t.Run("sessions full", func(t *testing.T) {
		s := newServer(t, guard.Config{PerIP: guard.Limit{N: -1}, PerSession: guard.Limit{N: -1},
			Sessions: guard.Sessions{Max: 1, PerIP: guard.Limit{N: -1}}})
		// Another resident holds the only place.
		res, err := http.Post(s.URL+"/api/v1/chat", "application/json",
			strings.NewReader(`{"municipality":"nerima","session_id":"other-resident-1","text":"更新したい"}`))
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("the first session: %v %v", res, err)
		}
		res.Body.Close()
		tb := newBrowser(t, 1280, 800, false)
		openPanel(t, tb, s.URL+"/?m=nerima")
		tb.do(chromedp.SendKeys(chromedp.JSPath(in("textarea")), "更新したい"), enter)
		tb.waitFor("the notice", in(".msg.notice")+" && !"+in(".typing"))
		notice := tb.evalString(in(".msg.notice") + ".textContent")
		t.Logf("notice: %s", notice)
		if !strings.Contains(notice, "ただいまご相談が大変混み合っているため、新しいご相談を始められません") ||
			!strings.Contains(notice, "約5分後にもう一度お試しください") || strings.Contains(notice, "ただいま応答できません") {
			t.Errorf("sessions-full notice = %q", notice)
		}
		if b := tb.evalString(in(".msg.notice button") + ".textContent"); b != "もう一度送る" {
			t.Errorf("the notice's button says %q", b)
		}
		tb.screenshot("widget-1280-sessions-full")
		tb.checkClean()
	})
	t.Run("rate limited", func(t *testing.T) {
		s := newServer(t, guard.Config{PerIP: guard.Limit{N: -1}, PerSession: guard.Limit{N: 2, Per: 20 * time.Minute},
			Sessions: guard.Sessions{Max: -1, PerIP: guard.Limit{N: -1}}})
		tb := newBrowser(t, 1280, 800, false)
		openPanel(t, tb, s.URL+"/?m=nerima")
		box := chromedp.JSPath(in("textarea"))
		tb.do(chromedp.SendKeys(box, "更新したい"), enter)
		tb.waitFor("the first answer", count(".msg.bot")+" > 0 && !"+in(".typing"))
		for i := 0; tb.evalInt(count(".msg.notice")) == 0; i++ {
			if i == 5 {
				t.Fatal("no notice after 5 turns over a limit of 2")
			}
			bots := tb.evalInt(count(".msg.bot"))
			tb.do(chromedp.SendKeys(box, "35歳"), enter)
			tb.waitFor("an answer or a notice", "("+count(".msg.bot")+" > "+itoa(bots)+" || "+in(".msg.notice")+") && !"+in(".typing"))
		}
		notice := tb.evalString(in(".msg.notice") + ".textContent")
		t.Logf("notice: %s", notice)
		if !strings.Contains(notice, "短い時間に多くのご利用があったため") || !strings.Contains(notice, "分後にもう一度お試しください") {
			t.Errorf("rate-limit notice = %q", notice)
		}
		tb.checkClean()
	})
}
