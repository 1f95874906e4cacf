package dialog_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/dialog/understand"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge/usage"
	"github.com/redis/go-redis/v9"
)

// newUsageEngine is an engine whose turns are recorded by a usage.Store
// under the test's prefix, with the clock at now.
func newUsageEngine(t *testing.T, now time.Time) (*dialog.Engine, *usage.Store, redis.UniversalClient, string) {
	t.Helper()
	client := redistest.Client(t)
	prefix := redistest.Prefix(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	u, err := usage.New(usage.Config{Redis: client, Prefix: prefix, PINLike: understand.LooksLikePIN,
		Clock: func() time.Time { return now }, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { u.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	e := dialog.New(dialog.Config{KB: loadKB(t), Store: redisstore.New(client, redisstore.Options{Prefix: prefix, Logger: logger}),
		Logger: logger, Usage: u})
	return e, u, client, prefix
}

// TestUsageRecordsRealTurns runs whole conversations through the engine
// and reads the figures back: conversations, the checklist's situation,
// the FAQ topics and the unanswered question, each once (a LINE retry of a
// turn is not counted again).
func TestUsageRecordsRealTurns(t *testing.T) {
	now := time.Date(2026, time.January, 10, 9, 0, 0, 0, bot.Japan)
	e, u, _, _ := newUsageEngine(t, now)
	flow := []string{"age_group=adult", "visitor=self", "has_notice=true", "address_change=false", "expiry_date=unknown"}
	for _, user := range []string{"usage-user-0001", "usage-user-0002"} {
		say(t, e, user, "更新したい", "")
		var r bot.Reply
		for _, p := range flow {
			r = say(t, e, user, "", p)
		}
		if !r.Done {
			t.Fatalf("no checklist after %v: asking %q", flow, r.Asking)
		}
	}
	say(t, e, "usage-user-0001", "手数料はいくらですか？", "")
	say(t, e, "usage-user-0001", "", "faq=hours")
	unanswered := "駐車場に屋根はありますか？"
	say(t, e, "usage-user-0002", unanswered, "")
	// A retried LINE event is applied, and counted, once.
	today := bot.NewDate(2026, time.January, 10)
	for range 2 {
		if _, err := e.Respond(context.Background(), bot.Message{Channel: bot.ChannelLINE, Municipality: "nerima",
			User: "U-usage-line", Text: "更新したい", ID: "event-1", Today: &today}); err != nil {
			t.Fatal(err)
		}
	}
	if err := u.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep, err := u.Report(context.Background(), "nerima", 7)
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Days[len(rep.Days)-1]
	if got.Date != today || got.Conversations != 3 || got.Checklists != 2 || got.FAQ < 2 || got.Unanswered != 1 || got.Withheld != 0 {
		t.Errorf("today's figures: %+v", got)
	}
	if len(rep.Situations) != 1 || rep.Situations[0].Count != 2 || !strings.HasPrefix(rep.Situations[0].Name, "renewal ") {
		t.Errorf("situations: %+v", rep.Situations)
	}
	topics := map[string]int64{}
	for _, c := range rep.Topics {
		topics[c.Name] = c.Count
	}
	if topics["fee"] != 1 || topics["hours"] != 1 {
		t.Errorf("topics: %+v", rep.Topics)
	}
	if len(rep.Questions) != 1 || rep.Questions[0].Name != unanswered || rep.Questions[0].Count != 1 {
		t.Errorf("questions: %+v", rep.Questions)
	}
	if s := u.Stats(); s.Dropped != 0 || s.Failed != 0 || s.Recorded == 0 {
		t.Errorf("stats: %+v", s)
	}
}

// TestUsageNeverStoresPINLikeText asks questions the FAQ cannot place that
// hold PIN-like text or a run of digits, then scans every key the test
// wrote, raw: the texts are counted as withheld, never stored, and no user
// id is stored either. Every usage key expires within the retention after
// its day.
func TestUsageNeverStoresPINLikeText(t *testing.T) {
	now := time.Date(2026, time.January, 10, 9, 0, 0, 0, bot.Japan)
	e, u, client, prefix := newUsageEngine(t, now)
	user := "secret-session-7777"
	secrets := []string{"4821の駐車場はありますか？", "駐車場は１２３４番ですか？", "駐車場は12-34ですか？", "駐車場は一二三四番ですか？"}
	for _, q := range secrets {
		say(t, e, user, q, "")
	}
	kept := "駐車場に屋根はありますか？"
	say(t, e, user, kept, "")
	if err := u.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	keys, err := client.Keys(ctx, prefix+"usage:*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("no usage key under %s: %v", prefix, err)
	}
	var stored strings.Builder
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix+"usage:{nerima}:") {
			t.Errorf("key %q is not under the municipality's hash tag", k)
		}
		switch typ := client.Type(ctx, k).Val(); typ {
		case "hash":
			for f, v := range client.HGetAll(ctx, k).Val() {
				stored.WriteString(f + "=" + v + "\n")
			}
		case "zset":
			for _, m := range client.ZRange(ctx, k, 0, -1).Val() {
				stored.WriteString(m + "\n")
			}
		default:
			t.Errorf("key %q has type %s", k, typ)
		}
		ttl := client.TTL(ctx, k).Val()
		if ttl <= usage.DefaultRetention || ttl > usage.DefaultRetention+24*time.Hour {
			t.Errorf("key %q: TTL %v, want the retention (%v) after the day ends", k, ttl, usage.DefaultRetention)
		}
	}
	for _, bad := range append(secrets, "4821", "1234", "１２３４", "一二三四", user, "7777") {
		if strings.Contains(stored.String(), bad) {
			t.Errorf("Redis holds %q:\n%s", bad, stored.String())
		}
	}
	if !strings.Contains(stored.String(), kept) {
		t.Errorf("the harmless question is not kept:\n%s", stored.String())
	}
	rep, err := u.Report(ctx, "nerima", 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := rep.Days[0]; d.Unanswered != int64(len(secrets))+1 || d.Withheld != int64(len(secrets)) {
		t.Errorf("figures: %+v (want %d unanswered, %d withheld)", d, len(secrets)+1, len(secrets))
	}
}
