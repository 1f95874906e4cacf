package understand

import (
	"regexp"
	"strings"
)

// PIN shapes, from the two certificates: the user-certificate (and 住民基本台帳)
// PIN is 4 digits; the signing PIN is 6–16 upper-case letters and digits and
// must mix both. Residents type on phones, so lower case counts too.
//
// Decisions, all on the safe side of never storing a PIN:
//   - 4 digits alone are PIN-like even when a date is asked: "0324" might be
//     March 24 and "2026" a year, but echoing a real PIN would be worse than
//     asking again.
//   - 6–16 letters and digits alone are PIN-like only when they mix both.
//     All-letter words are not: a signing PIN cannot be all letters, and ward
//     ids typed in capitals (TSURUMI, HODOGAYA) must still be understood.
//     All-digit runs are not either (20260324 is read as a date).
//   - A PIN-shaped token anywhere in a message that names the PIN (暗証番号は
//     1234です) is PIN-like too: the resident is telling us their PIN.

// politeTail is what may follow an answer that is still "alone": 1234です.
var politeTail = regexp.MustCompile(`(です|でした|だよ|だ|かな)?[.!,~ー]*$`)

// pinWords name a PIN; see looksLikePIN.
var pinWords = []string{"暗証", "ぱすわーど", "ぱすこーど"}

// looksLikePIN reports whether the normalised text n is, or discloses, a PIN.
func looksLikePIN(n string) bool {
	if pinShaped(strings.TrimSpace(politeTail.ReplaceAllString(n, ""))) {
		return true
	}
	named, shaped := false, false
	for _, w := range pinWords {
		named = named || strings.Contains(n, w)
	}
	for _, tok := range strings.FieldsFunc(n, func(r rune) bool { return !isASCIIAlnum(r) }) {
		named = named || tok == "pin" // a word: "shopping" is no PIN
		shaped = shaped || pinShaped(tok)
	}
	return named && shaped
}

// pinShaped reports whether s, whole, has one of the PIN shapes above.
func pinShaped(s string) bool {
	letters, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letters++
		default:
			return false
		}
	}
	if letters == 0 {
		return digits == 4
	}
	return len(s) >= 6 && len(s) <= 16 && digits > 0
}

func isASCIIAlnum(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}
