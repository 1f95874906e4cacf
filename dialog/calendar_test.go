package dialog_test

import (
	"testing"

	"github.com/madoguchi/madoguchi/bot"
)

// TestResidentWhoWrote令和ReadsEraDates: a resident who writes the expiry
// date in 令和 gets a checklist whose dates are written in 令和
// (bot.CalendarEra); one who writes 2026年 keeps Western years.
func TestResidentWhoWrote令和ReadsEraDates(t *testing.T) {
	e, _, _ := newEngine(t, nil)
	for user, c := range map[string]struct{ date, want string }{
		"era-user":     {"令和8年5月10日です", bot.CalendarEra},
		"western-user": {"2026年5月10日です", ""},
	} {
		say(t, e, user, "", "start")
		say(t, e, user, "", "age_group=adult")
		r := say(t, e, user, "", "visitor=self")
		wrote := false
		for i := 0; !r.Done && i < 8; i++ {
			switch {
			case r.Asking == bot.SlotExpiryDate:
				r, wrote = say(t, e, user, c.date, ""), true
			case r.Asking == bot.SlotAddressChange: // a change makes it an issuance, with no expiry date
				r = say(t, e, user, "", "address_change=false")
			case len(r.QuickReplies) > 0:
				r = say(t, e, user, "", r.QuickReplies[0].Postback)
			default:
				t.Fatalf("%s: asking %q with no buttons", user, r.Asking)
			}
		}
		cl := checklistOf(r)
		if !wrote || cl == nil {
			t.Fatalf("%s: wrote the date %v, checklist %v", user, wrote, cl != nil)
		}
		if cl.Calendar != c.want {
			t.Errorf("%s wrote %q: calendar %q, want %q", user, c.date, cl.Calendar, c.want)
		}
	}
}
