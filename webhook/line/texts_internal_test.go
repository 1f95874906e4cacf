package line

import (
	"sync"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// nationalTexts are the embedded knowledge's national texts in Japanese,
// for checklists a test builds by hand (the rules engine sets them on
// real ones).
var nationalTexts = sync.OnceValue(func() *bot.Texts {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		panic(err) // every test of the module fails on it first
	}
	t := kb.Texts(nil, bot.LangJa)
	return &t
})
