package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/api"
)

// factsView is the part of a checklist's view that holds the page's facts.
type factsView struct {
	Lang        bot.Lang `json:"lang"`
	Note        string   `json:"note"`
	Translation string   `json:"translation"`
	Visits      []struct {
		Items []struct {
			Text string `json:"text"`
			Note string `json:"note"`
		} `json:"items"`
	} `json:"visits"`
	Places []struct {
		Name string `json:"name"`
	} `json:"places"`
	Afterwards []struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"afterwards"`
	Warnings []string `json:"warnings"`
}

// texts lists every fact text of v.
func (v factsView) texts() []string {
	var out []string
	for _, g := range v.Visits {
		for _, it := range g.Items {
			out = append(out, it.Text, it.Note)
		}
	}
	for _, p := range v.Places {
		out = append(out, p.Name)
	}
	for _, s := range v.Afterwards {
		out = append(out, s.Title, s.Text)
	}
	return append(out, v.Warnings...)
}

// TestChecklistFactsTranslated: Akitakata's checklist, every fact of which
// is translated, comes through /api/v1/checklist in English and in
// やさしい日本語 with its facts in that language, no "shown in Japanese"
// note but the line that it is a translation, the items' top-level texts in the language too, and the Japanese
// view beside it holding the page's Japanese.
func TestChecklistFactsTranslated(t *testing.T) {
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Clock: fixedClock})
	m := kb(t).Municipality("akitakata")
	for _, tt := range []struct {
		lang      bot.Lang
		card, pin string
	}{
		{bot.LangEn, "My Number Card", "A paper or the like with your PINs noted"},
		{bot.LangEasy, "マイナンバーカード", "暗証番号(あんしょうばんごう)を 書(か)いた 紙(かみ)など"},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			w := do(t, h, http.MethodPost, "/api/v1/checklist", `{"municipality":"akitakata","age_group":"adult","visitor":"self","expiry_date":"2025-07-07","today":"2025-08-01","lang":"`+string(tt.lang)+`"}`)
			if w.Code != http.StatusOK {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			var body struct {
				Items  []bot.Item `json:"items"`
				View   factsView  `json:"view"`
				ViewJa *factsView `json:"view_ja"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			for _, hidden := range []string{`"japanese"`, `"untranslated"`, `"texts"`} {
				if strings.Contains(w.Body.String(), hidden) {
					t.Errorf("the body writes %s", hidden)
				}
			}
			v := body.View
			if want := m.Words(tt.lang).Get(bot.TextTranslated); v.Lang != tt.lang || v.Note != "" || v.Translation != want {
				t.Errorf("view in %q with note %q and translation %q, want %s, no note (every fact is translated) and %q", v.Lang, v.Note, v.Translation, tt.lang, want)
			}
			if len(body.Items) < 2 || body.Items[0].Text != tt.card || body.Items[1].Text != tt.pin {
				t.Errorf("items %+v, want %q and %q first", body.Items, tt.card, tt.pin)
			}
			if len(v.Visits) == 0 || v.Visits[0].Items[0].Text != tt.card || len(v.Places) == 0 || len(v.Warnings) == 0 {
				t.Fatalf("view %+v", v)
			}
			ja := body.ViewJa
			if ja == nil || ja.Lang != bot.LangJa || ja.Visits[0].Items[0].Text != m.Items[0].Text || ja.Visits[0].Items[0].Note != m.Items[0].Note {
				t.Fatalf("Japanese view %+v, want the page's Japanese items", ja)
			}
			if got, want := len(v.texts()), len(ja.texts()); got != want {
				t.Errorf("%d fact texts in %s, %d in Japanese", got, tt.lang, want)
			}
			for i, s := range v.texts() {
				if tt.lang == bot.LangEn && hasJapaneseOnly(s) {
					t.Errorf("English fact %q is Japanese (Japanese %q)", s, ja.texts()[i])
				}
			}
		})
	}
}

// hasJapaneseOnly reports whether s is Japanese with no English word: a
// translated text may quote a Japanese name in parentheses.
func hasJapaneseOnly(s string) bool {
	latin := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			latin++
		}
	}
	return hasJapanese(s) && latin < 3
}

// TestChatFAQAnswersTranslated: in an English and in a やさしい日本語
// conversation an FAQ answer, the municipality's own and a national one,
// comes in that language with its Japanese beside it (text_ja) and no
// "shown in Japanese" note.
func TestChatFAQAnswersTranslated(t *testing.T) {
	k := kb(t)
	h := newServer(t, api.Deps{Catalog: catalogOf(k), Responder: dialog.New(dialog.Config{KB: k, Store: &dialog.MemoryStore{}}), Clock: fixedClock})
	own, _ := k.Answer("nerima", "fee")
	var national knowledge.Answer // one Nerima does not answer itself
	for _, a := range k.National.Answers {
		if mine, _ := k.Answer("nerima", a.Topic); mine.Text == a.Text {
			national = a
		}
	}
	if national.Topic == "" {
		t.Fatal("nerima answers every national topic itself")
	}
	for _, lang := range []bot.Lang{bot.LangEn, bot.LangEasy} {
		t.Run(string(lang), func(t *testing.T) {
			tx := kbtest.Texts(t, "nerima", lang)
			session := "faq-answers-" + string(lang)
			turn(t, h, session, `"postback":"start","lang":"`+string(lang)+`"`)
			for _, a := range []struct {
				topic string
				want  string
			}{
				{"fee", translated(t, own, lang)},
				{national.Topic, translated(t, national, lang)},
			} {
				r := turn(t, h, session, `"postback":"faq=`+a.topic+`"`)
				found := false
				for _, m := range r.Messages {
					if m.Text == tx.Get(bot.TextJapaneseOnly) {
						t.Errorf("%s: the note that the page's words are Japanese, for a translated answer", a.topic)
					}
					if strings.Contains(m.Text, a.want) && m.TextJa != "" && !strings.Contains(m.TextJa, a.want) {
						found = true
					}
				}
				if r.Lang != lang || !found {
					t.Errorf("%s in %q: %+v, want the answer %q with its Japanese beside it", a.topic, r.Lang, r.Messages, a.want)
				}
			}
		})
	}
}

// translated returns a's text in lang, failing when it has none.
func translated(t *testing.T, a knowledge.Answer, lang bot.Lang) string {
	t.Helper()
	s, ok := a.In(lang, "text", a.Text)
	if !ok {
		t.Fatalf("the %s answer has no %s translation", a.Topic, lang)
	}
	return s
}
