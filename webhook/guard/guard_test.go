package guard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/guard"
	"github.com/madoguchi/madoguchi/webhook/httpx"
	"github.com/redis/go-redis/v9"
)

func init() { gin.SetMode(gin.TestMode) }

const (
	nerimaSite = "https://www.city.nerima.tokyo.jp"
	edoSite    = "https://www.city.edogawa.tokyo.jp"
)

// newEngine returns an engine guarded by cfg whose chat handler counts calls.
func newEngine(t *testing.T, cfg guard.Config) (*gin.Engine, *int) {
	t.Helper()
	if cfg.Origins == nil {
		cfg.Origins = map[string][]string{"nerima": {nerimaSite + ":443/"}, "edogawa": {edoSite}}
	}
	g, err := guard.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	e.Use(g.Middleware())
	e.NoRoute(httpx.NoRoute)
	calls := new(int)
	e.POST("/api/v1/chat", func(c *gin.Context) {
		*calls++
		var v map[string]any
		if err := httpx.DecodeJSON(c.Writer, c.Request, &v); err != nil {
			httpx.WriteError(c, err)
			return
		}
		c.JSON(200, v)
	})
	e.POST("/api/v1/checklist", func(c *gin.Context) { c.Status(204) })
	return e, calls
}

type req struct {
	method, path, origin, body string
	header                     map[string]string
}

func do(e http.Handler, r req) *httptest.ResponseRecorder {
	if r.path == "" {
		r.path = "/api/v1/chat"
	}
	hr := httptest.NewRequest(r.method, "http://bot.example.org"+r.path, strings.NewReader(r.body))
	if r.origin != "" {
		hr.Header.Set("Origin", r.origin)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	hr.RemoteAddr = "192.0.2.7:1234"
	w := httptest.NewRecorder()
	e.ServeHTTP(w, hr)
	return w
}

func chatBody(m, session string) string {
	return `{"municipality":"` + m + `","session_id":"` + session + `","text":"こんにちは"}`
}

func TestCORS(t *testing.T) {
	e, calls := newEngine(t, guard.Config{})
	tests := []struct {
		name      string
		r         req
		status    int
		acao      string // wanted Access-Control-Allow-Origin
		reachesUp bool
	}{
		{"preflight from a configured origin", req{method: "OPTIONS", origin: nerimaSite, header: map[string]string{"Access-Control-Request-Method": "POST"}}, 204, nerimaSite, false},
		{"preflight from another site (its POST is refused, readably)", req{method: "OPTIONS", origin: "https://evil.example"}, 204, "https://evil.example", false},
		{"preflight from the server itself", req{method: "OPTIONS", origin: "http://bot.example.org"}, 204, "http://bot.example.org", false},
		{"post for its own municipality", req{method: "POST", origin: nerimaSite, body: chatBody("nerima", "session-0001")}, 200, nerimaSite, true},
		{"post for another municipality", req{method: "POST", origin: nerimaSite, body: chatBody("edogawa", "session-0002")}, 403, nerimaSite, false},
		{"post from an unknown site", req{method: "POST", origin: "https://evil.example", body: chatBody("nerima", "session-0003")}, 403, "https://evil.example", false},
		{"post without Origin (not a browser)", req{method: "POST", body: chatBody("nerima", "session-0004")}, 200, "", true},
		{"same-origin post (demo page)", req{method: "POST", origin: "http://bot.example.org", body: chatBody("akishima", "session-0005")}, 200, "", true},
		{"malformed body still reaches the handler's 400", req{method: "POST", body: `{"municipality":`}, 400, "", true},
		{"other paths untouched", req{method: "POST", path: "/api/v1/checklist", origin: "https://evil.example"}, 204, "", false},
		{"unguarded OPTIONS is the usual 404", req{method: "OPTIONS", path: "/api/v1/checklist", origin: nerimaSite}, 404, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *calls
			w := do(e, tt.r)
			if w.Code != tt.status {
				t.Fatalf("status = %d (%s), want %d", w.Code, w.Body, tt.status)
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.acao {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.acao)
			}
			if reached := *calls > before; reached != tt.reachesUp {
				t.Errorf("handler reached = %v, want %v", reached, tt.reachesUp)
			}
			if w.Code == 403 {
				if got := errCode(t, w); got != "forbidden_origin" {
					t.Errorf("code = %q", got)
				}
			}
			if tt.r.method == "OPTIONS" && w.Code == 204 {
				if m := w.Header().Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") {
					t.Errorf("Allow-Methods = %q", m)
				}
				if h := w.Header().Get("Access-Control-Allow-Headers"); !strings.Contains(h, "Content-Type") {
					t.Errorf("Allow-Headers = %q", h)
				}
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	e, calls := newEngine(t, guard.Config{})
	w := do(e, req{method: "POST", origin: nerimaSite, body: `{"text":"` + strings.Repeat("あ", httpx.MaxBodyBytes) + `"}`})
	if w.Code != 413 || errCode(t, w) != "too_large" || *calls != 0 {
		t.Fatalf("oversized body: %d %s, handler calls %d", w.Code, w.Body, *calls)
	}
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != nerimaSite {
		t.Errorf("413 without CORS header (%q): the widget could not read it", got)
	}
}

func TestNormalizeOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://WWW.City.Example.JP":     "https://www.city.example.jp",
		"https://www.city.example.jp:443": "https://www.city.example.jp",
		"http://localhost:8080/":          "http://localhost:8080",
		"http://a.example:80":             "http://a.example",
	} {
		if got, err := guard.NormalizeOrigin(in); err != nil || got != want {
			t.Errorf("NormalizeOrigin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "www.city.example.jp", "ftp://x", "https://x/page", "https://x?q", "https://u@x", "*"} {
		if got, err := guard.NormalizeOrigin(bad); err == nil {
			t.Errorf("NormalizeOrigin(%q) = %q, want an error", bad, got)
		}
	}
	got, err := guard.ParseOrigins(" https://a.example, https://b.example:8443\nhttp://c.example ")
	if err != nil || strings.Join(got, " ") != "https://a.example https://b.example:8443 http://c.example" {
		t.Errorf("ParseOrigins = %v, %v", got, err)
	}
	if _, err := guard.New(guard.Config{Origins: map[string][]string{"nerima": {"nerima.example"}}}); err == nil {
		t.Error("New accepted an origin without a scheme")
	}
}

func TestRateLimits(t *testing.T) {
	tests := []struct {
		name     string
		cfg      guard.Config
		sessions []string // one request per entry
		want     []int
	}{
		{"per session", guard.Config{PerSession: guard.Limit{N: 2, Per: time.Minute}},
			[]string{"session-a1", "session-a1", "session-b1", "session-a1", "session-b1"}, []int{200, 200, 200, 429, 200}},
		{"per ip", guard.Config{PerIP: guard.Limit{N: 3, Per: time.Minute}},
			[]string{"session-a1", "session-b1", "session-c1", "session-d1"}, []int{200, 200, 200, 429}},
		{"disabled", guard.Config{PerIP: guard.Limit{N: -1}, PerSession: guard.Limit{N: -1}},
			[]string{"session-a1", "session-a1", "session-a1"}, []int{200, 200, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Redis = redistest.Client(t)
			tt.cfg.KeyPrefix = redistest.Prefix(t)
			e, _ := newEngine(t, tt.cfg)
			for i, s := range tt.sessions {
				w := do(e, req{method: "POST", origin: nerimaSite, body: chatBody("nerima", s)})
				if w.Code != tt.want[i] {
					t.Fatalf("request %d (%s) = %d %s, want %d", i, s, w.Code, w.Body, tt.want[i])
				}
				if w.Code != 429 {
					continue
				}
				if errCode(t, w) != "rate_limited" {
					t.Errorf("429 body %s", w.Body)
				}
				if ra := w.Header().Get("Retry-After"); ra == "" || ra == "0" || len(ra) > 2 {
					t.Errorf("Retry-After = %q, want 1..60 seconds", ra)
				}
				if w.Header().Get("Access-Control-Allow-Origin") != nerimaSite ||
					!strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "Retry-After") {
					t.Errorf("429 lacks CORS headers the widget needs: %v", w.Header())
				}
			}
		})
	}
}

func TestRateLimitRedisDownLetsThrough(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	e, calls := newEngine(t, guard.Config{Redis: rdb, PerSession: guard.Limit{N: 1, Per: time.Minute}})
	for range 3 {
		if w := do(e, req{method: "POST", body: chatBody("nerima", "session-a1")}); w.Code != 200 {
			t.Fatalf("with Redis down: %d %s", w.Code, w.Body)
		}
	}
	if *calls != 3 {
		t.Errorf("calls = %d", *calls)
	}
}

func errCode(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var b httpx.ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("error body %q: %v", w.Body, err)
	}
	return b.Error.Code
}

// TestRateLimitNoDoubleBurst shows the GCRA limiter's bound where a fixed
// window fails it: one request, then the rest of the limit just before the
// period ends, then as many again just after. A fixed window starting at
// the first request lets the whole limit through again at its edge (19 of
// 20 within about 0.2 s); GCRA lets through only what the time elapsed
// has earned, Per/N a request.
func TestRateLimitNoDoubleBurst(t *testing.T) {
	const n, per = 10, 2 * time.Second
	e, _ := newEngine(t, guard.Config{
		Redis: redistest.Client(t), KeyPrefix: redistest.Prefix(t),
		PerIP: guard.Limit{N: n, Per: per}, PerSession: guard.Limit{N: -1},
	})
	passed := func(k int) int {
		ok := 0
		for range k {
			if w := do(e, req{method: "POST", body: chatBody("nerima", "session-burst")}); w.Code == 200 {
				ok++
			}
		}
		return ok
	}
	start := time.Now()
	if got := passed(1); got != 1 {
		t.Fatalf("first request refused")
	}
	time.Sleep(time.Until(start.Add(per - 100*time.Millisecond)))
	edge := time.Now()
	got := passed(n - 1)
	time.Sleep(time.Until(start.Add(per + 100*time.Millisecond)))
	got += passed(n)
	span := time.Since(edge)
	// What GCRA allows in span: a full bucket (n) plus one per Per/n.
	bound := n + int(span/(per/n)) + 1
	t.Logf("%d of %d requests passed within %v around the period's edge (GCRA bound %d; a fixed window lets %d through)",
		got, 2*n-1, span.Round(time.Millisecond), bound, 2*n-1)
	if got > bound {
		t.Errorf("%d requests passed within %v, want at most %d", got, span, bound)
	}
}

// TestRateLimitClientAddress checks which address the per-IP limit counts:
// X-Forwarded-For only through a trusted proxy, read from the right so
// that a client cannot choose its address by prepending one, and an IPv6
// address by its /64.
func TestRateLimitClientAddress(t *testing.T) {
	g, err := guard.New(guard.Config{
		Redis: redistest.Client(t), KeyPrefix: redistest.Prefix(t),
		PerIP: guard.Limit{N: 1, Per: time.Minute}, PerSession: guard.Limit{N: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	engine := func(trusted []string) *gin.Engine {
		e := gin.New()
		if err := e.SetTrustedProxies(trusted); err != nil {
			t.Fatal(err)
		}
		e.RemoteIPHeaders = []string{"X-Forwarded-For"}
		e.Use(g.Middleware())
		e.POST("/api/v1/chat", func(c *gin.Context) { c.Status(200) })
		return e
	}
	send := func(e *gin.Engine, remote, xff string) int {
		hr := httptest.NewRequest("POST", "http://bot.example.org/api/v1/chat", strings.NewReader(chatBody("nerima", "session-addr")))
		hr.RemoteAddr = remote
		if xff != "" {
			hr.Header.Set("X-Forwarded-For", xff)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, hr)
		return w.Code
	}
	proxied := engine([]string{"10.0.0.0/8"})
	direct := engine(nil)
	for i, tt := range []struct {
		e           *gin.Engine
		remote, xff string
		want        int
	}{
		{proxied, "10.1.1.1:1", "203.0.113.1", 200},
		{proxied, "10.1.1.1:1", "203.0.113.1", 429},              // the same resident
		{proxied, "10.2.2.2:1", "203.0.113.2", 200},              // another one behind the proxy
		{proxied, "10.1.1.1:1", "203.0.113.9, 203.0.113.1", 429}, // a prepended address is not believed
		{proxied, "10.1.1.1:1", "203.0.113.3, 10.9.9.9", 200},    // the proxy's own hop is skipped
		{proxied, "198.51.100.7:1", "203.0.113.4", 200},          // not a proxy: its header is ignored…
		{proxied, "198.51.100.7:1", "203.0.113.5", 429},          // …and it is counted itself
		{direct, "198.51.100.8:1", "203.0.113.6", 200},
		{direct, "198.51.100.8:1", "203.0.113.7", 429}, // no trusted proxy: X-Forwarded-For never counts
		{proxied, "10.1.1.1:1", "2001:db8:1:2::1", 200},
		{proxied, "10.1.1.1:1", "2001:db8:1:2:ffff:ffff:ffff:9", 429}, // the same /64
		{proxied, "10.1.1.1:1", "2001:db8:1:3::1", 200},               // another /64
		{direct, "[2001:db8:5:6::1]:1", "", 200},
		{direct, "[2001:db8:5:6:a::2]:1", "", 429},
	} {
		if got := send(tt.e, tt.remote, tt.xff); got != tt.want {
			t.Errorf("request %d from %s, X-Forwarded-For %q: %d, want %d", i, tt.remote, tt.xff, got, tt.want)
		}
	}
}

func TestParseLimit(t *testing.T) {
	for in, want := range map[string]guard.Limit{
		"120/1m": {N: 120, Per: time.Minute},
		" 3/2s ": {N: 3, Per: 2 * time.Second},
		"off":    {N: -1},
	} {
		if got, err := guard.ParseLimit(in); err != nil || got != want {
			t.Errorf("ParseLimit(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "120", "0/1m", "-1/1m", "120/", "120/0s", "120/minute", "x/1m"} {
		if got, err := guard.ParseLimit(bad); err == nil {
			t.Errorf("ParseLimit(%q) = %+v, want an error", bad, got)
		}
	}
}

// TestSessionCap checks the cap on web sessions: a new session beyond Max
// gets 503, beyond PerIP from one address 429, each with Retry-After and
// the JSON error body; live sessions keep working; a refused session
// holds no place; an expired one frees its place; sessions of unknown
// municipalities are not counted.
func TestSessionCap(t *testing.T) {
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t)
	g, err := guard.New(guard.Config{
		Redis: rdb, KeyPrefix: prefix,
		PerIP: guard.Limit{N: -1}, PerSession: guard.Limit{N: -1},
		Sessions: guard.Sessions{Max: 3, PerIP: guard.Limit{N: 2, Per: time.Minute}, TTL: 1500 * time.Millisecond},
		Known:    func(id string) bool { return id == "nerima" },
	})
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	e.Use(g.Middleware())
	reached := 0
	e.POST("/api/v1/chat", func(c *gin.Context) { reached++; c.Status(200) })
	send := func(remote, municipality, session string) *httptest.ResponseRecorder {
		hr := httptest.NewRequest("POST", "http://bot.example.org/api/v1/chat", strings.NewReader(chatBody(municipality, session)))
		hr.RemoteAddr = remote
		w := httptest.NewRecorder()
		e.ServeHTTP(w, hr)
		return w
	}
	const a, b, c = "192.0.2.1:1", "192.0.2.2:1", "192.0.2.3:1"
	for i, tt := range []struct {
		remote, municipality, session string
		status                        int
		code                          string
	}{
		{a, "nerima", "session-one", 200, ""},
		{a, "nerima", "session-two", 200, ""},
		{a, "nerima", "session-three", 429, "rate_limited"}, // a's third new session
		{a, "nerima", "session-one", 200, ""},               // a's live sessions go on
		{b, "nerima", "session-four", 200, ""},              // the refused one took no place: 3 live
		{c, "nerima", "session-five", 503, "unavailable"},   // the cap
		{c, "osaka", "session-six", 200, ""},                // not counted: the handler refuses it
		{c, "nerima", "bad id", 200, ""},                    // not counted: the handler refuses it
		{b, "nerima", "session-four", 200, ""},
	} {
		w := send(tt.remote, tt.municipality, tt.session)
		if w.Code != tt.status {
			t.Fatalf("request %d (%s %s from %s) = %d %s, want %d", i, tt.municipality, tt.session, tt.remote, w.Code, w.Body, tt.status)
		}
		if tt.code != "" {
			if got := errCode(t, w); got != tt.code {
				t.Errorf("request %d: code %q, want %q", i, got, tt.code)
			}
			if ra := w.Header().Get("Retry-After"); ra == "" || ra == "0" {
				t.Errorf("request %d: Retry-After = %q", i, ra)
			}
			t.Logf("request %d: %d %s", i, w.Code, w.Body)
		}
	}
	if n, err := rdb.ZCard(context.Background(), prefix+"websessions").Result(); err != nil || n != 3 {
		t.Errorf("live sessions in Redis = %d, %v; want 3", n, err)
	}
	// Once the first ones expire (TTL 1.5 s after their last turn), a new
	// session finds a place.
	deadline := time.Now().Add(10 * time.Second)
	for send(c, "nerima", "session-five").Code != 200 {
		if time.Now().After(deadline) {
			t.Fatal("no place for a new session 10 s after the others expired")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
