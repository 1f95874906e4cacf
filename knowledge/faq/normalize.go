package faq

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds the ways one Japanese question can be written into one
// form: NFKC (full-width ASCII and half-width katakana to their standard
// widths, ① to 1), lower case, katakana to hiragana (ヶ, ヵ and カ as the
// counter in 3ヶ月 all become か), and every run of spaces and punctuation to
// a single space. Matching works on this form only.
func Normalize(s string) string {
	rs, _ := normalize(s)
	return string(rs)
}

// normalize is Normalize, also reporting which runes were katakana before
// folding: a katakana word (コンビニ, スマホ) is content, not grammar.
func normalize(s string) (rs []rune, katakana []bool) {
	s = joinKanaWords(norm.NFKC.String(s))
	rs = make([]rune, 0, len(s)/2)
	katakana = make([]bool, 0, len(s)/2)
	space := true // drop leading separators
	for _, r := range s {
		kata := false
		switch {
		case r == 'ヶ' || r == 'ヵ' || r == 'ゖ' || r == 'ゕ':
			r = 'か'
		case r >= 'ァ' && r <= 'ヶ':
			r -= 'ァ' - 'ぁ'
			kata = true
		case r == 'ヽ' || r == 'ヾ':
			r -= 'ヽ' - 'ゝ'
			kata = true
		case r == 'ー':
			kata = len(katakana) > 0 && katakana[len(katakana)-1]
		case r == '々':
			// part of a word: keep
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			if !space {
				rs = append(rs, ' ')
				katakana = append(katakana, false)
				space = true
			}
			continue
		}
		rs = append(rs, r)
		katakana = append(katakana, kata)
		space = false
	}
	if n := len(rs); n > 0 && rs[n-1] == ' ' {
		rs, katakana = rs[:n-1], katakana[:n-1]
	}
	return rs, katakana
}

// joinKanaWords drops the spaces typed between words written in kana
// (「こうしん の とき なに を もって いきますか」, as residents without
// conversion and learners of Japanese write), which would keep the words
// apart where Japanese runs them together: n-grams never cross a space.
func joinKanaWords(s string) string {
	if !strings.ContainsRune(s, ' ') {
		return s
	}
	rs := []rune(s)
	out := rs[:0:0]
	for i := 0; i < len(rs); i++ {
		if rs[i] == ' ' && len(out) > 0 && isKanaRune(out[len(out)-1]) {
			j := i
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
			if j < len(rs) && isKanaRune(rs[j]) {
				i = j - 1
				continue
			}
		}
		out = append(out, rs[i])
	}
	return string(out)
}

func isKanaRune(r rune) bool {
	return r >= 'ぁ' && r <= 'ゖ' || r >= 'ァ' && r <= 'ヺ' || r == 'ー'
}

// politeEndings are phrases that carry the register of a question, not its
// subject. Their n-grams still count, at politeWeight, so that a question
// made only of them ("教えてください") scores low instead of matching
// whichever topic phrasing happens to share its ending. Longer phrases first:
// marking is greedy.
var politeEndings = []string{
	"ますでしょうか", "でしょうか", "いいですか", "いいでしょうか", "よろしいですか",
	"を教えてください", "教えてください", "おしえてください", "を教えて", "教えて", "おしえて",
	"を知りたい", "知りたい", "しりたい", "ください", "下さい",
	"のですが", "んですが", "んだけど", "ですが", "ますが", "ですけど", "ますけど",
	"ですか", "ますか", "ですね", "ですよね", "でしょう",
	"ありますか", "ありませんか", "できますか", "できる", "ですの",
	"んですか", "のですか", "なんですか", "ますよね",
	"すみません", "すいません", "あの", "えっと", "ちょっと",
}

// politeWeight is the weight of an n-gram lying wholly inside a polite
// ending, relative to 1 for the rest.
var politeWeight = 0.15

// kanaWeight is the weight of an n-gram made of hiragana alone (katakana
// included, once folded): particles and inflections, which say less about
// the subject than kanji, Latin letters and digits do.
var kanaWeight = 0.6

// digitWeight is the weight of an n-gram holding a digit. Numbers in a
// question are mostly values (an age, a date), which the dialog reads as
// slot answers; they should not make "35歳" look like a question about
// 15歳未満.
var digitWeight = 0.5

// gram is one character n-gram of normalised text and its weight.
type gram struct {
	text   string
	weight float64
	// order is the weight the gram's kind has on the query side
	// (gramWeights[n] for a character n-gram, latinWordWeight for a word),
	// which documents leave out.
	order float64
}

// gramWeights are the weights of uni-, bi- and tri-grams. Unigrams rescue
// single-kanji paraphrases (料 in 料金 and 手数料); bigrams do most of the
// work; trigrams reward longer shared phrases.
var gramWeights = [...]float64{1: 0.6, 2: 1, 3: 0.6}

// grams returns the weighted character n-grams (n = 1..3) of text once
// normalised, never across a space. A gram that occurs several times is
// returned once per occurrence.
func grams(text string) []gram {
	all, kata := normalize(text)
	original := len(all)
	for _, c := range expansions(string(all)) {
		rs, k := normalize(c)
		all = append(append(all, ' '), rs...)
		kata = append(append(kata, false), k...)
	}
	var out []gram
	for start := 0; start < len(all); {
		end := start
		for end < len(all) && all[end] != ' ' {
			end++
		}
		rs := all[start:end]
		latin := isLatin(rs)
		if latin && englishStop[string(rs)] {
			start = end + 1
			continue
		}
		if latin {
			w := latinWordWeight
			if start >= original {
				w *= expansionWeight
			}
			out = append(out, gram{text: stem(string(rs)), weight: w, order: latinWordWeight})
			start = end + 1
			continue
		}
		polite := markPolite(rs)
		for i := range rs {
			for n := 1; n <= 3 && i+n <= len(rs); n++ {
				w := gramWeights[n]
				if start >= original {
					w *= expansionWeight
				}
				switch {
				case allTrue(polite[i : i+n]):
					w *= politeWeight
				case allKana(rs[i:i+n], kata[start+i:start+i+n]):
					w *= kanaWeight
				case hasDigit(rs[i : i+n]):
					w *= digitWeight
				}
				out = append(out, gram{text: string(rs[i : i+n]), weight: w, order: gramWeights[n]})
			}
		}
		start = end + 1
	}
	return out
}

// englishStop are English words that carry no subject (pronouns,
// auxiliaries, prepositions, greetings): their letter n-grams matched
// whatever English phrasing shared "the" or "can", so that "What's the
// weather like tomorrow?" scored like a question. They are left out of the
// grams; the topics' asks and keywords (where, what time, how much) are
// matched on the whole text and stay.
var englishStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the i i'm me my mine we our us you your he him his she her it its they them their
		is am are was were be been being do does did doing can could will would should shall may might must have has had
		to of in on at for from with by about as into than then and or but if so not no yes there here this that these those
		what which who whom s t m d ll re ve don doesn didn isn aren can't cannot get got go going like just also any anything
		some something please thanks thank hi hello hey ok okay well really very much many need want know tell let ask
		when how`) {
		m[w] = true
	}
	return m
}()

// latinWordWeight is the weight of one English (or romanised) word, taken
// whole: the letter n-grams of English words are shared by unrelated words
// ("weather" and "letter"), where a kanji bigram is nearly a word.
var latinWordWeight = 2.0

// stem folds an English word's common endings (renewal, renewed, renewing,
// expires, certificates) to one form: the suffix cut, then at most five
// letters.
func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "al", "s"} {
		if len(w)-len(suf) >= 3 && strings.HasSuffix(w, suf) {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	if len(w) > 5 {
		w = w[:5]
	}
	return w
}

// isLatin reports whether rs is made of Latin letters alone.
func isLatin(rs []rune) bool {
	for _, r := range rs {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return len(rs) > 0
}

// markPolite reports, per rune of rs, whether it lies in a polite ending.
func markPolite(rs []rune) []bool {
	n := len(rs)
	marks := make([]bool, n)
	for i := 0; i < n; {
		matched := 0
		for _, p := range politePhrases {
			if hasPrefixRunes(rs[i:], p) {
				matched = len(p)
				break
			}
		}
		if matched == 0 {
			i++
			continue
		}
		for j := i; j < i+matched; j++ {
			marks[j] = true
		}
		i += matched
	}
	return marks
}

// politePhrases are politeEndings, normalised and as runes.
var politePhrases = func() [][]rune {
	out := make([][]rune, len(politeEndings))
	for i, p := range politeEndings {
		out[i] = []rune(Normalize(p))
	}
	return out
}()

func hasPrefixRunes(s, p []rune) bool {
	if len(p) > len(s) {
		return false
	}
	for i := range p {
		if s[i] != p[i] {
			return false
		}
	}
	return true
}

// allKana reports whether rs is hiragana alone (not folded katakana).
func allKana(rs []rune, katakana []bool) bool {
	for i, r := range rs {
		if katakana[i] || !(r >= 'ぁ' && r <= 'ゖ' || r == 'ー') {
			return false
		}
	}
	return true
}

func hasDigit(rs []rune) bool {
	for _, r := range rs {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}

func allTrue(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}
