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
//     asking again. So are 4 digits typed with spaces or dashes between them
//     (1 2 3 4, 12 34, 1-2-3-4), full width (１２３４, NFKC makes them ASCII)
//     or in kanji written digit by digit (一二三四, 〇三二四). Kanji with
//     multipliers (二千二十六) or followed by 年, 月, 日 or 歳 are numbers of a
//     date or an age, never a PIN; so are digit groups joined by a slash
//     (3/24) and groups of three or more digits (03-5662-9200).
//   - 6–16 letters and digits alone are PIN-like only when they mix both.
//     All-letter words are not: a signing PIN cannot be all letters, and ward
//     ids typed in capitals (TSURUMI, HODOGAYA) must still be understood.
//     All-digit runs are not either (20260324 is read as a date).
//     A few symbols typed by mistake (Ab12Cd34!, ab12-cd34, P@ss1234) do not
//     hide such a password: up to three symbols among at least six letters and
//     digits. Era dates (R8.3.24, H31.4.30), clock times (10:30am), e-mail
//     addresses and web addresses are not passwords. Product and version
//     names typed alone (Windows10, iPhone15, COVID-19, ver2.0.1) are
//     PIN-like: a resident's password can have those shapes (yamada-1950),
//     and a false alarm costs only the question asked again.
//   - A PIN-shaped token anywhere in a message that names the PIN (暗証番号は
//     1234です, あんしょうばんごう 1 2 3 4, ｱﾝｼｮｳﾊﾞﾝｺﾞｳ, パスワード, PIN, pw)
//     is PIN-like too: the resident is telling us their PIN.
//   - Digits spelled in kana (いちにさんよん) are not recognised.

// RedactedPIN is the text a channel puts in place of a PIN-like message
// before the message is stored anywhere (a queue, a log): Read and
// LooksLikePIN report it as a PIN, so the dialog still warns the resident,
// and it holds nothing of what was typed.
const RedactedPIN = "[暗証番号のような入力のため消去しました]"

// LooksLikePIN reports whether text, as the resident typed it, is or
// discloses a PIN (see the decisions above); it is the test behind
// Result.PIN. A channel calls it to redact a message before storing it.
// It is a pure function, never panics, and costs one normalisation.
func LooksLikePIN(text string) bool { return looksLikePIN(Normalize(text)) }

// redacted is RedactedPIN as Normalize leaves it.
var redacted = Normalize(RedactedPIN)

// politeTail is what may follow an answer that is still "alone": 1234です.
var politeTail = regexp.MustCompile(`(です|でした|だよ|だ|かな|だと思います|だと思う|と思います|だったと思います|だったかな|だった)?[.!,~ー?]*$`)

// politeHead is what may precede an answer that is still "alone": たぶん1234.
var politeHead = regexp.MustCompile(`^(たぶん|多分|確か|たしか|えっと|えーと|えー|あの|えと)?[,. ]*`)

// pinWords name a PIN; see looksLikePIN. The text is normalised (katakana
// folded to hiragana, half-width kana made full-width first).
var pinWords = []string{"暗証", "暗唱", "あんしょう", "ぱすわーど", "ぱすわど", "ぱすこーど",
	"ぴんこーど", "ぴんばんごう", "ぴん番号", "pin番号", "4桁の番号", "4けたの番号"}

// asciiPINWords name a PIN when they are a whole ASCII word: "shopping" is
// no PIN, nor "passport".
var asciiPINWords = map[string]bool{"pin": true, "password": true, "passwd": true, "passcode": true,
	"pw": true, "pwd": true, "pass": true}

// looksLikePIN reports whether the normalised text n is, or discloses, a PIN.
func looksLikePIN(n string) bool {
	if n == redacted {
		return true
	}
	n = pinDigits(n)
	alone := strings.TrimSpace(politeTail.ReplaceAllString(n, ""))
	alone = strings.TrimSpace(politeHead.ReplaceAllString(alone, ""))
	if pinShaped(alone) || passwordShaped(alone) {
		return true
	}
	named, shaped := false, false
	for _, w := range pinWords {
		named = named || strings.Contains(n, w)
	}
	for _, tok := range strings.FieldsFunc(n, func(r rune) bool { return !isASCIIAlnum(r) }) {
		named = named || asciiPINWords[tok]
		shaped = shaped || pinShaped(tok)
	}
	if named && !shaped {
		for _, tok := range strings.FieldsFunc(n, func(r rune) bool { return r <= ' ' || r > '~' }) {
			shaped = shaped || passwordShaped(tok) && !lengthWord.MatchString(tok)
		}
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

// notPassword are the ASCII shapes with symbols that residents type and
// that are no password: era dates, clock times, e-mail and web addresses.
var notPassword = regexp.MustCompile(`^(` +
	`[mtshr]\d{1,2}[./-]\d{1,2}([./-]\d{1,2})?` + // R8.3.24, H31/4/30
	`|\d{1,2}:\d{2}(am|pm)?` + // 10:30am
	`|[^@\s]+@[^@\s]+\.[a-z]{2,}` + // taro12@example.jp
	`|(https?://|www\.)\S*` +
	`)$`)

// passwordShaped reports whether the ASCII token s (normalised, so lower
// case) is a signing PIN, or one with at most three symbols typed by
// mistake: at least six letters and digits, mixing both, at most sixteen.
func passwordShaped(s string) bool {
	s = strings.TrimFunc(s, func(r rune) bool { return !isASCIIAlnum(r) })
	if len(s) < 6 || len(s) > 20 || notPassword.MatchString(s) {
		return false
	}
	var alnum strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIIAlnum(rune(c)):
			alnum.WriteByte(c)
		case c <= ' ' || c > '~':
			return false // not one ASCII token
		}
	}
	a := alnum.String()
	if len(s)-len(a) > 3 {
		return false
	}
	return strings.ContainsFunc(a, func(r rune) bool { return r < '0' || r > '9' }) && pinShaped(a)
}

func isASCIIAlnum(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// spacedDigits are digit groups with separators between them: 1 2 3 4,
// 12 34, 1-2-3-4, 1.2.3.4.
var spacedDigits = regexp.MustCompile(`\d{1,2}(?:(?: ?[-.,・] ?| )\d{1,2})+`)

// pinDigits rewrites, for the PIN test only, kanji written digit by digit
// (一二三四 → 1234) and 4 digits typed with separators (1 2 3 4 → 1234).
// Kanji runs with multipliers (二十四) or followed by a date or age unit
// (二〇二六年) stay as they are; so do separated groups adjacent to other
// digits (03-5662-9200) and groups whose digits are not 4 in all.
func pinDigits(n string) string {
	if strings.ContainsAny(n, "〇零一二三四五六七八九") {
		rs := []rune(n)
		var b strings.Builder
		for i := 0; i < len(rs); {
			j := i
			for j < len(rs) && isKanjiNumeral(rs[j]) {
				j++
			}
			if j == i {
				b.WriteRune(rs[i])
				i++
				continue
			}
			run := rs[i:j]
			if _, unit := kanjiUnitIn(run); !unit && !hasNumberSuffix(rs[j:]) {
				for _, r := range run {
					b.WriteByte(byte('0' + kanjiDigits[r]))
				}
			} else {
				b.WriteString(string(run))
			}
			i = j
		}
		n = b.String()
	}
	locs := spacedDigits.FindAllStringIndex(n, -1)
	if locs == nil {
		return n
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		m := n[l[0]:l[1]]
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
		// Groups of two are joined only by spaces (12 34): 12-24 and 3.24 are dates.
		onlySpaces := !strings.ContainsAny(m, "-.,・")
		single := !twoDigits.MatchString(m)
		if len(digits) != 4 || !(onlySpaces || single) ||
			(l[0] > 0 && isDigitByte(n[l[0]-1])) || (l[1] < len(n) && isDigitByte(n[l[1]])) ||
			(l[0] > 0 && n[l[0]-1] == '/') || (l[1] < len(n) && n[l[1]] == '/') {
			continue
		}
		b.WriteString(n[last:l[0]])
		b.WriteString(digits)
		last = l[1]
	}
	b.WriteString(n[last:])
	return b.String()
}

var twoDigits = regexp.MustCompile(`\d\d`)

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// kanjiUnitIn reports whether run holds a multiplier (十, 百, 千).
func kanjiUnitIn(run []rune) (rune, bool) {
	for _, r := range run {
		if _, ok := kanjiUnits[r]; ok {
			return r, true
		}
	}
	return 0, false
}

// lengthWord is a PIN's length said in English (4-digit, 6-character,
// 16-char): a description, not a password.
var lengthWord = regexp.MustCompile(`^\d{1,2}-?(?:digits?|characters?|chars?|letters?|figures?|numbers?)[.,!?]*$`)
