package faq_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/faq"
)

func TestAskAnswersFromTheKnowledgeBase(t *testing.T) {
	kb := testKB(t)
	ix := faq.New(kb)
	for _, m := range []string{"edogawa", "akishima", "nerima", "akitakata", "yokohama"} {
		r := ix.Ask(m, "暗証番号って何桁だっけ")
		if r.Topic != "pin_types" || !r.Confident {
			t.Fatalf("%s: got %s (%.2f, confident %v), want a confident pin_types", m, r.Topic, r.Score, r.Confident)
		}
		if r.Title != kb.Topic("pin_types").Title {
			t.Errorf("%s: Title = %q, want the topic's title", m, r.Title)
		}
		want, ok := kb.Answer(m, "pin_types")
		if !ok {
			t.Fatalf("%s: no answer for pin_types (national.yaml has one)", m)
		}
		if r.Answer.Text != want.Text {
			t.Errorf("%s: Answer = %q, want %q", m, r.Answer.Text, want.Text)
		}
	}
}

func TestAskUnknownMunicipalityFallsBackToNational(t *testing.T) {
	kb := testKB(t)
	r := faq.New(kb).Ask("nowhere", "顔認証マイナンバーカードでも更新いるの?")
	if r.Topic != "face_auth" {
		t.Fatalf("got %s, want face_auth", r.Topic)
	}
	var national string
	for _, a := range kb.National.Answers {
		if a.Topic == "face_auth" {
			national = a.Text
		}
	}
	if r.Answer.Text != national {
		t.Errorf("Answer = %q, want the national answer %q", r.Answer.Text, national)
	}
}

func TestAskNothingToMatch(t *testing.T) {
	ix := faq.New(testKB(t))
	for _, q := range []string{"", "   ", "。。。!?", "zzzzqqq"} {
		r := ix.Ask("nerima", q)
		if r.Confident || r.Topic != "" && r.Score >= ix.Threshold() {
			t.Errorf("Ask(%q) = %+v, want no confident match", q, r)
		}
		if q != "zzzzqqq" && !reflect.DeepEqual(r, faq.Result{}) {
			t.Errorf("Ask(%q) = %+v, want the zero Result", q, r)
		}
	}
}

func TestAskOddInput(t *testing.T) {
	ix := faq.New(testKB(t))
	long := strings.Repeat("暗証番号を忘れました。", 10000)
	if r := ix.Ask("nerima", long); r.Topic != "pin_forgotten" {
		t.Errorf("a very long question: got %q, want pin_forgotten", r.Topic)
	}
	if r := ix.Ask("nerima", "暗証番号\xff\xfeを忘れた"); r.Topic != "pin_forgotten" {
		t.Errorf("invalid UTF-8: got %q, want pin_forgotten", r.Topic)
	}
	if r := faq.New(&knowledge.KB{}).Ask("nerima", "暗証番号を忘れた"); !reflect.DeepEqual(r, faq.Result{}) {
		t.Errorf("empty knowledge base: got %+v, want the zero Result", r)
	}
}

// TestSlotAnswersAreNotQuestions: the dialog asks the FAQ only when a text
// is not a slot answer, but a slot answer must never pass for a question.
func TestSlotAnswersAreNotQuestions(t *testing.T) {
	ix := faq.New(testKB(t))
	for _, q := range []string{
		"はい", "いいえ", "うん", "ううん", "そうです", "違います",
		// Not "15歳未満": it is also the under15 topic's title, and the
		// dialog reads it as an age answer before asking the FAQ.
		"35歳", "14歳", "15歳以上", "１５歳以上", "80歳",
		"本人", "本人です", "自分", "私が行きます", "夫が行きます", "母が行きます", "代理人", "家族",
		"持ってます", "持っていません", "あります", "ない",
		"2026/3/24", "2025-07-07", "令和7年7月7日", "7月7日", "来月",
		"最初から", "OK", "わかりました", "ありがとう",
	} {
		if r := ix.Ask("edogawa", q); r.Confident {
			t.Errorf("slot answer %q is Confident: %s (%.2f ≥ %.2f)", q, r.Topic, r.Score, ix.Threshold())
		}
	}
}

// TestAskConcurrently runs under -race: the dialog serves many users with
// one Index.
func TestAskConcurrently(t *testing.T) {
	ix := faq.New(testKB(t))
	want := ix.Ask("yokohama", "予約は必要?")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := ix.Ask("yokohama", "予約は必要?"); got.Topic != want.Topic || got.Score != want.Score {
					t.Errorf("concurrent Ask = %s %.2f, want %s %.2f", got.Topic, got.Score, want.Topic, want.Score)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkAsk(b *testing.B) {
	ix := faq.New(testKB(b))
	questions := []string{"暗証番号わすれちゃった", "土曜ってやってる?", "代わりに母が行ってもいい?",
		"電子証明書の期限が過ぎたらカードも使えなくなる?", "はい"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Ask("nerima", questions[i%len(questions)])
	}
}

func BenchmarkNew(b *testing.B) {
	kb := testKB(b)
	b.ReportAllocs()
	for b.Loop() {
		faq.New(kb)
	}
}

// TestForKeepsOneIndexPerVersion: the index is built once per knowledge
// version and handed out again, never rebuilt per turn.
func TestForKeepsOneIndexPerVersion(t *testing.T) {
	a, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	b, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	if faq.For(a) != faq.For(a) {
		t.Error("For(a) built a second index")
	}
	if faq.For(a) == faq.For(b) {
		t.Error("two versions share an index")
	}
	if r := faq.For(b).Ask("nerima", "暗証番号って何桁だっけ"); r.Topic != "pin_types" {
		t.Errorf("For(b) answers %q, want pin_types", r.Topic)
	}
}

// TestAskEnglishByWords: an English question is matched by its words, not
// by the letters they share with unrelated ones, and English small talk and
// other services get no answer ("What's the weather like tomorrow?" once
// matched the notice topic through "what's the" and the letters of "weather").
func TestAskEnglishByWords(t *testing.T) {
	ix := faq.New(testKB(t))
	for q, want := range map[string]string{
		"How much does it cost?":                                        "fee",
		"I forgot my PIN. Can they reset it at the counter?":            "pin_forgotten",
		"What time does the counter open?":                              "hours",
		"What is this letter in the blue envelope?":                     "notice",
		"What is this blue envelope I got from J-LIS?":                  "notice",
		"What kinds of PIN are there, and how many digits is each one?": "pin_types",
		"区役所の駐車場って何台くらいとめられる？":                                          "",
		"What's the weather like tomorrow?":                             "",
		"Thank you!":                                                    "",
		"Where can I get a flu shot in Edogawa?":                        "",
		"Is there a bus from Yoshida to Hiroshima station?":             "",
		"How do I pay my resident tax?":                                 "",
	} {
		r := ix.Ask("edogawa", q)
		got := r.Topic
		if !r.Likely && !r.Confident {
			got = ""
		}
		if got != want {
			t.Errorf("Ask(%q) = %s (%.0f, likely %v, confident %v), want %q", q, r.Topic, r.Score, r.Likely, r.Confident, want)
		}
	}
}

// TestNarrowerAndNeeds: a follow-up question that names e-Tax or the
// convenience store is that follow-up, not the follow-ups in general
// (national.yaml followups.narrower); a question that names nothing of a
// smartphone or a face is never the smartphone or face-authentication
// topic (their needs), whatever it shares with their phrasings.
func TestNarrowerAndNeeds(t *testing.T) {
	ix := faq.New(testKB(t))
	for q, want := range map[string]string{
		"毎年e-Taxで確定申告してます。更新したら何か設定し直す必要ありますか":                          "followup_etax",
		"konbini issuance after renewal - do I need to register again?": "followup_konbini",
		"更新したあと、何かしておくことはありますか":                                         "followups",
		"スマホに電子証明書を入れてるけど、どうなる？":                                        "smartphone",
	} {
		if r := ix.Ask("edogawa", q); r.Topic != want {
			t.Errorf("Ask(%q) = %s (%.0f), want %s", q, r.Topic, r.Score, want)
		}
	}
	for _, q := range []string{"江戸川区のマイナンバーの窓口の電話何番？", "葛西のマイナンバーカード専用窓口でも更新できますか？"} {
		if r := ix.Ask("edogawa", q); r.Topic == "smartphone" || r.Topic == "face_auth" {
			t.Errorf("Ask(%q) = %s (%.0f): the question names neither a smartphone nor a face", q, r.Topic, r.Score)
		}
	}
}
