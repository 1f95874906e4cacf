package rules

import "github.com/madoguchi/madoguchi/bot"

// RenewalWindow returns the renewal window of a certificate expiring on
// expiry: from the day after the date three months before expiry, to the
// expiry date itself. When that date does not exist (expiry 29–31 May →
// 29–31 February), the window opens on the 1st of the following month
// (Nerima's page: 2025-05-29 → 2025-03-01). time.AddDate would normalise
// 2025-02-29 to 2025-03-01 and then add a day, opening a day late.
func RenewalWindow(expiry bot.Date) bot.Window {
	y, m := expiry.Year, expiry.Month-3
	if m < 1 {
		y, m = y-1, m+12
	}
	var start bot.Date
	if expiry.Day > bot.DaysIn(y, m) {
		start = bot.NewDate(y, m, 1).AddDays(bot.DaysIn(y, m)) // the 1st of the next month
	} else {
		start = bot.NewDate(y, m, expiry.Day).AddDays(1)
	}
	return bot.Window{Start: start, End: expiry}
}

// StatusOn returns where today stands against window w: before it, in it
// (both ends included: the expiry day is still in the window), or after it.
func StatusOn(w bot.Window, today bot.Date) bot.Status {
	switch {
	case today.Before(w.Start):
		return bot.StatusTooEarly
	case today.After(w.End):
		return bot.StatusExpired
	}
	return bot.StatusInWindow
}
