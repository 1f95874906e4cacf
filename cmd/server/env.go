package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi/madoguchi/webhook/guard"
)

// envVar declares one environment variable the server reads. Env is the
// one list of them: LoadConfig parses through it, `server -h` prints it,
// and the README's configuration table is generated from it (a test
// fails when they differ), so that they cannot drift apart.
type envVar struct {
	// Name is the variable's name; a family of variables, one per
	// municipality, is written with <ID> (LINE_CHANNEL_SECRET_<ID>).
	Name string
	// Default is the value used when the variable is unset or empty,
	// exactly as one would set it; "" when unset has a meaning of its own
	// (Unset).
	Default string
	// Unset says what leaving the variable unset means, when Default is
	// ""; with a Default, it is a note printed after it.
	Unset string
	// Meaning says what the variable sets, for operators (Markdown code
	// spans allowed: the README shows it as it is, -h without backticks).
	Meaning string
	// Parse reads the value (Default when unset) into c. getenv reads
	// related variables (a family's members). nil: the variable is read
	// by another package (ReadBy), which validates it.
	Parse func(c *Config, v string, getenv func(string) string) error
	// ReadBy names the reader of a variable whose Parse is nil.
	ReadBy string
}

// Env is every environment variable the server reads, in the README's
// order.
var Env = []envVar{
	{Name: "PORT", Default: "8080", Meaning: "HTTP port (`0`: a free one)",
		Parse: func(c *Config, v string, _ func(string) string) error {
			if p, err := strconv.Atoi(v); err != nil || p < 0 || p > 65535 {
				return fmt.Errorf("PORT must be a port number from 0 to 65535 (got %q)", v)
			}
			c.Port = v
			return nil
		}},
	{Name: "LOG_LEVEL", Default: "info", Meaning: "the least severe JSON log lines written to stderr: `debug`, `info`, `warn` or `error`",
		Parse: func(c *Config, v string, _ func(string) string) error {
			l, err := parseLogLevel(v)
			c.LogLevel = l
			return err
		}},
	{Name: "METRICS_ADDR", Unset: "`/metrics` on the API port, as the contract lists",
		Meaning: "an internal address (`127.0.0.1:9090`, `:9090`) that serves `GET /metrics` (and pprof with `PPROF`), and nothing else; the API port's `/metrics` then answers 404. " +
			"**Set it in production**, on an address only Prometheus reaches: the metrics tell anyone how busy each route is",
		Parse: func(c *Config, v string, _ func(string) string) error {
			if v == "" {
				return nil
			}
			if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
				return fmt.Errorf("METRICS_ADDR must be host:port or :port, such as 127.0.0.1:9090 (got %q)", v)
			}
			c.MetricsAddr = v
			return nil
		}},
	{Name: "PPROF", Default: "off", Meaning: "`on` serves Go's profiler (`net/http/pprof`) under `/debug/pprof/` on `METRICS_ADDR`, which it then needs; never on the API port",
		Parse: func(c *Config, v string, _ func(string) string) error {
			switch v {
			case "on":
				c.Pprof = true
			case "off":
				c.Pprof = false
			default:
				return fmt.Errorf("PPROF must be on or off (got %q)", v)
			}
			return nil
		}},
	{Name: "SHUTDOWN_DELAY", Default: DefaultShutdownDelay.String(),
		Meaning: "on SIGTERM, how long to go on serving with `/readyz` answering 503 (so the load balancer or Kubernetes stops sending requests) " +
			"before the listener closes and in-flight requests finish (up to 20 s more); a duration up to `1m`",
		Parse: func(c *Config, v string, _ func(string) string) error {
			d, err := time.ParseDuration(v)
			if v == "0" {
				d, err = 0, nil
			}
			if err != nil || d < 0 || d > time.Minute {
				return fmt.Errorf("SHUTDOWN_DELAY must be a duration from 0 to 1m, such as 5s (got %q)", v)
			}
			c.ShutdownDelay = d
			return nil
		}},
	{Name: "REDIS_URL", Unset: "embedded Redis", Meaning: "`redis://…` (or `rediss://`, or a Sentinel/Cluster form, below)",
		Parse: func(c *Config, v string, _ func(string) string) error { c.RedisURL = v; return nil }},
	{Name: "REDIS_PREFIX", Default: DefaultRedisPrefix,
		Meaning: "starts every Redis key (conversation state, rate limits, the LINE queue), so that deployments can share one database; printable ASCII, no spaces, braces or `*?[]`",
		Parse: func(c *Config, v string, _ func(string) string) error {
			if !validRedisPrefix(v) {
				return fmt.Errorf("REDIS_PREFIX must be at most 100 printable ASCII characters without spaces, braces, or glob characters *?[] (got %q)", v)
			}
			c.RedisPrefix = v
			return nil
		}},
	{Name: "REDIS_WAIT_REPLICAS", Default: "0",
		Meaning: "replicas a LINE webhook's events must reach before it is answered 200 (Redis `WAIT`); 1 with Sentinel and one replica, see \"Redis settings\" below; not with a Cluster",
		Parse: func(c *Config, v string, _ func(string) string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 16 {
				return fmt.Errorf("REDIS_WAIT_REPLICAS must be a number of replicas from 0 to 16 (got %q)", v)
			}
			c.RedisWaitReplicas = n
			return nil
		}},
	{Name: "REDIS_TIMEOUT", Default: "800ms",
		Meaning: "the deadline of the Redis calls made for one request (a chat turn, a LINE webhook once its body is read, `/readyz`'s PING): a hung Redis gives a fast 503 and the fallback answer; a duration from 50ms to 30s",
		Parse: func(c *Config, v string, _ func(string) string) error {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil || d < minRedisTimeout || d > maxRedisTimeout {
				return fmt.Errorf("REDIS_TIMEOUT must be a duration from %v to %v, such as 800ms (got %q)", minRedisTimeout, maxRedisTimeout, v)
			}
			c.RedisTimeout = d
			return nil
		}},
	{Name: "ADMIN_USER", Unset: "no first admin: with no account yet, a one-time setup link is logged",
		Meaning: "with `ADMIN_PASSWORD`, creates the first staff admin (the console at `/admin`) when no account exists",
		Parse:   func(c *Config, v string, _ func(string) string) error { c.AdminUser = v; return nil }},
	{Name: "ADMIN_PASSWORD", Unset: "see `ADMIN_USER`",
		Meaning: "the first admin's password, at least 12 characters (shorter: the server refuses to start); never logged",
		Parse:   func(c *Config, v string, _ func(string) string) error { c.AdminPassword = v; return nil }},
	{Name: "USAGE_RETENTION", Default: "90d", Unset: "(`off`: no usage is recorded and the console's usage page answers 404)",
		Meaning: "how long the staff console's usage figures (`/admin/usage`: conversations, checklists, FAQ topics, and the text of unanswered questions that hold nothing PIN-like, never a user id) are kept in Redis after their day ends, in days (`30d`, 1 to 3650)",
		Parse: func(c *Config, v string, _ func(string) string) error {
			d, err := parseRetention(v)
			c.UsageRetention = d
			return err
		}},
	{Name: "KNOWLEDGE_DIR", Unset: "the knowledge base compiled into the binary", Meaning: "a folder of knowledge YAML that replaces the embedded one",
		Parse: func(c *Config, v string, _ func(string) string) error { c.KnowledgeDir = v; return nil }},
	{Name: "LINE_CHANNEL_SECRET", Unset: "the LINE webhook answers 503", ReadBy: "webhook/line.ChannelsFromEnv",
		Meaning: "the LINE channel's secret, for every municipality without its own (with `LINE_CHANNEL_ACCESS_TOKEN`)"},
	{Name: "LINE_CHANNEL_ACCESS_TOKEN", Unset: "the LINE webhook answers 503", ReadBy: "webhook/line.ChannelsFromEnv",
		Meaning: "the LINE channel's access token, for every municipality without its own (with `LINE_CHANNEL_SECRET`)"},
	{Name: "LINE_CHANNEL_SECRET_<ID>", Unset: "the shared channel", ReadBy: "webhook/line.ChannelsFromEnv",
		Meaning: "one municipality's own channel secret, `<ID>` upper-case (`LINE_CHANNEL_SECRET_EDOGAWA`); with its access token, or the municipality gets no channel; read for every municipality the loaded knowledge holds"},
	{Name: "LINE_CHANNEL_ACCESS_TOKEN_<ID>", Unset: "the shared channel", ReadBy: "webhook/line.ChannelsFromEnv",
		Meaning: "one municipality's own channel access token, `<ID>` upper-case (`LINE_CHANNEL_ACCESS_TOKEN_EDOGAWA`); with its secret; read for every municipality the loaded knowledge holds"},
	{Name: "LINE_API_ENDPOINT", Default: DefaultLINEAPIEndpoint, Meaning: "base URL of the Messaging API (a staging or test double)",
		Parse: func(c *Config, v string, _ func(string) string) error {
			if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				// Never the value: a staging double's URL may carry
				// user:password@ or a token in its query, and this goes
				// to the logs.
				return errors.New("LINE_API_ENDPOINT must be an http:// or https:// URL with a host, such as https://api.line.me " +
					"(the value is not repeated here, since it may hold credentials)")
			}
			c.LINEAPIEndpoint = v
			return nil
		}},
	{Name: "TRUSTED_PROXIES", Unset: "none trusted, `X-Forwarded-For` ignored (behind a proxy, every resident then shares the proxy's limit: set it)",
		Meaning: "the reverse proxies or ingress in front of madoguchi, as CIDRs or addresses (`10.0.0.0/8, fd00::/8`, comma- or space-separated): " +
			"the client's address is then read from `X-Forwarded-For`, from the right, skipping these",
		Parse: func(c *Config, v string, _ func(string) string) (err error) {
			c.TrustedProxies, err = trustedProxies(v)
			return err
		}},
	{Name: "RATE_LIMIT_PER_IP", Default: "120/1m",
		Meaning: "the chat's rate limit per client address (an IPv6 one by /64), `N/period` or `off`: up to N at once, then one every period/N (GCRA)",
		Parse:   parseLimitInto("RATE_LIMIT_PER_IP", func(c *Config) *guard.Limit { return &c.RateLimitPerIP })},
	{Name: "RATE_LIMIT_PER_SESSION", Default: "30/1m",
		Meaning: "the chat's rate limit per web session, `N/period` or `off`, as `RATE_LIMIT_PER_IP`",
		Parse:   parseLimitInto("RATE_LIMIT_PER_SESSION", func(c *Config) *guard.Limit { return &c.RateLimitPerSession })},
	{Name: "WEB_SESSIONS_MAX", Default: strconv.Itoa(guard.DefaultMaxSessions), Unset: "(about 100 MiB of state); `off`: no cap",
		Meaning: "how many web chat sessions may be live at once (a session is live until 24 hours after its last turn, as its state); beyond it a new session gets 503 `unavailable`",
		Parse: func(c *Config, v string, _ func(string) string) error {
			v = strings.TrimSpace(v)
			if v == "off" {
				c.WebSessionsMax = -1
				return nil
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("WEB_SESSIONS_MAX must be a positive number or off (got %q)", v)
			}
			c.WebSessionsMax = n
			return nil
		}},
	{Name: "WEB_SESSIONS_PER_IP", Default: "60/1h", Unset: "(`off`: no limit)",
		Meaning: "how many new web chat sessions one client address (an IPv6 one by /64) may start, `N/period`; beyond it 429 `rate_limited`",
		Parse:   parseLimitInto("WEB_SESSIONS_PER_IP", func(c *Config) *guard.Limit { return &c.WebSessionsPerIP })},
	{Name: "WIDGET_ORIGINS", Unset: "only same-host pages (the demo)",
		Meaning: "origins of the municipal pages that may embed the widget (`https://www.city.nerima.tokyo.jp`, comma- or space-separated), for every municipality without its own",
		Parse: func(c *Config, v string, _ func(string) string) error {
			// Checked here; Main reads it again, with WIDGET_ORIGINS_<ID>,
			// for each id of the knowledge once it is loaded.
			if _, err := guard.ParseOrigins(v); v != "" && err != nil {
				return fmt.Errorf("WIDGET_ORIGINS: %w", err)
			}
			return nil
		}},
	{Name: "WIDGET_ORIGINS_<ID>", Unset: "`WIDGET_ORIGINS`", ReadBy: "the server once the knowledge is loaded, for each of its ids",
		Meaning: "one municipality's widget origins, `<ID>` upper-case (`WIDGET_ORIGINS_NERIMA`), instead of `WIDGET_ORIGINS`; read for every municipality the loaded knowledge holds"},
}

// parseLimitInto parses a guard.Limit variable into the field dst picks.
func parseLimitInto(name string, dst func(*Config) *guard.Limit) func(*Config, string, func(string) string) error {
	return func(c *Config, v string, _ func(string) string) error {
		l, err := guard.ParseLimit(v)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		*dst(c) = l
		return nil
	}
}

// parseLogLevel reads LOG_LEVEL.
func parseLogLevel(v string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return slog.LevelInfo, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error (got %q)", v)
}

// plain drops Markdown's backticks and bold stars, for the terminal.
func plain(s string) string { return strings.NewReplacer("`", "", "**", "").Replace(s) }

// defaultText says what a variable is when unset, for -h (markdown false)
// and the README (true).
func (e envVar) defaultText(markdown bool) string {
	code := func(s string) string {
		if markdown {
			return "`" + s + "`"
		}
		return s
	}
	var s string
	switch {
	case e.Default != "" && e.Unset != "":
		s = code(e.Default) + " " + e.Unset
	case e.Default != "":
		s = code(e.Default)
	default:
		s = "unset: " + e.Unset
	}
	if !markdown {
		s = plain(s)
	}
	return s
}

// Usage writes `server -h`: every variable of Env with its default and
// meaning. Each variable starts a line with two spaces and its name.
func Usage(w io.Writer) {
	fmt.Fprint(w, "Usage: server [-h | -healthcheck]\n\n"+
		"-healthcheck asks the server running here (on PORT) for /readyz: exit 0 when ready, 1 if not (a container's HEALTHCHECK).\n\n"+
		"madoguchi's server, configured by environment variables only (an invalid one stops it, exit 1):\n\n")
	for _, e := range Env {
		if e.Default != "" {
			fmt.Fprintf(w, "  %s (default %s)\n", e.Name, e.defaultText(false))
		} else {
			fmt.Fprintf(w, "  %s (%s)\n", e.Name, e.defaultText(false))
		}
		for _, l := range wrap(plain(e.Meaning), 72) {
			fmt.Fprintf(w, "      %s\n", l)
		}
	}
}

// ConfigTable is the README's configuration table, in Markdown.
func ConfigTable() string {
	var b strings.Builder
	b.WriteString("| variable | meaning | default |\n|---|---|---|\n")
	for _, e := range Env {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", e.Name, e.Meaning, e.defaultText(true))
	}
	return b.String()
}

// wrap breaks s into lines of at most width bytes, at spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
