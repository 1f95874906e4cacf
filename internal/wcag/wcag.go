// Package wcag computes WCAG 2 contrast ratios, for the tests that check
// every colour pair residents read (the LINE Flex card, the widget's CSS).
package wcag

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// AA is the least contrast WCAG 2 level AA allows for normal-size text.
const AA = 4.5

// Luminance returns the relative luminance of a #RGB or #RRGGBB colour.
func Luminance(hex string) (float64, error) {
	h := strings.TrimPrefix(strings.ToLower(hex), "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		return 0, fmt.Errorf("wcag: %q is not a #RGB or #RRGGBB colour", hex)
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("wcag: %q is not a #RGB or #RRGGBB colour", hex)
	}
	lin := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(v>>16&0xff) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff), nil
}

// Contrast returns the contrast ratio of two colours, from 1 to 21.
func Contrast(a, b string) (float64, error) {
	la, err := Luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := Luminance(b)
	if err != nil {
		return 0, err
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05), nil
}
