package line_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/webhook/line"
)

func TestRedeliveryAnsweredOnce(t *testing.T) {
	e := newEnv(t)
	in := e.start(nil)
	body := fixture(t, "text")
	in.postSigned(t, body)
	redelivered := strings.Replace(string(body), `"isRedelivery": false`, `"isRedelivery": true`, 1)
	in.postSigned(t, []byte(redelivered))
	// The same event twice in one request, too.
	in.postSigned(t, []byte(strings.Replace(string(body), `"events": [`, `"events": [`+eventsOf(t, body)+",", 1)))
	rs := e.wait(4)
	counts := map[line.Outcome]int{}
	for _, r := range rs {
		counts[r.Outcome]++
	}
	if counts[line.OutcomeReplied] != 1 || counts[line.OutcomeDuplicate] != 3 {
		t.Errorf("outcomes %v, want 1 replied and 3 duplicates", counts)
	}
	if n := len(e.api.Calls("/v2/bot/message/reply")); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
	if got := e.engine.Turns(userID); len(got) != 1 {
		t.Errorf("turns %q, want one", got)
	}
}

// eventsOf returns the events of a fixture body as JSON text.
func eventsOf(t *testing.T, body []byte) string {
	s := string(body)
	i, j := strings.Index(s, `"events": [`)+len(`"events": [`), strings.LastIndex(s, "]")
	return s[i:j]
}

func TestOrderInOneRequest(t *testing.T) {
	e := newEnv(t)
	in := e.start(nil)
	var evs []string
	for i := 9; i >= 0; i-- { // listed newest first: order is by timestamp
		b := textEvent("Uone", fmt.Sprintf("ev%02d", i), fixtureTime+int64(i), fmt.Sprintf("msg%02d", i))
		evs = append(evs, eventsOf(t, indent(b)))
	}
	body := []byte(`{"destination":"Ubot","events":[` + strings.Join(evs, ",") + `]}`)
	in.postSigned(t, body)
	e.wait(10)
	want := make([]string, 10)
	for i := range want {
		want[i] = fmt.Sprintf("msg%02d", i)
	}
	if got := e.engine.Turns("Uone"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("turns %q, want %q", got, want)
	}
}

// indent makes a compact body look like a fixture for eventsOf.
func indent(b []byte) []byte {
	return []byte(strings.Replace(string(b), `"events":[`, `"events": [`, 1))
}

// TestOrderAcrossRequestsAndInstances sends ten users' ten messages each,
// one request per message, users concurrently, alternating between two
// instances on one Redis: each user's turns must come in order.
func TestOrderAcrossRequestsAndInstances(t *testing.T) {
	e := newEnv(t)
	e.engine.delay = 2 * time.Millisecond
	a, b := e.start(nil), e.start(nil)
	var wg sync.WaitGroup
	for u := range 10 {
		wg.Go(func() {
			user := fmt.Sprintf("U%02d", u)
			for i := range 10 {
				in := a
				if (u+i)%2 == 1 {
					in = b
				}
				in.postSigned(t, textEvent(user, fmt.Sprintf("%s-%02d", user, i), fixtureTime+int64(i), fmt.Sprintf("m%02d", i)))
			}
		})
	}
	wg.Wait()
	e.wait(100)
	for u := range 10 {
		user := fmt.Sprintf("U%02d", u)
		got := e.engine.Turns(user)
		for i := range 10 {
			if i >= len(got) || got[i] != fmt.Sprintf("m%02d", i) {
				t.Fatalf("%s turns %q", user, got)
			}
		}
		if len(got) != 10 {
			t.Errorf("%s had %d turns", user, len(got))
		}
	}
	if n := len(e.api.Calls("/v2/bot/message/reply")); n != 100 {
		t.Errorf("%d replies, want 100", n)
	}
}

func TestExpiredTokenPushesWithRetryKey(t *testing.T) {
	e := newEnv(t)
	in := e.start(nil)
	e.setNow(time.UnixMilli(fixtureTime).Add(2 * time.Minute))
	in.postSigned(t, fixture(t, "text"))
	if r := e.wait(1)[0]; r.Outcome != line.OutcomePushed {
		t.Errorf("outcome %s", r.Outcome)
	}
	if n := len(e.api.Calls("/v2/bot/message/reply")); n != 0 {
		t.Errorf("%d replies with an expired token", n)
	}
	pushes := e.api.Calls("/v2/bot/message/push")
	if len(pushes) != 1 || pushes[0].Body["to"] != userID || textsOf(pushes[0])[0] != "echo:更新したい" {
		t.Fatalf("pushes %+v", pushes)
	}

	// A push that fails with 500 is retried with the same key; a 409
	// (already accepted) counts as delivered.
	e2 := newEnv(t)
	e2.api.setStatus(func(path string, n int) (int, string) {
		if path == "/v2/bot/message/push" && n == 1 {
			return http.StatusInternalServerError, `{"message":"oops"}`
		}
		if path == "/v2/bot/message/push" && n == 2 {
			return http.StatusConflict, `{"message":"The retry key is already accepted"}`
		}
		return 0, ""
	})
	in2 := e2.start(nil)
	e2.setNow(time.UnixMilli(fixtureTime).Add(2 * time.Minute))
	in2.postSigned(t, fixture(t, "text"))
	if r := e2.wait(1)[0]; r.Outcome != line.OutcomePushed {
		t.Errorf("outcome after 500 and 409: %s", r.Outcome)
	}
	if e2.api.count("/v2/bot/message/push") != 2 {
		t.Errorf("%d push attempts, want 2", e2.api.count("/v2/bot/message/push"))
	}
}

func TestInvalidTokenFallsBackToPush(t *testing.T) {
	for _, noPush := range []bool{false, true} {
		t.Run(fmt.Sprint("noPush=", noPush), func(t *testing.T) {
			e := newEnv(t)
			e.api.setStatus(func(path string, n int) (int, string) {
				if path == "/v2/bot/message/reply" {
					return http.StatusBadRequest, `{"message":"Invalid reply token"}`
				}
				return 0, ""
			})
			in := e.start(func(c *line.Config) { c.NoPushFallback = noPush })
			in.postSigned(t, fixture(t, "postback"))
			r := e.wait(1)[0]
			pushes := e.api.Calls("/v2/bot/message/push")
			if noPush {
				if r.Outcome != line.OutcomeFailed || len(pushes) != 0 {
					t.Errorf("outcome %s, %d pushes; want failed and none", r.Outcome, len(pushes))
				}
				return
			}
			if r.Outcome != line.OutcomePushed || len(pushes) != 1 {
				t.Fatalf("outcome %s, %d pushes", r.Outcome, len(pushes))
			}
			if !uuidRE.MatchString(pushes[0].RetryKey) {
				t.Errorf("retry key %q", pushes[0].RetryKey)
			}
		})
	}
}

// TestLostReplyAnswerIsNotPushed has LINE accept a reply and its answer
// get lost: the connection dropped, or the answer held past the client's
// timeout. The retry of the reply then meets "Invalid reply token", which
// after an attempt of unknown outcome means that attempt used the token:
// the reply was delivered, and pushing it would hand the resident a second
// copy (and bill the municipality for it). When no attempt ever gets an
// answer before the token's deadline, nothing is pushed either.
func TestLostReplyAnswerIsNotPushed(t *testing.T) {
	const reply = "/v2/bot/message/reply"
	client := func(c *line.Config) { c.HTTPClient = &http.Client{Timeout: 500 * time.Millisecond} }
	for _, mode := range []string{"drop", "stall"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			e.api.setLose(func(path string, n int) string {
				if path == reply && n == 1 {
					return mode
				}
				return ""
			})
			in := e.start(client)
			in.postSigned(t, fixture(t, "text"))
			if r := e.wait(1)[0]; r.Outcome != line.OutcomeReplied {
				t.Errorf("outcome %s, want replied", r.Outcome)
			}
			e.quiet(300 * time.Millisecond)
			if n := len(e.api.Calls(reply)); n != 1 {
				t.Errorf("%d replies accepted, want 1", n)
			}
			if n := e.api.count(reply); n != 2 {
				t.Errorf("%d reply attempts, want 2 (the lost one, then the one refused as used)", n)
			}
			if n := e.api.count("/v2/bot/message/push"); n != 0 {
				t.Errorf("%d pushes after a reply LINE accepted", n)
			}
			if got := e.engine.Turns(userID); len(got) != 1 {
				t.Errorf("turns %q, want one", got)
			}
		})
	}
	t.Run("no answer until the deadline", func(t *testing.T) {
		e := newEnv(t)
		e.api.setLose(func(path string, n int) string {
			if path == reply {
				if n == 2 {
					e.setNow(time.UnixMilli(fixtureTime).Add(2 * time.Minute)) // the token's deadline passes
				}
				return "drop"
			}
			return ""
		})
		in := e.start(client)
		in.postSigned(t, fixture(t, "text"))
		if r := e.wait(1)[0]; r.Outcome != line.OutcomeFailed {
			t.Errorf("outcome %s, want failed", r.Outcome)
		}
		e.quiet(300 * time.Millisecond)
		if n := e.api.count("/v2/bot/message/push"); n != 0 {
			t.Errorf("%d pushes after reply attempts LINE may have accepted", n)
		}
	})
	// A token refused before any attempt of unknown outcome still falls
	// back to push (TestInvalidTokenFallsBackToPush), and so does one
	// expired before any attempt (TestExpiredTokenPushesWithRetryKey); a
	// connection refused is no attempt either.
	t.Run("connection refused, then expired", func(t *testing.T) {
		e := newEnv(t)
		down := httptest.NewServer(http.NotFoundHandler())
		down.Close() // nothing listens there any more
		var tries atomic.Int32
		in := e.start(func(c *line.Config) {
			c.APIEndpoint = down.URL
			c.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path == reply {
					if tries.Add(1) == 2 {
						e.setNow(time.UnixMilli(fixtureTime).Add(2 * time.Minute))
					}
					return http.DefaultTransport.RoundTrip(r) // refused
				}
				r.URL.Host = strings.TrimPrefix(e.api.srv.URL, "http://")
				return http.DefaultTransport.RoundTrip(r)
			})}
		})
		in.postSigned(t, fixture(t, "text"))
		if r := e.wait(1)[0]; r.Outcome != line.OutcomePushed {
			t.Errorf("outcome %s, want pushed", r.Outcome)
		}
		if n := len(e.api.Calls("/v2/bot/message/push")); n != 1 {
			t.Errorf("%d pushes, want 1", n)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRetryKeyIsStablePerEvent(t *testing.T) {
	keys := map[string]string{}
	for range 2 {
		e := newEnv(t)
		in := e.start(nil)
		e.setNow(time.UnixMilli(fixtureTime).Add(time.Hour))
		in.postSigned(t, fixture(t, "multi"))
		e.wait(3)
		for _, p := range e.api.Calls("/v2/bot/message/push") {
			k := textsOf(p)[0]
			if old, ok := keys[k]; ok && old != p.RetryKey {
				t.Errorf("%s pushed with %s then %s", k, old, p.RetryKey)
			}
			keys[k] = p.RetryKey
		}
	}
	if len(keys) != 3 {
		t.Errorf("keys %v", keys)
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Errorf("two events share retry key %s", k)
		}
		seen[k] = true
	}
}

func TestServerErrorThenReplyOnce(t *testing.T) {
	e := newEnv(t)
	e.api.setStatus(func(path string, n int) (int, string) {
		if path == "/v2/bot/message/reply" && n == 1 {
			return http.StatusInternalServerError, `{"message":"Internal error"}`
		}
		if path == "/v2/bot/message/reply" && n == 2 {
			return http.StatusTooManyRequests, `{"message":"Too many requests"}`
		}
		return 0, ""
	})
	in := e.start(nil)
	in.postSigned(t, fixture(t, "text"))
	if r := e.wait(1)[0]; r.Outcome != line.OutcomeReplied {
		t.Errorf("outcome %s", r.Outcome)
	}
	if n := len(e.api.Calls("/v2/bot/message/reply")); n != 1 {
		t.Errorf("%d replies delivered, want 1", n)
	}
	if n := e.api.count("/v2/bot/message/reply"); n != 3 {
		t.Errorf("%d reply attempts, want 3", n)
	}
}

func TestEngineUnavailableIsRetried(t *testing.T) {
	e := newEnv(t)
	e.engine.failOnce["更新したい"] = true
	in := e.start(nil)
	in.postSigned(t, fixture(t, "text"))
	if r := e.wait(1)[0]; r.Outcome != line.OutcomeReplied {
		t.Errorf("outcome %s", r.Outcome)
	}
	if got := e.engine.Turns(userID); len(got) != 1 {
		t.Errorf("turns %q", got)
	}
}

func TestLoadingAnimationForSlowTurns(t *testing.T) {
	e := newEnv(t)
	e.engine.delay = 400 * time.Millisecond
	in := e.start(func(c *line.Config) { c.LoadingAfter = 100 * time.Millisecond })
	in.postSigned(t, fixture(t, "text"))
	e.wait(1)
	calls := e.api.Calls("")
	if len(calls) != 2 || calls[0].Path != "/v2/bot/chat/loading/start" || calls[0].Body["chatId"] != userID || calls[1].Path != "/v2/bot/message/reply" {
		t.Errorf("calls %+v, want loading then reply", calls)
	}
	e.engine.delay = 0
	in.postSigned(t, textEvent(userID, "fast", fixtureTime+5, "はやい"))
	e.wait(1)
	if n := len(e.api.Calls("/v2/bot/chat/loading/start")); n != 1 {
		t.Errorf("a fast turn showed the loading animation (%d calls)", n)
	}
}

// TestStoppedInstanceHandsOver stops an instance while it holds events:
// it finishes the one in hand, and another instance on the same Redis
// handles the rest, in order, each once.
func TestStoppedInstanceHandsOver(t *testing.T) {
	e := newEnv(t)
	e.engine.delay = 50 * time.Millisecond
	a := e.start(nil)
	for u := range 3 {
		for i := range 6 {
			user := fmt.Sprintf("Uho%d", u)
			a.postSigned(t, textEvent(user, fmt.Sprintf("%s-%d", user, i), fixtureTime+int64(i), fmt.Sprintf("m%d", i)))
		}
	}
	first := e.wait(2)
	a.shutdown()
	e.start(nil)
	e.wait(18 - len(first))
	e.quiet(300 * time.Millisecond)
	for u := range 3 {
		user := fmt.Sprintf("Uho%d", u)
		if got := e.engine.Turns(user); strings.Join(got, ",") != "m0,m1,m2,m3,m4,m5" {
			t.Errorf("%s turns %q", user, got)
		}
	}
	if n := len(e.api.Calls("/v2/bot/message/reply")); n != 18 {
		t.Errorf("%d replies, want 18", n)
	}
}

// TestChatsOfOneShardRunTogether puts eight users' events, three each and
// interleaved, into a single shard before its worker starts: the users'
// turns must run side by side (within Concurrency), each user's in order
// and never two at once.
func TestChatsOfOneShardRunTogether(t *testing.T) {
	for _, limit := range []int{0, 3} { // 0: the default
		t.Run(fmt.Sprintf("concurrency=%d", limit), func(t *testing.T) {
			e := newEnv(t)
			e.engine.delay = 20 * time.Millisecond
			in := e.newInst(func(c *line.Config) { c.Shards, c.Concurrency = 1, limit })
			var evs []string
			for i := range 3 {
				for u := range 8 {
					user := fmt.Sprintf("Ushard%d", u)
					b := textEvent(user, fmt.Sprintf("%s-%d", user, i), fixtureTime+int64(i), fmt.Sprintf("m%d", i))
					evs = append(evs, eventsOf(t, indent(b)))
				}
			}
			in.postSigned(t, []byte(`{"destination":"Ubot","events":[`+strings.Join(evs, ",")+`]}`))
			in.run()
			t.Cleanup(in.shutdown)
			e.wait(24)
			for u := range 8 {
				user := fmt.Sprintf("Ushard%d", u)
				if got := strings.Join(e.engine.Turns(user), ","); got != "m0,m1,m2" {
					t.Errorf("%s turns %s, want m0,m1,m2", user, got)
				}
			}
			most, overlap := e.engine.MaxRunning()
			if overlap {
				t.Error("one user had two turns running at once")
			}
			if most < 2 {
				t.Errorf("at most %d turn ran at once in a shard holding 8 users' events", most)
			}
			if limit > 0 && most > limit {
				t.Errorf("%d turns ran at once, over Concurrency %d", most, limit)
			}
			if n := len(e.api.Calls("/v2/bot/message/reply")); n != 24 {
				t.Errorf("%d replies, want 24", n)
			}
		})
	}
}

// pipelineNames is a go-redis hook that records the command names of
// every pipeline.
type pipelineNames struct {
	mu  sync.Mutex
	all [][]string
}

func (p *pipelineNames) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (p *pipelineNames) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (p *pipelineNames) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name())
		}
		p.mu.Lock()
		p.all = append(p.all, names)
		p.mu.Unlock()
		return next(ctx, cmds)
	}
}

// TestBatchesShareTheirAcknowledgement puts 24 events into one shard before
// its worker starts, so that a second batch is waiting when the first is
// done: the first is acknowledged in the round trip that looks up the
// second, and the last one on its own, so that the stream ends up empty.
func TestBatchesShareTheirAcknowledgement(t *testing.T) {
	e := newEnv(t)
	e.engine.delay = 20 * time.Millisecond // the next batch is read long before
	rec := &pipelineNames{}
	e.rdb.AddHook(rec)
	in := e.newInst(func(c *line.Config) { c.Shards = 1 })
	var evs []string
	for i := range 24 {
		user := fmt.Sprintf("Uack%d", i%8)
		evs = append(evs, eventsOf(t, indent(textEvent(user, fmt.Sprintf("ack-%d", i), fixtureTime+int64(i), fmt.Sprintf("m%d", i)))))
	}
	in.postSigned(t, []byte(`{"destination":"Ubot","events":[`+strings.Join(evs, ",")+`]}`))
	in.run()
	t.Cleanup(in.shutdown)
	e.wait(24)

	ctx := context.Background()
	streams, err := e.rdb.Keys(ctx, e.prefix+"q:*").Result()
	if err != nil || len(streams) != 1 {
		t.Fatalf("streams %v, %v", streams, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := e.rdb.XLen(ctx, streams[0]).Result()
		if err == nil && n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d entries still in the stream after every event was handled", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if p, err := e.rdb.XPending(ctx, streams[0], "line").Result(); err != nil || p.Count != 0 {
		t.Errorf("pending %+v, %v; want none", p, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	shared, alone := 0, 0
	for _, names := range rec.all {
		if slices.Contains(names, "xack") {
			if slices.Contains(names, "exists") {
				shared++
			} else {
				alone++
			}
		}
	}
	if shared < 1 || alone != 1 {
		t.Errorf("%d acknowledgements with the next look-ups and %d alone; want at least 1 and exactly 1 (the last)", shared, alone)
	}
}

// TestScaleOutLosesNothing has a second instance join while events
// trickle in: the first gives up half of its shards to it, while its
// reader may be waiting on those shards' streams. Every event must still
// be answered, once.
func TestScaleOutLosesNothing(t *testing.T) {
	e := newEnv(t)
	a := e.start(nil)
	time.Sleep(100 * time.Millisecond) // a holds every shard
	const users = 60
	done := make(chan struct{})
	go func() {
		defer close(done)
		for u := range users {
			user := fmt.Sprintf("Uscale%02d", u)
			a.postSigned(t, textEvent(user, "scale-"+user, fixtureTime, "はい"))
			time.Sleep(25 * time.Millisecond)
		}
	}()
	time.Sleep(200 * time.Millisecond)
	e.start(nil) // takes half of the shards within a few lease ticks
	<-done
	e.wait(users)
	e.quiet(300 * time.Millisecond)
	for u := range users {
		user := fmt.Sprintf("Uscale%02d", u)
		if got := e.engine.Turns(user); len(got) != 1 {
			t.Errorf("%s had turns %q, want one", user, got)
		}
	}
}
