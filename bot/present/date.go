package present

import (
	"fmt"
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

var weekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// eras are the eras Date can write, latest first, with the first day of
// each: 令和 began on 2019-05-01, 平成 on 1989-01-08.
var eras = []struct {
	name  string
	start bot.Date
}{
	{"令和", bot.NewDate(2019, time.May, 1)},
	{"平成", bot.NewDate(1989, time.January, 8)},
}

// Date writes d as residents read dates, with the day of the week:
// 2026年3月24日(火), or 令和8年3月24日(火) with Era (the first year of an
// era is 元年: 令和元年5月1日(水)). It never writes ISO; an invalid d
// gives "".
func Date(d bot.Date, cal Calendar) string {
	if !d.Valid() {
		return ""
	}
	return fmt.Sprintf("%s%d月%d日(%s)", Year(d, cal), int(d.Month), d.Day, weekdays[d.Time().Weekday()])
}

// Year writes the year of d, with its 年: 2026年, or 令和8年 with Era.
func Year(d bot.Date, cal Calendar) string {
	if cal == Era {
		for _, e := range eras {
			if d.Compare(e.start) >= 0 {
				n := d.Year - e.start.Year + 1
				if n == 1 {
					return e.name + "元年"
				}
				return e.name + strconv.Itoa(n) + "年"
			}
		}
	}
	return strconv.Itoa(d.Year) + "年"
}

// DateString writes an ISO date (YYYY-MM-DD), such as a page's update date
// in the knowledge, as Date does; a string that is not such a date is
// returned as it is.
func DateString(s string, cal Calendar) string {
	d, err := bot.ParseDate(s)
	if err != nil {
		return s
	}
	return Date(d, cal)
}
