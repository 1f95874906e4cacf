// Package romaji reads Japanese written in Latin letters (Hepburn romaji,
// as residents without a Japanese keyboard type it: "jibun de ikimasu",
// "koushin wa ikura kakarimasu ka") as hiragana, so that the understanding
// and the FAQ, which read Japanese, can read it too.
package romaji

import "strings"

// Syllables maps Hepburn (and Kunrei) syllables to hiragana.
var Syllables = map[string]string{
	"a": "あ", "i": "い", "u": "う", "e": "え", "o": "お",
	"ka": "か", "ki": "き", "ku": "く", "ke": "け", "ko": "こ",
	"sa": "さ", "shi": "し", "si": "し", "su": "す", "se": "せ", "so": "そ",
	"ta": "た", "chi": "ち", "ti": "ち", "tsu": "つ", "tu": "つ", "te": "て", "to": "と",
	"na": "な", "ni": "に", "nu": "ぬ", "ne": "ね", "no": "の",
	"ha": "は", "hi": "ひ", "fu": "ふ", "hu": "ふ", "he": "へ", "ho": "ほ",
	"ma": "ま", "mi": "み", "mu": "む", "me": "め", "mo": "も",
	"ya": "や", "yu": "ゆ", "yo": "よ",
	"ra": "ら", "ri": "り", "ru": "る", "re": "れ", "ro": "ろ",
	"wa": "わ", "wo": "を", "n": "ん",
	"ga": "が", "gi": "ぎ", "gu": "ぐ", "ge": "げ", "go": "ご",
	"za": "ざ", "ji": "じ", "zi": "じ", "zu": "ず", "ze": "ぜ", "zo": "ぞ",
	"da": "だ", "de": "で", "do": "ど",
	"ba": "ば", "bi": "び", "bu": "ぶ", "be": "べ", "bo": "ぼ",
	"pa": "ぱ", "pi": "ぴ", "pu": "ぷ", "pe": "ぺ", "po": "ぽ",
	"kya": "きゃ", "kyu": "きゅ", "kyo": "きょ", "sha": "しゃ", "shu": "しゅ", "sho": "しょ",
	"cha": "ちゃ", "chu": "ちゅ", "cho": "ちょ", "nya": "にゃ", "nyu": "にゅ", "nyo": "にょ",
	"hya": "ひゃ", "hyu": "ひゅ", "hyo": "ひょ", "mya": "みゃ", "myu": "みゅ", "myo": "みょ",
	"rya": "りゃ", "ryu": "りゅ", "ryo": "りょ", "gya": "ぎゃ", "gyu": "ぎゅ", "gyo": "ぎょ",
	"ja": "じゃ", "ju": "じゅ", "jo": "じょ", "bya": "びゃ", "byu": "びゅ", "byo": "びょ",
	"pya": "ぴゃ", "pyu": "ぴゅ", "pyo": "ぴょ", "je": "じぇ", "fa": "ふぁ", "fi": "ふぃ", "fe": "ふぇ", "fo": "ふぉ",
}

// Word returns the hiragana of one romanised word (lower-case letters
// only), or false if it does not read as Hepburn throughout. A doubled
// consonant is a small っ (motte, itte; tch as in matcha), n before a
// consonant or at the end is ん, and n' or n- before a vowel is ん too.
func Word(w string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(w); {
		c := w[i]
		if c == '\'' || c == '-' {
			i++
			continue
		}
		if i+1 < len(w) && c == w[i+1] && c != 'n' && !isVowel(c) || c == 't' && strings.HasPrefix(w[i:], "tch") {
			b.WriteString("っ")
			i++
			continue
		}
		if c == 'n' && (i+1 == len(w) || !isVowel(w[i+1]) && w[i+1] != 'y') {
			b.WriteString("ん")
			i++
			if i < len(w) && w[i] == 'n' && (i+1 == len(w) || !isVowel(w[i+1])) {
				i++ // "nn" is one ん
			}
			continue
		}
		matched := 0
		for n := 3; n >= 1; n-- {
			if i+n <= len(w) {
				if k, ok := Syllables[w[i:i+n]]; ok {
					b.WriteString(k)
					matched = n
					break
				}
			}
		}
		if matched == 0 {
			return "", false
		}
		i += matched
	}
	return b.String(), b.Len() > 0
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

// particles are written as pronounced in romaji but with their kana in
// Japanese: "kigen wa" is 期限は.
var particles = map[string]string{"wa": "は", "wo": "を", "o": "を", "e": "へ"}

// markers are words only Japanese has: a text holding none of them is
// more likely English ("no", "to", "go" read as Hepburn too).
var markers = map[string]bool{"desu": true, "masu": true, "wa": true, "ga": true, "wo": true, "de": true, "ni": true,
	"ka": true, "kudasai": true, "shite": true, "shita": true, "mashita": true, "imasu": true, "arimasu": true,
	"nai": true, "dake": true, "mo": true, "desuka": true, "yo": true, "ne": true, "kara": true,
	"nan": true, "nani": true, "doko": true, "itsu": true, "ikura": true, "demo": true, "iru": true,
	"aru": true, "masen": true, "imasen": true, "arimasen": true, "dou": true, "deshou": true, "kana": true,
	"onegai": true, "onegaishimasu": true, "yoroshiku": true}

// Text returns text with its romanised Japanese read as hiragana, the
// words run together as Japanese is written ("jibun de ikimasu" → じぶんで
// いきます), and true; or text unchanged and false when it does not read
// as romaji: fewer than two Latin words, fewer than two in three of them
// Hepburn, or no word only Japanese has (desu, wa, kudasai…). text must be
// lower case (as after NFKC and case folding); other runes are kept, and
// the words that do not read (card) keep their spaces.
func Text(text string) (string, bool) {
	words := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '?' || r == '!' })
	latin, reads, marked := 0, 0, false
	for _, w := range words {
		if !isLatinWord(w) {
			continue
		}
		latin++
		if _, ok := Word(w); ok {
			reads++
		}
		marked = marked || markers[w]
	}
	if latin < 2 || 3*reads < 2*latin || !marked {
		return text, false
	}
	var b strings.Builder
	prevKana := false
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && text[j] >= 'a' && text[j] <= 'z' || j < len(text) && j > i && (text[j] == '\'' || text[j] == '-') {
			j++
		}
		if j == i {
			if text[i] == ' ' && prevKana && nextReads(text[i+1:]) {
				i++ // the space between two romaji words: Japanese runs them together
				continue
			}
			b.WriteByte(text[i])
			prevKana = false
			i++
			continue
		}
		w := text[i:j]
		if k, ok := particles[w]; ok && b.Len() > 0 {
			b.WriteString(k)
			prevKana = true
		} else if k, ok := Word(w); ok {
			b.WriteString(k)
			prevKana = true
		} else {
			b.WriteString(w)
			prevKana = false
		}
		i = j
	}
	return b.String(), true
}

// nextReads reports whether the word at the start of s reads as romaji.
func nextReads(s string) bool {
	j := 0
	for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
		j++
	}
	if j == 0 {
		return false
	}
	_, ok := Word(s[:j])
	return ok
}

func isLatinWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; !(c >= 'a' && c <= 'z' || c == '\'' || c == '-') {
			return false
		}
	}
	return w != ""
}
