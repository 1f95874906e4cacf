package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/internal/kbtest"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// The eviction test's sizes: a Redis of evictMaxMemory, filled by a flood
// of new web chat sessions from evictFloodWorkers clients; evictLINEUsers
// LINE residents, each going evictConversations times through the renewal
// dialog to its checklist by buttons, as LINE's quick replies send them,
// while the flood sends evictThink requests between two of their turns.
const (
	evictMaxMemory     = "3mb"
	evictFloodWorkers  = 6
	evictLINEUsers     = 20
	evictConversations = 2
	// evictThink is how many web chat requests the flood sends between
	// two turns of a LINE resident (a resident reads the reply and taps):
	// about two thirds of the sessions a full Redis holds, so that the
	// residents' states grow as old as the flood's and LRU picks them too
	// (with a third, under -race, it hardly ever did).
	evictThink = 4000
	// evictSessionsCap is WEB_SESSIONS_MAX under noeviction: the flood
	// reaches it well before the memory is full (a session of one turn
	// takes about 1 KB of Redis with its entry in the sessions' set, on a
	// Redis that holds about 1.1 MB with the server's connections alone).
	evictSessionsCap = 500
)

// TestFaultEvictionPressure runs the whole server on a redis-server of its
// own with a small maxmemory, floods it with new web chat sessions until
// the memory is full (or the session cap is reached), and meanwhile runs
// LINE conversations scripted to their checklist. Every reply is compared
// with the one a conversation on an idle Redis got at the same step.
//
//   - allkeys-lru and volatile-lru (WEB_SESSIONS_MAX off): Redis evicts
//     conversation state, LINE's dedup keys and even its queue. A reply must
//     be the expected one, or MsgRecordLost followed by the first question
//     (the resident's next button then starts again); never another reply,
//     never one event answered twice. Events never answered are counted and
//     printed, not failed: the README says to run LINE on noeviction.
//   - noeviction with WEB_SESSIONS_MAX: the cap refuses new web sessions
//     with 503 unavailable (never 500) before Redis is full, and every LINE
//     event is answered once with the expected reply.
//   - noeviction without a cap: the flood fills Redis, and the web sessions
//     and LINE webhooks it refuses are counted, to show what the cap buys.
func TestFaultEvictionPressure(t *testing.T) {
	redistest.Fault(t)
	for _, c := range []struct {
		policy string
		cap    string
	}{
		{"allkeys-lru", "off"},
		{"volatile-lru", "off"},
		{"noeviction", strconv.Itoa(evictSessionsCap)},
		{"noeviction", "off"},
	} {
		t.Run(c.policy+"/cap="+c.cap, func(t *testing.T) { runEvictionPressure(t, c.policy, c.cap) })
	}
}

func runEvictionPressure(t *testing.T, policy, sessionsCap string) {
	srv := redistest.StartServer(t, "maxmemory "+evictMaxMemory, "maxmemory-policy "+policy)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { rdb.Close() })
	api := newEvictLINE()
	fake := httptest.NewServer(api)
	t.Cleanup(fake.Close)
	const secret = "evict-secret"
	_, _, base := startMain(t, map[string]string{
		"REDIS_URL":                 "redis://" + srv.Addr + "/0",
		"LINE_CHANNEL_SECRET":       secret,
		"LINE_CHANNEL_ACCESS_TOKEN": "evict-token",
		"LINE_API_ENDPOINT":         fake.URL,
		"RATE_LIMIT_PER_IP":         "off",
		"RATE_LIMIT_PER_SESSION":    "off",
		"WEB_SESSIONS_PER_IP":       "off",
		"WEB_SESSIONS_MAX":          sessionsCap,
	})
	line := &evictLINEClient{t: t, url: base + "/webhook/line/nerima", secret: secret, api: api,
		run: strconv.FormatInt(time.Now().UnixNano(), 36)}
	flood := &evictFlood{url: base + "/api/v1/chat"}

	// The expected replies: one conversation on an idle Redis (see
	// baseline).
	script, want := line.baseline()

	// The flood, until the LINE conversations are over.
	line.think = flood.wait
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range evictFloodWorkers {
		wg.Go(func() { flood.run(w, stop) })
	}
	full := waitFull(t, rdb, flood, sessionsCap != "off")

	results := make([]evictUserResult, evictLINEUsers)
	conversations := evictConversations
	if policy == "noeviction" && sessionsCap == "off" {
		conversations = 1 // a full Redis refuses every webhook, each for 10 s
	}
	var users sync.WaitGroup
	for u := range evictLINEUsers {
		users.Go(func() {
			for c := range conversations {
				line.converse(fmt.Sprintf("U%016x%016x", u+1, c+1), script, want, &results[u])
			}
		})
	}
	users.Wait()
	close(stop)
	wg.Wait()
	late := line.drain(10 * time.Second)

	var sum evictUserResult
	for _, r := range results {
		sum.events += r.events
		sum.correct += r.correct
		sum.lostRecord += r.lostRecord
		sum.wrong += r.wrong
		sum.unanswered += r.unanswered
		sum.refused += r.refused
		sum.failed += r.failed
		sum.checklists += r.checklists
		sum.wrongSamples = append(sum.wrongSamples, r.wrongSamples...)
	}
	twice, pushed := api.duplicates()
	lost := line.neverAnswered()
	info := redisInfo(t, rdb)
	t.Logf("eviction %s, WEB_SESSIONS_MAX=%s, maxmemory %s: full after %d web sessions (%s)",
		policy, sessionsCap, evictMaxMemory, full, info["used_memory_human"])
	t.Logf("  web chat: %d requests, %d answered 200, %d refused 503 by the cap, %d 503 from the store (Redis refusing writes), %d 500, %d other",
		flood.total.Load(), flood.ok.Load(), flood.full.Load(), flood.other503.Load(), flood.s500.Load(), flood.other.Load())
	t.Logf("  Redis: evicted_keys %s", info["evicted_keys"])
	t.Logf("  LINE: %d users x %d conversations, %d events acknowledged, %d webhooks refused (sent again), %d never accepted",
		evictLINEUsers, conversations, sum.events, sum.refused, sum.failed)
	t.Logf("  LINE replies: %d as expected, %d %q (restarted), %d wrong; %d checklists given",
		sum.correct, sum.lostRecord, kbtest.Text(t, bot.TextRecordLost), sum.wrong, sum.checklists)
	t.Logf("  LINE events: %d never answered (lost), %d answered only after %s (late), %d answered twice, %d pushed",
		lost, late, evictReplyWait, twice, pushed)
	for _, s := range sum.wrongSamples[:min(3, len(sum.wrongSamples))] {
		t.Logf("  a wrong reply: %s", s)
	}

	if sum.wrong > 0 {
		t.Errorf("%d wrong LINE replies (neither the expected one nor %q)", sum.wrong, kbtest.Text(t, bot.TextRecordLost))
	}
	if twice > 0 || pushed > 0 {
		t.Errorf("%d LINE events answered twice, %d pushed", twice, pushed)
	}
	if flood.s500.Load() > 0 {
		t.Errorf("%d web chat requests answered 500", flood.s500.Load())
	}
	switch {
	case policy != "noeviction":
		if info["evicted_keys"] == "0" {
			t.Errorf("Redis evicted nothing: the flood did not fill it (used_memory %s)", info["used_memory_human"])
		}
	case sessionsCap != "off":
		if flood.full.Load() == 0 {
			t.Errorf("no web session refused by the cap")
		}
		if flood.other503.Load() > 0 {
			t.Errorf("under the cap Redis still refused writes: %d 503 from the store", flood.other503.Load())
		}
		if lost > 0 || sum.unanswered > 0 || sum.failed > 0 || sum.lostRecord > 0 {
			t.Errorf("under the cap: %d LINE events lost, %d late, %d never accepted, %d records lost; want all answered at once",
				lost, sum.unanswered, sum.failed, sum.lostRecord)
		}
		// /metrics tells the operator: the live sessions at the cap, and
		// each refusal the flood met.
		_, metrics := get(t, base+"/metrics")
		for _, want := range []string{
			"madoguchi_web_sessions_live " + sessionsCap,
			"madoguchi_web_sessions_max " + sessionsCap,
			"madoguchi_web_sessions_started_total " + sessionsCap,
			fmt.Sprintf(`madoguchi_web_sessions_refused_total{reason="full"} %d`, flood.full.Load()),
		} {
			if !strings.Contains(metrics, want+"\n") {
				t.Errorf("/metrics lacks %q", want)
			}
		}
		if sum.checklists != evictLINEUsers*conversations {
			t.Errorf("%d checklists given, want %d", sum.checklists, evictLINEUsers*conversations)
		}
	default:
		if flood.other503.Load() == 0 {
			t.Errorf("without a cap the flood never filled Redis: the contrast shows nothing")
		}
	}
}

// waitFull waits until the flood has filled Redis: a key evicted, a write
// refused, or (capped) a session refused by the cap. It returns how many
// sessions were answered 200 by then.
func waitFull(t *testing.T, rdb *redis.Client, f *evictFlood, capped bool) int64 {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if capped && f.full.Load() > 0 || f.other503.Load() > 0 {
			return f.ok.Load()
		}
		if info := redisInfo(t, rdb); info["evicted_keys"] != "0" && info["evicted_keys"] != "" {
			return f.ok.Load()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the flood did not fill Redis in 90 s (%d sessions)", f.ok.Load())
	return 0
}

func redisInfo(t *testing.T, rdb *redis.Client) map[string]string {
	t.Helper()
	raw, err := rdb.Info(context.Background(), "memory", "stats").Result()
	if err != nil {
		t.Fatalf("INFO: %v", err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(raw, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			out[k] = v
		}
	}
	return out
}

// evictFlood opens new web chat sessions, one turn each, as fast as it can.
type evictFlood struct {
	url                                    string
	total, ok, full, other503, s500, other atomic.Int64
}

// wait returns once the flood has sent n more requests.
func (f *evictFlood) wait(n int64) {
	target := f.total.Load() + n
	for f.total.Load() < target {
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *evictFlood) run(w int, stop <-chan struct{}) {
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		body := fmt.Sprintf(`{"municipality":"nerima","session_id":"flood-%d-%08d","text":"電子証明書の更新をしたい"}`, w, i)
		res, err := client.Post(f.url, "application/json", strings.NewReader(body))
		f.total.Add(1)
		if err != nil {
			f.other.Add(1)
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusOK:
			f.ok.Add(1)
		case res.StatusCode == http.StatusServiceUnavailable && bytes.Contains(b, []byte(`"code":"unavailable"`)) &&
			res.Header.Get("Retry-After") != "" && !bytes.Contains(b, []byte("状態を保存")):
			f.full.Add(1) // the cap (the store's failure carries its own message)
		case res.StatusCode == http.StatusServiceUnavailable:
			f.other503.Add(1) // the store: Redis refused the write (OOM)
		case res.StatusCode == http.StatusInternalServerError:
			f.s500.Add(1)
		default:
			f.other.Add(1)
		}
	}
}

// evictReplyWait is how long a scripted resident waits for a reply before
// tapping the button again (as a new event).
const evictReplyWait = 10 * time.Second

// evictLINE is the fake Messaging API: it records each reply by its token.
type evictLINE struct {
	mu      sync.Mutex
	replies map[string][]json.RawMessage // reply token → the messages of each reply to it
	waiting map[string]chan json.RawMessage
	pushes  int
}

func newEvictLINE() *evictLINE {
	return &evictLINE{replies: map[string][]json.RawMessage{}, waiting: map[string]chan json.RawMessage{}}
}

func (f *evictLINE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/v2/bot/message/reply":
		var reply struct {
			ReplyToken string          `json:"replyToken"`
			Messages   json.RawMessage `json:"messages"`
		}
		_ = json.Unmarshal(body, &reply)
		f.mu.Lock()
		f.replies[reply.ReplyToken] = append(f.replies[reply.ReplyToken], reply.Messages)
		if ch, ok := f.waiting[reply.ReplyToken]; ok && len(f.replies[reply.ReplyToken]) == 1 {
			ch <- reply.Messages
		}
		f.mu.Unlock()
	case "/v2/bot/message/push":
		f.mu.Lock()
		f.pushes++
		f.mu.Unlock()
	}
	io.WriteString(w, "{}")
}

func (f *evictLINE) expect(token string) <-chan json.RawMessage {
	ch := make(chan json.RawMessage, 1)
	f.mu.Lock()
	f.waiting[token] = ch
	f.mu.Unlock()
	return ch
}

func (f *evictLINE) answered(token string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.replies[token]) > 0
}

func (f *evictLINE) duplicates() (twice, pushed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.replies {
		if len(r) > 1 {
			twice++
		}
	}
	return twice, f.pushes
}

// evictLINEClient sends the scripted residents' events, signed, as LINE
// does: a webhook answered 503 is sent again (a redelivery) after 100 ms.
type evictLINEClient struct {
	t           *testing.T
	url, secret string
	api         *evictLINE
	run         string
	seq         atomic.Int64
	think       func(n int64) // waits between two turns of a resident; nil: no wait

	mu         sync.Mutex
	unanswered []string // tokens of acknowledged events not answered within evictReplyWait
}

type evictUserResult struct {
	events, correct, lostRecord, wrong, unanswered, refused, failed, checklists int
	wrongSamples                                                                []string
}

// send posts one event (text or postback) of user, with the id and
// reply token of number n, and reports whether a webhook carrying it was
// answered 200.
func (c *evictLINEClient) send(n int64, user, text, postback string, res *evictUserResult) bool {
	id := fmt.Sprintf("%s%08d", c.run, n)
	ev := map[string]any{
		"webhookEventId": "01EV" + id, "deliveryContext": map[string]bool{"isRedelivery": false},
		"timestamp": time.Now().UnixMilli(), "mode": "active", "replyToken": c.token(n),
		"source": map[string]string{"type": "user", "userId": user},
	}
	if postback != "" {
		ev["type"] = "postback"
		ev["postback"] = map[string]string{"data": postback}
	} else {
		ev["type"] = "message"
		ev["message"] = map[string]string{"type": "text", "id": id, "quoteToken": "q", "text": text}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for try := range 100 {
		if try > 0 {
			ev["deliveryContext"] = map[string]bool{"isRedelivery": true}
			time.Sleep(100 * time.Millisecond)
		}
		body, _ := json.Marshal(map[string]any{"destination": "Uevict", "events": []any{ev}})
		req, _ := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Line-Signature", sign(c.secret, body))
		r, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				res.events++
				return true
			}
		}
		res.refused++
	}
	res.failed++
	return false
}

func (c *evictLINEClient) token(n int64) string { return fmt.Sprintf("rt-%s%08d", c.run, n) }

// ask sends an event and waits for its reply; nil when none came in time.
func (c *evictLINEClient) ask(user, text, postback string, res *evictUserResult) json.RawMessage {
	n := c.seq.Add(1)
	tok := c.token(n)
	// Waited for before the webhook is sent: the reply may come first.
	ch := c.api.expect(tok)
	ok := c.send(n, user, text, postback, res)
	if !ok {
		return nil
	}
	select {
	case m := <-ch:
		return m
	case <-time.After(evictReplyWait):
		c.mu.Lock()
		c.unanswered = append(c.unanswered, tok)
		c.mu.Unlock()
		res.unanswered++
		return nil
	}
}

// drain waits up to d for late replies and returns how many came.
func (c *evictLINEClient) drain(d time.Duration) int {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && c.neverAnswered() > 0 {
		time.Sleep(100 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.unanswered) - c.neverAnsweredLocked()
}

func (c *evictLINEClient) neverAnswered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.neverAnsweredLocked()
}

func (c *evictLINEClient) neverAnsweredLocked() int {
	n := 0
	for _, tok := range c.unanswered {
		if !c.api.answered(tok) {
			n++
		}
	}
	return n
}

// evictMessage is the part of a LINE message the script reads.
type evictMessage struct {
	Type       string `json:"type"`
	Text       string `json:"text"`
	QuickReply *struct {
		Items []struct {
			Action struct {
				Data string `json:"data"`
			} `json:"action"`
		} `json:"items"`
	} `json:"quickReply"`
}

func decodeMessages(t *testing.T, raw json.RawMessage) []evictMessage {
	var ms []evictMessage
	if err := json.Unmarshal(raw, &ms); err != nil {
		t.Fatalf("reply messages %s: %v", raw, err)
	}
	return ms
}

// baseline runs one conversation on the idle server and returns its steps
// (step 0 the opening text, then the buttons pressed: each a quick reply of
// the reply before, one of evictPreferred if offered, else the first) and
// each step's reply.
func (c *evictLINEClient) baseline() (script []string, want []json.RawMessage) {
	var res evictUserResult
	script = []string{""}
	for step := 0; step < 20; step++ {
		text := ""
		if step == 0 {
			text = "電子証明書の更新をしたい"
		}
		m := c.ask("Ubaseline0000000000000000000000", text, script[step], &res)
		if m == nil {
			c.t.Fatalf("baseline step %d: no reply", step)
		}
		want = append(want, m)
		ms := decodeMessages(c.t, m)
		if isChecklist(ms) {
			return script, want
		}
		last := ms[len(ms)-1]
		if last.QuickReply == nil || len(last.QuickReply.Items) == 0 {
			c.t.Fatalf("baseline step %d: no buttons: %s", step, m)
		}
		next := last.QuickReply.Items[0].Action.Data
		for _, it := range last.QuickReply.Items {
			if evictPreferred[it.Action.Data] {
				next = it.Action.Data
				break
			}
		}
		script = append(script, next)
	}
	c.t.Fatalf("baseline: no checklist after 20 steps")
	return nil, nil
}

// evictPreferred are the buttons the scripted resident presses when they
// are offered: a renewal the pages cover, so that the checklist is a full one.
var evictPreferred = map[string]bool{
	"age_group=adult": true, "visitor=self": true, "has_notice=true": true,
	"address_change=false": true, "move_at_visit=false": true, "expiry_date=unknown": true,
}

// isChecklist reports whether a reply carries the checklist (a flex
// message; the dialog's other replies are text).
func isChecklist(ms []evictMessage) bool {
	for _, m := range ms {
		if m.Type == "flex" {
			return true
		}
	}
	return false
}

// converse runs one conversation of user through script, comparing each
// reply with want. On MsgRecordLost (then the first question) it goes on
// from step 1, as the resident answers that question again; a step left
// unanswered is sent again as a new event (the resident taps again).
func (c *evictLINEClient) converse(user string, script []string, want []json.RawMessage, res *evictUserResult) {
	first := decodeMessages(c.t, want[0])
	for step, tries := 0, 0; step < len(script) && tries < 4*len(script); tries++ {
		text := ""
		if step == 0 {
			text = "電子証明書の更新をしたい"
		}
		if c.think != nil && tries > 0 {
			c.think(evictThink)
		}
		failed := res.failed
		got := c.ask(user, text, script[step], res)
		switch {
		case res.failed > failed:
			return // refused for 10 s: LINE gives up too
		case got == nil:
			continue // the same step again
		case bytes.Equal(got, want[step]):
			res.correct++
			if step == len(script)-1 {
				res.checklists++
			}
			step++
		case isRecordLost(c.t, got, first):
			res.lostRecord++
			step = 1
		default:
			res.wrong++
			res.wrongSamples = append(res.wrongSamples, fmt.Sprintf("step %d (%q): got %.300s, want %.300s", step, script[step], got, want[step]))
			return
		}
	}
}

// isRecordLost reports whether a reply is MsgRecordLost followed by the
// first question as the opening reply asked it.
func isRecordLost(t *testing.T, raw json.RawMessage, opening []evictMessage) bool {
	ms := decodeMessages(t, raw)
	if len(ms) < 2 || ms[0].Text != kbtest.Text(t, bot.TextRecordLost) {
		return false
	}
	a, _ := json.Marshal(ms[len(ms)-1])
	b, _ := json.Marshal(opening[len(opening)-1])
	return bytes.Equal(a, b)
}
