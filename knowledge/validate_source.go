package knowledge

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// source checks the source of the entry at path: present when required,
// naming a seed that exists (src.Seed, else defaultSeed), with a quote that
// appears in that seed. Quotes and seeds are compared after normalisation
// (see normalizeText), so line breaks and full-width forms do not matter.
// A missing page seed is reported by checkHeader, not at each source.
func (c *checker) source(file, path string, src *Source, defaultSeed string, required bool) {
	p := path + ".source"
	if src == nil {
		if required {
			c.at(file, p, "required (quote the page text this comes from)")
		}
		return
	}
	seed := src.Seed
	if seed == "" {
		seed = defaultSeed
	}
	if seed == "" {
		c.at(file, p, "no seed: name one with {seed: …, quote: …}")
		return
	}
	text, ok := c.normSeed(seed)
	if !ok {
		if src.Seed != "" { // else page.seed is reported missing once
			c.at(file, p, "seeds/%s.txt not found", seed)
		}
		return
	}
	quote := normalizeText(src.Quote)
	if quote == "" {
		c.at(file, p, "empty quote")
		return
	}
	if !strings.Contains(text, quote) {
		c.at(file, p, "quote %q not found in seeds/%s.txt", abbreviate(src.Quote, 30), seed)
	}
}

// normSeed returns the normalised text of seed, computing it once.
func (c *checker) normSeed(seed string) (string, bool) {
	if t, ok := c.normSeeds[seed]; ok {
		return t, true
	}
	raw, ok := c.seeds[seed]
	if !ok {
		return "", false
	}
	t := normalizeText(raw)
	c.normSeeds[seed] = t
	return t, true
}

// normalizeText applies NFKC (full- and half-width forms compare equal) and
// drops all whitespace: Japanese pages break lines inside sentences and
// indent list items, and Japanese has no spaces between words to lose.
func normalizeText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

// abbreviate returns s's first n characters (after collapsing whitespace
// runs to one space), with "…" when it was longer.
func abbreviate(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
