package understand_test

import (
	"slices"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog/understand"
)

// FuzzUnderstand checks the promises that hold for any text: no panic, a
// found date is Valid, slot values are the contract's, Found matches Slots,
// a PIN result carries nothing else, and Normalize is idempotent. The seed
// corpus is every table case plus testdata/fuzz/FuzzUnderstand.
func FuzzUnderstand(f *testing.F) {
	for _, c := range loadCases(f) {
		f.Add(c.text, c.asking)
	}
	for _, s := range []string{"令和元年", "平成三十一年四月三十日", "〜ー-～", "ｶﾞｷﾞ", "か\u3099",
		"\xff\xfe", "9999年99月99日", "0/0", "00000000", "99999999", "十十十歳", "千千年"} {
		f.Add(s, "")
	}
	today := bot.NewDate(2025, 5, 1)
	f.Fuzz(func(t *testing.T, text, asking string) {
		r := understand.Understand(text, asking, today, yokohama)
		if d := r.Slots.ExpiryDate; d != nil && !d.Valid() {
			t.Errorf("Understand(%q) found invalid date %v", text, *d)
		}
		if err := r.Slots.Validate(); err != nil {
			t.Errorf("Understand(%q) found invalid slots: %v", text, err)
		}
		if !slices.Equal(r.Found, foundOf(r.Slots)) {
			t.Errorf("Understand(%q): Found %v does not match slots %s", text, r.Found, r.Slots)
		}
		if r.PIN && (len(r.Found) > 0 || r.DontKnow || r.Command != understand.None) {
			t.Errorf("Understand(%q) is a PIN but carries %s", text, describe(r))
		}
		if n := understand.Normalize(text); understand.Normalize(n) != n {
			t.Errorf("Normalize not idempotent on %q: %q then %q", text, n, understand.Normalize(n))
		}
	})
}
