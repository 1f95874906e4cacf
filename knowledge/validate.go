package knowledge

import (
	"fmt"
	"regexp"
	"strings"
)

// validate records every problem of a decoded knowledge base: national.yaml,
// then each municipality on its own and against the national layer (FAQ
// topics). Load calls it only when every file decoded, so kb is complete.
func (l *loader) validate(kb *KB) {
	c := &checker{loader: l, kb: kb, normSeeds: map[string]string{}}
	c.checkNational()
	for _, m := range kb.Municipalities {
		c.checkMunicipality(m)
	}
	c.checkTranslations()
}

// checker carries what the checks share: the loader (problems, node trees,
// seeds), the knowledge base and the seeds normalised for quote look-ups.
type checker struct {
	*loader
	kb        *KB
	normSeeds map[string]string // seed name → normalised text, filled lazily
}

// at records a problem at field path in file; the line comes from the file's
// node tree (see lineOf).
func (c *checker) at(file, path, format string, args ...any) {
	line := 0
	if d := c.docs[file]; d != nil {
		line = lineOf(d.root, path)
	}
	c.problem(file, line, path, format, args...)
}

// required records "required" at path when value is empty.
func (c *checker) required(file, path, value string) {
	if strings.TrimSpace(value) == "" {
		c.at(file, path, "required")
	}
}

// uniqueIDs records every repeated id of a list field (counters, items…),
// and every empty one when ids are required. key names the id field in
// the list's entries ("id", or "topic" for answers).
func (c *checker) uniqueIDs(file, list, key string, ids []string, required bool) {
	first := map[string]int{}
	for i, id := range ids {
		path := fmt.Sprintf("%s[%d].%s", list, i, key)
		if id == "" {
			if required {
				c.at(file, path, "required")
			}
			continue
		}
		if j, dup := first[id]; dup {
			c.at(file, path, "duplicate %s %q (first at %s[%d])", key, id, list, j)
			continue
		}
		first[id] = i
	}
}

// idsOf returns the id of each entry of xs.
func idsOf[T any](xs []T, id func(T) string) []string {
	ids := make([]string, len(xs))
	for i, x := range xs {
		ids[i] = id(x)
	}
	return ids
}

// phonePattern is a Japanese phone number as the pages print them: a leading
// 0, then hyphenated groups of 2–5, 1–4 and 3–4 ASCII digits (03-5662-9200,
// 0120-769-706, 0570-01-5901, 0826-42-5616).
var phonePattern = regexp.MustCompile(`^0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}$`)

// validPhone reports whether s is a phone number of phonePattern with 10
// digits (landlines, 0120, 0570) or 11 (mobiles, 0800).
func validPhone(s string) bool {
	if !phonePattern.MatchString(s) {
		return false
	}
	digits := len(s) - strings.Count(s, "-")
	return digits == 10 || digits == 11
}

// emailPattern is an e-mail address as pages print them: no spaces, one @,
// a dot in the domain.
var emailPattern = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

// email records a problem at path when address is given but malformed.
func (c *checker) email(file, path, address string) {
	if address != "" && !emailPattern.MatchString(address) {
		c.at(file, path, "%q is not an e-mail address like sh-madoguchi@city.yokohama.jp", address)
	}
}

// phone records a problem at path when phone is given but malformed; an empty
// phone means the page gives none and is checked elsewhere.
func (c *checker) phone(file, path, phone string) {
	if phone != "" && !validPhone(phone) {
		c.at(file, path, "%q is not a phone number like 03-5662-9200 (0 first, ASCII digits in hyphenated groups of 2–5, 1–4 and 3–4, 10 or 11 digits)", phone)
	}
}
