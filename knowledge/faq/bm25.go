package faq

import "math"

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
}

var defaultConfig = config{k1: 1.2, b: 0.75, topicDocWeight: 1, threshold: 48}

// document is one indexed text: a topic phrasing or a topic's whole text.
type document struct {
	topic  int                // index into Index.topics
	tf     map[string]float64 // weighted term frequency of each gram
	length float64            // sum of the weights of its grams
}

// bm25 is an Okapi BM25 index over character n-grams.
type bm25 struct {
	k1, b    float64
	docs     []document
	postings map[string][]int // gram → indexes into docs
	idf      map[string]float64
	avgLen   float64
}

// addDoc indexes text for topic. In documents the n-gram order weights do
// not apply (they weigh the query side); polite endings still count less.
func (ix *bm25) addDoc(topic int, texts ...string) {
	d := document{topic: topic, tf: map[string]float64{}}
	for _, text := range texts {
		for _, g := range grams(text) {
			w := g.weight / gramWeights[len([]rune(g.text))]
			d.tf[g.text] += w
			d.length += w
		}
	}
	i := len(ix.docs)
	ix.docs = append(ix.docs, d)
	if ix.postings == nil {
		ix.postings = map[string][]int{}
	}
	for g := range d.tf {
		ix.postings[g] = append(ix.postings[g], i)
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

// query is a question prepared for scoring: each distinct gram with its
// weight (the largest of its occurrences).
type query map[string]float64

func newQuery(question string) query {
	q := query{}
	for _, g := range grams(question) {
		if g.weight > q[g.text] {
			q[g.text] = g.weight
		}
	}
	return q
}

// docScore returns document di's BM25 score for q.
func (ix *bm25) docScore(q query, di int) float64 {
	d := &ix.docs[di]
	s := 0.0
	for g, qw := range q {
		if tf := d.tf[g]; tf > 0 {
			s += qw * ix.idf[g] * tf * (ix.k1 + 1) / (tf + ix.k1*(1-ix.b+ix.b*d.length/ix.avgLen))
		}
	}
	return s
}

// selfScore returns the score q would get against a document made of
// question itself: the most it can score, for normalising.
func (ix *bm25) selfScore(q query, question string) float64 {
	self := bm25{k1: ix.k1, b: ix.b, idf: ix.idf, avgLen: ix.avgLen}
	self.addDoc(0, question)
	return self.docScore(q, 0)
}

// score adds each document's BM25 score for q to scores (indexed like docs).
func (ix *bm25) score(q query, scores []float64) {
	for g, qw := range q {
		idf := ix.idf[g]
		if idf == 0 {
			continue
		}
		for _, di := range ix.postings[g] {
			d := &ix.docs[di]
			tf := d.tf[g]
			norm := tf + ix.k1*(1-ix.b+ix.b*d.length/ix.avgLen)
			scores[di] += qw * idf * tf * (ix.k1 + 1) / norm
		}
	}
}
