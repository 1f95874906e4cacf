package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"

	"github.com/gin-gonic/gin"
)

// RequestIDHeader is the request and response header that carries a
// request's id.
const RequestIDHeader = "X-Request-Id"

// MaxRequestIDLen is the longest X-Request-Id accepted from a client or a
// proxy; a longer one is replaced by a generated id.
const MaxRequestIDLen = 64

type requestIDKey struct{}

// RequestID gives every request an id: the X-Request-Id it came with when
// that is sane (1 to MaxRequestIDLen printable ASCII characters, no space:
// a proxy's or a load balancer's id), else a new random one (32 hex
// digits). The id is set as the answer's X-Request-Id header and put in the
// request's context, where RequestIDHandler adds it to every log line
// written with that context. Place it first, before AccessLog.
func RequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if !SaneRequestID(id) {
			id = NewRequestID()
		}
		c.Header(RequestIDHeader, id)
		c.Request = c.Request.WithContext(WithRequestID(c.Request.Context(), id))
		c.Next()
	}
}

// SaneRequestID reports whether id may be taken as a request id as it is:
// 1 to MaxRequestIDLen bytes of printable ASCII without spaces, so that it
// cannot break a log line or a header, nor grow the logs.
func SaneRequestID(id string) bool {
	if id == "" || len(id) > MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

// NewRequestID returns a random request id of 32 hex digits.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// WithRequestID returns ctx carrying the request id id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id ctx carries, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// RequestIDHandler wraps h so that every record logged with a context
// carrying a request id (the ...Context methods of slog.Logger, given the
// request's context) gets a "request_id" attribute.
func RequestIDHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(requestIDHandler); ok {
		return h
	}
	return requestIDHandler{h}
}

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil {
		if id := RequestIDFrom(ctx); id != "" {
			r = r.Clone()
			r.AddAttrs(slog.String("request_id", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
