package understand_test

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog/understand"
)

// parseCase reads "asking | text | expectations" (see TestUnderstand).
func parseCase(l string) (testCase, error) {
	parts := strings.Split(l, " | ")
	if len(parts) != 3 {
		return testCase{}, fmt.Errorf("want 'asking | text | expectations', got %q", l)
	}
	c := testCase{asking: strings.TrimSpace(parts[0]), text: strings.TrimSpace(parts[1])}
	if c.asking == "-" {
		c.asking = ""
	}
	if strings.HasPrefix(c.text, `"`) {
		t, err := strconv.Unquote(c.text)
		if err != nil {
			return c, fmt.Errorf("text %s: %v", c.text, err)
		}
		c.text = t
	}
	w := &c.want
	for _, e := range strings.Fields(parts[2]) {
		k, v, _ := strings.Cut(e, "=")
		switch k {
		case "none":
		case "pin":
			w.PIN = true
		case "dk":
			w.DontKnow = true
		case "reset":
			w.Command = understand.Reset
		case "back":
			w.Command = understand.Back
		case "start":
			w.Command = understand.Start
		case "age":
			w.Slots.AgeGroup = bot.AgeGroup(v)
		case "visitor":
			w.Slots.Visitor = bot.Visitor(v)
		case "notice", "addr":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return c, fmt.Errorf("%s: %v", e, err)
			}
			if k == "notice" {
				w.Slots.HasNotice = &b
			} else {
				w.Slots.AddressChange = &b
			}
		case "expiry":
			d, err := bot.ParseDate(v)
			if err != nil {
				return c, err
			}
			w.Slots.ExpiryDate = &d
		case "ward":
			w.Slots.Ward = v
		default:
			return c, fmt.Errorf("unknown expectation %q", e)
		}
	}
	w.Found = foundOf(w.Slots)
	return c, nil
}

// foundOf lists the slots set in s in the contract's order, as Found must.
func foundOf(s bot.Slots) []string {
	var f []string
	for _, x := range []struct {
		set  bool
		name string
	}{{s.AgeGroup != "", bot.SlotAgeGroup}, {s.Visitor != "", bot.SlotVisitor},
		{s.HasNotice != nil, bot.SlotHasNotice}, {s.AddressChange != nil, bot.SlotAddressChange},
		{s.ExpiryDate != nil, bot.SlotExpiryDate}, {s.Ward != "", bot.SlotWard}} {
		if x.set {
			f = append(f, x.name)
		}
	}
	return f
}
