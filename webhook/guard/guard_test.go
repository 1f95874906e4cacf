package guard_test

import (
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
