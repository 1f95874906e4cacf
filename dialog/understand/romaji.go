package understand

import (
	"strings"

	"github.com/madoguchi/madoguchi/internal/romaji"
)

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
				if _, ok := romaji.Syllables[id[i:i+n]]; ok {
					syl = id[i : i+n]
					break
				}
			}
		}
		if syl == "" || len(out) > 16 {
			return nil
		}
		k := romaji.Syllables[syl]
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
