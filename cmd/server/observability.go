package main

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi/madoguchi/webhook/line"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// registerServerMetrics registers madoguchi_ready: 1 when /readyz would
// answer 200 at the scrape, else 0 (Redis does not answer, shutting down);
// madoguchi_knowledge_version, the knowledge provider's version; and the
// Redis client's command metrics (a hook on m.Redis).
func (m *Main) registerServerMetrics(reg prometheus.Registerer) error {
	if err := reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "madoguchi_knowledge_version",
		Help: "Version of the knowledge this replica serves: 1 at start, one more at each publish swapped in (knowledge.Provider.Version; local to the replica: replicas that started at different times differ). A change shows a publish reached it.",
	}, func() float64 { return float64(m.Knowledge.Version()) })); err != nil {
		return err
	}
	hook, err := newRedisHook(reg)
	if err != nil {
		return err
	}
	m.Redis.AddHook(hook)
	return reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "madoguchi_ready",
		Help: "1 when the server is ready (what /readyz answers 200 to: Redis answers a PING, a knowledge base is loaded, no shutdown begun), else 0; read at each scrape.",
	}, func() float64 {
		if m.readiness(context.Background()) != nil {
			return 0
		}
		return 1
	}))
}

// lineAPIMetrics times the Messaging API calls of the LINE channel.
type lineAPIMetrics struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

func newLINEAPIMetrics(reg prometheus.Registerer) (*lineAPIMetrics, error) {
	l := &lineAPIMetrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "madoguchi_line_api_request_duration_seconds",
			Help:    "Time of a Messaging API call, from sending to the answer's headers, by endpoint (reply, push, loading, other) and status (the HTTP status, or error when no answer came).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"endpoint", "status"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_line_api_errors_total",
			Help: "Messaging API calls that failed, by endpoint and status: a non-2xx status, or error when no answer came (a timeout, a connection refused or dropped).",
		}, []string{"endpoint", "status"}),
	}
	for _, c := range []prometheus.Collector{l.duration, l.errors} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// lineEndpoint names a Messaging API path for the metrics' endpoint
// label: the paths webhook/line calls, and other for any else.
func lineEndpoint(path string) string {
	switch path {
	case "/v2/bot/message/reply":
		return "reply"
	case "/v2/bot/message/push":
		return "push"
	case "/v2/bot/chat/loading/start":
		return "loading"
	}
	return "other"
}

// instrumentLINEClient returns c with its transport timed and counted by l.
func instrumentLINEClient(c *http.Client, l *lineAPIMetrics) *http.Client {
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		start := time.Now()
		res, err := next.RoundTrip(r)
		endpoint, status := lineEndpoint(r.URL.Path), "error"
		if err == nil {
			status = strconv.Itoa(res.StatusCode)
		}
		l.duration.WithLabelValues(endpoint, status).Observe(time.Since(start).Seconds())
		if err != nil || res.StatusCode/100 != 2 {
			l.errors.WithLabelValues(endpoint, status).Inc()
		}
		return res, err
	})
	return c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// redisHook times every Redis command and pipeline of the server's client
// and counts their errors: not redis.Nil (a key not found), nor the
// error replies go-redis expects and gets past itself (see tolerated).
type redisHook struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

var _ redis.Hook = (*redisHook)(nil)

func newRedisHook(reg prometheus.Registerer) (*redisHook, error) {
	h := &redisHook{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "madoguchi_redis_command_duration_seconds",
			Help: "Time of a Redis command as the client sees it (retries included), by command (lower case; pipeline for a pipeline or transaction). " +
				"xreadgroup includes the LINE workers' blocking wait: leave it out of latency panels.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"command"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_redis_errors_total",
			Help: "Redis commands that failed (a timeout, a refused connection, an error reply; not a key not found, nor NOSCRIPT to an EVALSHA go-redis retries, nor a refused CLIENT SETINFO handshake), by command.",
		}, []string{"command"}),
	}
	for _, c := range []prometheus.Collector{h.duration, h.errors} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func (h *redisHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.observe(redisCommand(cmd.Name()), start, err, tolerated(err, cmd))
		return err
	}
}

func (h *redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		h.observe("pipeline", start, err, tolerated(err, cmds...))
		return err
	}
}

// observe times a command and counts err unless it is redis.Nil or
// tolerated.
func (h *redisHook) observe(command string, start time.Time, err error, tolerated bool) {
	h.duration.WithLabelValues(command).Observe(time.Since(start).Seconds())
	if err != nil && !errors.Is(err, redis.Nil) && !tolerated {
		h.errors.WithLabelValues(command).Inc()
	}
}

// tolerated reports whether err, the error of cmds (one command or a
// pipeline's), is an error reply go-redis expects and gets past itself,
// which is no trouble of Redis's:
//   - NOSCRIPT to an EVALSHA: a Script's first run on a server (or after
//     SCRIPT FLUSH); go-redis loads the script and runs it again;
//   - an error reply to the CLIENT SETINFO pipeline go-redis sends on every
//     new connection: Redis before 7.2 (Debian 12's 7.0) and the embedded
//     Redis do not know SETINFO, and go-redis ignores their refusal.
//
// A timeout or a refused connection is never tolerated.
func tolerated(err error, cmds ...redis.Cmder) bool {
	var reply redis.Error
	if err == nil || !errors.As(err, &reply) || len(cmds) == 0 {
		return false
	}
	if len(cmds) == 1 && strings.HasPrefix(redisCommand(cmds[0].Name()), "evalsha") {
		return redis.HasErrorPrefix(err, "NOSCRIPT")
	}
	for _, c := range cmds {
		args := c.Args()
		if len(args) < 2 || redisCommand(c.Name()) != "client" {
			return false
		}
		if sub, _ := args[1].(string); !strings.EqualFold(sub, "setinfo") {
			return false
		}
	}
	return true
}

// redisCommand is a command's name for the command label: the names the
// code sends are few, but a name that is not a plain word is other.
func redisCommand(name string) string {
	name = strings.ToLower(name)
	if name == "" || len(name) > 24 || strings.TrimLeft(name, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "other"
	}
	return name
}

// QueueStatsTimeout bounds the Redis reads of a scrape's LINE queue
// metrics; past it (or on a Redis error) the scrape has none of them.
const QueueStatsTimeout = time.Second

// queueCollector exports the LINE queue as Redis holds it, read at each
// scrape (so every replica reports the whole queue: take the max across
// them): madoguchi_line_queue_depth and
// madoguchi_line_queue_oldest_age_seconds, by shard.
type queueCollector struct {
	h     *line.Handler
	now   func() time.Time
	depth *prometheus.Desc
	age   *prometheus.Desc
}

func newQueueCollector(h *line.Handler, now func() time.Time) *queueCollector {
	return &queueCollector{h: h, now: now,
		depth: prometheus.NewDesc("madoguchi_line_queue_depth",
			"LINE events recorded (answered 200 to LINE) and not yet finished, by queue shard.", []string{"shard"}, nil),
		age: prometheus.NewDesc("madoguchi_line_queue_oldest_age_seconds",
			"How long the oldest unfinished LINE event of the shard has waited since it reached the webhook; 0 when the shard is empty.", []string{"shard"}, nil),
	}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.age
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), QueueStatsTimeout)
	defer cancel()
	stats, err := c.h.QueueStats(ctx)
	if err != nil {
		return // Redis trouble shows as madoguchi_ready 0
	}
	now := c.now()
	for _, s := range stats {
		shard := strconv.Itoa(s.Shard)
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(s.Depth), shard)
		ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, s.Age(now).Seconds(), shard)
	}
}
