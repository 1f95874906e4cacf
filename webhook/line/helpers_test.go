package line_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/line"
)

const (
	secret = "test-channel-secret"
	token  = "test-access-token"
	// fixtureTime is the timestamp of the fixtures' events (ms).
	fixtureTime = 1700000000000
)

func init() { gin.SetMode(gin.TestMode) }

// call is one request the fake Messaging API received.
type call struct {
	Path     string
	RetryKey string
	Body     map[string]any
	At       time.Time // when the fake received it
}

// fakeAPI is a recorder for the Messaging API: it checks the bearer token
// and the JSON shape of every request, records it, and answers with the
// status that status (if set) picks.
type fakeAPI struct {
	tb  testing.TB
	srv *httptest.Server

	mu     sync.Mutex
	calls  []call
	status func(path string, n int) (int, string) // n counts calls to path, from 1
	counts map[string]int
	used   map[string]bool // reply tokens used: LINE's are single-use
	// issued holds when each reply token's event happened (its webhook's
	// timestamp), clock the time now: LINE refuses a token used more than
	// tokenValidity after its event as it refuses a used one.
	issued map[string]time.Time
	clock  func() time.Time
	conns  int           // connections opened to the fake
	closed int           // connections closed (by either side)
	delay  time.Duration // how long each answer takes
	// lose, if set, says for a call (n counts calls to path, from 1)
	// whether LINE's answer (acceptance or refusal) is lost after the call
	// was handled: "drop" closes the connection without an answer, "stall"
	// holds the answer for loseStall (longer than the client waits).
	lose func(path string, n int) string
	// around, if set, is called with each call before it is handled (its
	// token checked, its acceptance recorded) and may hold it there; the
	// function it returns, if any, is called once the call was handled,
	// before its answer is written. Called without mu held.
	around func(c call) (after func())
	notify chan struct{}
	// profiles are the users' profile languages (GET /v2/bot/profile/
	// {userId}: 404 for a user not listed); profileCalls counts the calls.
	profiles     map[string]string
	profileCalls int
	// menus are the channel's rich menus, aliases and links (richmenu_test.go).
	menus fakeMenus
}

// tokenValidity is how long LINE accepts a reply token: its reference
// says a token must be used within one minute of the webhook.
const tokenValidity = time.Minute

// refusedToken is LINE's answer to a reply with a token used already or
// past its validity (400).
const refusedToken = `{"message":"Invalid reply token"}`

// loseStall is how long a "stall" answer is held.
const loseStall = 3 * time.Second

func newFakeAPI(tb testing.TB) *fakeAPI {
	f := &fakeAPI{tb: tb, counts: map[string]int{}, used: map[string]bool{}, issued: map[string]time.Time{},
		clock: time.Now, notify: make(chan struct{}, 1000)}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		f.mu.Lock()
		switch s {
		case http.StateNew:
			f.conns++
		case http.StateClosed, http.StateHijacked:
			f.closed++
		}
		f.mu.Unlock()
	}
	f.srv.Start()
	tb.Cleanup(f.srv.Close)
	return f
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("Authorization"); got != "Bearer "+token {
		f.tb.Errorf("fake API: %s with Authorization %q", r.URL.Path, got)
		http.Error(w, `{"message":"Authentication failed"}`, http.StatusUnauthorized)
		return
	}
	if user, ok := strings.CutPrefix(r.URL.Path, "/v2/bot/profile/"); ok && r.Method == http.MethodGet {
		f.mu.Lock()
		f.profileCalls++
		lang, known := f.profiles[user]
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !known {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"Not found"}`)
			return
		}
		b, _ := json.Marshal(map[string]string{"userId": user, "displayName": "テスト", "language": lang})
		w.Write(b)
		return
	}
	if f.menus.serve(f.tb, w, r) {
		return
	}
	f.mu.Lock()
	delay := f.delay
	f.mu.Unlock()
	time.Sleep(delay)
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		f.tb.Errorf("fake API: %s body is not JSON: %v", r.URL.Path, err)
	}
	c := call{Path: r.URL.Path, RetryKey: r.Header.Get("X-Line-Retry-Key"), Body: body, At: time.Now()}
	f.checkShape(c)
	f.mu.Lock()
	around := f.around
	f.mu.Unlock()
	var after func()
	if around != nil {
		after = around(c)
	}
	f.mu.Lock()
	f.counts[r.URL.Path]++
	n := f.counts[r.URL.Path]
	status, resp := http.StatusOK, "{}"
	if f.status != nil {
		if s, m := f.status(r.URL.Path, n); s != 0 {
			status, resp = s, m
		}
	}
	if tok, _ := c.Body["replyToken"].(string); status/100 == 2 && tok != "" {
		at, known := f.issued[tok]
		if f.used[tok] || known && f.clock().Sub(at) > tokenValidity {
			status, resp = http.StatusBadRequest, refusedToken
		}
		f.used[tok] = true
	}
	if status/100 == 2 {
		f.calls = append(f.calls, c)
	}
	lose := ""
	if f.lose != nil {
		lose = f.lose(r.URL.Path, n)
	}
	f.mu.Unlock()
	if after != nil {
		after()
	}
	switch lose {
	case "drop":
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			f.tb.Errorf("fake API: hijack: %v", err)
			return
		}
		conn.Close()
		return
	case "stall":
		select {
		case <-time.After(loseStall):
		case <-r.Context().Done(): // the client gave up
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, resp)
	select {
	case f.notify <- struct{}{}:
	default: // nobody waiting on it: never block an answer
	}
}

// checkShape fails the test when a request is not what LINE accepts.
func (f *fakeAPI) checkShape(c call) {
	t := f.tb
	switch c.Path {
	case "/v2/bot/message/reply", "/v2/bot/message/push":
		if c.Path == "/v2/bot/message/reply" {
			if s, _ := c.Body["replyToken"].(string); s == "" {
				t.Errorf("reply without replyToken")
			}
		} else {
			if s, _ := c.Body["to"].(string); s == "" {
				t.Errorf("push without to")
			}
			if !uuidRE.MatchString(c.RetryKey) {
				t.Errorf("push with X-Line-Retry-Key %q, want a UUID", c.RetryKey)
			}
		}
		msgs, _ := c.Body["messages"].([]any)
		if len(msgs) == 0 || len(msgs) > 5 {
			t.Errorf("%s with %d messages", c.Path, len(msgs))
		}
		for i, m := range msgs {
			checkMessage(t, m.(map[string]any), i == len(msgs)-1)
		}
	case "/v2/bot/chat/loading/start":
		if s, _ := c.Body["chatId"].(string); s == "" {
			t.Errorf("loading without chatId")
		}
	default:
		t.Errorf("fake API: unexpected path %s", c.Path)
	}
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

func checkMessage(t testing.TB, m map[string]any, last bool) {
	t.Helper()
	switch m["type"] {
	case "text":
		s, _ := m["text"].(string)
		if s == "" || units(s) > 5000 {
			t.Errorf("text message of %d units", units(s))
		}
	case "flex":
		alt, _ := m["altText"].(string)
		if alt == "" || units(alt) > 1500 {
			t.Errorf("flex altText of %d units", units(alt))
		}
		contents, _ := m["contents"].(map[string]any)
		b, _ := json.Marshal(contents)
		switch contents["type"] {
		case "bubble":
			if len(b) > 30<<10 {
				t.Errorf("bubble of %d bytes", len(b))
			}
		case "carousel":
			bs, _ := contents["contents"].([]any)
			if len(b) > 50<<10 || len(bs) == 0 || len(bs) > 12 {
				t.Errorf("carousel of %d bytes, %d bubbles", len(b), len(bs))
			}
			for _, x := range bs {
				if x.(map[string]any)["type"] != "bubble" {
					t.Errorf("carousel holds %v", x.(map[string]any)["type"])
				}
			}
		default:
			t.Errorf("flex contents of type %v", contents["type"])
		}
		checkFlexTypes(t, contents)
	default:
		t.Errorf("message of type %v", m["type"])
	}
	if qr, ok := m["quickReply"].(map[string]any); ok {
		if !last {
			t.Errorf("quick reply on a message that is not the last")
		}
		items, _ := qr["items"].([]any)
		if len(items) == 0 || len(items) > 13 {
			t.Errorf("quick reply with %d items", len(items))
		}
		for _, it := range items {
			it := it.(map[string]any)
			a, _ := it["action"].(map[string]any)
			label, _ := a["label"].(string)
			data, _ := a["data"].(string)
			if it["type"] != "action" || a["type"] != "postback" || label == "" || units(label) > 20 ||
				a["displayText"] != label || data == "" || len(data) > 300 {
				t.Errorf("bad quick reply item %v", it)
			}
		}
	}
}

// checkFlexTypes fails on a Flex component without its "type", which the
// SDK leaves out when a value (not a pointer) is marshalled.
func checkFlexTypes(t testing.TB, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["layout"]; ok && x["type"] != "box" {
			t.Errorf("box without type: %v", x["type"])
		}
		if _, ok := x["text"]; ok && x["type"] != "text" {
			t.Errorf("text component with type %v", x["type"])
		}
		if a, ok := x["action"].(map[string]any); ok {
			label, _ := a["label"].(string)
			data, _ := a["data"].(string)
			switch {
			case label == "" || units(label) > 20:
				t.Errorf("button label of %d units: %v", units(label), a)
			case a["type"] == "uri":
				if uri, _ := a["uri"].(string); !strings.HasPrefix(uri, "tel:") {
					t.Errorf("button action %v", a)
				}
			case a["type"] == "postback":
				// A command's button (bot.Commands), showing what was pressed.
				if _, ok := bot.CommandFor(data); !ok || a["displayText"] != label {
					t.Errorf("postback button %v: not a command, or displayText not its label", a)
				}
			default:
				t.Errorf("button action %v", a)
			}
		}
		for _, y := range x {
			checkFlexTypes(t, y)
		}
	case []any:
		for _, y := range x {
			checkFlexTypes(t, y)
		}
	}
}

// Calls returns the successful calls to path ("" for all).
func (f *fakeAPI) Calls(path string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if path == "" || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// count returns how many requests path received, failed ones included.
func (f *fakeAPI) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[path]
}

// connections returns how many connections were opened to the fake.
func (f *fakeAPI) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

// closedConnections returns how many connections to the fake were closed.
func (f *fakeAPI) closedConnections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

func (f *fakeAPI) setDelay(d time.Duration) {
	f.mu.Lock()
	f.delay = d
	f.mu.Unlock()
}

func (f *fakeAPI) setLose(fn func(path string, n int) string) {
	f.mu.Lock()
	f.lose = fn
	f.mu.Unlock()
}

func (f *fakeAPI) setAround(fn func(c call) (after func())) {
	f.mu.Lock()
	f.around = fn
	f.mu.Unlock()
}

// issue records the reply tokens of a webhook body's events, with when
// each event happened.
func (f *fakeAPI) issue(body []byte) {
	var cb struct {
		Events []struct {
			ReplyToken string `json:"replyToken"`
			Timestamp  int64  `json:"timestamp"`
		} `json:"events"`
	}
	if json.Unmarshal(body, &cb) != nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ev := range cb.Events {
		if ev.ReplyToken != "" {
			f.issued[ev.ReplyToken] = time.UnixMilli(ev.Timestamp)
		}
	}
}

func (f *fakeAPI) setStatus(fn func(path string, n int) (int, string)) {
	f.mu.Lock()
	f.status = fn
	f.mu.Unlock()
}

// fakeEngine is a bot.Responder that echoes and records each user's turns
// in order. Like the real engine, it keeps the ids of the messages it
// applied in Redis (so that every process sees them) and does not apply a
// message twice: a retry of the newest is echoed again, of an older one
// answered with nothing, both with Reply.Repeat.
type fakeEngine struct {
	rdb      redis.UniversalClient
	prefix   string
	mu       sync.Mutex
	turns    map[string][]string // user -> texts and postbacks, in order
	forgot   []string
	delay    time.Duration
	failOnce map[string]bool // text -> fail with CodeUnavailable the first time
	// custom, if set, answers instead of the echo when it returns true.
	custom func(in string) (bot.Reply, bool)

	// Concurrency seen: turns in progress per user and in all, the most in
	// all at once, and whether one user ever had two turns at once.
	inflight    map[string]int
	running     int
	maxRunning  int
	userOverlap bool
}

func newEngine(rdb redis.UniversalClient, prefix string) *fakeEngine {
	return &fakeEngine{rdb: rdb, prefix: prefix, turns: map[string][]string{}, failOnce: map[string]bool{}, inflight: map[string]int{}}
}

// applied reports whether the message id was applied to the user's
// conversation before (newest: whether it was the latest), recording it
// if not.
func (e *fakeEngine) applied(ctx context.Context, user, id string) (seen, newest bool, err error) {
	key := e.prefix + "fake-engine:" + user
	ids, err := e.rdb.LRange(ctx, key, 0, -1).Result()
	if err != nil {
		return false, false, err
	}
	if i := slices.Index(ids, id); i >= 0 {
		return true, i == len(ids)-1, nil
	}
	return false, false, e.rdb.RPush(ctx, key, id).Err()
}

// MaxRunning returns the most turns that were in progress at once, and
// whether one user ever had two at once.
func (e *fakeEngine) MaxRunning() (int, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.maxRunning, e.userOverlap
}

func (e *fakeEngine) Respond(ctx context.Context, m bot.Message) (bot.Reply, error) {
	in := m.Text
	if in == "" {
		in = "postback:" + m.Postback
	}
	e.mu.Lock()
	if e.failOnce[in] {
		delete(e.failOnce, in)
		e.mu.Unlock()
		return bot.Reply{}, bot.Unavailable("store down", nil)
	}
	e.mu.Unlock()
	if m.ID != "" {
		seen, newest, err := e.applied(ctx, m.User, m.ID)
		if err != nil {
			return bot.Reply{}, bot.Unavailable("store down", err)
		}
		if seen && !newest {
			return bot.Reply{Repeat: true}, nil
		}
		if seen {
			r := e.answer(in)
			r.Repeat = true
			return r, nil
		}
	}
	e.mu.Lock()
	e.turns[m.User] = append(e.turns[m.User], in)
	delay := e.delay
	e.inflight[m.User]++
	e.userOverlap = e.userOverlap || e.inflight[m.User] > 1
	e.running++
	e.maxRunning = max(e.maxRunning, e.running)
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.inflight[m.User]--
		e.running--
		e.mu.Unlock()
	}()
	if m.Channel != bot.ChannelLINE || m.Municipality == "" || m.User == "" {
		return bot.Reply{}, bot.Invalidf("message", "bad message %+v", m)
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	return e.answer(in), nil
}

// answer is the reply to in: custom's, a checklist, or the echo.
func (e *fakeEngine) answer(in string) bot.Reply {
	if e.custom != nil {
		if r, ok := e.custom(in); ok {
			return r
		}
	}
	if in == "checklist" {
		return bot.Reply{Messages: []bot.OutMessage{{Type: bot.OutText, Text: "確認しました。"}, {Type: bot.OutChecklist, Checklist: sampleChecklist()}}, Done: true}
	}
	return bot.Reply{
		Messages:     []bot.OutMessage{{Type: bot.OutText, Text: "echo:" + in}},
		QuickReplies: []bot.QuickReply{{Label: "はい", Postback: "answer=yes"}, {Label: "いいえ", Postback: "answer=no"}},
		Asking:       "has_notice",
	}
}

func (e *fakeEngine) Forget(ctx context.Context, ch bot.Channel, municipality, user string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.forgot = append(e.forgot, string(ch)+"/"+municipality+"/"+user)
	return nil
}

func (e *fakeEngine) Turns(user string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.turns[user]...)
}

func sampleChecklist() *bot.Checklist {
	return &bot.Checklist{
		Texts:        nationalTexts(),
		Municipality: "edogawa", Procedure: bot.ProcedureRenewal, Certificates: []bot.Certificate{bot.CertSigning, bot.CertUser},
		Window: &bot.Window{Start: bot.NewDate(2025, 4, 8), End: bot.NewDate(2025, 7, 7)}, Status: bot.StatusInWindow,
		Visits: 2, Items: []bot.Item{
			{Text: "本人のマイナンバーカード", Visit: 1},
			{Text: "委任状", Visit: 1, Note: "本人が自署したもの"},
			{Text: "照会書兼回答書", Visit: 2},
			{Text: "代理人の本人確認書類", Visit: 2, Optional: true},
		},
		Counters:  []bot.Counter{{Name: "江戸川区役所 戸籍住民課", Phone: "03-3652-1151（代表）", Hours: "平日 8時30分〜17時", Reservation: "不要"}},
		Followups: []bot.Followup{{Title: "暗証番号を忘れたとき", Text: "窓口で再設定できます。", Phone: "０１２０－９５－０１７８"}},
		Notes:     []string{"代理人の場合は2回の来庁が必要です。"},
		Source:    bot.Source{Title: "江戸川区 電子証明書の更新", Updated: "2024-04-01"},
		Covered:   true,
	}
}

// env is one Handler (or more) on one Redis, with the fake API and engine.
type env struct {
	t      *testing.T
	rdb    redis.UniversalClient
	prefix string
	api    *fakeAPI
	engine *fakeEngine
	now    time.Time
	nowMu  sync.Mutex

	results chan line.EventResult
	insts   []*inst
}

type inst struct {
	api    *fakeAPI // told the reply tokens of what is posted
	h      *line.Handler
	router *gin.Engine
	stop   context.CancelFunc
	done   chan struct{}
}

// envs numbers the envs, so that two in one test do not share keys.
var envs int

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, redistest.Client(t))
}

// newEnvOn is newEnv on a Redis of the test's own (a Cluster, a Sentinel
// set-up, a server it restarts).
func newEnvOn(t *testing.T, rdb redis.UniversalClient) *env {
	t.Helper()
	envs++
	e := &env{t: t, rdb: rdb, prefix: fmt.Sprintf("%se%d:", redistest.Prefix(t), envs), api: newFakeAPI(t),
		now: time.UnixMilli(fixtureTime).Add(time.Second), results: make(chan line.EventResult, 10000)}
	e.engine = newEngine(e.rdb, e.prefix)
	e.api.clock = e.clock
	return e
}

func (e *env) clock() time.Time {
	e.nowMu.Lock()
	defer e.nowMu.Unlock()
	return e.now
}

func (e *env) setNow(t time.Time) {
	e.nowMu.Lock()
	e.now = t
	e.nowMu.Unlock()
}

// start adds a Handler and runs its workers until the test ends.
func (e *env) start(mod func(*line.Config)) *inst {
	e.t.Helper()
	in := e.newInst(mod)
	in.run()
	e.t.Cleanup(in.shutdown)
	return in
}

// config is the Handler configuration of the env's instances.
func (e *env) config() line.Config {
	return line.Config{
		Channels:    line.Channels{"edogawa": {Secret: secret, AccessToken: token}},
		Known:       func(m string) bool { return m == "edogawa" || m == "nerima" },
		Responder:   e.engine,
		Catalog:     embeddedCatalog(),
		Redis:       e.rdb,
		Prefix:      e.prefix,
		APIEndpoint: e.api.srv.URL,
		Clock:       e.clock,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Shards:      8,
		LeaseTTL:    900 * time.Millisecond,
		OnEvent:     func(r line.EventResult) { e.results <- r },
	}
}

// newInst adds a Handler whose workers do not run yet.
func (e *env) newInst(mod func(*line.Config)) *inst {
	e.t.Helper()
	cfg := e.config()
	if os.Getenv("TEST_LOG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if mod != nil {
		mod(&cfg)
	}
	h, err := line.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	r := gin.New()
	h.Register(r)
	in := &inst{api: e.api, h: h, router: r}
	e.insts = append(e.insts, in)
	return in
}

// run starts the instance's workers.
func (in *inst) run() {
	ctx, cancel := context.WithCancel(context.Background())
	in.stop, in.done = cancel, make(chan struct{})
	go func() { defer close(in.done); _ = in.h.Run(ctx) }()
}

// shutdown stops the instance's workers and waits for them to drain.
func (in *inst) shutdown() {
	in.stop()
	<-in.done
}

func sign(body []byte, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// post sends body signed with secret to the instance's webhook.
func (in *inst) post(t testing.TB, municipality string, body []byte, sig string) *httptest.ResponseRecorder {
	t.Helper()
	if in.api != nil {
		in.api.issue(body)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhook/line/"+municipality, bytes.NewReader(body))
	if sig != "" {
		req.Header.Set("X-Line-Signature", sig)
	}
	w := httptest.NewRecorder()
	in.router.ServeHTTP(w, req)
	return w
}

func (in *inst) postSigned(t testing.TB, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	w := in.post(t, "edogawa", body, sign(body, secret))
	if w.Code != http.StatusOK {
		t.Fatalf("webhook answered %d: %s", w.Code, w.Body)
	}
	return w
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wait returns the next n event results, failing after a timeout.
func (e *env) wait(n int) []line.EventResult {
	e.t.Helper()
	var out []line.EventResult
	deadline := time.After(15 * time.Second)
	for len(out) < n {
		select {
		case r := <-e.results:
			out = append(out, r)
		case <-deadline:
			e.t.Fatalf("waited for %d events, got %d: %+v", n, len(out), out)
		}
	}
	return out
}

// quiet fails if another event result arrives within d.
func (e *env) quiet(d time.Duration) {
	e.t.Helper()
	select {
	case r := <-e.results:
		e.t.Fatalf("unexpected event result %+v", r)
	case <-time.After(d):
	}
}

// textsOf returns the texts of the messages of a reply or push call.
func textsOf(c call) []string {
	var out []string
	msgs, _ := c.Body["messages"].([]any)
	for _, m := range msgs {
		m := m.(map[string]any)
		if s, ok := m["text"].(string); ok {
			out = append(out, s)
		} else {
			out = append(out, "["+m["type"].(string)+"]")
		}
	}
	return out
}

// event builds a one-event webhook body for user.
func event(user, id string, ts int64, typ string, extra map[string]any) []byte {
	ev := map[string]any{
		"type": typ, "mode": "active", "timestamp": ts, "webhookEventId": id,
		"deliveryContext": map[string]any{"isRedelivery": false},
		"source":          map[string]any{"type": "user", "userId": user},
		"replyToken":      "rt-" + id,
	}
	for k, v := range extra {
		ev[k] = v
	}
	b, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{ev}})
	return b
}

func textEvent(user, id string, ts int64, text string) []byte {
	return event(user, id, ts, "message", map[string]any{"message": map[string]any{"id": "m" + id, "type": "text", "text": text, "quoteToken": "q"}})
}

// nationalTexts are the embedded knowledge's national texts in Japanese,
// for checklists a test builds by hand (the rules engine sets them on
// real ones), and the Catalog of the env's Handlers.
var nationalTexts = sync.OnceValue(func() *bot.Texts {
	t := embeddedCatalog().Texts("", bot.LangJa)
	return &t
})

var embeddedCatalog = sync.OnceValue(func() bot.Catalog {
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		panic(err) // every test of the module fails on it first
	}
	return dialog.NewCatalog(knowledge.NewProvider(kb))
})
