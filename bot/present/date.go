package present

import (
	"strconv"
	"time"

	"github.com/madoguchi/madoguchi/bot"
)

// Calendar says how a resident reads years: Western (2026年) or by the
// Japanese era (令和8年).
type Calendar int

// The calendars.
const (
	// Western writes 2026年3月24日(火), the default.
	Western Calendar = iota
	// Era writes 令和8年3月24日(火), for a municipality that prefers it or a
	// resident who wrote 令和. Days before 令和 are written in 平成; days
	// before 平成 in the Western calendar.
	Era
)

// eras are the eras Date can write, latest first, with the first day of
// each (令和 began on 2019-05-01, 平成 on 1989-01-08) and the text of its
// name.
var eras = []struct {
	name  bot.TextID
	start bot.Date
}{
	{bot.TextEraReiwa, bot.NewDate(2019, time.May, 1)},
	{bot.TextEraHeisei, bot.NewDate(1989, time.January, 8)},
}

// Date writes d as residents read dates, with the day of the week, in the
// words of t: 2026年3月24日(火), or 令和8年3月24日(火) with Era (the first
// year of an era is 元年: 令和元年5月1日(水)); "Tuesday, March 24, 2026" in
// English. It never writes ISO; an invalid d gives "".
func Date(d bot.Date, cal Calendar, t bot.Texts) string {
	if !d.Valid() {
		return ""
	}
	return t.Get(bot.TextDate, "year", Year(d, cal, t), "month", t.Get(bot.MonthText(int(d.Month))),
		"day", strconv.Itoa(d.Day), "weekday", t.Get(bot.WeekdayText(int(d.Time().Weekday()))))
}

// Year writes the year of d, in the words of t: 2026年, or 令和8年 with Era.
// English is always written in Western years: an English reader does not
// count in eras ("Reiwa 8" says nothing to most), and the Japanese view
// beside a translated checklist keeps the era for the counter clerk.
func Year(d bot.Date, cal Calendar, t bot.Texts) string {
	if cal == Era && t.Lang != bot.LangEn {
		for _, e := range eras {
			if d.Compare(e.start) >= 0 {
				n := d.Year - e.start.Year + 1
				if n == 1 {
					return t.Get(bot.TextYearEraFirst, "era", t.Get(e.name))
				}
				return t.Get(bot.TextYearEra, "era", t.Get(e.name), "n", strconv.Itoa(n))
			}
		}
	}
	return t.Get(bot.TextYear, "n", strconv.Itoa(d.Year))
}

// DateString writes an ISO date (YYYY-MM-DD), such as a page's update date
// in the knowledge, as Date does; a string that is not such a date is
// returned as it is.
func DateString(s string, cal Calendar, t bot.Texts) string {
	d, err := bot.ParseDate(s)
	if err != nil {
		return s
	}
	return Date(d, cal, t)
}
