package understand

import "strings"

// kanaOf maps Hepburn syllables to hiragana, enough to read any ward id.
var kanaOf = map[string]string{
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
}

// readings returns the hiragana readings of a romanised name, or none if
// it does not read as Hepburn. Each syllable in o after a consonant may
// also be long (こ or こう), since Hepburn ids drop the long vowel
// (kohoku is こうほく).
func readings(id string) []string {
	out := []string{""}
	for i := 0; i < len(id); {
		syl := ""
		for n := 3; n >= 1; n-- {
			if i+n <= len(id) {
				if _, ok := kanaOf[id[i:i+n]]; ok {
					syl = id[i : i+n]
					break
				}
			}
		}
		if syl == "" || len(out) > 16 {
			return nil
		}
		k := kanaOf[syl]
		long := len(syl) > 1 && strings.HasSuffix(syl, "o")
		var next []string
		for _, r := range out {
			next = append(next, r+k)
			if long {
				next = append(next, r+k+"う")
			}
		}
		out = next
		i += len(syl)
	}
	if out[0] == "" {
		return nil
	}
	return out
}
