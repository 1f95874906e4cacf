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

// TestOnCluster records and reports on a three-master Redis Cluster: a
// municipality's keys share one slot (its hash tag), so the writes and the
// report's pipeline work there.
func TestOnCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	rdb := c.Client(t)
	u, err := usage.New(usage.Config{Redis: rdb, Prefix: "usage-test:", PINLike: noPIN})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go u.Run(ctx)
	for _, m := range []string{"edogawa", "nerima", "yokohama", "akishima", "akitakata"} {
		u.Record(ctx, usage.Turn{Municipality: m, Started: true, Topics: []string{"fee"}, Unanswered: true, Question: "where?",
			Checklist: &usage.Situation{Rule: "r", Procedure: "renewal", Covered: true}})
	}
	if err := u.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if s := u.Stats(); s.Recorded != 5 || s.Failed != 0 {
		t.Fatalf("stats %+v", s)
	}
	for _, m := range []string{"edogawa", "yokohama"} {
		rep, err := u.Report(ctx, m, 2)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Totals.Conversations != 1 || rep.Totals.Checklists != 1 || len(rep.Questions) != 1 || len(rep.Topics) != 1 {
			t.Errorf("%s: %+v", m, rep)
		}
	}
}

// BenchmarkRecord is what a dialog turn pays for its usage event: a
// non-blocking send on the queue (the writer runs beside it).
func BenchmarkRecord(b *testing.B) {
	u, err := usage.New(usage.Config{Redis: redistest.Client(b), Prefix: redistest.Prefix(b), PINLike: noPIN})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go u.Run(ctx)
	turn := usage.Turn{Municipality: "nerima", Started: true, Topics: []string{"fee"}, Unanswered: true, Question: "駐車場に屋根はありますか？"}
	b.ReportAllocs()
	for b.Loop() {
		u.Record(ctx, turn)
	}
	b.StopTimer()
	_ = u.Flush(ctx)
	s := u.Stats()
	b.ReportMetric(float64(s.Dropped)/float64(s.Dropped+s.Recorded+s.Failed), "dropped/op")
}

// BenchmarkWrite is the writer's cost per event: events recorded in
// batches of 100 and flushed, so none is dropped.
func BenchmarkWrite(b *testing.B) {
	u, err := usage.New(usage.Config{Redis: redistest.Client(b), Prefix: redistest.Prefix(b), PINLike: noPIN})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go u.Run(ctx)
	turn := usage.Turn{Municipality: "nerima", Started: true, Topics: []string{"fee"}, Unanswered: true, Question: "駐車場に屋根はありますか？"}
	n := 0
	for b.Loop() {
		u.Record(ctx, turn)
		if n++; n%100 == 0 {
			_ = u.Flush(ctx)
		}
	}
	_ = u.Flush(ctx)
	if s := u.Stats(); s.Dropped != 0 || s.Failed != 0 {
		b.Fatalf("stats %+v", s)
	}
}
