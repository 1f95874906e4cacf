package knowledge

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
)

// Text is one sentence or label residents read, by id (bot.TextID): the
// Japanese original and its translations into やさしい日本語 and English.
// National texts (national.yaml) give every id the code asks for
// (bot.TextPlaceholders); a municipality's texts override some of them in
// its own words, one language or more. {name} placeholders are filled in
// by the code: every language of an id takes exactly the id's.
type Text struct {
	ID   bot.TextID `yaml:"id"`
	Ja   string     `yaml:"ja,omitempty"`
	Easy string     `yaml:"ja-x-easy,omitempty"`
	En   string     `yaml:"en,omitempty"`
}

// in returns t's words in lang, "" when t has none.
func (t Text) in(lang bot.Lang) string { return byLang(lang, t.Ja, t.Easy, t.En) }

// Words returns m's catalogue in lang (KB.Texts), empty for a
// municipality not loaded by Load.
func (m *Municipality) Words(lang bot.Lang) bot.Texts {
	if m.kb == nil {
		return bot.Texts{Lang: lang}
	}
	return m.kb.Texts(m, lang)
}

// textsKey keys a municipality's catalogue in one language (Derived).
type textsKey struct {
	municipality string
	lang         bot.Lang
}

// Texts returns m's catalogue in lang: the national texts with m's
// overrides, each in lang or, where it has none, in Japanese. Japanese
// holds the originals of the texts given in lang (for text_ja fields). A
// nil m gives the national catalogue; an unknown lang gives Japanese. The
// catalogue is built once per KB and shared: callers must not change its
// maps.
func (kb *KB) Texts(m *Municipality, lang bot.Lang) bot.Texts {
	if _, ok := bot.ParseLang(string(lang)); !ok {
		lang = bot.LangJa
	}
	id := ""
	if m != nil {
		id = m.ID
	}
	return kb.Derived(textsKey{id, lang}, func() any { return kb.buildTexts(m, lang) }).(bot.Texts)
}

func (kb *KB) buildTexts(m *Municipality, lang bot.Lang) bot.Texts {
	var own []Text
	if m != nil {
		own = m.Texts
	}
	out := bot.Texts{Lang: lang, Words: make(map[bot.TextID]string, len(kb.National.Texts))}
	if lang != bot.LangJa {
		out.Japanese = map[bot.TextID]string{}
	}
	for _, t := range kb.National.Texts {
		ja, tr := t.Ja, t.in(lang)
		if i := slices.IndexFunc(own, func(o Text) bool { return o.ID == t.ID }); i >= 0 {
			// An override's Japanese changes the original; its translation,
			// when it gives none, is not the national one (which says
			// what the national Japanese says).
			if own[i].Ja != "" {
				ja, tr = own[i].Ja, ""
			}
			if s := own[i].in(lang); s != "" {
				tr = s
			}
		}
		switch {
		case lang == bot.LangJa || tr == "":
			out.Words[t.ID] = ja
		default:
			out.Words[t.ID] = tr
			out.Japanese[t.ID] = ja
		}
	}
	return out
}

// textPlaceholders returns the sorted names of the {placeholders} of s
// (placeholderPattern, as for notes).
func textPlaceholders(s string) []string {
	var out []string
	for _, m := range placeholderPattern.FindAllString(s, -1) {
		if name := strings.Trim(m, "{}"); !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// checkTexts checks the texts of file: known ids, once each, and every
// language with exactly its id's placeholders. national requires the
// Japanese of every id the code asks for.
func (c *checker) checkTexts(file string, texts []Text, national bool) {
	c.uniqueIDs(file, "texts", "id", idsOf(texts, func(t Text) string { return string(t.ID) }), true)
	seen := map[bot.TextID]bool{}
	for i, t := range texts {
		p := fmt.Sprintf("texts[%d]", i)
		want, ok := bot.TextPlaceholders[t.ID]
		if !ok {
			if t.ID != "" {
				c.at(file, p+".id", "unknown text id %q: the code asks for none such (bot.TextPlaceholders)", t.ID)
			}
			continue
		}
		seen[t.ID] = true
		if national {
			c.required(file, p+".ja", t.Ja)
		} else if t.Ja == "" && t.Easy == "" && t.En == "" {
			c.at(file, p, "overrides nothing: give ja, ja-x-easy or en")
		}
		want = slices.Sorted(slices.Values(want))
		for _, l := range bot.Langs {
			s := t.in(l)
			if s == "" {
				continue
			}
			if got := textPlaceholders(s); !slices.Equal(got, want) {
				c.at(file, p+"."+string(l), "placeholders %s, want %s", braces(got), braces(want))
			}
		}
	}
	if !national {
		return
	}
	var missing []string
	for id := range bot.TextPlaceholders {
		if !seen[id] {
			missing = append(missing, string(id))
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		c.at(file, "texts", "no text for %q (the code asks for it)", id)
	}
}

func braces(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return "{" + strings.Join(names, "}, {") + "}"
}

// MissingTranslations lists, as warnings, every national text and question
// without its やさしい日本語 or English: residents reading those languages
// get the Japanese there. A municipality's Japanese override (a text or a
// question) without a translation is listed too (its residents get the
// Japanese), and so is every field of the page's facts (Translations: items,
// counters, wards, notes, follow-ups, contacts' names, not-covered and
// silent texts, FAQ answers, national ones included) without one.
func (kb *KB) MissingTranslations() []Problem {
	var out []Problem
	check := func(file string, i int, t Text) {
		for _, l := range []bot.Lang{bot.LangEasy, bot.LangEn} {
			if t.in(l) == "" {
				out = append(out, Problem{File: file, Field: fmt.Sprintf("texts[%d].%s", i, l),
					Message: fmt.Sprintf("%s: no %s translation (the Japanese is shown)", t.ID, l)})
			}
		}
	}
	for i, t := range kb.National.Texts {
		check("national.yaml", i, t)
	}
	for _, m := range kb.Municipalities {
		for i, t := range m.Texts {
			if t.Ja != "" {
				check(m.file, i, t)
			}
		}
	}
	questions := func(file string, qs []Question) {
		for i, q := range qs {
			for _, l := range []bot.Lang{bot.LangEasy, bot.LangEn} {
				if q.in(l) == nil {
					out = append(out, Problem{File: file, Field: fmt.Sprintf("questions[%d].%s", i, l),
						Message: fmt.Sprintf("the %s question: no %s translation (the Japanese is shown)", q.Slot, l)})
				}
			}
		}
	}
	questions("national.yaml", kb.National.Questions)
	for i, tp := range kb.National.Topics {
		for _, l := range []bot.Lang{bot.LangEasy, bot.LangEn} {
			if tp.TitleIn(l) == tp.Title {
				out = append(out, Problem{File: "national.yaml", Field: fmt.Sprintf("topics[%d].%s", i, l),
					Message: fmt.Sprintf("the %s topic's title: no %s translation (the Japanese is shown)", tp.ID, l)})
			}
		}
	}
	for _, m := range kb.Municipalities {
		questions(m.file, m.Questions)
	}
	return append(out, kb.missingFactTranslations()...)
}
