package rules_test

import (
	"testing"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

func date(tb testing.TB, s string) bot.Date {
	tb.Helper()
	d, err := bot.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func TestRenewalWindow(t *testing.T) {
	cases := []struct{ expiry, start, why string }{
		{"2025-07-07", "2025-04-08", "Nerima example 1"},
		{"2025-05-29", "2025-03-01", "Nerima example 2: 2025-02-29 does not exist"},
		{"2025-05-30", "2025-03-01", "30 Feb never exists"},
		{"2025-05-31", "2025-03-01", "31 Feb never exists"},
		{"2025-05-28", "2025-03-01", "28 Feb exists, so the next day: 1 March"},
		{"2024-05-28", "2024-02-29", "leap year: 28 Feb exists, next day is 29 Feb"},
		{"2024-05-29", "2024-03-01", "leap year: 29 Feb exists, next day 1 March"},
		{"2024-05-30", "2024-03-01", "leap year: 30 Feb does not exist"},
		{"2025-12-31", "2025-10-01", "30 September is the last day, 31 does not exist"},
		{"2026-03-24", "2025-12-25", "Yokohama example across the year end"},
		{"2026-01-15", "2025-10-16", "January expiry reaches back into the previous year"},
		{"2026-03-31", "2026-01-01", "31 December exists, next day 1 January"},
		{"2025-08-31", "2025-06-01", "31 May exists, next day 1 June"},
		{"2025-09-30", "2025-07-01", "30 June exists, next day 1 July"},
		{"2025-11-30", "2025-08-31", "30 August exists, next day 31 August"},
		{"2100-05-29", "2100-03-01", "2100 is not a leap year"},
		{"2000-05-29", "2000-03-01", "2000 is a leap year: 29 Feb exists"},
	}
	for _, c := range cases {
		t.Run(c.expiry, func(t *testing.T) {
			w := rules.RenewalWindow(date(t, c.expiry))
			if got := w.Start.String(); got != c.start {
				t.Errorf("RenewalWindow(%s).Start = %s, want %s (%s)", c.expiry, got, c.start, c.why)
			}
			if got := w.End.String(); got != c.expiry {
				t.Errorf("RenewalWindow(%s).End = %s, want the expiry date", c.expiry, got)
			}
		})
	}
}

func TestStatusOn(t *testing.T) {
	w := rules.RenewalWindow(date(t, "2025-07-07")) // 2025-04-08 … 2025-07-07
	cases := []struct {
		today string
		want  bot.Status
	}{
		{"2025-01-01", bot.StatusTooEarly},
		{"2025-04-07", bot.StatusTooEarly},
		{"2025-04-08", bot.StatusInWindow},
		{"2025-05-01", bot.StatusInWindow},
		{"2025-07-07", bot.StatusInWindow}, // the expiry day itself is still in the window
		{"2025-07-08", bot.StatusExpired},  // the day after
		{"2030-01-01", bot.StatusExpired},
	}
	for _, c := range cases {
		if got := rules.StatusOn(w, date(t, c.today)); got != c.want {
			t.Errorf("StatusOn(%s) = %q, want %q", c.today, got, c.want)
		}
	}
}

// TestRenewalWindowEveryDay checks, for every expiry date over eight years,
// that the window opens the day after the same day three months earlier, or
// on the 1st of the next month when that day does not exist.
func TestRenewalWindowEveryDay(t *testing.T) {
	for d := date(t, "2024-01-01"); d.Before(date(t, "2032-01-01")); d = d.AddDays(1) {
		w := rules.RenewalWindow(d)
		back := bot.NewDate(d.Year, d.Month-3, d.Day)
		if d.Month <= 3 {
			back = bot.NewDate(d.Year-1, d.Month+9, d.Day)
		}
		var want bot.Date
		if back.Valid() {
			want = back.AddDays(1)
		} else {
			want = bot.NewDate(back.Year, back.Month+1, 1)
		}
		if w.Start != want {
			t.Fatalf("RenewalWindow(%s).Start = %s, want %s", d, w.Start, want)
		}
		if !w.Start.Before(d) {
			t.Fatalf("window for %s opens on %s, not before expiry", d, w.Start)
		}
	}
}
