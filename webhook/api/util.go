package api

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/madoguchi/madoguchi/knowledge"
)

func knownIDs(kb *knowledge.KB) string {
	ids := make([]string, len(kb.Municipalities))
	for i, m := range kb.Municipalities {
		ids[i] = m.ID
	}
	return strings.Join(ids, ", ")
}

// quote quotes a client's value for an error message, cut to 40 runes so
// that a huge value does not come back whole.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return strconv.Quote(s)
}
