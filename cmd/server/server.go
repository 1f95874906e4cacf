package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/usage"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
)

// Timeouts of the HTTP server. ShutdownTimeout bounds how long in-flight
// requests get to finish after SIGTERM (Kubernetes waits 30s by default).
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 120 * time.Second
	ShutdownTimeout   = 20 * time.Second
)

// Main is the running program. Set its fields (or take NewMain's), call Run,
// then Close.
type Main struct {
	// Getenv reads the configuration; os.Getenv in production.
	Getenv func(string) string
	// Stderr receives the JSON logs and start-up problems.
	Stderr io.Writer
	// Listener, if set, is served instead of listening on PORT (tests).
	Listener net.Listener
	// Clock is the time source handed to the engines; time.Now if nil.
	Clock func() time.Time

	// Logger receives the logs; a JSON logger on Stderr if nil, at
	// LOG_LEVEL. Run makes it add request ids (httpx.RequestIDHandler).
	Logger *slog.Logger
	// level is the level of the logger NewMain or Run makes (LOG_LEVEL).
	level slog.LevelVar

	// Set by Run.
	Config Config
	// Knowledge hands out the current knowledge to every consumer; a
	// publish swaps it (Knowledge.Set) without a restart.
	Knowledge *knowledge.Provider
	Redis     redis.UniversalClient
	Router    http.Handler

	embedded   *embeddedRedis
	durability *durabilityCheck
	ln         net.Listener
	server     *http.Server
	done       chan error

	// With METRICS_ADDR, /metrics is served there alone.
	metrics       http.Handler
	metricsLn     net.Listener
	metricsServer *http.Server
	// draining is set by Drain: /readyz answers 503 from then on.
	draining atomic.Bool
	// usage records the staff's usage figures (nil with USAGE_RETENTION off).
	usage *usage.Store

	// Background work (the LINE channel's workers) runs under workCtx
	// and is waited for on Close, after the HTTP server has stopped.
	workCtx    context.Context
	stopWork   context.CancelFunc
	work       sync.WaitGroup
	closeOnce  sync.Once
	closeError error
}

// NewMain returns a Main configured from the process environment, logging
// JSON to stderr.
func NewMain() *Main {
	m := &Main{Getenv: os.Getenv, Stderr: os.Stderr}
	m.Logger = newLogger(os.Stderr, &m.level)
	return m
}

// Addr returns the address the server listens on, once Run has returned.
func (m *Main) Addr() net.Addr { return m.ln.Addr() }

// MetricsAddr returns the address /metrics is served on with METRICS_ADDR,
// once Run has returned; nil without METRICS_ADDR.
func (m *Main) MetricsAddr() net.Addr {
	if m.metricsLn == nil {
		return nil
	}
	return m.metricsLn.Addr()
}

// Drain begins a graceful shutdown: /readyz answers 503 at once, so that
// load balancers stop sending requests, while everything else is served
// as before for SHUTDOWN_DELAY (or until the server fails). Close then
// closes the listener.
func (m *Main) Drain() {
	m.draining.Store(true)
	d := m.Config.ShutdownDelay
	if d <= 0 {
		return
	}
	m.Logger.Info("shutting down: /readyz answers 503; serving on before closing the listener", "delay", d.String())
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case err := <-m.done:
		m.done <- err // for run to report
	}
}

// Done receives an error if the HTTP server stops on its own.
func (m *Main) Done() <-chan error { return m.done }

// Run reads the configuration, opens Redis, loads the knowledge base, wires
// everything and starts serving in the background. It refuses to start on
// an invalid knowledge base (a *knowledge.ValidationError listing every
// problem) or an invalid configuration. Call Close in either case.
func (m *Main) Run(ctx context.Context) error {
	if m.Clock == nil {
		m.Clock = time.Now
	}
	if m.Logger == nil {
		m.Logger = newLogger(m.Stderr, &m.level)
	}
	m.workCtx, m.stopWork = context.WithCancel(context.WithoutCancel(ctx))

	cfg, err := LoadConfig(m.Getenv)
	if err != nil {
		return err
	}
	m.Config = cfg
	m.setupLogger()
	if err := m.loadKnowledge(); err != nil {
		return err
	}
	if err := m.openRedis(ctx); err != nil {
		return err
	}
	m.Logger.Info("knowledge loaded", "source", m.knowledgeSource(), "municipalities", len(m.Knowledge.Current().Municipalities))

	router, err := m.routes()
	if err != nil {
		return err
	}
	m.Router = router
	return m.serve()
}

// loadKnowledge loads KNOWLEDGE_DIR or the embedded knowledge into
// m.Knowledge, then reads the variables named after its municipalities
// (WIDGET_ORIGINS_<ID>; LINE_*_<ID> are read where the channel is wired).
func (m *Main) loadKnowledge() error {
	var kb *knowledge.KB
	var err error
	if dir := m.Config.KnowledgeDir; dir != "" {
		if fi, statErr := os.Stat(dir); statErr != nil || !fi.IsDir() {
			return fmt.Errorf("KNOWLEDGE_DIR %q is not a readable folder", dir)
		}
		kb, err = knowledge.LoadDir(dir)
	} else {
		kb, err = knowledge.LoadEmbedded()
	}
	if err != nil {
		return fmt.Errorf("load knowledge from %s: %w", m.knowledgeSource(), err)
	}
	if dir := m.Config.KnowledgeDir; dir != "" {
		unused, _ := knowledge.Unused(os.DirFS(dir))
		for _, u := range unused {
			m.Logger.Warn("knowledge file not used: "+u, "dir", dir)
		}
	}
	m.Knowledge = knowledge.NewProvider(kb)
	m.Config.WidgetOrigins, err = widgetOrigins(m.Getenv, kb.IDs())
	return err
}

func (m *Main) knowledgeSource() string {
	if m.Config.KnowledgeDir != "" {
		return m.Config.KnowledgeDir
	}
	return "embedded"
}

// EmbeddedRedisWarning is the first log line of a server without REDIS_URL:
// what an operator loses on every restart.
const EmbeddedRedisWarning = "REDIS_URL is not set: using an embedded in-process Redis, for a demo or development only. " +
	"Everything it holds is in memory only and is lost on restart: conversation state (residents start over), " +
	"LINE events accepted but not yet answered (never answered), the marks of LINE events already answered " +
	"(one LINE redelivers after a restart is answered twice), rate limits and web session counts. " +
	"Keys expire as on Redis. Set REDIS_URL in production."

// openRedis connects to REDIS_URL or starts the embedded Redis. With the
// embedded one, the warning that state is lost on restart is the first
// log line: operators must not miss it.
func (m *Main) openRedis(ctx context.Context) error {
	if m.Config.RedisURL == "" {
		m.Logger.Warn(EmbeddedRedisWarning)
		mr, client, err := startEmbeddedRedis(EmbeddedClockTick)
		if err != nil {
			return err
		}
		m.embedded, m.Redis = mr, client
		return nil
	}
	client, err := OpenRedis(m.Config.RedisURL)
	if err != nil {
		return err
	}
	m.Redis = client
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		// Not fatal: /readyz reports it and the client reconnects by itself.
		m.Logger.Warn("Redis does not answer yet", "redis", redisLocation(m.Config.RedisURL), "error", err.Error())
	} else {
		m.Logger.Info("Redis connected", "redis", redisLocation(m.Config.RedisURL))
	}
	return nil
}

// serve listens (unless a Listener was given) and serves in the background.
func (m *Main) serve() error {
	m.ln = m.Listener
	if m.ln == nil {
		ln, err := net.Listen("tcp", ":"+m.Config.Port)
		if err != nil {
			return fmt.Errorf("listen on port %s: %w", m.Config.Port, err)
		}
		m.ln = ln
	}
	m.server = &http.Server{
		Handler:           m.Router,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.done = make(chan error, 1)
	go func() {
		if err := m.server.Serve(m.ln); !errors.Is(err, http.ErrServerClosed) {
			m.done <- err
		}
	}()
	if m.metrics != nil {
		if err := m.serveMetrics(); err != nil {
			return err
		}
	}
	m.Logger.Info("listening", "addr", m.ln.Addr().String())
	return nil
}

// serveMetrics serves GET /metrics (and with PPROF=on /debug/pprof/), and
// nothing else (404), on METRICS_ADDR.
func (m *Main) serveMetrics() error {
	ln, err := net.Listen("tcp", m.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen on METRICS_ADDR %s: %w", m.Config.MetricsAddr, err)
	}
	m.metricsLn = ln
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.metrics)
	if m.Config.Pprof {
		addPprof(mux) // PPROF=on: here only, never on the API port
	}
	m.metricsServer = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("Cache-Control", "no-store")
			mux.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := m.metricsServer.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("metrics server failed", "error", err.Error())
		}
	}()
	m.Logger.Info("metrics listening", "addr", ln.Addr().String())
	return nil
}

// goBackground runs fn under the background context until Close.
func (m *Main) goBackground(name string, fn func(context.Context) error) {
	m.work.Add(1)
	go func() {
		defer m.work.Done()
		switch err := fn(m.workCtx); {
		case err == nil:
		case m.workCtx.Err() != nil && errors.Is(err, context.Canceled):
			// Close asked it to stop: a normal shutdown, not an error an
			// operator's alert on error lines should see.
			m.Logger.Debug("background work stopped", "work", name)
		default:
			m.Logger.Error("background work stopped", "work", name, "error", err.Error())
		}
	}()
}

// Close stops taking requests, lets in-flight ones finish (at most
// ShutdownTimeout), stops background work and closes Redis. It is safe to
// call after a failed Run and more than once.
func (m *Main) Close() error {
	m.closeOnce.Do(func() {
		var errs []error
		if m.server != nil {
			ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
			if err := m.server.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("shut down HTTP: %w", err))
			}
			cancel()
		} else if m.ln != nil {
			_ = m.ln.Close()
		}
		if m.metricsServer != nil {
			_ = m.metricsServer.Close()
		}
		if m.stopWork != nil {
			m.stopWork()
			m.work.Wait()
		}
		if m.Redis != nil {
			if err := m.Redis.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close Redis: %w", err))
			}
		}
		if m.embedded != nil {
			m.embedded.Close()
		}
		m.closeError = errors.Join(errs...)
	})
	return m.closeError
}

// newRegistry returns the Prometheus registry behind GET /metrics.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// StateCacheSize is how many LINE conversations' last dialog states an
// instance keeps in memory, so that their next turn costs one Redis round
// trip instead of two (redisstore.Options.CacheSize). At about 2 KiB a
// conversation, 10,000 take about 20 MiB.
const StateCacheSize = 10_000

// responder returns the dialog engine, keeping conversation state in Redis
// under REDIS_PREFIX ("madoguchi:state:…" by default) and telling observer
// what its turns do (the conversation metrics).
func (m *Main) responder(observer dialog.Observer) bot.Responder {
	opts := stateStoreOptions(m.Logger)
	opts.Prefix = m.Config.RedisPrefix
	store := redisstore.New(m.Redis, opts)
	return dialog.New(dialog.Config{Knowledge: m.Knowledge, Store: store, Clock: m.Clock, Logger: m.Logger, Observer: observer,
		Usage: m.usageRecorder()})
}

// stateStoreOptions caches the state of LINE conversations only: a shard's
// lease pins a LINE user's events to one instance, so its cached value is
// almost always current. The widget's requests are spread over the replicas
// by the load balancer, so a cached value would mostly be stale and cost a
// third round trip.
func stateStoreOptions(logger *slog.Logger) redisstore.Options {
	return redisstore.Options{
		Logger:      logger,
		CacheSize:   StateCacheSize,
		ShouldCache: func(k dialog.Key) bool { return k.Channel == bot.ChannelLINE },
	}
}
