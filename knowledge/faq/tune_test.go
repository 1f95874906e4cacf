package faq

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/madoguchi/madoguchi/knowledge"
)

// TestTune sweeps the matcher's parameters over testdata/eval.tsv and logs
// accuracy and how well each confidence measure separates off-topic input.
// It is a tool, not a check: run it with FAQ_TUNE=1 go test -run TestTune -v.
func TestTune(t *testing.T) {
	if os.Getenv("FAQ_TUNE") == "" {
		t.Skip("set FAQ_TUNE=1 to sweep parameters")
	}
	data, err := fs.ReadFile(knowledge.Embedded(), "national.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var n knowledge.National
	if err := yaml.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	kb := &knowledge.KB{National: n}
	if full, err := knowledge.LoadEmbedded(); err == nil {
		kb = full
	} else {
		t.Logf("national.yaml only: %v", err)
	}
	type row struct{ m, q, topic string }
	var rows []row
	f, err := os.Open("testdata/eval.tsv")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if c := strings.Split(sc.Text(), "\t"); len(c) == 3 && !strings.HasPrefix(c[0], "#") {
			rows = append(rows, row{c[0], c[1], c[2]})
		}
	}
	f.Close()

	if os.Getenv("FAQ_TUNE") == "dump" {
		ix := newIndex(kb, defaultConfig)
		for _, rw := range rows {
			m := ix.match(rw.q)
			norm, _ := ix.measures(m)
			got := "-"
			if m.topic >= 0 {
				got = ix.topics[m.topic].ID
			}
			mark := "ok"
			switch {
			case rw.topic == "-":
				mark = "OFF"
			case got != rw.topic:
				mark = "MISS"
			}
			t.Logf("%-4s %7.2f norm=%.3f %s → %s", mark, m.score, norm, rw.q, got)
		}
		return
	}
	saved := [6]float64{gramWeights[1], gramWeights[3], kanaWeight, digitWeight, expansionWeight, politeWeight}
	defer func() {
		gramWeights[1], gramWeights[3], kanaWeight, digitWeight, expansionWeight, politeWeight = saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]
	}()
	type res struct {
		desc    string
		acc     float64
		sep     [3]int // correct on-topic rows above the strictest off-topic value, per measure
		thr     [3]float64
		hardest [3]string
	}
	var results []res
	for _, w1 := range []float64{0.6} {
		for _, w3 := range []float64{0.6} {
			for _, kw := range []float64{0.6} {
				for _, dw := range []float64{0.5} {
					for _, tdw := range []float64{0, 1, 2, 5} {
						for _, ew := range []float64{1} {
							for _, aw := range []float64{1.2, 2} {
								gramWeights[1], gramWeights[3], kanaWeight, digitWeight, expansionWeight = w1, w3, kw, dw, ew
								cfg := config{k1: 1.2, b: 0.75, topicDocWeight: tdw}
								k1 := aw
								cfg.k1 = k1
								ix := newIndex(kb, cfg)
								r := res{desc: fmt.Sprintf("w1=%.1f w3=%.1f kana=%.1f digit=%.1f whole=%.1f exp=%.1f k1=%.1f", w1, w3, kw, dw, tdw, ew, k1)}
								var onTopic, correct int
								var off [3]float64
								var good [3][]float64
								for _, rw := range rows {
									m := ix.match(rw.q)
									norm, cov := ix.measures(m)
									vals := [3]float64{m.score, norm, cov}
									if rw.topic == "-" {
										for k := range vals {
											if vals[k] > off[k] {
												off[k] = vals[k]
												r.hardest[k] = rw.q
											}
										}
										continue
									}
									onTopic++
									if m.topic >= 0 && ix.topics[m.topic].ID == rw.topic {
										correct++
										for k := range vals {
											good[k] = append(good[k], vals[k])
										}
									}
								}
								r.acc = float64(correct) / float64(onTopic)
								for k := range off {
									r.thr[k] = off[k]
									for _, v := range good[k] {
										if v > off[k] {
											r.sep[k]++
										}
									}
								}
								results = append(results, r)
							}
						}
					}
				}
			}
		}
	}
	sort.Slice(results, func(i, j int) bool {
		a, b := results[i], results[j]
		if a.acc != b.acc {
			return a.acc > b.acc
		}
		return max(a.sep[0], a.sep[1], a.sep[2]) > max(b.sep[0], b.sep[1], b.sep[2])
	})
	for _, r := range results[:min(40, len(results))] {
		t.Logf("%.3f %s | raw %d>%.2f(%s) norm %d>%.3f(%s) cov %d>%.3f(%s)", r.acc, r.desc,
			r.sep[0], r.thr[0], r.hardest[0], r.sep[1], r.thr[1], r.hardest[1], r.sep[2], r.thr[2], r.hardest[2])
	}
}

// measures returns two candidate confidence measures for m: its best
// phrasing's score over the score the question would get against itself,
// and the share of the question's idf-weighted grams that phrasing holds.
func (ix *Index) measures(m match) (normalized, coverage float64) {
	if m.topic < 0 {
		return 0, 0
	}
	self := bm25{k1: ix.questions.k1, b: ix.questions.b, idf: ix.questions.idf, avgLen: ix.questions.avgLen}
	self.docs = []document{{tf: map[string]float64{}}}
	for _, t := range m.q {
		w := t.weight / t.order
		self.docs[0].tf[t.gram] += w
		self.docs[0].length += w
	}
	if s := self.docScore(m.q, 0); s > 0 {
		normalized = ix.questions.docScore(m.q, m.bestDoc) / s
	}
	var total, covered float64
	for _, t := range m.q {
		idf := ix.questions.idf[t.gram]
		total += t.weight * idf
		if ix.questions.docs[m.bestDoc].tf[t.gram] > 0 {
			covered += t.weight * idf
		}
	}
	if total > 0 {
		coverage = covered / total
	}
	return normalized, coverage
}
