// Package guard protects the web widget's chat endpoint: CORS limited to the
// origins configured for each municipality, rate limits per client IP and
// per chat session, and a cap on live chat sessions, shared by every
// replica through Redis.
//
// # CORS
//
// The municipality is in the JSON body, which a preflight does not carry, so
// a preflight (OPTIONS) is granted to any origin configured for some
// municipality, and the actual POST is then checked against the origins of
// the municipality its body names. A POST from an origin not configured for
// that municipality is refused with 403 {"error":{"code":"forbidden_origin"}}
// and never reaches the dialog. Requests without an Origin header (not from a
// browser) and same-origin requests (Origin's host equals Host, as for the
// demo page) are not restricted by origin; CORS protects residents' browsers,
// not the server.
//
// # Rate limits
//
// Two limits, kept in Redis with the generic cell rate algorithm
// (go-redis/redis_rate): per client address and per municipality and
// session id. A limit of N per Per lets a burst of up to N requests
// through at once and then one every Per/N; unlike a fixed window, it
// never lets twice the limit through around a window's edge. Over a limit
// the answer is 429 {"error":{"code":"rate_limited",…}} with Retry-After
// in seconds (when one more request would pass).
//
// The client address is gin's ClientIP: the peer's address, or, when the
// peer is one of the engine's trusted proxies (Engine.SetTrustedProxies),
// the first address of X-Forwarded-For from the right that is not a
// trusted proxy. An IPv6 address counts by its /64, as one subscriber's
// prefix. Keys hold hashes, not addresses or session ids.
//
// # Sessions
//
// The chat's sessions are capped (Sessions): overall, so that a flood of
// new sessions cannot fill the Redis the LINE channel needs (503
// unavailable), and per client address (429 rate_limited). A live
// session's turns are never refused by the cap.
//
// When Redis fails the request is let through (and logged): the limiter
// must not take the service down with it.
package guard

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-json-experiment/json"
	"github.com/madoguchi/madoguchi/webhook/httpx"
	"github.com/redis/go-redis/v9"
)

// Limit allows N requests per Per, at most Burst of them at once (N when
// Burst is zero). A zero Limit takes the default; N < 0 is no limit.
type Limit struct {
	N     int
	Per   time.Duration
	Burst int
}

func (l Limit) burst() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return l.N
}

// Default limits: a resident clicking through the whole flow makes about ten
// turns in a minute; several residents may share one IP (an office, a
// library, a mobile carrier's NAT).
var (
	DefaultPerIP      = Limit{N: 120, Per: time.Minute}
	DefaultPerSession = Limit{N: 30, Per: time.Minute}
)

// Config configures a Guard.
type Config struct {
	// Origins maps a municipality id to the origins ("https://www.city.example.jp")
	// of the pages allowed to call the chat API for it from a browser.
	Origins map[string][]string
	// Paths are the request paths guarded; default {"/api/v1/chat"}.
	Paths []string
	// Redis holds the rate-limit counters; nil disables rate limiting.
	Redis redis.UniversalClient
	// KeyPrefix prefixes the counters' keys; default "madoguchi:ratelimit:"
	// (redis_rate adds "rate:" before it).
	KeyPrefix string
	// PerIP and PerSession are the limits; zero values take the defaults.
	// Set N < 0 to disable one.
	PerIP, PerSession Limit
	// Logger receives Redis failures; slog.Default() when nil.
	Logger *slog.Logger
	// Sessions caps the web chat's sessions (see Sessions); its zero value
	// takes the defaults. Its key defaults to KeyPrefix+"websessions" when
	// KeyPrefix is set, else "madoguchi:websessions".
	Sessions Sessions
	// Known reports whether a municipality id exists; sessions of others
	// are not counted (the handler refuses them). Nil: all count.
	Known func(id string) bool
	// Timeout bounds the rest of a guarded request once its body is read:
	// the guard's own Redis calls and the handler's share it, through the
	// request's context. Zero means DefaultTimeout; negative, none.
	Timeout time.Duration
}

// DefaultTimeout is the budget of a guarded request's Redis calls: a
// Redis that hangs gives the widget a 503 within about a second, never a
// wait of the Redis client's read timeout times its retries.
const DefaultTimeout = 800 * time.Millisecond

// Guard is the middleware's configuration, checked; safe for concurrent use.
type Guard struct {
	origins map[string][]string
	any     map[string]bool // the union of all configured origins
	paths   map[string]bool
	limiter *limiter
	perIP   Limit
	perSess Limit
	log     *slog.Logger
	maxAge  string
	timeout time.Duration

	rdb          redis.UniversalClient
	sessions     Sessions
	known        func(string) bool
	lastFullWarn atomic.Int64 // unix ns of the last "sessions full" warning
	metrics      *sessionMetrics
}

// New checks cfg and returns a Guard. An origin that is not a bare
// http(s)://host[:port] is an error.
func New(cfg Config) (*Guard, error) {
	g := &Guard{origins: map[string][]string{}, any: map[string]bool{}, paths: map[string]bool{},
		perIP: cfg.PerIP, perSess: cfg.PerSession, log: cfg.Logger, maxAge: "600", timeout: cfg.Timeout,
		metrics: newSessionMetrics()}
	if g.timeout == 0 {
		g.timeout = DefaultTimeout
	}
	for id, list := range cfg.Origins {
		for _, o := range list {
			n, err := NormalizeOrigin(o)
			if err != nil {
				return nil, fmt.Errorf("guard: origins of %s: %w", id, err)
			}
			g.origins[id] = append(g.origins[id], n)
			g.any[n] = true
		}
	}
	if len(cfg.Paths) == 0 {
		cfg.Paths = []string{"/api/v1/chat"}
	}
	for _, p := range cfg.Paths {
		g.paths[p] = true
	}
	if g.perIP == (Limit{}) {
		g.perIP = DefaultPerIP
	}
	if g.perSess == (Limit{}) {
		g.perSess = DefaultPerSession
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	if cfg.Redis != nil {
		prefix := cfg.KeyPrefix
		if prefix == "" {
			prefix = "madoguchi:ratelimit:"
		} else if cfg.Sessions.Key == "" {
			cfg.Sessions.Key = prefix + "websessions"
		}
		g.limiter = newLimiter(cfg.Redis, prefix)
		g.rdb = cfg.Redis
	}
	g.sessions = cfg.Sessions.withDefaults()
	g.known = cfg.Known
	return g, nil
}

// NormalizeOrigin returns o as browsers send it in an Origin header:
// lower-case scheme and host, no default port, no path.
func NormalizeOrigin(o string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(o))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q is not an origin of the form https://host[:port]", o)
	}
	host := strings.ToLower(u.Host)
	if (u.Scheme == "https" && strings.HasSuffix(host, ":443")) || (u.Scheme == "http" && strings.HasSuffix(host, ":80")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return u.Scheme + "://" + host, nil
}

// ParseOrigins splits a comma- or space-separated list of origins, as an
// environment variable would hold it, and normalises each.
func ParseOrigins(s string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		o, err := NormalizeOrigin(f)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// Middleware returns the gin middleware. Install it on the engine itself
// (engine.Use), before the API routes are registered, so that it also sees
// preflight requests, which match no route. Requests to other paths pass
// through untouched.
func (g *Guard) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !g.paths[c.Request.URL.Path] {
			c.Next()
			return
		}
		origin := c.GetHeader("Origin")
		if c.Request.Method == http.MethodOptions && origin != "" {
			g.preflight(c, origin)
			return
		}
		c.Writer.Header().Add("Vary", "Origin")
		body, err := httpx.ReadBody(c.Writer, c.Request, httpx.MaxBodyBytes)
		if err != nil {
			g.allowOriginIfKnown(c, origin)
			httpx.WriteError(c, err)
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		if g.timeout > 0 {
			// From here on the client has sent everything: the time left
			// is Redis's (and the handler's) alone.
			ctx, cancel := context.WithTimeout(c.Request.Context(), g.timeout)
			defer cancel()
			c.Request = c.Request.WithContext(ctx)
		}
		var peek struct {
			Municipality string `json:"municipality"`
			SessionID    string `json:"session_id"`
		}
		// Malformed bodies are the handler's to report. The peek decodes
		// as strictly as the handler does (names match case-sensitively,
		// no duplicates), so that it never sees a session the handler
		// would not.
		if json.Unmarshal(body, &peek) != nil {
			peek.Municipality, peek.SessionID = "", ""
		}

		if origin != "" && !g.sameOrigin(c, origin) {
			if !slices.Contains(g.origins[peek.Municipality], origin) {
				// Readable by any page, so that a widget on a page not (or
				// not yet) configured can say why; the body says no more.
				allowOrigin(c, origin)
				forbidden(c, peek.Municipality)
				return
			}
			allowOrigin(c, origin)
		}
		ip := ipKey(c.ClientIP())
		if !g.allow(c, ip, g.perIP, httpx.MsgRateLimited) {
			return
		}
		if peek.SessionID != "" && len(peek.SessionID) <= 128 &&
			!g.allow(c, "session:"+peek.Municipality+":"+peek.SessionID, g.perSess, httpx.MsgRateLimited) {
			return
		}
		if !g.admit(c, ip, peek.Municipality, peek.SessionID) {
			return
		}
		c.Next()
	}
}

// preflight answers a CORS preflight from any origin. The POST that follows
// is where the origin is checked against the municipality it names, and a
// refused one gets a 403 the page can read; refusing the preflight instead
// would leave the widget on an unconfigured page with nothing better than
// "network error" to show. A refused POST reaches neither the dialog nor
// the rate limiter, so an unknown page can change nothing.
func (g *Guard) preflight(c *gin.Context, origin string) {
	h := c.Writer.Header()
	h.Add("Vary", "Origin")
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	allowOrigin(c, origin)
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", g.maxAge)
	c.AbortWithStatus(http.StatusNoContent)
}

func (g *Guard) sameOrigin(c *gin.Context, origin string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, c.Request.Host)
}

func (g *Guard) allowOriginIfKnown(c *gin.Context, origin string) {
	if origin != "" && g.any[origin] {
		allowOrigin(c, origin)
	}
}

func allowOrigin(c *gin.Context, origin string) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	// Retry-After is not a CORS-safelisted header: the widget needs it exposed.
	h.Set("Access-Control-Expose-Headers", "Retry-After")
}

// MsgForbiddenOrigin is the message of a 403 forbidden_origin answer.
const MsgForbiddenOrigin = "this page's origin may not use the chat of this municipality"

func forbidden(c *gin.Context, municipality string) {
	msg := MsgForbiddenOrigin
	if municipality != "" {
		msg += " (" + strconv.Quote(municipality) + ")"
	}
	c.AbortWithStatusJSON(http.StatusForbidden, httpx.ErrorBody{Error: httpx.ErrorDetail{Code: "forbidden_origin", Message: msg}})
}

// allow counts one request under key; over the limit it answers 429 with
// msg and returns false.
func (g *Guard) allow(c *gin.Context, key string, l Limit, msg string) bool {
	if g.limiter == nil || l.N <= 0 || l.Per <= 0 {
		return true
	}
	ok, retry, err := g.limiter.take(c.Request.Context(), key, l)
	if err != nil {
		g.log.WarnContext(c.Request.Context(), "rate limiter unavailable; request let through", "err", err)
		return true
	}
	if ok {
		return true
	}
	secs := int((retry + time.Second - 1) / time.Second)
	c.Header("Retry-After", strconv.Itoa(max(secs, 1)))
	c.AbortWithStatusJSON(http.StatusTooManyRequests, httpx.ErrorBody{Error: httpx.ErrorDetail{Code: "rate_limited", Message: msg}})
	return false
}

// admit applies the session cap (see Sessions) to a turn of session in
// municipality from the client address key ip. It lets the turn through
// when Redis fails, like the rate limits.
func (g *Guard) admit(c *gin.Context, ip, municipality, session string) bool {
	if g.rdb == nil || (g.sessions.Max < 0 && g.sessions.PerIP.N < 0) || !validSessionID(session) ||
		(g.known != nil && !g.known(municipality)) {
		return true
	}
	ctx := c.Request.Context()
	member := sessionMember(municipality, session)
	st, err := g.touch(ctx, member)
	if err != nil {
		g.log.WarnContext(ctx, "web session cap unavailable; request let through", "err", err)
		return true
	}
	switch st {
	case sessionLive:
		return true
	case sessionFull:
		g.metrics.refused.WithLabelValues("full").Inc()
		if now := time.Now().UnixNano(); now-g.lastFullWarn.Load() > int64(sessionsLogInterval) {
			g.lastFullWarn.Store(now)
			g.log.WarnContext(ctx, "web sessions at their cap: new ones are refused with 503 until some expire", "max", g.sessions.Max)
		}
		c.Header("Retry-After", sessionsFullRetry)
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, httpx.ErrorBody{Error: httpx.ErrorDetail{Code: "unavailable", Message: MsgSessionsFull}})
		return false
	}
	if !g.allow(c, "newsession:"+ip, g.sessions.PerIP, MsgTooManySessions) {
		g.metrics.refused.WithLabelValues("per_ip").Inc()
		g.forget(ctx, member)
		return false
	}
	g.metrics.started.Inc()
	return true
}

// validSessionID is the chat API's rule for session ids (8 to 128 of
// A-Za-z0-9_-); the handler refuses any other.
func validSessionID(s string) bool {
	if len(s) < 8 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
