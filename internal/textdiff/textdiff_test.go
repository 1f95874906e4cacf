package textdiff

import (
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	if Lines("a\nb", "a\nb") != nil {
		t.Fatal("equal texts differ")
	}
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9"
	b := "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10"
	var out []string
	for _, l := range Lines(a, b) {
		out = append(out, l.String())
	}
	want := " 3| 4|-5|+five| 6| 7| 8| 9|+10"
	if got := strings.Join(out, "|"); got != want {
		t.Fatalf("diff\n%s\nwant\n%s", got, want)
	}
	// Unchanged lines beyond two of context are skipped.
	a = "x\n1\n2\n3\n4\n5\n6\n7\ny"
	b = "X\n1\n2\n3\n4\n5\n6\n7\nY"
	out = nil
	for _, l := range Lines(a, b) {
		out = append(out, l.String())
	}
	if got, want := strings.Join(out, "|"), "-x|+X| 1| 2|…| 6| 7|-y|+Y"; got != want {
		t.Fatalf("diff\n%s\nwant\n%s", got, want)
	}
}
