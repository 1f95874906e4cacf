package bot

import "strings"

// TextID names one sentence or label residents read. The words live in the
// knowledge (national.yaml's texts:, overridden per municipality in its own
// file's texts:), never in Go or JavaScript: every channel asks a Texts by
// id, so that staff change a wording in one place. TextPlaceholders lists
// every id the code asks for, with the {placeholders} its text takes; the
// knowledge's validator checks the catalogue against it.
type TextID string

// Lang is a language residents read: Japanese, やさしい日本語 (easy
// Japanese, following the Immigration Services Agency's guidelines) and
// English. Japanese is the original; a text not translated falls back to it.
type Lang string

// The languages.
const (
	LangJa   Lang = "ja"
	LangEasy Lang = "ja-x-easy"
	LangEn   Lang = "en"
)

// Langs lists the languages, Japanese first.
var Langs = []Lang{LangJa, LangEasy, LangEn}

// ParseLang returns the language named s, false when s names none of Langs.
func ParseLang(s string) (Lang, bool) {
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

// Texts is the catalogue of one municipality in one language: the national
// texts with the municipality's overrides, each in Lang or, where it has no
// translation yet, in Japanese (Fallback lists those ids). It is plain data,
// so that a reply saved for a retry (LINE's outbox) keeps its words.
type Texts struct {
	Lang  Lang              `json:"lang"`
	Words map[TextID]string `json:"words"`
	// Japanese holds the Japanese original of each text translated into
	// Lang (nil for Japanese), for the text_ja fields of the API.
	Japanese map[TextID]string `json:"japanese,omitempty"`
}

// Get returns the text id with each {name} replaced by its value; vars
// are name, value pairs. An id the catalogue lacks (a Texts built by hand
// in a test; the validator makes the knowledge's complete) gives the id
// in braces, so that the gap shows rather than a blank.
func (t Texts) Get(id TextID, vars ...string) string {
	s, ok := t.Words[id]
	if !ok {
		return "{" + string(id) + "}"
	}
	return Fill(s, vars...)
}

// Ja returns the Japanese original of id when the text was translated into
// t.Lang, "" when t is Japanese or the text was not translated.
func (t Texts) Ja(id TextID, vars ...string) string {
	s, ok := t.Japanese[id]
	if !ok {
		return ""
	}
	return Fill(s, vars...)
}

// Fill replaces each {name} of s by its value; vars are name, value pairs.
func Fill(s string, vars ...string) string {
	if len(vars) < 2 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, len(vars))
	for i := 0; i+1 < len(vars); i += 2 {
		pairs = append(pairs, "{"+vars[i]+"}", vars[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
