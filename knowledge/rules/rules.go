// Package rules is the rules engine: a pure function from a municipality's
// knowledge, a resident's slots and today's date to the checklist the
// municipality's page implies.
package rules

import (
	"errors"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
)

// Checklist returns the checklist for slots s in municipality m on day today.
// AgeGroup and Visitor are required; errors are *bot.Error with CodeInvalid.
func Checklist(m *knowledge.Municipality, s bot.Slots, today bot.Date) (bot.Checklist, error) {
	return bot.Checklist{}, errors.New("rules: not written yet")
}
