package knowledge_test

import (
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// TestFactTranslationsValidation: a fact's translation is refused when it
// names a field the fact does not have, adds a number (a phone number, a
// date, an amount) the Japanese does not have, or is empty; a plain
// Japanese fact stays valid, and a good translation passes.
func TestFactTranslationsValidation(t *testing.T) {
	const aki = "akishima.yaml"
	item := "    text: マイナンバーカード\n"
	answer := "    text: 平日8時30分から17時15分までです。\n"
	tests := []struct {
		name  string
		edits []edit
		want  []string
	}{
		{"a good translation", []edit{{aki, item, item + "    en: {text: My Number Card}\n    ja-x-easy: {text: マイナンバーカード}\n"},
			{aki, answer, answer + "    en: {text: \"Weekdays, 8:30 to 17:15.\"}\n"}}, nil},
		{"a field the fact does not have", []edit{{aki, item, item + "    en: {txt: My Number Card}\n"}}, []string{
			"akishima.yaml: items[0].en.txt: translates no field: items[0] has note, text",
		}},
		{"a field empty in Japanese", []edit{{aki, item, item + "    en: {note: Bring it}\n"}}, []string{
			"akishima.yaml: items[0].en.note: translates note, which is empty in Japanese",
		}},
		{"a number the Japanese does not have", []edit{{aki, answer, answer + "    en: {text: \"Weekdays, 8:30 to 17:15; call 042-544-5111.\"}\n"}}, []string{
			"akishima.yaml: answers[0].en.text: has 042, 544, 5111, which the Japanese does not (a translation adds no phone number, date or amount)",
		}},
		{"an empty translation", []edit{{aki, answer, answer + "    ja-x-easy: {text: \" \"}\n"}}, []string{
			"akishima.yaml: answers[0].ja-x-easy.text: empty translation: leave it out to show the Japanese",
		}},
		{"a key of an item reference", []edit{{aki, "      - items: [card]\n", "      - items: [{item: card, note: 原本, en: {note: The original}}]\n"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertProblems(t, withoutLines(problems(t, withEdits(t, tt.edits...))), tt.want)
		})
	}
}

// TestMissingFactTranslations: every fact field without its translation
// is a warning, and one translated stops being one.
func TestMissingFactTranslations(t *testing.T) {
	item := "    text: マイナンバーカード\n"
	missing := func(dir string) []string {
		kb, err := knowledge.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range kb.MissingTranslations() {
			if p.File == "akishima.yaml" && strings.HasPrefix(p.Field, "items[0].") {
				out = append(out, p.Field)
			}
		}
		return out
	}
	if got := missing(withEdits(t)); strings.Join(got, " ") != "items[0].ja-x-easy.text items[0].en.text" {
		t.Errorf("untranslated item: warnings %q, want its ja-x-easy and en text", got)
	}
	if got := missing(withEdits(t, edit{"akishima.yaml", item, item + "    en: {text: My Number Card}\n"})); strings.Join(got, " ") != "items[0].ja-x-easy.text" {
		t.Errorf("item translated into English: warnings %q, want only its ja-x-easy text", got)
	}
}

// TestTranslationsIn: a field's translation where it has one, the
// Japanese (not translated) where it has none.
func TestTranslationsIn(t *testing.T) {
	tr := knowledge.Translations{En: knowledge.Tr{"text": "The card"}}
	if s, ok := tr.In(bot.LangEn, "text", "カード"); s != "The card" || !ok {
		t.Errorf("In(en) = %q, %v", s, ok)
	}
	if s, ok := tr.In(bot.LangEasy, "text", "カード"); s != "カード" || ok {
		t.Errorf("In(ja-x-easy) = %q, %v, want the Japanese, not translated", s, ok)
	}
	if s, ok := tr.In(bot.LangJa, "text", "カード"); s != "カード" || !ok {
		t.Errorf("In(ja) = %q, %v", s, ok)
	}
}
