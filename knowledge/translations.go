package knowledge

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// Tr is a fact's words in one language beside Japanese, by the YAML name
// of the field they translate: {text: "…", note: "…"} for an item. A field
// it leaves out stays Japanese.
type Tr map[string]string

// Translations are a fact's words in やさしい日本語 and English, written
// next to the Japanese in the same YAML mapping, the way national
// questions carry theirs:
//
//   - id: card
//     text: 本人のマイナンバーカード
//     ja-x-easy: {text: 本人(ほんにん)の マイナンバーカード}
//     en: {text: The card holder's My Number Card}
//
// A fact without them is valid: its residents read the Japanese, and
// MissingTranslations lists it.
type Translations struct {
	Easy Tr `yaml:"ja-x-easy,omitempty"`
	En   Tr `yaml:"en,omitempty"`
}

// In returns the field's words in lang and whether they are in lang: ja
// itself for Japanese and for an empty ja; ja, false where the field is
// not translated into lang.
func (t Translations) In(lang bot.Lang, field, ja string) (string, bool) {
	if lang == bot.LangJa || lang == "" || ja == "" {
		return ja, true
	}
	if s := t.tr(lang)[field]; s != "" {
		return s, true
	}
	return ja, false
}

// tr returns t's translation into lang (nil for Japanese).
func (t Translations) tr(lang bot.Lang) Tr { return byLang(lang, nil, t.Easy, t.En) }

// byLang returns easy for やさしい日本語, en for English and ja otherwise.
func byLang[T any](lang bot.Lang, ja, easy, en T) T {
	switch lang {
	case bot.LangEasy:
		return easy
	case bot.LangEn:
		return en
	}
	return ja
}

// translationKeys are the YAML keys of a mapping that carry translations.
var translationKeys = []string{"ja-x-easy", "en"}

// fact is one resident-facing fact of the knowledge, for the translation
// checks: where it is, its translations and its Japanese fields by name.
type fact struct {
	file, path string
	tr         Translations
	ja         map[string]string
}

// facts lists every translatable fact of the municipal and national
// knowledge: contacts' names, answers, counters, wards, items, item
// references' notes, rules' not-covered texts, notes, follow-ups and the
// silent texts.
func (kb *KB) facts() []fact {
	var out []fact
	add := func(file, path string, tr Translations, fields ...string) {
		ja := map[string]string{}
		for i := 0; i+1 < len(fields); i += 2 {
			ja[fields[i]] = fields[i+1]
		}
		out = append(out, fact{file, path, tr, ja})
	}
	contacts := func(file string, cs []Contact) {
		for i, c := range cs {
			add(file, fmt.Sprintf("contacts[%d]", i), c.Translations, "name", c.Name)
		}
	}
	answers := func(file string, as []Answer) {
		for i, a := range as {
			add(file, fmt.Sprintf("answers[%d]", i), a.Translations, "text", a.Text)
		}
	}
	contacts("national.yaml", kb.National.Contacts)
	answers("national.yaml", kb.National.Answers)
	for _, m := range kb.Municipalities {
		f := m.file
		var silent []string
		for _, k := range slices.Sorted(maps.Keys(m.Silent)) {
			silent = append(silent, "silent."+k, m.Silent[k])
		}
		add(f, "", m.Translations, silent...)
		contacts(f, m.Contacts)
		if m.Contact.Ref == "" {
			add(f, "contact", m.Contact.Translations, "name", m.Contact.Name)
		}
		answers(f, m.Answers)
		for i, c := range m.Counters {
			add(f, fmt.Sprintf("counters[%d]", i), c.Translations, "name", c.Name, "hours", c.Hours, "reservation", c.Reservation)
		}
		for i, w := range m.Wards {
			add(f, fmt.Sprintf("wards[%d]", i), w.Translations, "counter", w.Counter, "reservation", w.Reservation)
		}
		for i, it := range m.Items {
			add(f, fmt.Sprintf("items[%d]", i), it.Translations, "text", it.Text, "note", it.Note)
		}
		for i, r := range m.Rules {
			add(f, fmt.Sprintf("rules[%d]", i), r.Translations, "not_covered", r.NotCovered)
			for j, v := range r.Visits {
				for k, ref := range v.Items {
					add(f, fmt.Sprintf("rules[%d].visits[%d].items[%d]", i, j, k), ref.Translations, "note", ref.Note)
				}
			}
		}
		for i, n := range m.Notes {
			add(f, fmt.Sprintf("notes[%d]", i), n.Translations, "text", n.Text)
		}
		for i, fu := range m.Followups {
			add(f, fmt.Sprintf("followups[%d]", i), fu.Translations, "title", fu.Title, "text", fu.Text)
		}
	}
	return out
}

// join makes a field path from a fact's path and a key.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// checkTranslations checks every fact's translations: each names a field
// the fact has in Japanese, keeps the Japanese's {placeholders}, and adds
// no number (a phone number, a date, an amount) the Japanese does not
// have: every run of digits in a translation must be one of the
// Japanese's.
func (c *checker) checkTranslations() {
	for _, f := range c.kb.facts() {
		for _, l := range []bot.Lang{bot.LangEasy, bot.LangEn} {
			tr := f.tr.tr(l)
			for _, key := range slices.Sorted(maps.Keys(tr)) {
				p := join(f.path, string(l)+"."+key)
				ja, ok := f.ja[key]
				switch {
				case !ok:
					c.at(f.file, p, "translates no field: %s has %s", f.path, strings.Join(slices.Sorted(maps.Keys(f.ja)), ", "))
					continue
				case ja == "":
					c.at(f.file, p, "translates %s, which is empty in Japanese", key)
					continue
				case strings.TrimSpace(tr[key]) == "":
					c.at(f.file, p, "empty translation: leave it out to show the Japanese")
					continue
				}
				if got, want := textPlaceholders(tr[key]), textPlaceholders(ja); !slices.Equal(got, want) {
					c.at(f.file, p, "placeholders %s, want the Japanese's %s", braces(got), braces(want))
				}
				if extra := extraNumbers(ja, tr[key]); len(extra) > 0 {
					c.at(f.file, p, "has %s, which the Japanese does not (a translation adds no phone number, date or amount)", strings.Join(extra, ", "))
				}
			}
		}
	}
}

var digitRun = regexp.MustCompile(`[0-9]+`)

// digitRuns returns the runs of digits in s, full-width digits made narrow.
func digitRuns(s string) []string {
	s = strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, s)
	return digitRun.FindAllString(s, -1)
}

// extraNumbers returns the runs of digits of tr that ja does not have.
func extraNumbers(ja, tr string) []string {
	have := digitRuns(ja)
	var out []string
	for _, d := range digitRuns(tr) {
		if !slices.Contains(have, d) && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// missingFactTranslations lists every Japanese field of a fact without its
// やさしい日本語 or English.
func (kb *KB) missingFactTranslations() []Problem {
	var out []Problem
	for _, f := range kb.facts() {
		for _, l := range []bot.Lang{bot.LangEasy, bot.LangEn} {
			tr := f.tr.tr(l)
			for _, key := range slices.Sorted(maps.Keys(f.ja)) {
				if f.ja[key] != "" && tr[key] == "" {
					out = append(out, Problem{File: f.file, Field: join(f.path, string(l)+"."+key),
						Message: fmt.Sprintf("no %s translation of %s (the Japanese is shown)", l, key)})
				}
			}
		}
	}
	return out
}
