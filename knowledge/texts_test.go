package knowledge_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// lineNumber is the ":<line>" of a problem, dropped where a case would
// otherwise depend on where in the fixture a text sits.
var lineNumber = regexp.MustCompile(`^([^:]+):\d+:`)

func withoutLines(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = lineNumber.ReplaceAllString(p, "$1:")
	}
	return out
}

// TestTextsValidation: the catalogue of texts is checked like every other
// fact: an id the code does not ask for, an id it asks for that is
// missing, a placeholder missing or extra (in any language), and an
// override of an unknown id or with other placeholders are errors.
func TestTextsValidation(t *testing.T) {
	const (
		nat = "national.yaml"
		aki = "akishima.yaml"
	)
	tests := []struct {
		name  string
		edits []edit
		want  []string
	}{
		{"unknown national id, so a missing one", []edit{{nat, "  - id: ward_more\n", "  - id: ward_mor\n"}}, []string{
			`national.yaml: texts: no text for "ward_more" (the code asks for it)`,
			`national.yaml: texts[34].id: unknown text id "ward_mor": the code asks for none such (bot.TextPlaceholders)`,
		}},
		{"a placeholder missing", []edit{{nat, `ja: "{municipality}のマイナンバーカードの`, `ja: "区のマイナンバーカードの`}}, []string{
			`national.yaml: texts[0].ja: placeholders none, want {municipality}`,
		}},
		{"a placeholder extra", []edit{{nat, `ja: "これより前の質問はありません。"`, `ja: "{name}さん、これより前の質問はありません。"`}}, []string{
			`national.yaml: texts[8].ja: placeholders {name}, want none`,
		}},
		{"a Japanese text missing", []edit{{nat, `    ja: "わからない"` + "\n", ""}}, []string{
			`national.yaml: texts[35].ja: required`,
		}},
		{"an override of an unknown id", []edit{{aki, "counters:\n", "texts:\n  - id: farewell\n    ja: さようなら\ncounters:\n"}}, []string{
			`akishima.yaml: texts[0].id: unknown text id "farewell": the code asks for none such (bot.TextPlaceholders)`,
		}},
		{"an override with other placeholders", []edit{{aki, "counters:\n", "texts:\n  - id: greeting\n    ja: 昭島市へようこそ。\n    en: \"Welcome to {city}.\"\ncounters:\n"}}, []string{
			`akishima.yaml: texts[0].ja: placeholders none, want {municipality}`,
			`akishima.yaml: texts[0].en: placeholders {city}, want {municipality}`,
		}},
		{"an override of nothing", []edit{{aki, "counters:\n", "texts:\n  - id: greeting\ncounters:\n"}}, []string{
			`akishima.yaml: texts[0]: overrides nothing: give ja, ja-x-easy or en`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertProblems(t, withoutLines(problems(t, withEdits(t, tt.edits...))), tt.want)
		})
	}
}

// textProblems keeps the problems of texts and questions, not of facts.
func textProblems(ps []knowledge.Problem) []knowledge.Problem {
	var out []knowledge.Problem
	for _, p := range ps {
		if strings.HasPrefix(p.Field, "texts[") || strings.HasPrefix(p.Field, "questions[") {
			out = append(out, p)
		}
	}
	return out
}

// TestEmbeddedTextsTranslated: every text and every fact of the embedded
// knowledge has its やさしい日本語 and its English, so the validator's
// report of missing translations is empty.
func TestEmbeddedTextsTranslated(t *testing.T) {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range kb.MissingTranslations() {
		t.Error(p)
	}
	if len(kb.National.Texts) != len(bot.TextPlaceholders) {
		t.Errorf("%d national texts, want the %d the code asks for", len(kb.National.Texts), len(bot.TextPlaceholders))
	}
}

// TestTextsOverride: a municipality's Japanese override replaces the
// national text for its residents only, in every language it does not
// translate itself (the national translation says the national words);
// its own translation is used where it gives one.
func TestTextsOverride(t *testing.T) {
	dir := withEdits(t, edit{"akishima.yaml", "counters:\n",
		"texts:\n  - id: greeting\n    ja: \"{municipality}の窓口案内です。\"\n  - id: command_reset\n    ja: はじめから\n    en: Start again\ncounters:\n"})
	kb, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	aki, edo := kb.Municipality("akishima"), kb.Municipality("edogawa")
	if got := aki.Words(bot.LangJa).Get(bot.TextGreeting, "municipality", "昭島市"); got != "昭島市の窓口案内です。" {
		t.Errorf("akishima greeting %q, want its override", got)
	}
	if got, nat := edo.Words(bot.LangJa).Get(bot.TextCommandReset), kb.Texts(nil, bot.LangJa).Get(bot.TextCommandReset); got != nat || got == "はじめから" {
		t.Errorf("edogawa's reset is %q, want the national %q", got, nat)
	}
	en := aki.Words(bot.LangEn)
	if got := en.Get(bot.TextCommandReset); got != "Start again" {
		t.Errorf("akishima's English reset %q, want its own translation", got)
	}
	if got := en.Get(bot.TextGreeting); got != "{municipality}の窓口案内です。" {
		t.Errorf("akishima's English greeting %q, want its Japanese override (the national English says other words)", got)
	}
	if got := en.Ja(bot.TextCommandReset); got != "はじめから" {
		t.Errorf("the Japanese beside akishima's English reset is %q, want its override", got)
	}
}

// TestMissingTranslationFallsBack: a text without its English is said in
// Japanese to residents reading English, and is not marked as translated.
func TestMissingTranslationFallsBack(t *testing.T) {
	kb, err := knowledge.LoadDir(withEdits(t, edit{"national.yaml", "    en: \"Back\"\n", ""}))
	if err != nil {
		t.Fatal(err)
	}
	en := kb.Texts(nil, bot.LangEn)
	if got := en.Get(bot.TextCommandBack); got != "戻る" {
		t.Errorf("untranslated back button in English: %q, want the Japanese 戻る", got)
	}
	if got := en.Ja(bot.TextCommandBack); got != "" {
		t.Errorf("untranslated back button has a Japanese original beside it: %q", got)
	}
	if got, ja := en.Get(bot.TextCommandReset), en.Ja(bot.TextCommandReset); got != "Start over" || ja != "最初から" {
		t.Errorf("translated reset button: %q beside %q, want Start over beside 最初から", got, ja)
	}
	if n := len(textProblems(kb.MissingTranslations())); n != 1 {
		t.Errorf("%d missing translations of texts, want 1: %v", n, textProblems(kb.MissingTranslations()))
	}
}
