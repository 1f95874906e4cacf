package admin

import "strings"

// diffLine is one line of a text diff: Op is "+" (added), "-" (removed),
// " " (context) or "…" (lines skipped).
type diffLine struct {
	Op   string
	Text string
}

// maxDiffLines bounds the texts lineDiff compares line by line (its table
// is n×m); beyond it the diff says only that the texts differ.
const maxDiffLines = 5000

// lineDiff returns the changed lines of b against a with two lines of
// context around each change; nil when the texts are equal.
func lineDiff(a, b string) []diffLine {
	if a == b {
		return nil
	}
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(x) > maxDiffLines || len(y) > maxDiffLines {
		return []diffLine{{Op: "…", Text: "(長すぎるため差分を省略します)"}}
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
	var all []diffLine
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			all = append(all, diffLine{" ", x[i]})
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			all = append(all, diffLine{"+", y[j]})
			j++
		default:
			all = append(all, diffLine{"-", x[i]})
			i++
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
	var out []diffLine
	skipped := false
	for k, l := range all {
		if !keep[k] {
			skipped = true
			continue
		}
		if skipped && len(out) > 0 {
			out = append(out, diffLine{"…", ""})
		}
		skipped = false
		out = append(out, l)
	}
	return out
}
