package understand

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kanjiDigits are the kanji that write a digit; 十, 百 and 千 are multipliers.
var kanjiDigits = map[rune]int{'〇': 0, '零': 0, '一': 1, '二': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

var kanjiUnits = map[rune]int{'十': 10, '百': 100, '千': 1000}

// numberSuffixes are what may follow a number written in kanji for it to be
// read as a number: residents write 十四歳 and 令和八年三月二十四日, but 一緒
// and 一つ前 are words, not numbers.
var numberSuffixes = []string{"年", "月", "日", "歳", "才", "さい", "代"}

// arabicNumerals rewrites kanji numbers that are followed by a date or age
// unit as ASCII digits (二十四日 → 24日), and the era's first year 元年 as
// 1年 (令和元年 → 令和1年). s must already be normalised.
func arabicNumerals(s string) string {
	s = kanaMonthsAndYears(kanaNumerals(s))
	if !strings.ContainsAny(s, "〇零一二三四五六七八九十百千元") {
		return s // the common case costs one scan
	}
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && isKanjiNumeral(rs[j]) {
			j++
		}
		if j == i {
			if rs[i] == '元' && i+1 < len(rs) && rs[i+1] == '年' {
				b.WriteByte('1')
			} else {
				b.WriteRune(rs[i])
			}
			i++
			continue
		}
		if n, ok := kanjiNumber(rs[i:j]); ok && (hasNumberSuffix(rs[j:]) || spokenNumber(rs[i:j], rs[j:])) {
			b.WriteString(strconv.Itoa(n))
		} else {
			b.WriteString(string(rs[i:j]))
		}
		i = j
	}
	return b.String()
}

// spokenNumber reports whether a kanji numeral without a unit after it is
// still a number: one written with a multiplier (七十, 九十, 八十八) and
// followed by the end of a clause or a copula (です, じゃ, や, だ), as an age
// is said (わしゃもう九十じゃ). A lone kanji (一緒, 十分) stays a word.
func spokenNumber(num, rest []rune) bool {
	if len(num) < 2 || !strings.ContainsAny(string(num), "十百") {
		return false
	}
	r := string(rest)
	if r == "" || strings.ContainsAny(r[:1], " ,.!?") {
		return true
	}
	for _, c := range []string{"です", "じゃ", "や", "だ", "になり", "になっ", "になる", "になるん", "なん", "ね", "よ", "で", "の"} {
		if strings.HasPrefix(r, c) {
			return true
		}
	}
	return false
}

// kanaNumber is a number spelled in hiragana with a ten in it
// (はちじゅうはち, ななじゅう, じゅうよん), as some residents type an age.
var kanaNumber = regexp.MustCompile(`(いち|に|さん|よん|ご|ろく|なな|しち|はち|きゅう)?じゅう(いち|に|さん|よん|し|ご|ろく|なな|しち|はち|きゅう|く)?`)

var kanaDigit = map[string]int{"": 0, "いち": 1, "に": 2, "さん": 3, "よん": 4, "し": 4, "ご": 5, "ろく": 6,
	"なな": 7, "しち": 7, "はち": 8, "きゅう": 9, "く": 9}

// kanaOneDigit is a kana digit before a month or year unit (いちがつ,
// きゅうねん, しがつ); the tens (じゅういちがつ) are kanaNumerals' and are
// read first.
var kanaOneDigit = regexp.MustCompile(`(いち|に|さん|よん|し|ご|ろく|なな|しち|はち|きゅう|く)(がつ|ねん)`)

// kanaMonthsAndYears rewrites a one-digit kana month or year as digits
// (れいわきゅうねん いちがつ → れいわ9ねん 1がつ), which dateWords then reads.
func kanaMonthsAndYears(s string) string {
	if !strings.Contains(s, "がつ") && !strings.Contains(s, "ねん") {
		return s
	}
	return kanaOneDigit.ReplaceAllStringFunc(s, func(m string) string {
		g := kanaOneDigit.FindStringSubmatch(m)
		return strconv.Itoa(kanaDigit[g[1]]) + g[2]
	})
}

// kanaNumerals rewrites kana numbers as digits where a number can end: at
// the end of the text or a clause, or before an age unit or a copula; じゅうしょ
// (住所) and other words that merely start with じゅう stay as they are.
func kanaNumerals(s string) string {
	if !strings.Contains(s, "じゅう") {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range kanaNumber.FindAllStringSubmatchIndex(s, -1) {
		rest := s[m[1]:]
		if !numberEnds(rest) || (m[0] > 0 && isKanaBefore(s[:m[0]])) && m[2] < 0 {
			continue
		}
		tens := 1
		if m[2] >= 0 {
			tens = kanaDigit[s[m[2]:m[3]]]
		}
		ones := 0
		if m[4] >= 0 {
			ones = kanaDigit[s[m[4]:m[5]]]
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(strconv.Itoa(10*tens + ones))
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// numberEnds reports whether rest, the text after a spelled number, lets it
// be a number: the end, a clause break, an age or date unit or a copula.
func numberEnds(rest string) bool {
	if rest == "" || strings.ContainsAny(rest[:1], " ,.!?") {
		return true
	}
	for _, c := range []string{"さい", "歳", "才", "がつ", "ねん", "にち", "月", "年", "日", "です", "じゃ", "や", "だ", "になり", "になっ", "になる", "よ", "ね"} {
		if strings.HasPrefix(rest, c) {
			return true
		}
	}
	return false
}

// isKanaBefore reports whether before ends in hiragana, which makes a bare
// じゅう the tail of a word (ごじゅう is a number, but so might be a word
// ending in ご), unless a tens digit was spelled.
func isKanaBefore(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	return r >= 'ぁ' && r <= 'ゖ'
}

func isKanjiNumeral(r rune) bool {
	_, d := kanjiDigits[r]
	_, u := kanjiUnits[r]
	return d || u
}

func hasNumberSuffix(rest []rune) bool {
	for _, suf := range numberSuffixes {
		if strings.HasPrefix(string(rest[:min(len(rest), 2)]), suf) {
			return true
		}
	}
	return false
}

// kanjiNumber reads a kanji numeral: with multipliers (二千二十六, 二十四,
// 十四) or positionally (二〇二六). It refuses anything over four digits,
// since no date or age needs more, and malformed runs such as 十十.
func kanjiNumber(rs []rune) (int, bool) {
	if len(rs) == 0 || len(rs) > 8 {
		return 0, false
	}
	positional := true
	for _, r := range rs {
		if _, ok := kanjiUnits[r]; ok {
			positional = false
		}
	}
	if positional {
		n := 0
		for _, r := range rs {
			n = n*10 + kanjiDigits[r]
		}
		return n, len(rs) <= 4
	}
	total, digit, lastUnit := 0, -1, 10000
	for _, r := range rs {
		if d, ok := kanjiDigits[r]; ok {
			if digit >= 0 {
				return 0, false // 二三十: two digits in a row with multipliers
			}
			digit = d
			continue
		}
		u := kanjiUnits[r]
		if u >= lastUnit {
			return 0, false
		}
		if digit < 0 {
			digit = 1 // 十四: a bare multiplier counts once
		}
		total += digit * u
		digit, lastUnit = -1, u
	}
	if digit >= 0 {
		total += digit
	}
	return total, true
}
