package widget_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

// TestBrowserLanguages: a page that asks for English or やさしい日本語
// (data-lang) gets the widget's own words in it from the server, a
// conversation in it to the checklist, and the checklist's view in it,
// the page's facts (Edogawa's, all translated) included, without the note
// that they are shown in Japanese. Screenshots at 360 and 1280 px go to
// the artifacts.
func TestBrowserLanguages(t *testing.T) {
	s := newServer(t, guard.Config{})
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	item := kb.Municipality("edogawa").Item("card")
	for _, lang := range []bot.Lang{bot.LangEn, bot.LangEasy} {
		for _, width := range []int64{360, 1280} {
			t.Run(string(lang)+"/"+itoa(int(width)), func(t *testing.T) {
				tx := kbtest.Texts(t, "edogawa", lang)
				tb := newBrowser(t, width, 800, false)
				openPanel(t, tb, s.URL+"/?m=edogawa&lang="+string(lang))
				tb.waitFor("the first question", count(".msg.bot")+" > 0 && !"+in(".typing"))
				if got := tb.evalString(in(".root") + ".getAttribute('lang')"); got != string(lang) {
					t.Errorf("the widget's lang is %q", got)
				}
				for css, id := range map[string]bot.TextID{".send": "widget_send", ".close": "widget_close", ".reset": bot.TextCommandReset, ".hint": "widget_hint"} {
					if got := tb.evalString(in(css) + ".textContent"); got != tx.Get(id) {
						t.Errorf("%s says %q, want %q", css, got, tx.Get(id))
					}
				}
				first := tb.evalString(in(".msg.bot") + ".textContent")
				if !strings.Contains(first, tx.Get(bot.TextGreeting, "municipality", "江戸川区")) {
					t.Errorf("first message %q, want the greeting in %s", first, lang)
				}
				clickThrough(t, tb)
				card := tb.evalString(in(".card") + ".textContent")
				translated, _ := item.In(lang, "text", item.Text)
				for _, want := range []string{translated, tx.Get(bot.TextTitleItems), tx.Get("widget_print"), tx.Get(bot.TextTranslated)} {
					if !strings.Contains(card, want) {
						t.Errorf("the card lacks %q: %s", want, card)
					}
				}
				if strings.Contains(card, tx.Get(bot.TextJapaneseOnly)) {
					t.Errorf("the card says the page's facts are Japanese, all being translated: %s", card)
				}
				tb.screenshot("lang-" + string(lang) + "-" + itoa(int(width)))
				tb.checkClean()
			})
		}
	}
}

// TestBrowserEnglishFirstText: on a Japanese page, a resident whose first
// text is English is answered in English, and the widget's own words turn
// English with the conversation.
func TestBrowserEnglishFirstText(t *testing.T) {
	s := newServer(t, guard.Config{})
	tb := newBrowser(t, 1280, 800, false)
	openWidget(t, tb, s, "nerima")
	en, ja := kbtest.Texts(t, "nerima", bot.LangEn), kbtest.Texts(t, "nerima", bot.LangJa)
	if got := tb.evalString(in(".send") + ".textContent"); got != ja.Get("widget_send") {
		t.Fatalf("a Japanese page's send button says %q", got)
	}
	n := turns(tb)
	tb.do(chromedp.SendKeys(chromedp.JSPath(in("textarea")), "Hello"), enter)
	tb.waitFor("the reply", count(".msg")+" > "+itoa(n+1)+" && !"+in(".typing"))
	tb.waitFor("the English send button", in(".send")+".textContent === "+jsString(en.Get("widget_send")))
	if got := tb.evalString(in(".root") + ".getAttribute('lang')"); got != "en" {
		t.Errorf("the widget's lang after an English first text: %q", got)
	}
	if got := tb.evalString(in("textarea") + ".getAttribute('placeholder')"); got != en.Get("widget_placeholder") {
		t.Errorf("placeholder %q", got)
	}
	tb.checkClean()
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
