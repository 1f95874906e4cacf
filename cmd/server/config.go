package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/madoguchi/madoguchi/webhook/guard"
)

// Config is the server's configuration, read from the environment (the
// contract's table). It never holds LINE secrets: the LINE channel reads
// its own variables through the same Getenv (see registerLINE).
type Config struct {
	// Port is the TCP port to listen on; "0" picks a free one (tests).
	Port string
	// RedisURL is the Redis to keep state in; "" starts an embedded one.
	RedisURL string
	// RedisPrefix starts every key the server writes (REDIS_PREFIX,
	// default DefaultRedisPrefix), so that deployments (or test runs) can
	// share one Redis database without sharing keys.
	RedisPrefix string
	// RedisWaitReplicas is how many replicas must hold a LINE webhook's
	// events before it is answered 200 (REDIS_WAIT_REPLICAS, default 0;
	// line.Config.WaitReplicas).
	RedisWaitReplicas int
	// AdminUser and AdminPassword create the first staff admin
	// (webhook/admin) when no account exists.
	AdminUser, AdminPassword string
	// RedisTimeout is the budget of the Redis calls made for one request
	// (REDIS_TIMEOUT, default DefaultRedisTimeout): a chat turn's and a LINE
	// webhook's once the body is read, /readyz's PING.
	RedisTimeout time.Duration
	// UsageRetention is how long the usage figures are kept after their
	// day (USAGE_RETENTION); zero: none are recorded.
	UsageRetention time.Duration
	// KnowledgeDir is a knowledge folder replacing the embedded one.
	KnowledgeDir string
	// LINEAPIEndpoint is the base URL of the LINE Messaging API.
	LINEAPIEndpoint string
	// WidgetOrigins maps a municipality id to the origins of the pages that
	// may embed the chat widget: WIDGET_ORIGINS_<ID>, else WIDGET_ORIGINS,
	// for each id of the loaded knowledge. Set by Main.Run once the
	// knowledge is loaded (LoadConfig leaves it nil).
	WidgetOrigins map[string][]string
	// TrustedProxies are the CIDRs (or addresses) of the reverse proxies
	// whose X-Forwarded-For gives the client's address; none when empty.
	TrustedProxies []string
	// RateLimitPerIP and RateLimitPerSession are the chat's rate limits
	// (zero: the guard's defaults).
	RateLimitPerIP, RateLimitPerSession guard.Limit
	// WebSessionsMax and WebSessionsPerIP cap the chat's sessions (zero:
	// the guard's defaults): WEB_SESSIONS_MAX, WEB_SESSIONS_PER_IP.
	WebSessionsMax   int
	WebSessionsPerIP guard.Limit
	// MetricsAddr, if set, is the internal address serving /metrics (and
	// pprof with Pprof, nothing else); the API port's /metrics then answers 404.
	MetricsAddr string
	// ShutdownDelay is how long the server goes on serving after SIGTERM,
	// with /readyz answering 503, before it closes its listener.
	ShutdownDelay time.Duration
	// LogLevel is the least severe level logged (LOG_LEVEL).
	LogLevel slog.Level
	// Pprof serves net/http/pprof on MetricsAddr (PPROF=on).
	Pprof bool
}

// DefaultShutdownDelay gives a load balancer or Kubernetes time to see
// /readyz fail and stop sending requests before the listener closes.
const DefaultShutdownDelay = 5 * time.Second

// DefaultLINEAPIEndpoint is LINE's own Messaging API.
const DefaultLINEAPIEndpoint = "https://api.line.me"

// DefaultRedisTimeout is RedisTimeout unless REDIS_TIMEOUT is set: a
// Redis that hangs gets a 503 within about a second.
const DefaultRedisTimeout = 800 * time.Millisecond

// The bounds of REDIS_TIMEOUT: below 50 ms a Redis across a network
// would fail requests under ordinary load; above 30 s LINE (which waits
// about 2 s for a webhook's answer) and residents give up first.
const (
	minRedisTimeout = 50 * time.Millisecond
	maxRedisTimeout = 30 * time.Second
)

// DefaultRedisPrefix starts every Redis key unless REDIS_PREFIX is set.
const DefaultRedisPrefix = "madoguchi:"

// LoadConfig reads the configuration through getenv and checks it: every
// variable of Env through its parser (its Default when unset or empty),
// then the rules between variables. Errors name the variable and never
// repeat a value that may hold a password.
func LoadConfig(getenv func(string) string) (Config, error) {
	var c Config
	for _, e := range Env {
		if e.Parse == nil {
			continue
		}
		v := getenv(e.Name)
		if v == "" {
			v = e.Default
		}
		if err := e.Parse(&c, v, getenv); err != nil {
			return Config{}, err
		}
	}
	if c.RedisWaitReplicas > 0 && c.RedisURL == "" {
		return Config{}, errors.New("REDIS_WAIT_REPLICAS needs a REDIS_URL with replicas (the embedded Redis has none)")
	}
	if c.RedisWaitReplicas > 0 && isClusterURL(c.RedisURL) {
		return Config{}, errors.New("REDIS_WAIT_REPLICAS is not supported with a Redis Cluster REDIS_URL")
	}
	if c.Pprof && c.MetricsAddr == "" {
		return Config{}, errors.New("PPROF=on needs METRICS_ADDR: the profiler is served on the internal metrics address only, never on the API port")
	}
	return c, nil
}

// trustedProxies parses TRUSTED_PROXIES: comma- or space-separated CIDRs
// (10.0.0.0/8, fd00::/8) or single addresses.
func trustedProxies(v string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if _, err := netip.ParsePrefix(f); err != nil {
			if _, err := netip.ParseAddr(f); err != nil {
				return nil, fmt.Errorf("TRUSTED_PROXIES: %q is neither a CIDR (10.0.0.0/8) nor an IP address", f)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// widgetOrigins reads, for each municipality of ids (those of the loaded
// knowledge), WIDGET_ORIGINS_<ID> (upper case) or else the shared
// WIDGET_ORIGINS: comma- or space-separated origins such as
// https://www.city.nerima.tokyo.jp.
func widgetOrigins(getenv func(string) string, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range ids {
		name := "WIDGET_ORIGINS_" + strings.ToUpper(id)
		v := getenv(name)
		if v == "" {
			name, v = "WIDGET_ORIGINS", getenv("WIDGET_ORIGINS")
		}
		if v == "" {
			continue
		}
		list, err := guard.ParseOrigins(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[id] = list
	}
	return out, nil
}

// validRedisPrefix reports whether p can start Redis keys: printable
// ASCII, no spaces, no braces (the LINE queue builds Redis Cluster hash
// tags from it) and no glob characters (tests and operators SCAN by it).
func validRedisPrefix(p string) bool {
	if len(p) > 100 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c > '~' || strings.IndexByte("{}*?[]", c) >= 0 {
			return false
		}
	}
	return true
}
