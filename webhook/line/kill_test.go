package line_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// killLease is the LeaseTTL of the kill tests: long enough that how long
// a takeover waits (about one lease after the kill) stands well apart
// from waiting for a dead instance to stop counting as live (three
// leases, before) or for leases held under the instance's own name to
// lapse, even on a loaded machine.
const killLease = 3 * time.Second

// TestKilledProcessHandsOver runs the workers in a second process, kills
// it with SIGKILL mid-work, and checks that an instance in this process
// takes its shards over promptly and that every event is answered exactly
// once, each user's in order:
//
//   - "new name": this instance starts after the kill, under a name of its
//     own, as a replica restarted by its supervisor does. The dead one's
//     entry among the instances must not hold back the takeover once its
//     leases have lapsed: everything is answered within two leases of the
//     kill (it used to take more than three, the time a dead instance
//     counted as live).
//   - "same name": this instance starts after the kill under the killed
//     one's Consumer name. It knows that the leases held under its name
//     are its predecessor's, and takes them at once instead of waiting
//     for them to lapse.
//   - "both running": this instance runs beside the other process under
//     a steady load and takes the killed one's shards over within about a
//     lease; no event waits two.
func TestKilledProcessHandsOver(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	if os.Getenv(redistest.EnvURL) == "" {
		// miniredis expires keys only when told to, so a dead process's
		// lease would never lapse.
		t.Skip("needs a real Redis: set " + redistest.EnvURL)
	}
	t.Run("new name", func(t *testing.T) { killBeforeStart(t, false) })
	t.Run("same name", func(t *testing.T) { killBeforeStart(t, true) })
	t.Run("both running", killUnderLoad)
}

// killBeforeStart records events, lets a worker process answer a few and
// kills it, then starts an instance here (under the killed one's name if
// sameName) that must answer the rest.
func killBeforeStart(t *testing.T, sameName bool) {
	e := newEnv(t)
	consumer := ""
	if sameName {
		consumer = "kill-test-" + strings.TrimSuffix(e.prefix, ":")
	}
	in := e.newInst(func(c *line.Config) { c.LeaseTTL, c.Consumer = killLease, consumer }) // its workers start after the kill
	sent := map[string]time.Time{}
	const users, per = 4, 8
	for i := range per {
		for u := range users {
			user := fmt.Sprintf("Ukill%d", u)
			id := fmt.Sprintf("%s-%d", user, i)
			in.postSigned(t, textEvent(user, id, fixtureTime+int64(i), fmt.Sprintf("m%d", i)))
			sent["rt-"+id] = time.Now()
		}
	}
	cmd := startWorkerProcess(t, e, consumer, 30*time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for len(e.api.Calls("/v2/bot/message/reply")) < 5 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the worker process answered nothing")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	killed := time.Now()
	byChild := len(e.api.Calls("/v2/bot/message/reply"))
	if byChild >= users*per {
		t.Fatalf("the worker process finished everything (%d) before the kill", byChild)
	}
	in.run()
	started := time.Now()
	t.Cleanup(in.shutdown)
	replies := waitReplies(e, users*per, 20*time.Second)
	last := replies[len(replies)-1].At
	t.Logf("killed process answered %d, this one %d; the last reply came %v after the kill, %v after this instance started",
		byChild, len(replies)-byChild, last.Sub(killed).Round(time.Millisecond), last.Sub(started).Round(time.Millisecond))
	checkOnceInOrder(t, e, replies, users)
	if sameName {
		// The killed one's leases lapse at least 2/3 of a lease after the
		// kill; taken at once, the rest is answered long before that.
		if d := last.Sub(started); d > killLease/2 {
			t.Errorf("under the killed instance's name, the rest was answered %v after the start; want it taken over at once (within %v)", d, killLease/2)
		}
	} else if d := last.Sub(killed); d > 2*killLease {
		t.Errorf("the rest was answered %v after the kill; want within two leases (%v)", d, 2*killLease)
	}
}

// killUnderLoad runs an instance here beside a worker process, both
// handling a steady load, kills the process and keeps the load on.
func killUnderLoad(t *testing.T) {
	e := newEnv(t)
	e.engine.delay = 2 * time.Millisecond
	a := e.start(func(c *line.Config) { c.LeaseTTL = killLease })
	cmd := startWorkerProcess(t, e, "", 10*time.Millisecond)
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	const users = 16
	var (
		mu    sync.Mutex
		sent  = map[string]time.Time{}
		stop  = make(chan struct{})
		wg    sync.WaitGroup
		posts = func() int { mu.Lock(); defer mu.Unlock(); return len(sent) }
	)
	for u := range users {
		wg.Go(func() {
			user := fmt.Sprintf("Uload%02d", u)
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				id := fmt.Sprintf("%s-%d", user, i)
				mu.Lock()
				sent["rt-"+id] = time.Now()
				mu.Unlock()
				body := textEvent(user, id, fixtureTime+int64(i), fmt.Sprintf("m%d", i))
				if w := a.post(t, "edogawa", body, sign(body, secret)); w.Code != http.StatusOK {
					t.Errorf("webhook answered %d", w.Code)
					return
				}
			}
		})
	}
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()
	// Both must be answering before the kill: the process takes half of
	// the shards within a few ticks of joining.
	deadline := time.Now().Add(15 * time.Second)
	for {
		handledHere := len(e.results)
		if len(e.api.Calls("/v2/bot/message/reply"))-handledHere >= 20 && handledHere >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("both instances never answered: %d replies, %d by this instance", len(e.api.Calls("/v2/bot/message/reply")), handledHere)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	killed := time.Now()
	time.Sleep(killLease + 2*time.Second) // the load goes on through the takeover
	close(stop)
	wg.Wait()

	replies := waitReplies(e, posts(), 20*time.Second)
	var lat, afterKill []time.Duration
	for _, r := range replies {
		at := sent[r.Body["replyToken"].(string)]
		lat = append(lat, r.At.Sub(at))
		if at.After(killed) {
			afterKill = append(afterKill, r.At.Sub(at))
		}
	}
	t.Logf("%d events, %d after the kill; webhook to reply: all %s; sent after the kill %s", len(lat), len(afterKill), percentiles(lat), percentiles(afterKill))
	checkOnceInOrder(t, e, replies, users)
	if most := slices.Max(lat); most > 2*killLease {
		t.Errorf("an event waited %v for its reply; want every event answered within two leases (%v) of a kill", most, 2*killLease)
	}
}

// startWorkerProcess starts TestHelperWorkerProcess on the env's Redis
// keys and fake API, under consumer ("": a name of its own), its engine
// taking delay a turn.
func startWorkerProcess(t *testing.T, e *env, consumer string, delay time.Duration) *exec.Cmd {
	t.Helper()
	opts := e.rdb.(*redis.Client).Options()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWorkerProcess$")
	cmd.Env = append(os.Environ(), "LINE_HELPER=1", "LINE_HELPER_ADDR="+opts.Addr, "LINE_HELPER_DB="+strconv.Itoa(opts.DB),
		"LINE_HELPER_PASSWORD="+opts.Password, "LINE_HELPER_PREFIX="+e.prefix, "LINE_HELPER_API="+e.api.srv.URL,
		"LINE_HELPER_LEASE="+killLease.String(), "LINE_HELPER_CONSUMER="+consumer, "LINE_HELPER_DELAY="+delay.String())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// waitReplies waits until the fake API has accepted n replies (and a
// little longer, for any extra), failing after timeout.
func waitReplies(e *env, n int, timeout time.Duration) []call {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for len(e.api.Calls("/v2/bot/message/reply")) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	replies := e.api.Calls("/v2/bot/message/reply")
	if len(replies) != n {
		e.t.Fatalf("%d replies, want %d", len(replies), n)
	}
	return replies
}

// checkOnceInOrder checks that each of users users' replies answer its
// events m0, m1, … once each, in order, and that nothing was pushed.
// With as many replies as events, every event was answered once.
func checkOnceInOrder(t *testing.T, e *env, replies []call, users int) {
	t.Helper()
	got := map[string][]string{}
	for _, r := range replies {
		tok := r.Body["replyToken"].(string)
		user := strings.Split(strings.TrimPrefix(tok, "rt-"), "-")[0]
		got[user] = append(got[user], textsOf(r)[0])
	}
	for user, texts := range got {
		for i, s := range texts {
			if s != fmt.Sprintf("echo:m%d", i) {
				t.Errorf("%s replies %q: not each event once, in order", user, texts)
				break
			}
		}
	}
	if len(got) != users {
		t.Errorf("replies to %d users, want %d", len(got), users)
	}
	if n := len(e.api.Calls("/v2/bot/message/push")); n != 0 {
		t.Errorf("%d pushes", n)
	}
}

// percentiles formats the p50, p99 and maximum of d.
func percentiles(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	d = slices.Clone(d)
	slices.Sort(d)
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	return fmt.Sprintf("p50 %v, p99 %v, max %v", at(0.50).Round(time.Millisecond), at(0.99).Round(time.Millisecond), d[len(d)-1].Round(time.Millisecond))
}

// TestHelperWorkerProcess is the worker process of
// TestKilledProcessHandsOver; it does nothing in a normal run.
func TestHelperWorkerProcess(t *testing.T) {
	if os.Getenv("LINE_HELPER") != "1" {
		t.Skip("helper process")
	}
	db, _ := strconv.Atoi(os.Getenv("LINE_HELPER_DB"))
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("LINE_HELPER_ADDR"), DB: db, Password: os.Getenv("LINE_HELPER_PASSWORD")})
	engine := newEngine(rdb, os.Getenv("LINE_HELPER_PREFIX"))
	engine.delay, _ = time.ParseDuration(os.Getenv("LINE_HELPER_DELAY"))
	e := &env{engine: engine, now: time.UnixMilli(fixtureTime).Add(time.Second), api: &fakeAPI{srv: &httptest.Server{URL: os.Getenv("LINE_HELPER_API")}}}
	cfg := e.config()
	cfg.Redis, cfg.Prefix, cfg.OnEvent, cfg.Consumer = rdb, os.Getenv("LINE_HELPER_PREFIX"), nil, os.Getenv("LINE_HELPER_CONSUMER")
	if d, err := time.ParseDuration(os.Getenv("LINE_HELPER_LEASE")); err == nil {
		cfg.LeaseTTL = d
	}
	h, err := line.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_ = h.Run(context.Background()) // until killed
}
