// Package faq answers residents' free questions from the knowledge base.
package faq

import "github.com/madoguchi/madoguchi/knowledge"

// Index matches free questions to the knowledge base's FAQ topics.
type Index struct{ kb *knowledge.KB }

// New builds an Index over every topic of kb.
func New(kb *knowledge.KB) *Index { return &Index{kb: kb} }

// Result is the best match for a question.
type Result struct {
	Topic     string           // the topic id, "" when nothing matched
	Title     string           // the topic's title
	Answer    knowledge.Answer // the municipality's answer (or the national one)
	Score     float64          // the match score
	Confident bool             // Score is at or above the confidence threshold
}

// Ask returns the best topic for question in municipality.
func (ix *Index) Ask(municipality, question string) Result { return Result{} }
