package main

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/dialogmetrics"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/admin"
	"github.com/madoguchi/madoguchi/webhook/api"
	"github.com/madoguchi/madoguchi/webhook/guard"
	"github.com/madoguchi/madoguchi/webhook/httpx"
	"github.com/madoguchi/madoguchi/webhook/line"
	"github.com/madoguchi/madoguchi/webhook/widget"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes builds the router: operations endpoints, the JSON API and the
// LINE webhook, all behind httpx's logging, metrics and recovery.
func (m *Main) routes() (*gin.Engine, error) {
	reg := newRegistry()
	metrics, err := httpx.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	// The usage recorder first: the console's usage page reads it.
	if err := m.startUsage(reg); err != nil {
		return nil, err
	}
	// Then the admin: whether its console is in use decides how loudly
	// the durability check speaks.
	staff, err := m.newAdmin()
	if err != nil {
		return nil, err
	}
	if err := m.checkDurability(reg, m.staffInUse(staff)); err != nil {
		return nil, err
	}
	if err := m.registerServerMetrics(reg); err != nil {
		return nil, err
	}
	conversations, err := dialogmetrics.New(reg, m.Knowledge)
	if err != nil {
		return nil, err
	}
	r := httpx.NewEngine(m.Logger, metrics)
	// The client's address (for the per-IP limit) is the peer's, or the
	// last one in X-Forwarded-For that a trusted proxy did not add.
	if len(m.Config.TrustedProxies) > 0 {
		if err := r.SetTrustedProxies(m.Config.TrustedProxies); err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %w", err)
		}
		r.RemoteIPHeaders = []string{"X-Forwarded-For"}
	}
	// The guard comes before any route so that it covers them all, the
	// chat API's CORS preflights included (they match no route).
	g, err := guard.New(guard.Config{
		Origins: m.Config.WidgetOrigins, Redis: m.Redis, Logger: m.Logger,
		KeyPrefix: m.Config.RedisPrefix + "ratelimit:",
		PerIP:     m.Config.RateLimitPerIP, PerSession: m.Config.RateLimitPerSession,
		Sessions: guard.Sessions{Max: m.Config.WebSessionsMax, PerIP: m.Config.WebSessionsPerIP, TTL: redisstore.DefaultTTL,
			Key: m.Config.RedisPrefix + "websessions"},
		Known:   func(id string) bool { return m.Knowledge.Current().Municipality(id) != nil },
		Timeout: m.Config.RedisTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("widget origins: %w", err)
	}
	if err := g.Register(reg); err != nil {
		return nil, fmt.Errorf("register web session metrics: %w", err)
	}
	r.Use(g.Middleware())

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", m.readyz)
	metricsHandler := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	if m.Config.MetricsAddr == "" {
		r.GET("/metrics", gin.WrapH(metricsHandler))
	} else {
		m.metrics = metricsHandler // served on METRICS_ADDR only; here a 404
	}

	responder := m.responder(conversations)
	catalog := dialog.NewCatalog(m.Knowledge)
	api.Register(r, api.Deps{Catalog: catalog, Responder: responder, Clock: m.Clock, TurnTimeout: m.Config.RedisTimeout})
	if err := m.registerLINE(r, responder, reg); err != nil {
		return nil, err
	}
	widget.Register(r, widget.Config{Catalog: catalog})
	m.registerAdmin(r, staff)
	httpx.AddHEAD(r) // HEAD answers as GET, without the body; last, once every GET route is in
	return r, nil
}

// readyz answers 200 when Redis answers a PING and a knowledge base is
// loaded, else 503 with the reason; 503 too once shutdown has begun.
func (m *Main) readyz(c *gin.Context) {
	if err := m.readiness(c.Request.Context()); err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "redis_durability": m.durability.Last()})
}

// readiness returns nil when the server is ready (/readyz's 200 and
// madoguchi_ready's 1), else why not, as a bot.Error.
func (m *Main) readiness(ctx context.Context) error {
	if m.draining.Load() {
		return bot.Unavailable("shutting down", nil)
	}
	if m.Knowledge == nil {
		return bot.Unavailable("the knowledge base is not loaded", nil)
	}
	ctx, cancel := context.WithTimeout(ctx, m.Config.RedisTimeout) // REDIS_TIMEOUT: an answer within about a second even when Redis hangs
	defer cancel()
	if err := m.Redis.Ping(ctx).Err(); err != nil {
		return bot.Unavailable("Redis does not answer", err)
	}
	return nil
}

// checkDurability reads Redis's persistence settings once now (logging
// what puts LINE at risk) and again every DurabilityInterval until Close;
// /readyz shows the last result and madoguchi_redis_durability_warning
// counts it.
func (m *Main) checkDurability(reg prometheus.Registerer, staff bool) error {
	lineConfigured := len(line.ChannelsFromEnv(m.Getenv, m.Knowledge.Current().IDs())) > 0
	d, err := newDurabilityCheck(m.Redis, redisLocation(m.Config.RedisURL), m.embedded != nil, lineConfigured, staff, m.Logger, m.Clock, reg)
	if err != nil {
		return err
	}
	m.durability = d
	d.checkOnce(m.workCtx)
	m.goBackground("redis durability", func(ctx context.Context) error { return d.run(ctx, DurabilityInterval) })
	return nil
}

// registerLINE mounts POST /webhook/line/:municipality and runs the LINE
// channel's background workers until Close. A municipality with no channel
// configured (LINE_CHANNEL_SECRET[_<ID>]) answers 503, an unknown one 404.
func (m *Main) registerLINE(r gin.IRouter, responder bot.Responder, reg prometheus.Registerer) error {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "madoguchi_line_events_total",
		Help: "LINE webhook events handled, by municipality, event type and outcome.",
	}, []string{"municipality", "type", "outcome"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "madoguchi_line_event_seconds",
		Help:    "Time from a LINE event's arrival at the webhook to the end of its handling (the reply sent).",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
	}, []string{"outcome"})
	for _, c := range []prometheus.Collector{events, latency} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register LINE metrics: %w", err)
		}
	}
	lineAPI, err := newLINEAPIMetrics(reg)
	if err != nil {
		return fmt.Errorf("register LINE metrics: %w", err)
	}
	h, err := line.New(line.Config{
		// LINE_CHANNEL_*_<ID> for each municipality the knowledge holds.
		Channels:    line.ChannelsFromEnv(m.Getenv, m.Knowledge.Current().IDs()),
		Known:       func(id string) bool { return m.Knowledge.Current().Municipality(id) != nil },
		Responder:   responder,
		Catalog:     dialog.NewCatalog(m.Knowledge),
		Redis:       m.Redis,
		Prefix:      m.Config.RedisPrefix + "line:",
		APIEndpoint: m.Config.LINEAPIEndpoint,
		// The default client, its calls timed and counted by endpoint
		// and status (madoguchi_line_api_*).
		HTTPClient: instrumentLINEClient(line.NewHTTPClient(line.DefaultConcurrency), lineAPI),
		Clock:      m.Clock,
		Logger:     m.Logger,
		// Replicas a webhook's events (and each reply's attempt mark)
		// must reach; see line.Config.WaitReplicas.
		WaitReplicas: m.Config.RedisWaitReplicas,
		RedisTimeout: m.Config.RedisTimeout,
		OnEvent: func(e line.EventResult) {
			events.WithLabelValues(e.Municipality, e.Type, string(e.Outcome)).Inc()
			latency.WithLabelValues(string(e.Outcome)).Observe(e.Latency.Seconds())
		},
	})
	if err != nil {
		return fmt.Errorf("LINE channel: %w", err)
	}
	if err := reg.Register(newQueueCollector(h, m.Clock)); err != nil {
		return fmt.Errorf("register LINE queue metrics: %w", err)
	}
	h.Register(r)
	m.goBackground("line", h.Run) // stopped and waited for by Close
	return nil
}

// newAdmin makes the staff console and API over m.Redis: it brings
// m.Knowledge onto the newest published versions before it returns (a
// server started after a publish serves it from the start), and creates
// the first admin from ADMIN_USER and ADMIN_PASSWORD. Its keys start with
// REDIS_PREFIX + "admin:". Redis's persistence is the durability check's
// to report (checkDurability), not the admin's.
func (m *Main) newAdmin() (*admin.Admin, error) {
	var base fs.FS
	if dir := m.Config.KnowledgeDir; dir != "" {
		base = os.DirFS(dir)
	}
	a, err := admin.New(m.workCtx, admin.Config{Redis: m.Redis, Prefix: m.Config.RedisPrefix + "admin:", Base: base,
		Target: m.Knowledge, Logger: m.Logger, Clock: m.Clock,
		AdminUser: m.Config.AdminUser, AdminPassword: m.Config.AdminPassword, Usage: m.usageSource(), NoPersistenceWarning: true,
		DraftResponder: m.draftResponder()})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// draftResponder gives the console's chat with a draft: the dialog engine
// over the draft's fixed knowledge base, with its state in a memory store
// of this instance's own (never the residents' Redis keys), and no
// observer or usage recorder, so that staff previews count in neither the
// metrics nor the usage figures. A staff member's next chat turn may reach
// another replica, which does not hold the conversation: the engine then
// says the conversation was lost and starts again.
func (m *Main) draftResponder() func(*knowledge.KB) bot.Responder {
	store := &dialog.MemoryStore{Clock: m.Clock}
	return func(kb *knowledge.KB) bot.Responder {
		return dialog.New(dialog.Config{KB: kb, Store: store, Clock: m.Clock, Logger: m.Logger})
	}
}

// staffInUse reports whether the staff console is in use: ADMIN_USER is
// set, or a staff account exists in Redis (created by an earlier start or
// the setup link). A Redis that does not answer counts as not in use here;
// the durability check then reports the settings unknown anyway.
func (m *Main) staffInUse(a *admin.Admin) bool {
	if m.Config.AdminUser != "" {
		return true
	}
	ctx, cancel := context.WithTimeout(m.workCtx, 3*time.Second)
	defer cancel()
	has, err := a.Accounts().HasAccounts(ctx)
	return err == nil && has
}

// registerAdmin mounts the staff console and API (/admin, /admin/api/v1)
// and runs its watcher until Close: each version published on any replica
// is validated and swapped into m.Knowledge (pub/sub, with a periodic
// check behind it).
func (m *Main) registerAdmin(r gin.IRouter, a *admin.Admin) {
	a.Register(r)
	m.goBackground("admin", a.Run)
}
