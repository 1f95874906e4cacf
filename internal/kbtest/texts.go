package kbtest

import (
	"sync"
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

var embedded = sync.OnceValues(knowledge.LoadEmbedded)

// Text returns the embedded knowledge's national text id in Japanese,
// filled with vars (name, value pairs): what a test expects the code to
// say where it says that text.
func Text(tb testing.TB, id bot.TextID, vars ...string) string {
	return Texts(tb, "", bot.LangJa).Get(id, vars...)
}

// Texts returns the embedded knowledge's catalogue of municipality ("":
// the national one) in lang.
func Texts(tb testing.TB, municipality string, lang bot.Lang) bot.Texts {
	tb.Helper()
	kb, err := embedded()
	if err != nil {
		tb.Fatalf("load the embedded knowledge: %v", err)
	}
	return kb.Texts(kb.Municipality(municipality), lang)
}
