package httpx

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
)

// NewEngine returns a gin engine with the shared middleware in order
// (RequestID, access log, metrics if m is not nil, panic recovery,
// SecurityHeaders) and the
// JSON 404 for unknown methods and paths. It trusts no proxy headers. gin's own mode is global:
// the caller sets it (release in the server, test in tests).
func NewEngine(log *slog.Logger, m *Metrics) *gin.Engine {
	e := gin.New()
	e.HandleMethodNotAllowed = false // a wrong method is a 404, like a wrong path
	if err := e.SetTrustedProxies(nil); err != nil {
		panic(err) // cannot happen: nil is always accepted
	}
	log = slog.New(RequestIDHandler(log.Handler())) // the access log and panics carry the request id
	e.Use(RequestID(), AccessLog(log))
	if m != nil {
		e.Use(m.Middleware())
	}
	e.Use(Recovery(log), SecurityHeaders())
	e.NoRoute(NoRoute)
	return e
}

// SecurityHeaders gives every answer X-Content-Type-Options: nosniff and
// Cache-Control: no-store: API answers hold a resident's conversation and
// must not be kept by a shared PC's browser or a proxy. A handler that
// sets its own Cache-Control (the widget's script) replaces the latter.
func SecurityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		c.Next()
	}
}

// AddHEAD registers, for every GET route of e that has no HEAD route, the
// same handler for HEAD, so that HEAD answers as GET does without the body
// (net/http drops it) instead of 404. Call it once every route is
// registered. The route's own handler is reused with the engine's
// middleware; a route with group or per-route middleware of its own would
// lose it, and madoguchi has none.
func AddHEAD(e *gin.Engine) {
	has := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method == http.MethodHead {
			has[r.Path] = true
		}
	}
	for _, r := range e.Routes() {
		if r.Method == http.MethodGet && !has[r.Path] {
			e.HEAD(r.Path, r.HandlerFunc)
			has[r.Path] = true
		}
	}
}
