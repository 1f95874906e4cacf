package faq_test

import (
	"bufio"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/madoguchi/madoguchi/knowledge"
)

var (
	kbOnce sync.Once
	kbVal  *knowledge.KB
	kbNote string
)

// testKB returns the embedded knowledge base when it loads, and otherwise a
// KB holding national.yaml alone (municipality files are written
// concurrently; the topics and phrasings the matcher learns from are all in
// national.yaml).
func testKB(tb testing.TB) *knowledge.KB {
	tb.Helper()
	kbOnce.Do(func() {
		kb, err := knowledge.LoadEmbedded()
		if err == nil {
			kbVal, kbNote = kb, "embedded knowledge base"
			return
		}
		data, rerr := fs.ReadFile(knowledge.Embedded(), "national.yaml")
		if rerr != nil {
			return
		}
		var n knowledge.National
		if yerr := yaml.Unmarshal(data, &n); yerr != nil {
			kbNote = yerr.Error()
			return
		}
		kbVal = &knowledge.KB{National: n}
		kbNote = "national.yaml only (embedded knowledge does not load yet: " + firstLine(err.Error()) + ")"
	})
	if kbVal == nil {
		tb.Fatalf("no knowledge base: %s", kbNote)
	}
	return kbVal
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// evalRow is one line of testdata/eval.tsv or holdout.tsv.
type evalRow struct {
	line                   int
	municipality, question string
	topic                  string // "-" for off-topic
}

func readEval(tb testing.TB, file string) []evalRow {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows []evalRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			tb.Fatalf("%s:%d: want 3 tab-separated columns, got %d", file, n, len(cols))
		}
		rows = append(rows, evalRow{line: n, municipality: cols[0], question: cols[1], topic: cols[2]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}
