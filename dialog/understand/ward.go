package understand

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Ward is a ward the resident may name, as the knowledge base lists it:
// ID is the slot value (romanised, "aoba"), Name the Japanese name ("青葉区"),
// Readings further readings in hiragana the knowledge gives.
type Ward struct {
	ID, Name string
	Readings []string
}

// key identifies a ward's spellings in wardForms.
func (w Ward) key() string { return w.ID + "\x00" + w.Name + "\x00" + strings.Join(w.Readings, "\x00") }

// wardForms caches each ward's spellings (see forms), read by every call.
// Wards come from the knowledge base, so it stays small; it stops growing
// at wardFormsMax in case a caller passes something else (or the
// knowledge is republished very often with changed wards).
var (
	wardForms    sync.Map // Ward.key() → []string
	wardFormsLen atomic.Int64
)

const wardFormsMax = 1024

var (
	// voicedFold spells づ and ぢ as ず and じ, as romanised ids do
	// (tsuzuki is つづき); the byte lengths stay the same.
	voicedFold = strings.NewReplacer("づ", "ず", "ぢ", "じ")
	longVowels = strings.NewReplacer("ou", "o", "oo", "o", "uu", "u")
)

// forms lists how residents write w, normalised: the name (青葉区), the name
// without 区 (青葉), its reading in hiragana from the romanised id, with or
// without the long う that romanisation drops (こほく, こうほく for kohoku),
// and the readings the knowledge gives. The id itself is matched
// separately, as an ASCII word.
func forms(w Ward) []string {
	key := w.key()
	if f, ok := wardForms.Load(key); ok {
		return f.([]string)
	}
	name := Normalize(w.Name)
	f := []string{name}
	if base := strings.TrimSuffix(name, "区"); base != name && base != "" {
		f = append(f, base)
	}
	f = append(f, readings(strings.ToLower(w.ID))...)
	for _, r := range w.Readings {
		if r = voicedFold.Replace(Normalize(r)); r != "" && !slices.Contains(f, r) {
			f = append(f, r)
		}
	}
	if wardFormsLen.Add(1) <= wardFormsMax {
		wardForms.Store(key, f)
	}
	return f
}

// findWard returns the id of the ward the text names, the last one named
// when there are several (青葉区から都筑区に引っ越した: the resident now lives
// in 都筑区). Forms of one or two kana, or one kanji (中, 西, せや), are
// everyday words and only match when they are the whole answer; a name
// followed by 県, 市, 町 or 村 is not the ward (神奈川県, 金沢市).
func findWard(p string, wards []Ward) string {
	if len(wards) == 0 {
		return ""
	}
	kana := voicedFold.Replace(p)
	whole := strings.TrimSuffix(strings.TrimSuffix(strings.Trim(kana, " .!,"), "です"), "区")
	whole = strings.TrimPrefix(strings.TrimSpace(whole), "横浜市")
	wholeKu := strings.TrimSuffix(whole, "く") // せやく, なかく: 区 typed in kana
	words := asciiWords(p)
	type match struct {
		id         string
		at, length int
	}
	var found []match
	for _, w := range wards {
		for _, f := range forms(w) {
			if short(f) {
				if whole == f || wholeKu == f {
					found = append(found, match{w.ID, 0, len(f)})
				}
				continue
			}
			for end := len(kana); ; {
				at := lastFreeBefore(kana, f, end)
				if at < 0 {
					break
				}
				found = append(found, match{w.ID, at, len(f)})
				end = at
			}
		}
		id := strings.ToLower(w.ID)
		for _, word := range words {
			if id != "" && romajiFold(word.text) == romajiFold(id) {
				found = append(found, match{w.ID, word.at, len(id)})
			}
		}
	}
	best := match{at: -1}
	for _, m := range found {
		inside := false // 南区 inside 港南区 names no ward of its own
		for _, o := range found {
			if o.length > m.length && o.at <= m.at && m.at+m.length <= o.at+o.length {
				inside = true
				break
			}
		}
		if !inside && (m.at > best.at || (m.at == best.at && m.length > best.length)) {
			best = m
		}
	}
	return best.id
}

// lastFreeBefore is lastFree over s[:end].
func lastFreeBefore(s, f string, end int) int {
	at := lastFree(s[:end], f)
	if at >= 0 && at+len(f) <= end {
		return at
	}
	return -1
}

// lastFree returns where f last occurs in s not followed by 県, 市, 町 or
// 村, or -1.
func lastFree(s, f string) int {
	for end := len(s); ; {
		at := strings.LastIndex(s[:end], f)
		if at < 0 {
			return -1
		}
		if !hasAnyPrefix(s[at+len(f):], []string{"県", "市", "町", "村", "けん"}) {
			return at
		}
		end = at
	}
}

// short reports whether a form is too common a string to match inside a
// sentence: one character, or two kana.
func short(f string) bool {
	n := utf8.RuneCountInString(f)
	if n <= 1 {
		return true
	}
	r, _ := utf8.DecodeRuneInString(f)
	return n == 2 && isKana(r)
}

type asciiWord struct {
	text string
	at   int
}

func asciiWords(p string) []asciiWord {
	var ws []asciiWord
	for i := 0; i < len(p); {
		if p[i] < 'a' || p[i] > 'z' {
			i++
			continue
		}
		j := i
		for j < len(p) && p[j] >= 'a' && p[j] <= 'z' {
			j++
		}
		ws = append(ws, asciiWord{p[i:j], i})
		i = j
	}
	return ws
}

// romajiFold spells long vowels short (kouhoku, koohoku → kohoku) and drops
// a trailing ku (aobaku), as residents type ward names either way.
func romajiFold(s string) string {
	s = longVowels.Replace(s)
	return strings.TrimSuffix(s, "ku")
}
