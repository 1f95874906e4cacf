package widget_test

import (
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

// TestBrowserLanguageButton: on a page that asks for English (data-lang),
// the first question's 言語 / Language button and then 日本語 make the
// conversation Japanese, and it stays Japanese on the turns after, though
// the page still says English: the widget sends the language the
// conversation turned to, not the page's.
func TestBrowserLanguageButton(t *testing.T) {
	s := newServer(t, guard.Config{})
	ja := kbtest.Texts(t, "edogawa", bot.LangJa)
	tb := newBrowser(t, 1280, 800, false)
	openPanel(t, tb, s.URL+"/?m=edogawa&lang=en")
	tb.waitFor("the first question", count(".msg.bot")+" > 0 && !"+in(".typing"))
	press := func(label string) {
		t.Helper()
		sel := "Array.from(" + shadow + ".querySelectorAll('.quick button')).find(b => b.textContent === " + jsString(label) + ")"
		tb.waitFor("the button "+label, sel+" !== undefined")
		n := turns(tb)
		var ignored bool
		tb.eval("("+sel+".click(), true)", &ignored)
		tb.waitFor("the reply to "+label, count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	}
	press(kbtest.Texts(t, "edogawa", bot.LangEn).Get(bot.TextCommandLanguage))
	press(ja.Get(bot.TextLangNameJa))
	last := func() string {
		return tb.evalString("Array.from(" + shadow + ".querySelectorAll('.msg.bot')).pop().textContent")
	}
	all := tb.evalString("Array.from(" + shadow + ".querySelectorAll('.msg.bot')).map(m => m.textContent).join('\\n')")
	if !strings.Contains(all, ja.Get(bot.TextLanguageChanged)) || !strings.Contains(last(), "年齢") {
		t.Fatalf("after 日本語: %q, want %q and the question again in Japanese", all, ja.Get(bot.TextLanguageChanged))
	}
	tb.waitFor("the Japanese send button", in(".send")+".textContent === "+jsString(ja.Get("widget_send")))
	// The next turn, by the question's first button: still Japanese.
	n := turns(tb)
	tb.do(clickIn(".quick button"))
	tb.waitFor("the next question", count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	if got := last(); !strings.ContainsAny(got, "ぁあいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん") {
		t.Errorf("the turn after choosing 日本語 is answered in %q, not Japanese", got)
	}
	tb.checkClean()
}
