package line_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/webhook/line"
)

// TestTakeoverMidEventAnswersOnce has instance A take an event and lose
// its lease while it holds it, instance B take the shard over and handle
// the same event, and A resume; then a next event of the same resident.
// What the resident receives through the (fake) Messaging API must be
// each event's answer once: one accepted reply and no push that repeats
// it, none unanswered. On miniredis and on a real Redis alike (the lease
// is made to lapse by deleting its key, which expiry does on a real one):
//
//   - "acknowledgement lost": A's reply is accepted, then A's Redis is cut
//     before A marks the event done; B finds it pending, unmarked, and
//     handles it again, its reply refused as a used token.
//   - "refused after the takeover": A's reply is held on the wire while
//     the lease passes to B (A's Redis but its renewals still answering,
//     A not yet aware: a paused process that resumes before its timers
//     run); B's reply is accepted first, and A, resuming, has its own
//     refused as a used token.
//
// Each for a text (a dialog turn, which the engine repeats) and for a
// sticker (the guidance reply, which involves no engine).
func TestTakeoverMidEventAnswersOnce(t *testing.T) {
	for _, how := range []string{"acknowledgement lost", "refused after the takeover"} {
		for _, kind := range []string{"text", "sticker"} {
			t.Run(how+"/"+kind, func(t *testing.T) { takeoverMidEvent(t, how, kind) })
		}
	}
}

func takeoverMidEvent(t *testing.T, how, kind string) {
	e := newEnv(t)
	ackLost := how == "acknowledgement lost"
	hook := &failRenewals{all: ackLost}
	// A client of A's own on the env's Redis, to cut it off.
	aClient := redis.NewClient(e.rdb.(*redis.Client).Options())
	t.Cleanup(func() { aClient.Close() })
	aClient.AddHook(hook)
	const user = "Utakeover"
	aLease := 900 * time.Millisecond
	if !ackLost {
		// A's own view of its lease outlasts the takeover: it is paused
		// rather than late, and its timers have not run yet.
		aLease = 20 * time.Second
	}
	a := e.start(func(c *line.Config) { c.Shards, c.Redis, c.LeaseTTL = 1, aClient, aLease })
	waitOwns(t, e, a)
	b := e.start(func(c *line.Config) { c.Shards = 1 })

	lease := e.prefix + "lease:{" + strings.TrimSuffix(e.prefix, ":") + ":0}"
	if n, err := e.rdb.Exists(context.Background(), lease).Result(); err != nil || n != 1 {
		t.Fatalf("A's lease %s: %d, %v", lease, n, err)
	}
	tok := "rt-x-1"
	var (
		mu     sync.Mutex
		seen   int
		bDone  = make(chan struct{})
		closed bool
	)
	lapse := func() {
		hook.on.Store(true)
		if err := e.rdb.Del(context.Background(), lease).Err(); err != nil {
			t.Errorf("lapse the lease: %v", err)
		}
	}
	e.api.setAround(func(c call) func() {
		if c.Path != "/v2/bot/message/reply" || c.Body["replyToken"] != tok {
			return nil
		}
		mu.Lock()
		seen++
		n := seen
		mu.Unlock()
		switch {
		case ackLost && n == 1:
			return lapse // accepted; then A is cut off before its acknowledgement
		case !ackLost && n == 1:
			lapse()
			select { // held until B's reply was handled
			case <-bDone:
			case <-time.After(10 * time.Second):
				t.Errorf("no second reply came for %s", tok)
			}
		case !ackLost && n == 2:
			return func() {
				mu.Lock()
				defer mu.Unlock()
				if !closed {
					closed = true
					close(bDone)
				}
			}
		}
		return nil
	})
	if kind == "text" {
		a.postSigned(t, textEvent(user, "x-1", fixtureTime, "first"))
	} else {
		a.postSigned(t, event(user, "x-1", fixtureTime, "message", map[string]any{"message": map[string]any{"id": "mx", "type": "sticker", "packageId": "1", "stickerId": "1"}}))
	}
	e.wait(2)            // A's and B's handling of it
	hook.on.Store(false) // A resumes
	b.postSigned(t, textEvent(user, "x-2", fixtureTime+1, "second"))
	e.wait(1)
	time.Sleep(200 * time.Millisecond) // anything sent late

	var got []string
	for _, c := range e.api.Calls("") {
		switch {
		case c.Path == "/v2/bot/message/reply" && slices.Contains([]string{"rt-x-1", "rt-x-2"}, c.Body["replyToken"].(string)):
			got = append(got, "reply "+textsOf(c)[0])
		case c.Path == "/v2/bot/message/push" && c.Body["to"] == user:
			got = append(got, "push "+textsOf(c)[0])
		}
	}
	first := "reply echo:first"
	if kind == "sticker" && len(got) > 0 && strings.HasPrefix(got[0], "reply "+guidance) {
		first = got[0]
	}
	if want := []string{first, "reply echo:second"}; !slices.Equal(got, want) {
		t.Errorf("the resident received %q, want %q", got, want)
	}
}

// TestRefusedTokenOfTheOnlyAttemptPushes checks the other side of the
// attempt mark: a token LINE refuses to the one attempt ever made to use
// it (here one past its minute, as LINE, and the fake, refuse it, while
// the handler's own deadline is set longer) was never used, so the reply
// goes by push, once.
func TestRefusedTokenOfTheOnlyAttemptPushes(t *testing.T) {
	e := newEnv(t)
	in := e.start(func(c *line.Config) { c.ReplyTokenTTL = 5 * time.Minute })
	e.setNow(time.UnixMilli(fixtureTime).Add(tokenValidity + time.Second))
	in.postSigned(t, textEvent("Ulate", "late-1", fixtureTime, "late"))
	if r := e.wait(1)[0]; r.Outcome != line.OutcomePushed {
		t.Errorf("outcome %s, want pushed", r.Outcome)
	}
	if n, p := e.api.count("/v2/bot/message/reply"), len(e.api.Calls("/v2/bot/message/push")); n != 1 || p != 1 {
		t.Errorf("%d reply attempts and %d pushes, want 1 refused reply and 1 push", n, p)
	}
}
