package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/webhook/api"
)

// langMessage is a chat message as the API writes it, with the view of a
// checklist (in the reply's language) and the Japanese view beside it.
type langMessage struct {
	Type      string `json:"type"`
	Text      string `json:"text"`
	TextJa    string `json:"text_ja"`
	Checklist *struct {
		Items []bot.Item `json:"items"`
		View  struct {
			Lang     bot.Lang `json:"lang"`
			Note     string   `json:"note"`
			Title    string   `json:"title"`
			Headline string   `json:"headline"`
			Titles   struct {
				Items string `json:"items"`
			} `json:"titles"`
			Visits []struct {
				Items []struct {
					Text string `json:"text"`
				} `json:"items"`
			} `json:"visits"`
		} `json:"view"`
		ViewJa *struct {
			Lang  bot.Lang `json:"lang"`
			Title string   `json:"title"`
		} `json:"view_ja"`
	} `json:"checklist"`
}

type langReply struct {
	Lang         bot.Lang         `json:"lang"`
	Messages     []langMessage    `json:"messages"`
	QuickReplies []bot.QuickReply `json:"quick_replies"`
	Done         bool             `json:"done"`
}

// turn posts one chat turn (body holds the text or postback and, maybe,
// lang) through the real handlers and dialog engine.
func turn(t *testing.T, h http.Handler, session, body string) langReply {
	t.Helper()
	w := do(t, h, http.MethodPost, "/api/v1/chat", `{"municipality":"nerima","session_id":"`+session+`",`+body+`,"today":"2025-05-01"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("chat %s: %d %s", body, w.Code, w.Body)
	}
	var r langReply
	if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// TestChatInEnglishWithoutLang: a conversation whose first text is English
// is answered in English, and stays so for its buttons; the catalogue's
// texts come in English with the Japanese beside them (text_ja); the
// checklist's view is English in its own words and in the page's facts
// (Nerima's are all translated, so no "shown in Japanese" note), and the
// Japanese view goes beside it.
func TestChatInEnglishWithoutLang(t *testing.T) {
	k := kb(t)
	h := newServer(t, api.Deps{Catalog: catalogOf(k), Responder: dialog.New(dialog.Config{KB: k, Store: &dialog.MemoryStore{}}), Clock: fixedClock})
	en, ja := kbtest.Texts(t, "nerima", bot.LangEn), kbtest.Texts(t, "nerima", bot.LangJa)

	r := turn(t, h, "english-first", `"text":"Hello"`)
	if r.Lang != bot.LangEn {
		t.Fatalf("first English text answered in %q: %+v", r.Lang, r.Messages)
	}
	greeting := en.Get(bot.TextGreeting, "municipality", "練馬区")
	if len(r.Messages) == 0 || r.Messages[0].Text != greeting || r.Messages[0].TextJa != ja.Get(bot.TextGreeting, "municipality", "練馬区") {
		t.Fatalf("first message %+v, want the English greeting with the Japanese beside it", r.Messages)
	}
	last := r.Messages[len(r.Messages)-1]
	if hasJapanese(last.Text) || last.TextJa == "" {
		t.Errorf("the first question %q (ja %q): want English with its Japanese", last.Text, last.TextJa)
	}
	for _, q := range r.QuickReplies {
		// 言語 / Language says itself in both, so that a resident who does
		// not read the conversation's language finds it.
		if hasJapanese(q.Label) && q.Postback != bot.CommandLanguage.Postback {
			t.Errorf("button %q in Japanese in an English conversation", q.Label)
		}
	}
	// Buttons carry no lang: the conversation keeps its language.
	var done langReply
	for _, pb := range []string{"age_group=adult", "visitor=self", "address_change=false", "expiry_date=unknown"} {
		if done = turn(t, h, "english-first", `"postback":"`+pb+`"`); done.Lang != bot.LangEn {
			t.Fatalf("after %s the reply is in %q", pb, done.Lang)
		}
		if done.Done {
			break
		}
	}
	if !done.Done {
		t.Fatalf("no checklist: %+v", done.Messages)
	}
	notes := 0
	var card *langMessage
	for i, m := range done.Messages {
		if m.Text == en.Get(bot.TextJapaneseOnly) {
			notes++
		}
		if m.Checklist != nil {
			card = &done.Messages[i]
		}
	}
	// Nerima's facts are all translated: no note that they are Japanese.
	if notes != 0 || card == nil {
		t.Fatalf("%d notes that the page's words are Japanese (want none), checklist %v: %+v", notes, card != nil, done.Messages)
	}
	v := card.Checklist.View
	if v.Lang != bot.LangEn || v.Note != "" || v.Titles.Items != en.Get(bot.TextTitleItems) ||
		!strings.HasPrefix(v.Title, "Electronic certificates") || hasJapanese(v.Headline) {
		t.Errorf("English view %+v", v)
	}
	if len(v.Visits) == 0 || len(v.Visits[0].Items) == 0 || v.Visits[0].Items[0].Text != card.Checklist.Items[0].Text || hasJapanese(v.Visits[0].Items[0].Text) {
		t.Errorf("the page's items must be in their English translation: %+v", v.Visits)
	}
	if jv := card.Checklist.ViewJa; jv == nil || jv.Lang != bot.LangJa || jv.Title != "電子証明書の更新" {
		t.Errorf("Japanese view beside the English one: %+v", jv)
	}
	// The FAQ menu's buttons are the topics' English titles; an answer is
	// the page's fact in its English translation, the Japanese beside it,
	// and no "shown in Japanese" note.
	menu := turn(t, h, "english-first", `"postback":"faq"`)
	if len(menu.QuickReplies) == 0 || menu.Messages[0].Text != en.Get(bot.TextFAQMenu) {
		t.Fatalf("FAQ menu: %+v", menu)
	}
	for _, q := range menu.QuickReplies {
		if hasJapanese(q.Label) {
			t.Errorf("FAQ button %q in Japanese", q.Label)
		}
	}
	answer := turn(t, h, "english-first", `"postback":"faq=fee"`)
	if len(answer.Messages) == 0 || answer.Messages[0].TextJa == "" || answer.Messages[0].Text == answer.Messages[0].TextJa ||
		!strings.Contains(answer.Messages[0].Text, "free") {
		t.Errorf("an FAQ answer in an English conversation: %+v", answer.Messages)
	}
	for _, m := range answer.Messages {
		if m.Text == en.Get(bot.TextJapaneseOnly) {
			t.Errorf("a translated answer carries the Japanese-only note: %+v", answer.Messages)
		}
	}
}

// TestChatLangKept: a lang asked on the first turn holds for the turns
// that follow without one; a Japanese conversation carries lang "ja" and
// no text_ja; a Japanese first text is not taken for English later.
func TestChatLangKept(t *testing.T) {
	k := kb(t)
	h := newServer(t, api.Deps{Catalog: catalogOf(k), Responder: dialog.New(dialog.Config{KB: k, Store: &dialog.MemoryStore{}}), Clock: fixedClock})
	easy := kbtest.Texts(t, "nerima", bot.LangEasy)

	r := turn(t, h, "easy-japanese", `"postback":"start","lang":"ja-x-easy"`)
	if r.Lang != bot.LangEasy || r.Messages[0].Text != easy.Get(bot.TextGreeting, "municipality", "練馬区") || r.Messages[0].TextJa == "" {
		t.Fatalf("やさしい日本語 start: %q %+v", r.Lang, r.Messages)
	}
	if r = turn(t, h, "easy-japanese", `"postback":"age_group=adult"`); r.Lang != bot.LangEasy {
		t.Errorf("the next turn without lang is in %q", r.Lang)
	}
	if r = turn(t, h, "easy-japanese", `"postback":"visitor=self","lang":"ja"`); r.Lang != bot.LangJa || r.Messages[0].TextJa != "" {
		t.Errorf("switched to ja: %q %+v", r.Lang, r.Messages)
	}

	r = turn(t, h, "japanese-first", `"text":"更新したい"`)
	if r.Lang != bot.LangJa {
		t.Fatalf("Japanese first text answered in %q", r.Lang)
	}
	for _, m := range r.Messages {
		if m.TextJa != "" {
			t.Errorf("a Japanese conversation's message carries text_ja: %+v", m)
		}
	}
	if r = turn(t, h, "japanese-first", `"text":"I am 40 years old"`); r.Lang != bot.LangJa {
		t.Errorf("a later English text turned a Japanese conversation into %q", r.Lang)
	}
}

// TestChecklistLang: /api/v1/checklist with lang writes the view's own
// words in it, and the Japanese view beside; Edogawa's facts are all
// translated, so the view carries no "shown in Japanese" note.
func TestChecklistLang(t *testing.T) {
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Clock: fixedClock})
	w := do(t, h, http.MethodPost, "/api/v1/checklist", `{"municipality":"edogawa","age_group":"adult","visitor":"self","expiry_date":"2025-12-01","today":"2025-05-01","lang":"en"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var body struct {
		View struct {
			Lang   bot.Lang `json:"lang"`
			Note   string   `json:"note"`
			Status string   `json:"status"`
		} `json:"view"`
		ViewJa *struct {
			Lang   bot.Lang `json:"lang"`
			Note   string   `json:"note"`
			Status string   `json:"status"`
		} `json:"view_ja"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.View.Lang != bot.LangEn || body.View.Status != "The renewal can be done from Tuesday, September 2, 2025." || body.View.Note != "" {
		t.Errorf("English view: %+v", body.View)
	}
	if body.ViewJa == nil || body.ViewJa.Lang != bot.LangJa || body.ViewJa.Status != "更新は2025年9月2日(火)からできます" || body.ViewJa.Note != "" {
		t.Errorf("Japanese view beside it: %+v", body.ViewJa)
	}
	w = do(t, h, http.MethodPost, "/api/v1/checklist", `{"municipality":"edogawa","age_group":"adult","visitor":"self"}`)
	if strings.Contains(w.Body.String(), `"view_ja"`) || !strings.Contains(w.Body.String(), `"lang":"ja","note":""`) {
		t.Errorf("a Japanese checklist: %s", w.Body)
	}
}
