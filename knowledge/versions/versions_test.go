package versions_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
	"github.com/madoguchi/madoguchi/knowledge/versions"
	"github.com/redis/go-redis/v9"
)

// keyPrefix is the prefix of every key these tests write: the test's
// redistest prefix under wt-admin: (the namespace this work may use on the
// shared server), deleted when the test ends.
func keyPrefix(tb testing.TB, rdb redis.UniversalClient) string {
	tb.Helper()
	p := redistest.Prefix(tb)
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, p+"*", 500).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	return p
}

// provider is a trivial Target.
type provider struct{ p atomic.Pointer[knowledge.KB] }

func (p *provider) Current() *knowledge.KB { return p.p.Load() }
func (p *provider) Set(kb *knowledge.KB)   { p.p.Store(kb) }

func newProvider(tb testing.TB) *provider {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		tb.Fatal(err)
	}
	p := &provider{}
	p.Set(kb)
	return p
}

func newStore(tb testing.TB, rdb redis.UniversalClient, prefix string) *versions.Store {
	tb.Helper()
	s, err := versions.New(versions.Config{Redis: rdb, Prefix: prefix, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// twoClients returns two clients of one Redis, as two server processes
// have: the server at TEST_REDIS_URL, else one miniredis.
func twoClients(tb testing.TB) (redis.UniversalClient, redis.UniversalClient) {
	if os.Getenv(redistest.EnvURL) != "" {
		return redistest.Client(tb), redistest.Client(tb)
	}
	m := miniredis.RunT(tb)
	a, b := redis.NewClient(&redis.Options{Addr: m.Addr()}), redis.NewClient(&redis.Options{Addr: m.Addr()})
	tb.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

const oldPhone = "03-5662-9200"

// withPhone returns Edogawa's base content with its counter's phone number
// replaced, in the YAML and on the page alike, so that it validates.
func withPhone(tb testing.TB, s *versions.Store, phone string) versions.Content {
	tb.Helper()
	v, err := s.Get(context.Background(), "edogawa", 1)
	if err != nil {
		tb.Fatal(err)
	}
	return versions.Content{YAML: strings.ReplaceAll(v.YAML, oldPhone, phone), Page: strings.ReplaceAll(v.Page, oldPhone, phone)}
}

// edogawaPhone is the phone of Edogawa's first counter in kb.
func edogawaPhone(kb *knowledge.KB) string { return kb.Municipality("edogawa").Counters[0].Phone }

func TestVersion1IsTheBase(t *testing.T) {
	rdb := redistest.Client(t)
	s := newStore(t, rdb, keyPrefix(t, rdb))
	ctx := context.Background()
	v, err := s.Latest(ctx, "edogawa")
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 1 || !strings.Contains(v.YAML, "id: edogawa") || !strings.Contains(v.Page, oldPhone) {
		t.Fatalf("latest = v%d, yaml %d bytes, page %d bytes", v.Number, len(v.YAML), len(v.Page))
	}
	if _, err := s.Get(ctx, "edogawa", 2); !errors.Is(err, versions.ErrNotFound) {
		t.Fatalf("Get v2 = %v, want ErrNotFound", err)
	}
	if _, err := s.Latest(ctx, "tokyo"); !errors.Is(err, versions.ErrUnknownUnit) {
		t.Fatalf("Latest(tokyo) = %v, want ErrUnknownUnit", err)
	}
	if got := s.Units(); got[0] != versions.National || len(got) != 6 {
		t.Fatalf("Units = %v", got)
	}
}

func TestPublishListGetRollback(t *testing.T) {
	rdb := redistest.Client(t)
	s := newStore(t, rdb, keyPrefix(t, rdb))
	ctx := context.Background()
	c := withPhone(t, s, "03-5662-9999")
	v2, err := s.Publish(ctx, "edogawa", 1, c, "alice", "電話番号の変更")
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number != 2 || v2.Author != "alice" || v2.Hash != c.Hash() || v2.Time.IsZero() {
		t.Fatalf("published %+v", v2)
	}
	got, err := s.Get(ctx, "edogawa", 2)
	if err != nil || got.YAML != c.YAML || got.Page != c.Page || got.Comment != "電話番号の変更" {
		t.Fatalf("Get v2 = %+v, %v", got.Comment, err)
	}
	// A stale base: nothing is written.
	var ce *versions.ConflictError
	if _, err := s.Publish(ctx, "edogawa", 1, c, "bob", ""); !errors.As(err, &ce) || ce.Current != 2 {
		t.Fatalf("stale publish = %v, want a conflict naming v2", err)
	}
	v3, err := s.Rollback(ctx, "edogawa", 1, "carol", "")
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := s.Get(ctx, "edogawa", 1)
	if v3.Number != 3 || v3.RollbackOf != 1 || v3.Hash != v1.Hash {
		t.Fatalf("rollback = %+v", v3)
	}
	if _, err := s.Rollback(ctx, "edogawa", 9, "carol", ""); !errors.Is(err, versions.ErrNotFound) {
		t.Fatalf("rollback to v9 = %v, want ErrNotFound", err)
	}
	list, err := s.List(ctx, "edogawa")
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, v := range list {
		if v.YAML != "" {
			t.Errorf("List carries v%d's content", v.Number)
		}
		nums = append(nums, v.Number)
	}
	if fmt.Sprint(nums) != "[3 2 1]" {
		t.Fatalf("List = %v", nums)
	}
	// Other units are untouched.
	if n, _ := s.Head(ctx, "nerima"); n != 1 {
		t.Fatalf("nerima head = %d", n)
	}
}

func TestPublishInvalidIsRefused(t *testing.T) {
	rdb := redistest.Client(t)
	s := newStore(t, rdb, keyPrefix(t, rdb))
	ctx := context.Background()
	c := withPhone(t, s, "03-5662-9999")
	c.Page = "ページの文章をすべて消しました。"
	_, err := s.Publish(ctx, "edogawa", 1, c, "alice", "")
	var ve *knowledge.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("publish of a page without the quotes = %v", err)
	}
	found := false
	for _, p := range ve.Problems {
		found = found || p.File == "edogawa.yaml" && p.Line > 0 && strings.Contains(p.Message, "not found in seeds/edogawa.txt")
	}
	if !found {
		t.Fatalf("no problem names a line of edogawa.yaml: %v", err)
	}
	if n, _ := s.Head(ctx, "edogawa"); n != 1 {
		t.Fatalf("head = %d after a refused publish", n)
	}
}

func TestConcurrentPublishesExactlyOneConflict(t *testing.T) {
	ra, rb := twoClients(t)
	prefix := keyPrefix(t, ra)
	a, b := newStore(t, ra, prefix), newStore(t, rb, prefix)
	ctx := context.Background()
	ca, cb := withPhone(t, a, "03-5662-1111"), withPhone(t, a, "03-5662-2222")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	start := make(chan struct{})
	for i, st := range []*versions.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c := ca
			if i == 1 {
				c = cb
			}
			_, errs[i] = st.Publish(ctx, "edogawa", 1, c, fmt.Sprint("staff", i), "")
		}()
	}
	close(start)
	wg.Wait()
	conflicts := 0
	for _, err := range errs {
		var ce *versions.ConflictError
		switch {
		case errors.As(err, &ce):
			conflicts++
			if ce.Current != 2 {
				t.Errorf("conflict names v%d, want v2", ce.Current)
			}
		case err != nil:
			t.Fatal(err)
		}
	}
	if conflicts != 1 {
		t.Fatalf("%d conflicts, want exactly 1", conflicts)
	}
	if n, _ := a.Head(ctx, "edogawa"); n != 2 {
		t.Fatalf("head = %d", n)
	}
}

// waitFor polls cond every 10 ms until it holds or bound passes.
func waitFor(tb testing.TB, bound time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not within %v", what, bound)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runWatcher starts a watcher of s for p until the test ends.
func runWatcher(tb testing.TB, s *versions.Store, p versions.Target, interval time.Duration) *versions.Watcher {
	w := s.NewWatcher(p, interval)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	tb.Cleanup(func() { cancel(); <-done })
	return w
}

// TestPublishReachesAnotherServer: a publish through one server's store is
// served by a second server's watcher (another client of the same Redis),
// and a third server started afterwards serves it from the start.
func TestPublishReachesAnotherServer(t *testing.T) {
	ra, rb := twoClients(t)
	prefix := keyPrefix(t, ra)
	a, b := newStore(t, ra, prefix), newStore(t, rb, prefix)
	pb := newProvider(t)
	w := runWatcher(t, b, pb, 0)
	ctx := context.Background()
	if _, err := a.Publish(ctx, "edogawa", 1, withPhone(t, a, "03-5662-9999"), "alice", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the second server serving v2", func() bool { return edogawaPhone(pb.Current()) == "03-5662-9999" })
	if got := w.Served()["edogawa"]; got != 2 {
		t.Fatalf("served edogawa v%d", got)
	}

	// A server started later serves the newest version after its first Sync.
	pc := newProvider(t)
	wc := newStore(t, rb, prefix).NewWatcher(pc, 0)
	if err := wc.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := edogawaPhone(pc.Current()); got != "03-5662-9999" {
		t.Fatalf("a server started later serves %s", got)
	}
}

// TestWatcherSafetyNet: with the notification lost (published on another
// channel), the periodic check still brings the watcher on.
func TestWatcherSafetyNet(t *testing.T) {
	ra, rb := twoClients(t)
	prefix := keyPrefix(t, ra)
	a := newStore(t, ra, prefix)
	pb := newProvider(t)
	runWatcher(t, newStore(t, rb, prefix+"x:"), pb, 0) // another prefix: no notification, no versions
	pb2 := newProvider(t)
	runWatcher(t, newStore(t, rb, prefix), pb2, 200*time.Millisecond)
	ctx := context.Background()
	// Write version 2 the way a publish does but without its notification,
	// as when the pub/sub connection was down.
	c := withPhone(t, a, "03-5662-7777")
	if err := ra.Set(ctx, prefix+"kb:{edogawa}:head", "2", 0).Err(); err != nil {
		t.Fatal(err)
	}
	meta := `{"unit":"edogawa","version":2,"author":"x","time":"2026-01-01T00:00:00Z","comment":"","hash":"` + c.Hash() + `"}`
	ra.HSet(ctx, prefix+"kb:{edogawa}:meta", "2", meta)
	ra.HSet(ctx, prefix+"kb:{edogawa}:content", "2", mustJSON(t, c))
	waitFor(t, 10*time.Second, "the periodic check serving v2", func() bool { return edogawaPhone(pb2.Current()) == "03-5662-7777" })
	if got := edogawaPhone(pb.Current()); got != oldPhone {
		t.Fatalf("a watcher of another prefix serves %s", got)
	}
}

func mustJSON(tb testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// BenchmarkPublishToServed measures the time from a publish through one
// store to a second server's watcher serving it, over b.N publishes
// (-benchtime=50x for the README's figure): p50_ms and p99_ms.
func BenchmarkPublishToServed(b *testing.B) {
	ra, rb := twoClients(b)
	prefix := keyPrefix(b, ra)
	a := newStore(b, ra, prefix)
	pb := newProvider(b)
	runWatcher(b, newStore(b, rb, prefix), pb, 0)
	ctx := context.Background()
	var lat []time.Duration
	head := 1
	i := 0
	for b.Loop() {
		i++
		phone := fmt.Sprintf("03-5662-%04d", i%10000)
		c := withPhone(b, a, phone)
		t0 := time.Now()
		if _, err := a.Publish(ctx, "edogawa", head, c, "bench", ""); err != nil {
			b.Fatal(err)
		}
		head++
		for edogawaPhone(pb.Current()) != phone {
			time.Sleep(200 * time.Microsecond)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99_ms")
}

// TestReadersSeeOneVersion: checklists computed while 50 publishes land
// each come from one version: the contact, every counter and the silent
// notes carry one and the same phone number, one of those published.
func TestReadersSeeOneVersion(t *testing.T) {
	ra, rb := twoClients(t)
	prefix := keyPrefix(t, ra)
	a := newStore(t, ra, prefix)
	pb := newProvider(t)
	runWatcher(t, newStore(t, rb, prefix), pb, 0)
	published := map[string]bool{oldPhone: true}
	var mu sync.Mutex
	stop := make(chan struct{})
	var readers sync.WaitGroup
	var checked atomic.Int64
	for range 2 {
		readers.Go(func() {
			s := bot.Slots{AgeGroup: bot.AgeAdult, Visitor: bot.VisitorSelf}
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := rules.Checklist(pb.Current().Municipality("edogawa"), s, bot.NewDate(2026, 4, 1))
				if err != nil {
					t.Error(err)
					return
				}
				phone := c.Contact.Phone
				for _, k := range c.Counters[:3] {
					if k.Phone != phone {
						t.Errorf("a checklist mixes %s and %s", phone, k.Phone)
						return
					}
				}
				for _, n := range c.Notes {
					if strings.Contains(n, "03-5662-") && !strings.Contains(n, phone) {
						t.Errorf("a note does not carry %s: %s", phone, n)
						return
					}
				}
				mu.Lock()
				ok := published[phone]
				mu.Unlock()
				if !ok {
					t.Errorf("%s was never published", phone)
					return
				}
				checked.Add(1)
				time.Sleep(time.Millisecond) // leave the CPUs to the publishes
			}
		})
	}
	ctx := context.Background()
	for i := range 50 {
		phone := fmt.Sprintf("03-5662-%04d", 1000+i)
		mu.Lock()
		published[phone] = true
		mu.Unlock()
		if _, err := a.Publish(ctx, "edogawa", i+1, withPhone(t, a, phone), "t", ""); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 10*time.Second, "the last version served", func() bool { return edogawaPhone(pb.Current()) == "03-5662-1049" })
	close(stop)
	readers.Wait()
	if checked.Load() == 0 {
		t.Fatal("no checklist checked")
	}
}
