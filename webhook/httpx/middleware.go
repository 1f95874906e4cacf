package httpx

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
)

// Route returns the route template that matched the request (for example
// /webhook/line/:municipality), or "unmatched". Logs and metrics use it
// instead of the path so that they never hold ids and stay small.
func Route(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// AccessLog logs one line per request: method, route template, status and
// latency, plus the cause of a server-side error. It never logs bodies,
// query strings, paths with ids, user ids or client addresses.
func AccessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		attrs := []slog.Attr{
			slog.String("method", c.Request.Method),
			slog.String("route", Route(c)),
			slog.Int("status", status),
			slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelWarn // 503s (not ready, Redis down) are expected now and then
			if status == http.StatusInternalServerError {
				level = slog.LevelError
			}
			if err := c.Errors.Last(); err != nil {
				attrs = append(attrs, slog.String("error", err.Err.Error()))
			}
		}
		log.LogAttrs(c.Request.Context(), level, "request", attrs...)
	}
}

// Recovery turns a panic in a handler into a 500 with the generic internal
// error body, and logs the route and stack. The panic value is logged only
// when it is a runtime error, whose text holds no request data; otherwise
// only its type is, since it might quote what a resident wrote.
func Recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p) // net/http's own signal to drop the connection
			}
			value := fmt.Sprintf("%T", p)
			var re runtime.Error
			if err, ok := p.(error); ok && errors.As(err, &re) {
				value = re.Error()
			}
			log.LogAttrs(c.Request.Context(), slog.LevelError, "panic",
				slog.String("method", c.Request.Method),
				slog.String("route", Route(c)),
				slog.String("panic", value),
				slog.String("stack", string(debug.Stack())))
			err := &bot.Error{Code: bot.CodeInternal, Message: "panic", Err: fmt.Errorf("panic: %s", value)}
			if c.Writer.Written() {
				_ = c.Error(err)
				c.Abort()
				return
			}
			WriteError(c, err)
		}()
		c.Next()
	}
}
