package guard_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/guard"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestSessionMetrics checks the session cap's metrics: live sessions (read
// from Redis), the cap, and the new sessions admitted and refused, by
// reason.
func TestSessionMetrics(t *testing.T) {
	rdb := redistest.Client(t)
	g, err := guard.New(guard.Config{
		Redis: rdb, KeyPrefix: redistest.Prefix(t),
		PerIP: guard.Limit{N: -1}, PerSession: guard.Limit{N: -1},
		Sessions: guard.Sessions{Max: 3, PerIP: guard.Limit{N: 2, Per: time.Minute}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	if err := g.Register(reg); err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	e.Use(g.Middleware())
	e.POST("/api/v1/chat", func(c *gin.Context) { c.Status(200) })
	send := func(remote, session string) int {
		hr := httptest.NewRequest("POST", "http://bot.example.org/api/v1/chat", strings.NewReader(chatBody("nerima", session)))
		hr.RemoteAddr = remote
		w := httptest.NewRecorder()
		e.ServeHTTP(w, hr)
		return w.Code
	}
	for _, s := range []struct {
		remote, session string
		status          int
	}{
		{"192.0.2.1:1", "metrics-one", 200},
		{"192.0.2.1:1", "metrics-two", 200},
		{"192.0.2.1:1", "metrics-three", 429}, // a third new session from one address
		{"192.0.2.1:1", "metrics-one", 200},   // a live session's turn: not new
		{"192.0.2.2:1", "metrics-four", 200},
		{"192.0.2.3:1", "metrics-five", 503}, // three live: the cap
		{"192.0.2.3:1", "metrics-six", 503},
	} {
		if got := send(s.remote, s.session); got != s.status {
			t.Fatalf("%s from %s: %d, want %d", s.session, s.remote, got, s.status)
		}
	}
	want := `
# HELP madoguchi_web_sessions_live Web chat sessions live now (a turn within the last 24 hours), shared by every replica: the count the cap WEB_SESSIONS_MAX applies to.
# TYPE madoguchi_web_sessions_live gauge
madoguchi_web_sessions_live 3
# HELP madoguchi_web_sessions_max The cap on live web chat sessions (WEB_SESSIONS_MAX); absent when there is none.
# TYPE madoguchi_web_sessions_max gauge
madoguchi_web_sessions_max 3
# HELP madoguchi_web_sessions_refused_total New web chat sessions refused by this process: reason full (WEB_SESSIONS_MAX live, 503 unavailable) or per_ip (WEB_SESSIONS_PER_IP, 429 rate_limited).
# TYPE madoguchi_web_sessions_refused_total counter
madoguchi_web_sessions_refused_total{reason="full"} 2
madoguchi_web_sessions_refused_total{reason="per_ip"} 1
# HELP madoguchi_web_sessions_started_total New web chat sessions admitted by this process.
# TYPE madoguchi_web_sessions_started_total counter
madoguchi_web_sessions_started_total 3
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}
