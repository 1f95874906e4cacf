// Package faq answers residents' free questions from the knowledge base.
//
// MEASUREMENTS (filled in below).
package faq

import "github.com/madoguchi/madoguchi/knowledge"

// Index matches free questions to the knowledge base's FAQ topics. It is
// immutable once built and safe for concurrent use.
type Index struct {
	kb        *knowledge.KB
	cfg       config
	topics    []knowledge.Topic
	questions *bm25 // one document per phrasing (and per title)
	wholes    *bm25 // one document per topic: title and every phrasing
}

// New builds an Index over every topic of kb.
func New(kb *knowledge.KB) *Index { return newIndex(kb, defaultConfig) }

func newIndex(kb *knowledge.KB, cfg config) *Index {
	ix := &Index{
		kb:        kb,
		cfg:       cfg,
		topics:    kb.National.Topics,
		questions: &bm25{k1: cfg.k1, b: cfg.b},
		wholes:    &bm25{k1: cfg.k1, b: cfg.b},
	}
	for i, t := range ix.topics {
		ix.questions.addDoc(i, t.Title)
		for _, q := range t.Questions {
			ix.questions.addDoc(i, q)
		}
		ix.wholes.addDoc(i, append([]string{t.Title}, t.Questions...)...)
	}
	ix.questions.finish(nil)
	ix.wholes.finish(ix.questions.idf)
	return ix
}

// Result is the best match for a question.
type Result struct {
	Topic     string           // the topic id, "" when nothing matched
	Title     string           // the topic's title
	Answer    knowledge.Answer // the municipality's answer (or the national one)
	Score     float64          // the match score
	Confident bool             // Score is at or above the confidence threshold
}

// Threshold returns the score at or above which a Result is Confident.
func (ix *Index) Threshold() float64 { return ix.cfg.threshold }

// Ask returns the best topic for question in municipality. The topic is the
// same in every municipality; the answer is the municipality's own, or the
// national one. A question that shares nothing with any topic gets a zero
// Result.
func (ix *Index) Ask(municipality, question string) Result {
	m := ix.match(question)
	if m.topic < 0 {
		return Result{}
	}
	t := ix.topics[m.topic]
	r := Result{Topic: t.ID, Title: t.Title, Score: m.score}
	r.Confident = r.Score >= ix.cfg.threshold
	r.Answer, _ = ix.kb.Answer(municipality, t.ID)
	return r
}

// match is the best topic for a question.
type match struct {
	topic   int     // index into Index.topics, -1 for none
	score   float64 // the topic score (best phrasing plus weighted whole text)
	bestDoc int     // the topic's best phrasing, in ix.questions.docs
	q       query
}

func (ix *Index) match(question string) match {
	q := newQuery(question)
	m := match{topic: -1, q: q}
	if len(q) == 0 {
		return m
	}
	scores, bestDoc := ix.scoreTopics(q)
	for i, s := range scores {
		if s > 0 && (m.topic < 0 || s > scores[m.topic]) {
			m.topic = i
		}
	}
	if m.topic >= 0 {
		m.score, m.bestDoc = scores[m.topic], bestDoc[m.topic]
	}
	return m
}

// scoreTopics returns each topic's score for q (its best phrasing plus,
// weighted, its whole text) and the index of its best phrasing's document.
func (ix *Index) scoreTopics(q query) (scores []float64, bestDoc []int) {
	scores = make([]float64, len(ix.topics))
	bestDoc = make([]int, len(ix.topics))
	perDoc := make([]float64, len(ix.questions.docs))
	ix.questions.score(q, perDoc)
	for i, s := range perDoc {
		if t := ix.questions.docs[i].topic; s > scores[t] {
			scores[t], bestDoc[t] = s, i
		}
	}
	if ix.cfg.topicDocWeight > 0 {
		whole := make([]float64, len(ix.wholes.docs))
		ix.wholes.score(q, whole)
		for i, s := range whole {
			scores[ix.wholes.docs[i].topic] += ix.cfg.topicDocWeight * s
		}
	}
	return scores, bestDoc
}
