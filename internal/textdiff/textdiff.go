// Package textdiff is a line diff of two texts, for the staff console and
// kbctl.
package textdiff

import "strings"

// Line is one line of a text diff: Op is "+" (added), "-" (removed),
// " " (context) or "…" (lines skipped).
type Line struct {
	Op   string
	Text string
}

// String renders l as in a unified diff ("+text", "-text", " text", "…").
func (l Line) String() string {
	if l.Op == "…" {
		return "…" + l.Text
	}
	return l.Op + l.Text
}

// MaxLines bounds the texts Lines compares line by line (its table
// is n×m); beyond it the diff says only that the texts differ.
const MaxLines = 5000

// Lines returns the changed lines of b against a with two lines of
// context around each change; nil when the texts are equal.
func Lines(a, b string) []Line {
	if a == b {
		return nil
	}
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(x) > MaxLines || len(y) > MaxLines {
		return []Line{{Op: "…", Text: "(長すぎるため差分を省略します)"}}
	}
	// lcs[i][j]: length of the longest common subsequence of x[i:], y[j:].
	lcs := make([][]int32, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var all []Line
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			all = append(all, Line{" ", x[i]})
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			all = append(all, Line{"-", x[i]})
			i++
		default:
			all = append(all, Line{"+", y[j]})
			j++
		}
	}
	keep := make([]bool, len(all))
	for k, l := range all {
		if l.Op != " " {
			for d := max(0, k-2); d <= min(len(all)-1, k+2); d++ {
				keep[d] = true
			}
		}
	}
	var out []Line
	skipped := false
	for k, l := range all {
		if !keep[k] {
			skipped = true
			continue
		}
		if skipped && len(out) > 0 {
			out = append(out, Line{"…", ""})
		}
		skipped = false
		out = append(out, l)
	}
	return out
}
