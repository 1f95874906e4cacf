package widget_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

// storage returns everything the page's localStorage holds, keys and values.
func storage(tb *tab) string {
	return tb.evalString(`Object.keys(localStorage).map(k => k + '=' + localStorage.getItem(k)).join('\n')`)
}

// savedStamp is the time the widget saved its history at, in storage.
var savedStamp = regexp.MustCompile(`"saved":\d+`)

// TestBrowserKeepsNoTypedText types PIN-like and ordinary texts into the
// widget and checks that localStorage never holds any of them, while the
// bot's side is kept and restored; that 「この会話を消す」 empties the panel
// and the storage and starts a new session; and that a kept conversation
// expires.
func TestBrowserKeepsNoTypedText(t *testing.T) {
	s := newServer(t, guard.Config{})
	tb := newBrowser(t, 1280, 800, false)
	openWidget(t, tb, s, "nerima")
	box := chromedp.JSPath(in("textarea"))
	typed := []string{"1234", "暗証番号は 5 8 2 6 です", "ｱﾝｼｮｳﾊﾞﾝｺﾞｳ 六四〇九", "Qz84Lm27!", "35さいです", "自分で行きます"}
	for _, text := range typed {
		n := turns(tb)
		tb.do(chromedp.SendKeys(box, text), enter)
		tb.waitFor("the reply to "+text, count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	}
	shown := tb.evalString(`Array.from(` + shadow + `.querySelectorAll('.msg')).map(m => m.textContent).join('|')`)
	if !strings.Contains(shown, "暗証番号のような文字列") {
		t.Errorf("no PIN warning among the replies: %s", shown)
	}
	kept := storage(tb)
	if !strings.Contains(kept, "暗証番号のような文字列") || !strings.Contains(kept, "madoguchi.v1.nerima.session=") {
		t.Fatalf("localStorage should keep the bot's side and the session:\n%s", kept)
	}
	for _, text := range typed {
		if !strings.Contains(shown, text) {
			t.Errorf("typed %q is not shown in the page", text)
		}
	}
	// The widget's own timestamp ("saved":1796358268545) may hold any
	// four digits by chance; it is no typed text.
	keptTexts := savedStamp.ReplaceAllString(kept, `"saved":0`)
	for _, text := range append(typed, "5826", "六四〇九", "Qz84", "35さい", "自分で") {
		if strings.Contains(keptTexts, text) {
			t.Errorf("localStorage holds the typed %q:\n%s", text, kept)
		}
	}

	// After a reload the bot's messages come back, the resident's do not.
	bots := tb.evalInt(count(".msg.bot"))
	tb.do(chromedp.Reload())
	tb.waitFor("the launcher after reload", shadow+" && "+in(".launcher"))
	tb.do(clickIn(".launcher"))
	tb.waitFor("the restored conversation", count(".msg.bot")+" >= "+itoa(bots))
	if n := tb.evalInt(count(".msg.user")); n != 0 || tb.evalInt(count(".msg.bot")) != bots {
		t.Errorf("after reload %d resident and %d bot messages, want 0 and %d", n, tb.evalInt(count(".msg.bot")), bots)
	}

	// 「この会話を消す」 forgets everything, and the next turn is a new session.
	if label := tb.evalString(in(".clear") + ".textContent"); label != "この会話を消す" {
		t.Fatalf("clear button says %q", label)
	}
	session := tb.evalString(`localStorage.getItem('madoguchi.v1.nerima.session')`)
	tb.do(clickIn(".clear"))
	tb.waitFor("the emptied panel", count(".msg.bot")+" === 0")
	if kept := storage(tb); strings.Contains(kept, "madoguchi.v1.nerima.") {
		t.Errorf("after この会話を消す localStorage still holds:\n%s", kept)
	}
	tb.do(chromedp.SendKeys(box, "7391"), enter)
	tb.waitFor("the reply to 7391", count(".msg.bot")+" > 0 && !"+in(".typing"))
	if got := tb.evalString(`localStorage.getItem('madoguchi.v1.nerima.session')`); got == "" || got == session {
		t.Errorf("after この会話を消す the session is %q (was %q): want a new one", got, session)
	}
	if kept := storage(tb); strings.Contains(kept, "7391") {
		t.Errorf("localStorage holds the typed 7391:\n%s", kept)
	}

	// A conversation kept for over two hours is forgotten at the next load.
	tb.eval(`(() => { const k = 'madoguchi.v1.nerima.history'; const h = JSON.parse(localStorage.getItem(k));
		h.saved = Date.now() - 3 * 3600 * 1000; localStorage.setItem(k, JSON.stringify(h)); return true; })()`, new(bool))
	session = tb.evalString(`localStorage.getItem('madoguchi.v1.nerima.session')`)
	tb.do(chromedp.Reload())
	tb.waitFor("the launcher after reload", shadow+" && "+in(".launcher"))
	tb.do(clickIn(".launcher"))
	tb.waitFor("the first question of a new conversation", count(".msg.bot")+" > 0 && !"+in(".typing"))
	if got := tb.evalString(`localStorage.getItem('madoguchi.v1.nerima.session')`); got == session {
		t.Error("an expired conversation kept its session")
	}
	if strings.Contains(tb.evalString(in(".messages")+".textContent"), "暗証番号のような文字列") {
		t.Error("an expired conversation was restored")
	}

	// A history an older widget wrote, typed text included, is erased at load.
	tb.eval(`(localStorage.setItem('madoguchi.v1.nerima.history', JSON.stringify({entries: [
		{from: 'user', type: 'text', text: '暗証番号は2468'}, {from: 'bot', type: 'text', text: 'はい'}], quick: [], asking: ''})), true)`, new(bool))
	tb.do(chromedp.Reload())
	tb.waitFor("the launcher after reload", shadow+" && "+in(".launcher"))
	if kept := storage(tb); strings.Contains(kept, "2468") {
		t.Errorf("an older widget's history survived the load:\n%s", kept)
	}
	tb.checkClean()
}
