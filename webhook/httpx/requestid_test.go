package httpx_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// TestRequestID checks that every request gets an id, taken from
// X-Request-Id when it is sane and generated otherwise, that the answer
// returns it, and that every log line of the request carries it: the
// access log's and a handler's own (written with the request's context).
func TestRequestID(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil)) // not wrapped: NewEngine and the handler's logger wrap it
	e := httpx.NewEngine(log, nil)
	handlerLog := slog.New(httpx.RequestIDHandler(log.Handler()))
	e.GET("/x", func(c *gin.Context) {
		handlerLog.InfoContext(c.Request.Context(), "handler line")
		handlerLog.With("k", "v").WarnContext(c.Request.Context(), "derived logger line")
		c.Status(http.StatusNoContent)
	})
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)
	tests := []struct {
		name, header string
		keep         bool // the header's id is the request's
	}{
		{"sane id from a proxy", "req-7f3a_9:b/c=+.", true},
		{"uuid", "0d9f1c9e-3a57-4d1e-9b2f-5e0a7c1d2b3f", true},
		{"the longest kept", strings.Repeat("a", httpx.MaxRequestIDLen), true},
		{"none", "", false},
		{"too long", strings.Repeat("a", httpx.MaxRequestIDLen+1), false},
		{"with a space", "a b", false},
		{"with a control character", "a\x01b", false},
		{"not ASCII", "ｉｄ", false},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tc.header != "" {
				req.Header.Set(httpx.RequestIDHeader, tc.header)
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			id := w.Header().Get(httpx.RequestIDHeader)
			if tc.keep && id != tc.header {
				t.Errorf("X-Request-Id answered %q, want the request's %q", id, tc.header)
			}
			if !tc.keep && !generated.MatchString(id) {
				t.Errorf("X-Request-Id answered %q, want a generated one (32 hex digits)", id)
			}
			if !tc.keep && seen[id] {
				t.Errorf("generated id %q twice", id)
			}
			seen[id] = true
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) != 3 {
				t.Fatalf("want 3 log lines (handler, derived, access), got:\n%s", logs.String())
			}
			for _, l := range lines {
				var rec map[string]any
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatalf("log line %q: %v", l, err)
				}
				if rec["request_id"] != id {
					t.Errorf("log line %s: request_id = %v, want %q", l, rec["request_id"], id)
				}
			}
		})
	}
}

// TestRequestIDUnknownRoute checks that a 404 gets an id too.
func TestRequestIDUnknownRoute(t *testing.T) {
	e := httpx.NewEngine(slog.New(slog.DiscardHandler), nil)
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/nope", nil))
	if w.Code != http.StatusNotFound || w.Header().Get(httpx.RequestIDHeader) == "" {
		t.Errorf("404: %d, X-Request-Id %q", w.Code, w.Header().Get(httpx.RequestIDHeader))
	}
}

// TestRequestIDHandlerOutsideRequests checks that lines logged without a
// request's context have no request_id, and that wrapping twice adds it once.
func TestRequestIDHandlerOutsideRequests(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(httpx.RequestIDHandler(httpx.RequestIDHandler(slog.NewJSONHandler(&logs, nil))))
	log.Info("no request")
	log.InfoContext(httpx.WithRequestID(t.Context(), "r1"), "a request")
	out := logs.String()
	if strings.Count(out, "request_id") != 1 || !strings.Contains(out, `"request_id":"r1"`) {
		t.Errorf("logs:\n%s", out)
	}
}
