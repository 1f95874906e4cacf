package faq

import (
	"math"
	"slices"
	"strings"
)

// config holds the matcher's tunable parameters; defaultConfig holds the
// values chosen on testdata/eval.tsv (see the comment at the top of faq.go).
type config struct {
	k1, b float64
	// topicDocWeight blends the score against the topic's whole text (title
	// and all its questions as one document) into the score of its best
	// single question: topic score = best question + topicDocWeight × topic
	// document. 0 keeps the best question alone.
	topicDocWeight float64
	// threshold is the confidence threshold on the blended score.
	threshold float64
	// questionThreshold is the threshold for a text written as a question.
	questionThreshold float64
	// suggestFloor is the least score of a topic offered as a suggestion.
	suggestFloor float64
	// keywordBonus is added to the score of a topic one of whose keywords
	// the question holds.
	keywordBonus float64
	// asksBonus is added to the score of a topic one of whose Asks words
	// (what the question asks for: いくら, 何時) the question holds.
	asksBonus float64
	// asksTailBonus is added again when the Asks word is in the clause
	// that asks (askingClause), not only in the situation told before it.
	asksTailBonus float64
	// likelyMargin is how far, as a share of its score, a Likely topic must
	// lead the next one.
	likelyMargin float64
}

var defaultConfig = config{k1: 1.2, b: 0.75, topicDocWeight: 2, threshold: 80, questionThreshold: 50, suggestFloor: 30, likelyMargin: 0.2, keywordBonus: 40, asksBonus: 60, asksTailBonus: 20}

// document is one indexed text: a topic phrasing or a topic's whole text.
type document struct {
	topic  int                // index into Index.topics
	tf     map[string]float64 // weighted term frequency of each gram
	length float64            // sum of the weights of its grams
}

// posting is one document holding a gram, with the gram's frequency there.
type posting struct {
	doc int
	tf  float64
}

// bm25 is an Okapi BM25 index over character n-grams.
type bm25 struct {
	k1, b    float64
	docs     []document
	postings map[string][]posting
	idf      map[string]float64
	avgLen   float64
}

// addDoc indexes text for topic. In documents the n-gram order weights do
// not apply (they weigh the query side); polite endings still count less.
func (ix *bm25) addDoc(topic int, texts ...string) {
	d := document{topic: topic, tf: map[string]float64{}}
	for _, text := range texts {
		for _, g := range grams(text) {
			w := g.weight / g.order
			d.tf[g.text] += w
			d.length += w
		}
	}
	i := len(ix.docs)
	ix.docs = append(ix.docs, d)
	if ix.postings == nil {
		ix.postings = map[string][]posting{}
	}
	for g, tf := range d.tf {
		ix.postings[g] = append(ix.postings[g], posting{doc: i, tf: tf})
	}
}

// finish computes the average document length and, unless idf is given,
// the inverse document frequencies from ix's own documents. The topic-level
// index borrows the question index's idf: over 26 long documents every
// common gram would look equally rare.
func (ix *bm25) finish(idf map[string]float64) {
	total := 0.0
	df := map[string]int{}
	for _, d := range ix.docs {
		total += d.length
		for g := range d.tf {
			df[g]++
		}
	}
	if len(ix.docs) > 0 {
		ix.avgLen = total / float64(len(ix.docs))
	}
	if idf != nil {
		ix.idf = idf
		return
	}
	n := float64(len(ix.docs))
	ix.idf = make(map[string]float64, len(df))
	for g, f := range df {
		ix.idf[g] = math.Log(1 + (n-float64(f)+0.5)/(float64(f)+0.5))
	}
}

// term is one distinct gram of a query and its weight (the largest of its
// occurrences).
type term struct {
	gram   string
	weight float64
	order  float64 // the gram's kind weight (see gram.order)
}

// query is a question prepared for scoring, its terms in a fixed order so
// that the same question always gets the same score to the last bit.
type query []term

func newQuery(question string) query {
	w := map[string]term{}
	for _, g := range grams(question) {
		if t, ok := w[g.text]; !ok || g.weight > t.weight {
			w[g.text] = term{g.text, g.weight, g.order}
		}
	}
	q := make(query, 0, len(w))
	for _, t := range w {
		q = append(q, t)
	}
	slices.SortFunc(q, func(a, b term) int { return strings.Compare(a.gram, b.gram) })
	return q
}

// tfPart is BM25's term-frequency saturation with document length
// normalisation.
func (ix *bm25) tfPart(tf, length float64) float64 {
	return tf * (ix.k1 + 1) / (tf + ix.k1*(1-ix.b+ix.b*length/ix.avgLen))
}

// docScore returns document di's BM25 score for q.
func (ix *bm25) docScore(q query, di int) float64 {
	d := &ix.docs[di]
	s := 0.0
	for _, t := range q {
		if tf := d.tf[t.gram]; tf > 0 {
			s += t.weight * ix.idf[t.gram] * ix.tfPart(tf, d.length)
		}
	}
	return s
}

// score adds each document's BM25 score for q to scores (indexed like docs).
func (ix *bm25) score(q query, scores []float64) {
	for _, t := range q {
		idf := ix.idf[t.gram]
		if idf == 0 {
			continue
		}
		for _, p := range ix.postings[t.gram] {
			scores[p.doc] += t.weight * idf * ix.tfPart(p.tf, ix.docs[p.doc].length)
		}
	}
}
