package knowledge

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/madoguchi/madoguchi/bot"
)

// questionSlots lists the slots the dialog asks for, in the contract's order.
var questionSlots = []string{bot.SlotAgeGroup, bot.SlotVisitor, bot.SlotHasNotice,
	bot.SlotAddressChange, bot.SlotMoveAtVisit, bot.SlotExpiryDate, bot.SlotWard}

// buttonValues lists, per slot, the values a national button may send; the
// ward's buttons come from the municipality's wards, so it has none.
var buttonValues = map[string][]string{
	bot.SlotAgeGroup:      {string(bot.AgeAdult), string(bot.AgeUnder15), string(bot.AgeAdultWard)},
	bot.SlotVisitor:       {string(bot.VisitorSelf), string(bot.VisitorLegalRep), string(bot.VisitorProxy)},
	bot.SlotHasNotice:     {"true", "false"},
	bot.SlotAddressChange: {"true", "false"},
	bot.SlotMoveAtVisit:   {"true", "false"},
	bot.SlotExpiryDate:    {"unknown"},
}

// checkNationalQuestions checks that national.yaml asks for every slot once,
// with a text, a hint and buttons whose labels fit LINE and whose values
// the dialog understands.
func (c *checker) checkNationalQuestions() {
	const f = "national.yaml"
	seen := map[string]bool{}
	for i, q := range c.kb.National.Questions {
		p := fmt.Sprintf("questions[%d]", i)
		c.questionSlot(f, p, q, seen)
		c.required(f, p+".text", q.Text)
		c.required(f, p+".hint", q.Hint)
		c.questionWords(f, p, q, len(q.Buttons))
		for j, b := range q.Buttons {
			bp := fmt.Sprintf("%s.buttons[%d]", p, j)
			c.required(f, bp+".label", b.Label)
			if n := utf8.RuneCountInString(b.Label); n > 20 {
				c.at(f, bp+".label", "longer than LINE's 20 characters (%d)", n)
			}
			if vals, ok := buttonValues[q.Slot]; ok && !slices.Contains(vals, b.Value) {
				c.at(f, bp+".value", "unknown value %q for %s (want one of %v)", b.Value, q.Slot, vals)
			} else if !ok && q.Slot == bot.SlotWard {
				c.at(f, bp, "the ward's buttons come from each municipality's wards")
			}
		}
	}
	for _, s := range questionSlots {
		if !seen[s] {
			c.at(f, "questions", "no question for slot %s", s)
		}
	}
}

// checkQuestionOverrides checks a municipality's own wording: known slots,
// once each, a text or a hint, and no buttons (they are national).
func (c *checker) checkQuestionOverrides(m *Municipality) {
	seen := map[string]bool{}
	for i, q := range m.Questions {
		p := fmt.Sprintf("questions[%d]", i)
		c.questionSlot(m.file, p, q, seen)
		if q.Text == "" && q.Hint == "" {
			c.at(m.file, p, "overrides nothing: give a text or a hint")
		}
		if len(q.Buttons) > 0 {
			c.at(m.file, p+".buttons", "buttons are national (national.yaml); a municipality overrides text and hint only")
		}
		c.questionWords(m.file, p, q, 0)
	}
}

// questionSlot checks that q names a slot not seen before in its file.
func (c *checker) questionSlot(file, p string, q Question, seen map[string]bool) {
	switch {
	case !slices.Contains(questionSlots, q.Slot):
		c.at(file, p+".slot", "unknown slot %q (want one of %v)", q.Slot, questionSlots)
	case seen[q.Slot]:
		c.at(file, p+".slot", "duplicate slot %q", q.Slot)
	}
	seen[q.Slot] = true
}

// questionWords checks q's translations: a text (and a hint where q has
// one), and as many button labels as buttons (want; none for a
// municipality's override), each within LINE's 20 characters.
func (c *checker) questionWords(file, p string, q Question, want int) {
	for _, l := range []bot.Lang{bot.LangEasy, bot.LangEn} {
		w := q.in(l)
		if w == nil {
			continue
		}
		lp := p + "." + string(l)
		if q.Text != "" {
			c.required(file, lp+".text", w.Text)
		}
		if q.Hint != "" {
			c.required(file, lp+".hint", w.Hint)
		}
		if len(w.Buttons) != want {
			c.at(file, lp+".buttons", "%d labels, want one for each of the %d buttons", len(w.Buttons), want)
		}
		for j, b := range w.Buttons {
			if n := utf8.RuneCountInString(b); n == 0 || n > 20 {
				c.at(file, fmt.Sprintf("%s.buttons[%d]", lp, j), "must be 1 to 20 characters (LINE's limit), has %d", n)
			}
		}
	}
}
