package understand

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi/madoguchi/bot"
)

// Date patterns over normalised text whose kanji numbers are already digits.
// Go's regexp has no look-around, so the boundaries (no digit glued to
// either side) are checked in code; see boundaryOK.
// englishDates writes the English dates of n in Japanese (5 Feb 2027 →
// 2027年2月5日, March 24 → 3月24日). english calls it before its rules, so
// that no rule reads a date's day as something else ("expiry is 5 Feb
// 2027" is no age); findDate then reads the Japanese.
func englishDates(n string) string {
	write := func(mon, day, year string) string {
		out := strconv.Itoa(englishMonths[mon[:3]]) + "月" + day + "日"
		if year != "" {
			out = year + "年" + out
		}
		return " " + out + " "
	}
	n = englishDayFirst.ReplaceAllStringFunc(n, func(x string) string {
		g := englishDayFirst.FindStringSubmatch(x)
		return write(g[2], g[1], g[3])
	})
	return englishDate.ReplaceAllStringFunc(n, func(x string) string {
		g := englishDate.FindStringSubmatch(x)
		return write(g[1], g[2], g[3])
	})
}

var (
	fullDate    = regexp.MustCompile(`(令和|れいわ|平成|へいせい|r|h)?\s?(\d{1,4})\s?(?:年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?日?|[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{1,2}))`)
	compactDate = regexp.MustCompile(`\d{8}`)
	monthDay    = regexp.MustCompile(`(\d{1,2})\s?(?:月\s?の?\s?(\d{1,2})\s?日?|/\s?(\d{1,2}))`)
)

// reiwa1 is the first day of the Reiwa era; Heisei ends the day before.
var reiwa1 = bot.NewDate(2019, time.May, 1)

// dates is what findDate found.
type dates struct {
	expiry, birth       bot.Date
	hasExpiry, hasBirth bool
	expiryYear          bool   // the expiry was written with its year
	rest                string // the text with every date-shaped span blanked
}

// findDate returns the last valid date stated in p (a later date is a
// correction: "3/24じゃなくて4/1") and, apart, the last birth date with a
// year (2010年5月5日生まれ, 生年月日は…). Every date-shaped span is blanked
// in rest, so that its digits are not read again as an age. A span that
// names no real day (2月30日, 13月) is not found.
func findDate(p string, today bot.Date) dates {
	p = relativeMonths(p, today)
	var r dates
	b := []byte(p)
	expiryAt, birthAt := -1, -1 // the three passes below do not run in text order
	take := func(d bot.Date, s, e int, withYear bool) {
		switch {
		case !d.Valid():
		case isBirthDate(p, s, e):
			if withYear && s > birthAt {
				r.birth, r.hasBirth, birthAt = d, true, s
			}
		case s > expiryAt:
			r.expiry, r.hasExpiry, r.expiryYear, expiryAt = d, true, withYear, s
		}
	}
	for _, m := range fullDate.FindAllStringSubmatchIndex(p, -1) {
		if !boundaryOK(p, m[0], m[1]) {
			continue
		}
		raw, mo, d := sub(p, m, 2), sub(p, m, 3)+sub(p, m, 5), sub(p, m, 4)+sub(p, m, 6)
		era := sub(p, m, 1)
		if year, yes := eraYear(era, raw, atoi(raw), today); yes {
			date := bot.NewDate(year, time.Month(atoi(mo)), atoi(d))
			heisei := era == "平成" || era == "へいせい" || era == "h"
			if era == "" || date.Before(reiwa1) == heisei { // 令和1年3月1日 never existed
				take(date, m[0], m[1], true)
			}
		}
		blank(b, m[0], m[1])
	}
	p2 := string(b)
	for _, m := range compactDate.FindAllStringIndex(p2, -1) {
		if boundaryOK(p2, m[0], m[1]) {
			s := p2[m[0]:m[1]]
			if y := atoi(s[:4]); y >= 2000 && y <= 2100 {
				take(bot.NewDate(y, time.Month(atoi(s[4:6])), atoi(s[6:])), m[0], m[1], true)
			}
			blank(b, m[0], m[1])
		}
	}
	p2 = string(b)
	for _, m := range monthDay.FindAllStringSubmatchIndex(p2, -1) {
		if !boundaryOK(p2, m[0], m[1]) {
			continue
		}
		mo, d := atoi(sub(p2, m, 1)), atoi(sub(p2, m, 2)+sub(p2, m, 3))
		take(yearless(p2, m[0], time.Month(mo), d, today), m[0], m[1], false)
		blank(b, m[0], m[1])
	}
	r.rest = string(b)
	return r
}

// relativeMonth is a day of this or next month (今月の21日, 来月末).
var relativeMonth = regexp.MustCompile(`(再来月|来月|今月|先月)\s?の?\s?(?:(\d{1,2})\s?日|(末|おわり|終わり))`)

// relativeMonths rewrites 今月の21日 and 来月末 as full dates (2026年12月21日),
// counted from today, before the patterns read them.
func relativeMonths(p string, today bot.Date) string {
	if !strings.Contains(p, "月") {
		return p
	}
	return relativeMonth.ReplaceAllStringFunc(p, func(m string) string {
		g := relativeMonth.FindStringSubmatch(m)
		off := map[string]int{"先月": -1, "今月": 0, "来月": 1, "再来月": 2}[g[1]]
		first := time.Date(today.Year, today.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, off, 0)
		day := atoi(g[2])
		if g[3] != "" {
			day = first.AddDate(0, 1, -1).Day()
		}
		return fmt.Sprintf("%d年%d月%d日", first.Year(), int(first.Month()), day)
	})
}

// eraYear reads the year of a full date. An era (令和, R, 平成, H) counts
// from its first year, and the date must fall inside the era. A year of one
// or two digits without an era is read in today's era, as residents write
// 8年 for 令和8年; if that lands more than ten years from today (a
// certificate lasts five) it is read as 20yy instead (26/3/24 is 2026), and
// failing both it is not a year we understand. Four-digit years are taken
// as written between 1900 and 2100 (birth
// dates included); three-digit years never.
func eraYear(era, raw string, y int, today bot.Date) (int, bool) {
	near := func(year int) bool { return year >= today.Year-10 && year <= today.Year+10 }
	switch {
	case era == "令和" || era == "れいわ" || era == "r":
		return 2018 + y, y >= 1 && y <= 99
	case era != "":
		return 1988 + y, y >= 1 && y <= 31
	case len(raw) == 4:
		return y, y >= 1900 && y <= 2100
	case len(raw) == 3 || y == 0:
		return 0, false
	}
	base := 2018
	if today.Before(reiwa1) {
		base = 1988
	}
	if near(base + y) {
		return base + y, true
	}
	return 2000 + y, near(2000 + y)
}

// yearless picks the year of a month and day written alone: a year word just
// before it (今年, 来年, 再来年, 去年) decides; otherwise the date is the
// next one on or after today, the usual case of a certificate that has not
// expired yet, unless the text says it has (切れ, 過ぎ, 失効), in which case
// it is the last one on or before today. Either way it is within a year.
func yearless(p string, at int, m time.Month, d int, today bot.Date) bot.Date {
	before := strings.TrimRight(strings.TrimSuffix(strings.TrimRight(p[:at], " "), "の"), " ")
	for w, off := range map[string]int{"再来年": 2, "来年": 1, "今年": 0, "本年": 0, "去年": -1, "昨年": -1} {
		if strings.HasSuffix(before, w) {
			return bot.NewDate(today.Year+off, m, d)
		}
	}
	date := bot.NewDate(today.Year, m, d)
	if containsAny(p, expiredWords...) {
		if date.After(today) {
			date.Year--
		}
	} else if date.Before(today) {
		date.Year++
	}
	return date
}

// expiredWords say the date is past: 切れた, 過ぎてる, 失効した. 切れてしまう
// and 切れます are still to come.
var expiredWords = []string{"切れた", "きれた", "切れてい", "きれてい", "切れてる", "きれてる", "切れてま",
	"切れちゃった", "きれちゃった", "切れてしまった", "きれてしまった", "切れとる", "きれとる", "切れてもう",
	"切れまし", "きれまし", "切れてしまいまし", "きれてしまいまし", "過ぎてしまった", "すぎてしまった", "過ぎてしまいまし", "すぎてしまいまし", "切れてた", "きれてた",
	"までだった", "まで だった", "まででした", "まで でした", "終わりました", "おわりました", "終わってしまいまし", "おわってしまいまし", "終わってしまった", "おわってしまった",
	"過ぎまし", "すぎまし", "過ぎてまし", "すぎてまし", "切れてまし", "きれてまし", "過ぎた", "すぎた", "過ぎてい", "過ぎてる", "すぎてる", "過ぎちゃ", "失効し", "失効して", "期限切れ",
	"expired"}

// dateWords rewrites dates spelled in kana (らいねんの2がつ28にち) into the
// kanji forms the patterns read (English ones, March 8, 2027 or 18
// December, englishDates has rewritten before).
func dateWords(p string) string {
	p = kanaDateWords.Replace(p)
	p = kanaDateUnits.ReplaceAllStringFunc(p, func(m string) string {
		if strings.HasSuffix(m, "がつ") {
			return strings.TrimSpace(strings.TrimSuffix(m, "がつ")) + "月"
		}
		if strings.HasSuffix(m, "ねん") {
			return strings.TrimSpace(strings.TrimSuffix(m, "ねん")) + "年"
		}
		return strings.TrimSpace(strings.TrimSuffix(m, "にち")) + "日"
	})
	// The days with names of their own (ついたち, はつか), after a month only:
	// いつか alone is "some day".
	p = kanaDays.ReplaceAllStringFunc(p, func(m string) string {
		g := kanaDays.FindStringSubmatch(m)
		return g[1] + kanaDayNumbers[g[2]] + "日"
	})
	return p
}

var (
	kanaDateWords = strings.NewReplacer("さらいねん", "再来年", "らいねん", "来年", "ことし", "今年",
		"きょねん", "去年", "さくねん", "昨年", "こんげつ", "今月", "らいげつ", "来月", "せんげつ", "先月")
	kanaDateUnits  = regexp.MustCompile(`\d+\s?(?:がつ|にち|ねん)`)
	kanaDays       = regexp.MustCompile(`(月\s?(?:の\s?)?)(ついたち|ふつか|みっか|よっか|いつか|むいか|なのか|ようか|ここのか|とおか|はつか)`)
	kanaDayNumbers = map[string]string{"ついたち": "1", "ふつか": "2", "みっか": "3", "よっか": "4", "いつか": "5",
		"むいか": "6", "なのか": "7", "ようか": "8", "ここのか": "9", "とおか": "10", "はつか": "20"}
	englishDate     = regexp.MustCompile(`\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s?(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s?(\d{4}))?`)
	englishDayFirst = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s?(?:of\s)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:,?\s?(\d{4}))?`)
	englishMonths   = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
		"sep": 9, "oct": 10, "nov": 11, "dec": 12}
)

// isBirthDate reports whether the date at p[s:e] is a birth date (2010年5月5日
// 生まれ, 生年月日は…), which must not become the expiry date.
func isBirthDate(p string, s, e int) bool {
	before := strings.TrimRight(p[:s], " :は")
	return strings.HasPrefix(strings.TrimLeft(p[e:], " "), "生") ||
		strings.HasSuffix(before, "誕生日") || strings.HasSuffix(before, "生年月日")
}

// boundaryOK rejects a match glued to more digits (12026/3/24, 3/245) or,
// for an R/H era, to more ASCII letters (hr8.3.24).
func boundaryOK(p string, s, e int) bool {
	for s < e && p[s] == ' ' {
		s++ // the space the patterns allow before the year (expires 2027/1/15)
	}
	if s > 0 {
		c := p[s-1]
		if c >= '0' && c <= '9' || c == '/' || c == '.' || c == '-' ||
			(c >= 'a' && c <= 'z' && !(p[s] >= '0' && p[s] <= '9')) {
			return false
		}
	}
	if e < len(p) {
		c := p[e]
		return !(c >= '0' && c <= '9') && !(c == '/' || c == '-')
	}
	return true
}

func sub(p string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return p[m[2*i]:m[2*i+1]]
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 4 {
		return -1
	}
	return n
}

func blank(b []byte, s, e int) {
	for i := s; i < e; i++ {
		b[i] = ' '
	}
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
