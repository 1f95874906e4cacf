package wcag

import (
	"math"
	"testing"
)

func TestContrast(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000", "#fff", 21},
		{"#FFFFFF", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48}, // the grey LINE's card used: under AA
		{"#767676", "#fff", 4.54},    // the lightest grey at AA on white
		{"#0b5cad", "#ffffff", 6.67},
	} {
		got, err := Contrast(c.a, c.b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-c.want) > 0.01 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
	if _, err := Contrast("#12345", "#fff"); err == nil {
		t.Error("a five-digit colour was accepted")
	}
}
