package api

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/madoguchi/madoguchi/bot"
)

func knownIDs(c bot.Catalog) string {
	ms := c.Municipalities()
	ids := make([]string, len(ms))
	for i, m := range ms {
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
