package widget_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/bot/present"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

// openWidget loads the demo page of municipality and opens the widget with
// the mouse; the first question arrives.
func openWidget(t *testing.T, tb *tab, s *server, municipality string) {
	t.Helper()
	openPanel(t, tb, s.URL+"/?m="+municipality)
	tb.waitFor("the first question", count(".msg.bot")+" > 0 && !"+in(".typing"))
}

// openPanel loads the page at pageURL and opens the widget with the mouse.
func openPanel(t *testing.T, tb *tab, pageURL string) {
	t.Helper()
	tb.do(chromedp.Navigate(pageURL))
	tb.waitFor("the launcher", shadow+" && "+in(".launcher"))
	tb.do(clickIn(".launcher"))
	tb.waitFor("the open panel", "!"+in(".panel")+".hidden")
	if d := tb.evalString("getComputedStyle(" + in(".launcher") + ").display"); d != "none" {
		t.Errorf("the launcher shows (display %s) while the panel is open", d)
	}
	if id := tb.evalString(shadow + ".activeElement && " + shadow + ".activeElement.id"); id != "madoguchi-input" {
		t.Errorf("focus after opening is on %q, want the message input", id)
	}
}

// turns counts the messages shown, to wait for the next reply.
func turns(tb *tab) int { return tb.evalInt(count(".msg")) }

// clickThrough clicks the first quick reply until the checklist appears.
func clickThrough(t *testing.T, tb *tab) []string {
	t.Helper()
	var clicked []string
	for i := 0; tb.evalInt(count(".card")) == 0; i++ {
		if i == 12 {
			t.Fatalf("no checklist after clicking %q", clicked)
		}
		tb.waitFor("quick replies", count(".quick button")+" > 0")
		clicked = append(clicked, tb.evalString(in(".quick button")+".textContent"))
		n := turns(tb)
		tb.do(clickIn(".quick button"))
		tb.waitFor("the reply", count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	}
	return clicked
}

func TestBrowserConversation(t *testing.T) {
	s := newServer(t, guard.Config{})
	tb := newBrowser(t, 1280, 800, false)
	// The first buttons say the address changed: a page that covers that
	// case (Nerima's does not) gives a card with things to tick.
	const muni = "edogawa"
	openWidget(t, tb, s, muni)
	if got := tb.evalInt(count(".msg.user")); got != 0 {
		t.Errorf("opening showed %d resident messages; the start is silent", got)
	}

	clicked := clickThrough(t, tb)
	t.Logf("clicked %q", clicked)
	page := s.KB.Municipality(muni).Page
	card := tb.evalString(in(".card") + ".textContent")
	// The card shows the one presentation: the page's date as residents
	// read it, never ISO.
	for _, want := range []string{"持ち物", page.Title, present.DateString(page.Updated, present.Western, kbtest.Texts(t, "", bot.LangJa)), "印刷する"} {
		if !strings.Contains(card, want) {
			t.Errorf("checklist card lacks %q: %s", want, card)
		}
	}
	if regexp.MustCompile(`\b(19|20)\d\d-[01]\d-[0-3]\d\b`).MatchString(card) {
		t.Errorf("the card writes an ISO date: %s", card)
	}
	checkReadable(t, tb)
	if n := tb.evalInt(count(".card input[type=checkbox]")); n == 0 {
		t.Error("checklist card has no check boxes")
	}
	if hasPhone(s, muni) && tb.evalInt(count(`.card a[href^="tel:"]`)) == 0 {
		t.Error("checklist card has no tel: link though the counters have phones")
	}
	if tb.evalString(in("[aria-live=polite]")+".textContent") == "" {
		t.Error("nothing was announced in the aria-live region")
	}
	tb.do(clickIn(".card input[type=checkbox]"))
	tb.screenshot("widget-1280-checklist")

	// Reloading restores the bot's side of the conversation and the ticked
	// box; what the resident chose is not kept.
	before := tb.evalInt(count(".msg.bot"))
	tb.do(chromedp.Reload())
	tb.waitFor("the launcher after reload", shadow+" && "+in(".launcher"))
	tb.do(clickIn(".launcher"))
	tb.waitFor("the restored card", in(".card"))
	if after := tb.evalInt(count(".msg.bot")); after != before {
		t.Errorf("after reload %d bot messages, want %d", after, before)
	}
	if n := tb.evalInt(count(".msg.user")); n != 0 {
		t.Errorf("after reload %d resident messages shown: none is kept", n)
	}
	if !tb.evalBool(in(".card input[type=checkbox]") + ".checked") {
		t.Error("the ticked box was not restored")
	}

	// Escape closes and gives the focus back to the launcher.
	tb.do(chromedp.KeyEvent(kb.Escape))
	tb.waitFor("the closed panel", in(".panel")+".hidden")
	if cls := tb.evalString(shadow + ".activeElement && " + shadow + ".activeElement.className"); cls != "launcher" {
		t.Errorf("focus after Escape is on %q, want the launcher", cls)
	}

	// 最初から, then the whole flow typed, Japanese IME included.
	tb.do(chromedp.KeyEvent(kb.Enter)) // the launcher has the focus
	tb.waitFor("the open panel", "!"+in(".panel")+".hidden")
	chats := s.chats.Load()
	tb.do(clickIn(".reset"))
	tb.waitFor("a fresh conversation", count(".card")+" === 0 && "+count(".msg.bot")+" > 0 && !"+in(".typing"))
	if s.chats.Load() != chats+1 {
		t.Errorf("最初から sent %d requests, want 1", s.chats.Load()-chats)
	}
	typeConversation(t, tb, s)
	tb.checkClean()
}

func hasPhone(s *server, id string) bool {
	for _, c := range s.KB.Municipality(id).Counters {
		if c.Phone != "" {
			return true
		}
	}
	return false
}

// answers are what a resident types for each question.
var answers = map[string]string{
	"age_group":      "35さいです",
	"visitor":        "自分で行きます",
	"has_notice":     "はい、持っています",
	"address_change": "変わってないです",
	"expiry_date":    "わからない",
}

// enter presses Enter as a keyboard does, without a char event that would
// insert a newline after the widget sent.
var enter = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
		}); err != nil {
			return err
		}
	}
	return nil
})

func typeConversation(t *testing.T, tb *tab, s *server) {
	t.Helper()
	box := chromedp.JSPath(in("textarea"))

	// An Enter that confirms an IME conversion must not send.
	chats, users := s.chats.Load(), tb.evalInt(count(".msg.user"))
	tb.do(chromedp.Focus(box))
	tb.eval(`(() => {
		const ta = `+in("textarea")+`;
		ta.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true, data: ''}));
		ta.value = 'さんじゅうごさい';
		const a = ta.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', isComposing: true, keyCode: 229, bubbles: true, cancelable: true}));
		ta.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '35さい'}));
		ta.value = '35さい';
		// Safari sends the confirming Enter after compositionend, as keyCode 229.
		const b = ta.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', keyCode: 229, bubbles: true, cancelable: true}));
		return a && b;
	})()`, new(bool))
	tb.do(chromedp.Sleep(300 * time.Millisecond))
	if s.chats.Load() != chats || tb.evalInt(count(".msg.user")) != users {
		t.Fatal("an Enter during IME composition sent the message")
	}
	if v := tb.evalString(in("textarea") + ".value"); v != "35さい" {
		t.Errorf("after composition the input holds %q", v)
	}

	// Shift+Enter makes a new line and sends nothing.
	tb.do(chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierShift)))
	tb.do(chromedp.Sleep(200 * time.Millisecond))
	if v := tb.evalString(in("textarea") + ".value"); !strings.Contains(v, "\n") || s.chats.Load() != chats {
		t.Errorf("Shift+Enter: input %q, %d requests sent", v, s.chats.Load()-chats)
	}
	tb.eval("("+in("textarea")+".value = '', true)", new(bool))

	var typed []string
	for i := 0; tb.evalInt(count(".card")) == 0; i++ {
		asking := tb.evalString(in(".panel") + ".getAttribute('data-asking')")
		text, ok := answers[asking]
		if !ok || i == 10 {
			t.Fatalf("no typed answer for %q after %q", asking, typed)
		}
		typed = append(typed, text)
		n := turns(tb)
		tb.do(chromedp.SendKeys(box, text), enter)
		tb.waitFor("the reply to "+text, count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
		if v := tb.evalString(in("textarea") + ".value"); v != "" {
			t.Errorf("input after sending holds %q", v)
		}
	}
	shown := tb.evalString(`Array.from(` + shadow + `.querySelectorAll('.msg.user')).map(m => m.textContent).join('|')`)
	for _, text := range typed {
		if !strings.Contains(shown, text) {
			t.Errorf("typed %q not shown in %q", text, shown)
		}
	}
}

func TestBrowserTextIsNeverHTML(t *testing.T) {
	s := newServer(t, guard.Config{})
	tb := newBrowser(t, 1280, 800, false)
	openWidget(t, tb, s, "edogawa")
	const attack = `<img src=x onerror=alert(1)>`
	n := turns(tb)
	tb.do(chromedp.SendKeys(chromedp.JSPath(in("textarea")), attack), enter)
	tb.waitFor("the reply", count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	tb.do(chromedp.Sleep(500 * time.Millisecond)) // time for an onerror to fire, were there an img
	last := tb.evalString(`Array.from(` + shadow + `.querySelectorAll('.msg.user')).pop().textContent`)
	if !strings.HasSuffix(last, attack) {
		t.Errorf("the resident's message shows %q, want it literally", last)
	}
	if n := tb.evalInt(count("img") + " + document.images.length"); n != 0 {
		t.Errorf("%d img elements exist", n)
	}
	tb.checkClean() // no alert dialog, no CSP violation
}

func TestBrowserRateLimited(t *testing.T) {
	s := newServer(t, guard.Config{PerSession: guard.Limit{N: 3, Per: time.Minute}})
	tb := newBrowser(t, 1280, 800, false)
	openWidget(t, tb, s, "akishima") // turn 1
	for i := 0; i < 3; i++ {         // turns 2, 3, then refused
		tb.waitFor("quick replies", count(".quick button")+" > 0")
		n := turns(tb)
		tb.do(clickIn(".quick button"))
		tb.waitFor("an answer", count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	}
	tb.waitFor("the polite notice", in(".msg.notice"))
	notice := tb.evalString(in(".msg.notice") + ".textContent")
	if !strings.Contains(notice, "短い時間に多くのご利用があったため") || !strings.Contains(notice, "秒後にもう一度お試しください") {
		t.Errorf("429 notice = %q", notice)
	}
	if tb.evalInt(count(".quick button")) == 0 {
		t.Error("the choices were not offered again after the 429")
	}
	tb.screenshot("widget-1280-rate-limited")
	tb.checkClean()
}

func TestBrowserSmallScreen(t *testing.T) {
	s := newServer(t, guard.Config{})
	tb := newBrowser(t, 360, 740, false)
	openWidget(t, tb, s, "yokohama")
	var box struct{ W, H, Scroll, Client float64 }
	tb.eval(`(() => { const r = `+in(".panel")+`.getBoundingClientRect(); const m = `+in(".messages")+`;
		return {W: r.width, H: r.height, Scroll: m.scrollWidth, Client: m.clientWidth}; })()`, &box)
	if box.W != 360 || box.H != 740 {
		t.Errorf("panel at 360 px is %vx%v, want full screen", box.W, box.H)
	}
	clickThrough(t, tb)
	tb.eval(`(() => { const m = `+in(".messages")+`; return {Scroll: m.scrollWidth, Client: m.clientWidth}; })()`, &box)
	if box.Scroll > box.Client {
		t.Errorf("the conversation scrolls sideways at 360 px (%v > %v)", box.Scroll, box.Client)
	}
	if top := tb.evalInt("Math.round(" + in(".card") + ".getBoundingClientRect().top - " + in(".messages") + ".getBoundingClientRect().top)"); top < 0 || top > 20 {
		t.Errorf("the checklist's top is %d px from the conversation's: it should scroll into view", top)
	}
	tb.screenshot("widget-360-checklist")
	tb.checkClean()
}

func itoa(n int) string { return strconv.Itoa(n) }

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestBrowserPrint presses the print button, then renders the page as
// printed: only the checklist card may show, and it must fit one A4 page.
func TestBrowserPrint(t *testing.T) {
	s := newServer(t, guard.Config{})
	tb := newBrowser(t, 1280, 800, false)
	openWidget(t, tb, s, "nerima")
	clickThrough(t, tb)
	// window.print() does nothing headless; keep the print state it sets.
	tb.eval(`(window.print = () => {}, window.setTimeout = (f) => 0, true)`, new(bool))
	tb.do(clickIn(".card .print"))
	if !tb.evalBool(`document.querySelector('[data-madoguchi-widget]').hasAttribute('data-madoguchi-printing')`) {
		t.Fatal("the print button did not prepare the print")
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	var shown struct{ Main, Header, Composer, Card string }
	tb.eval(`({Main: getComputedStyle(document.querySelector('main')).display,
		Header: getComputedStyle(`+in(".header")+`).display,
		Composer: getComputedStyle(`+in(".composer")+`).display,
		Card: getComputedStyle(`+in(".card")+`).display})`, &shown)
	if shown.Main != "none" || shown.Header != "none" || shown.Composer != "none" || shown.Card == "none" {
		t.Errorf("printed: %+v, want only the card", shown)
	}
	tb.screenshot("widget-1280-print")
	pdf, err := chromedp.Run(tb.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatal(err)
	}
	tb.artifact("widget-print.pdf", pdf)
	if pages := len(pdfPage.FindAll(pdf, -1)); pages != 1 {
		t.Errorf("the printed checklist takes %d pages", pages)
	}
	tb.checkClean()
}

// checkReadable measures, in the page's computed styles, what an older
// resident on a phone needs: body text (the bot's messages, the card's
// items, key lines, hours, warnings and steps) at 16 px or more, notes,
// tags and the source at 14 px or more, and every button, tel: link and
// check box's label of the card, the quick replies, the header and the
// message box at least 44 × 44 px.
func checkReadable(t *testing.T, tb *tab) {
	t.Helper()
	px := func(css string) int {
		return tb.evalInt(`Math.round(parseFloat(getComputedStyle(` + in(css) + `).fontSize))`)
	}
	if tb.evalInt(count(".card label > span")) > 0 {
		if got := px(".card label > span"); got < 16 {
			t.Errorf("item text is %d px, want at least 16", got)
		}
	}
	for _, css := range []string{".card .source", ".hint"} {
		if got := px(css); got < 14 {
			t.Errorf("%s is %d px, want at least 14", css, got)
		}
	}
	// The bot's messages and the card's key lines, hours, reservation rules
	// and warnings are body text.
	for _, css := range []string{".msg.bot", ".card .key", ".card .counter div", ".card .warnings li", ".card .step"} {
		if tb.evalInt(count(css)) == 0 {
			continue
		}
		if got := px(css); got < 16 {
			t.Errorf("%s is %d px, want at least 16", css, got)
		}
	}
	if tb.evalInt(count(".card .note")) > 0 {
		if got := px(".card .note"); got < 14 {
			t.Errorf("notes are %d px, want at least 14", got)
		}
	}
	small := tb.evalString(`Array.from(` + shadow + `.querySelectorAll(".card button, .card a.tel, .card label, .quick button, .header button, .send, textarea"))` +
		`.filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect())` +
		`.filter(r => r.width < 44 || r.height < 44).map(r => Math.round(r.width) + "x" + Math.round(r.height)).join(" ")`)
	if small != "" {
		t.Errorf("touch targets under 44 × 44 px: %s", small)
	}
}
