package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi/madoguchi/knowledge"
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
	// RedisTimeout is the budget of the Redis calls made for one request
	// (REDIS_TIMEOUT, default DefaultRedisTimeout): a chat turn's and a LINE
	// webhook's once the body is read, /readyz's PING.
	RedisTimeout time.Duration
	// KnowledgeDir is a knowledge folder replacing the embedded one.
	KnowledgeDir string
	// LINEAPIEndpoint is the base URL of the LINE Messaging API.
	LINEAPIEndpoint string
	// WidgetOrigins maps a municipality id to the origins of the pages that
	// may embed the chat widget: WIDGET_ORIGINS_<ID>, else WIDGET_ORIGINS.
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
	// nothing else); the API port's /metrics then answers 404.
	MetricsAddr string
	// ShutdownDelay is how long the server goes on serving after SIGTERM,
	// with /readyz answering 503, before it closes its listener.
	ShutdownDelay time.Duration
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

// LoadConfig reads the configuration through getenv and checks it. Errors
// name the variable and never repeat a value that may hold a password.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Port:            getenv("PORT"),
		RedisURL:        getenv("REDIS_URL"),
		RedisPrefix:     getenv("REDIS_PREFIX"),
		KnowledgeDir:    getenv("KNOWLEDGE_DIR"),
		LINEAPIEndpoint: getenv("LINE_API_ENDPOINT"),
	}
	if c.Port == "" {
		c.Port = "8080"
	}
	if p, err := strconv.Atoi(c.Port); err != nil || p < 0 || p > 65535 {
		return Config{}, fmt.Errorf("PORT must be a port number from 0 to 65535 (got %q)", c.Port)
	}
	if c.RedisPrefix == "" {
		c.RedisPrefix = DefaultRedisPrefix
	}
	if !validRedisPrefix(c.RedisPrefix) {
		return Config{}, fmt.Errorf("REDIS_PREFIX must be at most 100 printable ASCII characters without spaces, braces, or glob characters *?[] (got %q)", c.RedisPrefix)
	}
	if v := getenv("REDIS_WAIT_REPLICAS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 16 {
			return Config{}, fmt.Errorf("REDIS_WAIT_REPLICAS must be a number of replicas from 0 to 16 (got %q)", v)
		}
		if n > 0 && c.RedisURL == "" {
			return Config{}, errors.New("REDIS_WAIT_REPLICAS needs a REDIS_URL with replicas (the embedded Redis has none)")
		}
		if n > 0 && isClusterURL(c.RedisURL) {
			return Config{}, errors.New("REDIS_WAIT_REPLICAS is not supported with a Redis Cluster REDIS_URL")
		}
		c.RedisWaitReplicas = n
	}
	origins, err := widgetOrigins(getenv)
	if err != nil {
		return Config{}, err
	}
	c.WidgetOrigins = origins
	if c.TrustedProxies, err = trustedProxies(getenv("TRUSTED_PROXIES")); err != nil {
		return Config{}, err
	}
	for _, l := range []struct {
		name string
		dst  *guard.Limit
	}{{"RATE_LIMIT_PER_IP", &c.RateLimitPerIP}, {"RATE_LIMIT_PER_SESSION", &c.RateLimitPerSession},
		{"WEB_SESSIONS_PER_IP", &c.WebSessionsPerIP}} {
		if v := getenv(l.name); v != "" {
			if *l.dst, err = guard.ParseLimit(v); err != nil {
				return Config{}, fmt.Errorf("%s: %w", l.name, err)
			}
		}
	}
	switch v := strings.TrimSpace(getenv("WEB_SESSIONS_MAX")); v {
	case "":
	case "off":
		c.WebSessionsMax = -1
	default:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return Config{}, fmt.Errorf("WEB_SESSIONS_MAX must be a positive number or off (got %q)", v)
		}
		c.WebSessionsMax = n
	}
	if c.LINEAPIEndpoint == "" {
		c.LINEAPIEndpoint = DefaultLINEAPIEndpoint
	}
	if u, err := url.Parse(c.LINEAPIEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Never the value: a staging double's URL may carry user:password@
		// or a token in its query, and this goes to the logs.
		return Config{}, errors.New("LINE_API_ENDPOINT must be an http:// or https:// URL with a host, such as https://api.line.me " +
			"(the value is not repeated here, since it may hold credentials)")
	}
	if v := getenv("METRICS_ADDR"); v != "" {
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			return Config{}, fmt.Errorf("METRICS_ADDR must be host:port or :port, such as 127.0.0.1:9090 (got %q)", v)
		}
		c.MetricsAddr = v
	}
	c.RedisTimeout = DefaultRedisTimeout
	if v := strings.TrimSpace(getenv("REDIS_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < minRedisTimeout || d > maxRedisTimeout {
			return Config{}, fmt.Errorf("REDIS_TIMEOUT must be a duration from %v to %v, such as 800ms (got %q)", minRedisTimeout, maxRedisTimeout, v)
		}
		c.RedisTimeout = d
	}
	c.ShutdownDelay = DefaultShutdownDelay
	if v := getenv("SHUTDOWN_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if v == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 || d > time.Minute {
			return Config{}, fmt.Errorf("SHUTDOWN_DELAY must be a duration from 0 to 1m, such as 5s (got %q)", v)
		}
		c.ShutdownDelay = d
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

// widgetOrigins reads, for each municipality, WIDGET_ORIGINS_<ID> (upper
// case) or else the shared WIDGET_ORIGINS: comma- or space-separated origins
// such as https://www.city.nerima.tokyo.jp.
func widgetOrigins(getenv func(string) string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range knowledge.MunicipalityIDs {
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
