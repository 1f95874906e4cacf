package line_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadRun sends a steady stream of signed text webhooks, one event each,
// from users residents at once, per messages each, a user's messages gap
// apart and spread over the instances. A webhook answered with anything
// but 200 is sent again after a pause, as LINE redelivers, until it is
// answered 200: an event counts as acknowledged from then on. Each text is
// the event's id, so every answer names its event.
type loadRun struct {
	e          *env
	ins        []*inst
	users, per int
	gap        time.Duration

	sent    atomic.Int64 // events acknowledged so far
	refused atomic.Int64 // webhook answers other than 200

	mu      sync.Mutex
	acked   map[string]time.Time // event id -> when its webhook was answered 200
	posted  map[string]time.Time // event id -> when its webhook was first sent
	unacked []string             // events never acknowledged
	wg      sync.WaitGroup
}

func loadID(user, i int) string { return fmt.Sprintf("U%03d-%04d", user, i) }

// startLoad starts the senders; wait for them with loadRun.wait.
func startLoad(e *env, ins []*inst, users, per int, gap time.Duration) *loadRun {
	l := &loadRun{e: e, ins: ins, users: users, per: per, gap: gap, acked: map[string]time.Time{}, posted: map[string]time.Time{}}
	for u := range users {
		l.wg.Go(func() {
			// Stagger the users over one gap, so the load is steady.
			time.Sleep(time.Duration(u) * gap / time.Duration(users))
			for i := range per {
				id := loadID(u, i)
				// The text is the id behind a word, so that the webhook's PIN
				// redaction does not take "U001-0001" alone for a password.
				body := textEvent(fmt.Sprintf("U%03d", u), id, fixtureTime+int64(i), loadTextPrefix+id)
				in := ins[(u+i)%len(ins)]
				deadline := time.Now().Add(60 * time.Second)
				l.mu.Lock()
				l.posted[id] = time.Now()
				l.mu.Unlock()
				for {
					w := in.post(e.t, "edogawa", body, sign(body, secret))
					if w.Code == http.StatusOK {
						l.mu.Lock()
						l.acked[id] = time.Now()
						l.mu.Unlock()
						l.sent.Add(1)
						break
					}
					l.refused.Add(1)
					if time.Now().After(deadline) {
						l.mu.Lock()
						l.unacked = append(l.unacked, id)
						l.mu.Unlock()
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				time.Sleep(gap)
			}
		})
	}
	return l
}

// waitSent waits until n events were acknowledged.
func (l *loadRun) waitSent(n int) {
	for l.sent.Load() < int64(n) {
		time.Sleep(5 * time.Millisecond)
	}
}

// figures are what a load run measured.
type figures struct {
	events, acked, refused, unacked        int
	replies, pushes, duplicates, lost, ooo int
	p50, p99, max                          time.Duration // from the 200 to the answer
	firstP99, firstMax                     time.Duration // from the first webhook sent
}

func (f figures) String() string {
	return fmt.Sprintf("events %d, acknowledged %d, webhooks refused (sent again) %d, never acknowledged %d; "+
		"replies %d, pushes %d, answered twice %d, acknowledged but unanswered %d, out of order %d; "+
		"webhook answered 200 to answer p50 %v, p99 %v, max %v; first webhook sent to answer p99 %v, max %v",
		f.events, f.acked, f.refused, f.unacked, f.replies, f.pushes, f.duplicates, f.lost, f.ooo,
		f.p50.Round(time.Millisecond), f.p99.Round(time.Millisecond), f.max.Round(time.Millisecond),
		f.firstP99.Round(time.Millisecond), f.firstMax.Round(time.Millisecond))
}

// finish waits for the senders, then until every acknowledged event is
// answered (at most timeout), then quiet more for late duplicates. It
// logs the figures (what the README quotes) and fails the test on an
// acknowledged event not answered, an event answered twice, or a user's
// answers out of order.
func (l *loadRun) finish(t *testing.T, timeout, quiet time.Duration) figures {
	t.Helper()
	l.wg.Wait()
	answers := func() []call {
		return append(l.e.api.Calls("/v2/bot/message/reply"), l.e.api.Calls("/v2/bot/message/push")...)
	}
	deadline := time.Now().Add(timeout)
	for {
		seen := map[string]bool{}
		for _, c := range answers() {
			seen[answerOf(c)] = true
		}
		missing := 0
		l.mu.Lock()
		for id := range l.acked {
			if !seen[id] {
				missing++
			}
		}
		l.mu.Unlock()
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(quiet)

	f := figures{events: l.users * l.per, refused: int(l.refused.Load())}
	l.mu.Lock()
	defer l.mu.Unlock()
	f.acked, f.unacked = len(l.acked), len(l.unacked)
	calls := answers()
	slices.SortFunc(calls, func(a, b call) int { return a.At.Compare(b.At) })
	count := map[string]int{}
	first := map[string]time.Time{}
	last := map[string]int{} // user -> the last message number answered
	var delays, fromFirst []time.Duration
	for _, c := range calls {
		if c.Path == "/v2/bot/message/push" {
			f.pushes++
		} else {
			f.replies++
		}
		id := answerOf(c)
		count[id]++
		if count[id] > 1 {
			f.duplicates++
			if f.duplicates <= 5 {
				t.Logf("%s answered again (%s) %v after the first answer", id, c.Path, c.At.Sub(first[id]).Round(time.Millisecond))
			}
			continue
		}
		first[id] = c.At
		user, n, ok := strings.Cut(id, "-")
		i, err := strconv.Atoi(n)
		if !ok || err != nil {
			t.Errorf("an answer to %q, not a load event", id)
			continue
		}
		if prev, ok := last[user]; ok && i < prev {
			f.ooo++
			t.Errorf("%s: message %d answered after %d", user, i, prev)
		}
		last[user] = max(last[user], i)
		if at, ok := l.acked[id]; ok {
			delays = append(delays, max(c.At.Sub(at), 0))
			fromFirst = append(fromFirst, max(c.At.Sub(l.posted[id]), 0))
		}
	}
	for id := range l.acked {
		if count[id] == 0 {
			f.lost++
		}
	}
	if len(delays) > 0 {
		slices.Sort(delays)
		f.p50, f.p99, f.max = delays[len(delays)/2], delays[len(delays)*99/100], delays[len(delays)-1]
		slices.Sort(fromFirst)
		f.firstP99, f.firstMax = fromFirst[len(fromFirst)*99/100], fromFirst[len(fromFirst)-1]
	}
	t.Logf("figures: %v", f)
	if f.lost > 0 || f.duplicates > 0 || f.unacked > 0 {
		t.Errorf("%d acknowledged events unanswered, %d answered twice, %d never acknowledged", f.lost, f.duplicates, f.unacked)
	}
	return f
}

// answerOf returns the event id an answer of the echo engine names.
func answerOf(c call) string {
	texts := textsOf(c)
	if len(texts) == 0 {
		return ""
	}
	return strings.TrimPrefix(strings.TrimPrefix(texts[0], "echo:"), loadTextPrefix)
}

// loadTextPrefix starts every load event's text.
const loadTextPrefix = "load "
