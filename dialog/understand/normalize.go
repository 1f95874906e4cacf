package understand

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns s in the form every matcher in this package compares:
// NFKC (full-width digits and letters become ASCII, half-width katakana
// becomes full-width), katakana folded to hiragana, ASCII lower-cased,
// whitespace collapsed to single spaces and trimmed, dashes folded to "-",
// wave dashes and tildes to "~", a dash or tilde that lengthens a kana
// vowel to "ー" (runs of "ー" to one), and Japanese punctuation to its ASCII
// counterpart (。→. 、→, ！→! ？→?). Normalize is idempotent.
func Normalize(s string) string { return foldKana(NormalizeKeepScript(s)) }

// NormalizeKeepScript is Normalize without the katakana-to-hiragana fold,
// for callers that must show or compare the original script.
func NormalizeKeepScript(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending: written only before the next visible rune
	var prev rune
	for _, r := range s {
		r = foldPunct(r)
		switch {
		case r == 0:
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case (r == '-' || r == '~' || r == 'ー') && isKana(prev):
			// 「は〜い」「な-い」: residents stretch vowels with whatever dash their
			// keyboard offers; one mark keeps the lexicon small.
			r = 'ー'
			if prev == 'ー' {
				continue
			}
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			prev = ' '
		}
		space = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// foldPunct maps the many dashes, waves and Japanese punctuation marks that
// NFKC leaves alone to one ASCII form each; 0 drops the rune.
func foldPunct(r rune) rune {
	switch r {
	case '‐', '‑', '‒', '–', '—', '―', '−', '﹣', '⁃':
		return '-'
	case '〜', '∼', '〰', '～':
		return '~'
	case 'ｰ', '－':
		return 'ー'
	case '。', '｡':
		return '.'
	case '、', '､', '，':
		return ','
	case '「', '」', '『', '』', '【', '】', '（', '）', '〈', '〉', '《', '》', '〔', '〕':
		return ' '
	case '\u200b', '\u200c', '\u200d', '\ufeff', '\u2060':
		return 0 // zero-width characters pasted from other apps
	}
	return r
}

// isKana reports whether r is a hiragana or katakana letter (or the long
// vowel mark itself), after which a dash lengthens a vowel.
func isKana(r rune) bool {
	return (r >= 'ぁ' && r <= 'ゖ') || (r >= 'ァ' && r <= 'ヺ') || r == 'ー'
}

// foldKana maps katakana to hiragana so that スキップ and すきっぷ, ハイ and
// はい match one lexicon entry. The small ヵ and ヶ become か and け, as in
// place names (保土ヶ谷 and 保土ケ谷 are the same ward).
func foldKana(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == 'ヵ' || r == 'ゕ':
			return 'か'
		case r == 'ヶ' || r == 'ゖ':
			return 'け'
		case r >= 'ァ' && r <= 'ヴ', r == 'ヽ' || r == 'ヾ':
			return r - 0x60
		}
		return r
	}, s)
}
