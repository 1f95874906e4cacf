package usage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge/usage"
	"github.com/redis/go-redis/v9"
)

func noPIN(string) bool { return false }

func TestHasDigitRun(t *testing.T) {
	for text, want := range map[string]bool{
		"1234": true, "１２３４": true, "12 34": true, "12-34": true, "一二三四": true, "٤٥٦٧": true,
		"令和7年7月7日": false, "123円": false, "12時から3時": false, "": false,
	} {
		if got := usage.HasDigitRun(text, 4); got != want {
			t.Errorf("HasDigitRun(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestRecordNeverBlocks fills the queue with no writer running: Record
// returns at once and counts what it drops.
func TestRecordNeverBlocks(t *testing.T) {
	u, err := usage.New(usage.Config{Redis: redistest.Client(t), Prefix: redistest.Prefix(t), PINLike: noPIN, Queue: 2})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		u.Record(context.Background(), usage.Turn{Municipality: "nerima", Started: true})
	}
	if s := u.Stats(); s.Dropped != 3 {
		t.Errorf("stats %+v, want 3 dropped", s)
	}
}

// TestWriteFailureIsCounted records on a Redis that is gone: the events are
// counted as failed, and Flush still returns.
func TestWriteFailureIsCounted(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer c.Close()
	u, err := usage.New(usage.Config{Redis: c, PINLike: noPIN})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go u.Run(ctx)
	u.Record(ctx, usage.Turn{Municipality: "nerima", Started: true})
	if err := u.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if s := u.Stats(); s.Failed != 1 || s.Recorded != 0 {
		t.Errorf("stats %+v, want 1 failed", s)
	}
}

// TestReportDaysAndRetention records on two days with a retention of 7
// days: the report has every day, oldest first, and the keys' TTL is the
// retention after the end of their day.
func TestReportDaysAndRetention(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t)
	now := time.Date(2026, time.March, 2, 23, 0, 0, 0, bot.Japan)
	u, err := usage.New(usage.Config{Redis: rdb, Prefix: prefix, PINLike: func(s string) bool { return strings.Contains(s, "secret") },
		Retention: 7 * 24 * time.Hour, Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go u.Run(ctx)
	u.Record(ctx, usage.Turn{Municipality: "edogawa", Started: true, Checklist: &usage.Situation{Rule: "r1", Procedure: "renewal", Covered: true}})
	if err := u.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour) // 2026-03-03 01:00
	u.Record(ctx, usage.Turn{Municipality: "edogawa", Unanswered: true, Question: "a secret one"})
	u.Record(ctx, usage.Turn{Municipality: "edogawa", Unanswered: true, Question: "  where   to park? "})
	u.Record(ctx, usage.Turn{Municipality: "edogawa", Topics: []string{"fee", "fee"}})
	if err := u.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := u.Report(ctx, "edogawa", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Days) != 3 || rep.Days[0].Date != bot.NewDate(2026, time.March, 1) || rep.Days[2].Date != bot.NewDate(2026, time.March, 3) {
		t.Fatalf("days %+v", rep.Days)
	}
	if rep.Days[1].Conversations != 1 || rep.Days[1].Checklists != 1 || rep.Days[2].Unanswered != 2 || rep.Days[2].Withheld != 1 || rep.Totals.FAQ != 2 {
		t.Errorf("days %+v totals %+v", rep.Days, rep.Totals)
	}
	if len(rep.Questions) != 1 || rep.Questions[0].Name != "where to park?" {
		t.Errorf("questions %+v", rep.Questions)
	}
	if len(rep.Situations) != 1 || rep.Situations[0].Name != "renewal r1" || len(rep.Topics) != 1 || rep.Topics[0].Count != 2 {
		t.Errorf("situations %+v topics %+v", rep.Situations, rep.Topics)
	}
	ttl := rdb.TTL(ctx, prefix+"usage:{edogawa}:day:2026-03-02").Val()
	if want := 7*24*time.Hour + time.Hour; ttl <= 7*24*time.Hour || ttl > want {
		t.Errorf("TTL of 2026-03-02 written at 23:00: %v, want up to %v", ttl, want)
	}
	if _, err := u.Report(ctx, "edogawa", 0); err == nil {
		t.Error("a report of 0 days")
	}
}
