package httpx

import (
	"log/slog"

	"github.com/gin-gonic/gin"
)

// NewEngine returns a gin engine with the shared middleware in order (access
// log, metrics if m is not nil, panic recovery) and the JSON 404 for unknown
// methods and paths. It trusts no proxy headers. gin's own mode is global:
// the caller sets it (release in the server, test in tests).
func NewEngine(log *slog.Logger, m *Metrics) *gin.Engine {
	e := gin.New()
	e.HandleMethodNotAllowed = false // a wrong method is a 404, like a wrong path
	if err := e.SetTrustedProxies(nil); err != nil {
		panic(err) // cannot happen: nil is always accepted
	}
	e.Use(AccessLog(log))
	if m != nil {
		e.Use(m.Middleware())
	}
	e.Use(Recovery(log))
	e.NoRoute(NoRoute)
	return e
}
