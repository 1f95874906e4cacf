package present

import (
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/kbtest"
)

func TestDate(t *testing.T) {
	ja := kbtest.Texts(t, "", bot.LangJa)
	for _, c := range []struct {
		d    bot.Date
		cal  Calendar
		want string
	}{
		{bot.NewDate(2026, time.March, 24), Western, "2026年3月24日(火)"},
		{bot.NewDate(2026, time.December, 25), Western, "2026年12月25日(金)"},
		{bot.NewDate(2026, time.March, 24), Era, "令和8年3月24日(火)"},
		{bot.NewDate(2019, time.May, 1), Era, "令和元年5月1日(水)"},
		{bot.NewDate(2019, time.April, 30), Era, "平成31年4月30日(火)"},
		{bot.NewDate(1989, time.January, 8), Era, "平成元年1月8日(日)"},
		{bot.NewDate(1989, time.January, 7), Era, "1989年1月7日(土)"},
		{bot.NewDate(2024, time.February, 29), Western, "2024年2月29日(木)"},
		{bot.NewDate(2025, time.February, 30), Western, ""},
	} {
		if got := Date(c.d, c.cal, ja); got != c.want {
			t.Errorf("Date(%v, %d) = %q, want %q", c.d, c.cal, got, c.want)
		}
	}
}

func TestDateString(t *testing.T) {
	ja := kbtest.Texts(t, "", bot.LangJa)
	if got := DateString("2024-04-01", Western, ja); got != "2024年4月1日(月)" {
		t.Errorf("DateString(2024-04-01) = %q", got)
	}
	if got := DateString("2020-06-10", Era, ja); got != "令和2年6月10日(水)" {
		t.Errorf("DateString(2020-06-10, Era) = %q", got)
	}
	if got := DateString("令和6年4月", Western, ja); got != "令和6年4月" {
		t.Errorf("a non-ISO string must be kept: got %q", got)
	}
}

// TestDateInOtherLanguages: dates are written in the reader's language,
// from the knowledge's texts: English words, やさしい日本語 with readings.
func TestDateInOtherLanguages(t *testing.T) {
	d := bot.NewDate(2026, time.March, 24)
	if got := Date(d, Western, kbtest.Texts(t, "", bot.LangEn)); got != "Tuesday, March 24, 2026" {
		t.Errorf("English date %q", got)
	}
	if got := Date(d, Era, kbtest.Texts(t, "", bot.LangEn)); got != "Tuesday, March 24, 2026" {
		t.Errorf("English era date %q", got)
	}
	if got := Date(bot.NewDate(2019, time.May, 1), Era, kbtest.Texts(t, "", bot.LangEasy)); got != "令和(れいわ)元年(がんねん)5月1日(水)" {
		t.Errorf("やさしい日本語 era date %q", got)
	}
}
