package main

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/api"
	"github.com/madoguchi/madoguchi/webhook/httpx"
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
	r := httpx.NewEngine(m.Logger, metrics)
	// wiring: engine-wide middleware (webhook/guard's CORS and rate limits)
	// goes here, before any route is added, so that it covers them all:
	//
	//	g, err := guard.New(guard.Config{…})
	//	r.Use(g.Middleware())

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", m.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})))

	responder := m.responder()
	api.Register(r, api.Deps{KB: m.KB, Responder: responder, Clock: m.Clock})
	if err := m.registerLINE(r, responder, reg); err != nil {
		return nil, err
	}
	// wiring: the web widget (webhook/widget) and its demo page:
	//
	//	widget.Register(r, widget.Config{Municipalities: widget.FromKB(m.KB)})
	return r, nil
}

// readyz answers 200 when Redis answers a PING and a knowledge base is
// loaded, else 503 with the reason.
func (m *Main) readyz(c *gin.Context) {
	if m.KB == nil {
		httpx.WriteError(c, bot.Unavailable("the knowledge base is not loaded", nil))
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), time.Second)
	defer cancel()
	if err := m.Redis.Ping(ctx).Err(); err != nil {
		httpx.WriteError(c, bot.Unavailable("Redis does not answer", err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// registerLINE mounts POST /webhook/line/:municipality. Until the LINE
// channel is wired it answers 404 for an unknown municipality and 503
// otherwise, as the contract says for an unconfigured channel.
func (m *Main) registerLINE(r gin.IRouter, responder bot.Responder, reg prometheus.Registerer) error {
	// wiring: replace the stub below with the LINE channel (webhook/line):
	//
	//	h, err := line.New(line.Config{
	//		Channels:    line.ChannelsFromEnv(m.Getenv, knowledge.MunicipalityIDs),
	//		Known:       func(id string) bool { return m.KB.Municipality(id) != nil },
	//		Responder:   responder,
	//		Redis:       m.Redis,
	//		APIEndpoint: m.Config.LINEAPIEndpoint,
	//		Clock:       m.Clock,
	//		Logger:      m.Logger,
	//	})
	//	if err != nil {
	//		return fmt.Errorf("LINE channel: %w", err)
	//	}
	//	h.Register(r)
	//	m.goBackground("line", h.Run) // stopped and waited for by Close
	//
	// reg is there for per-event outcome counters (line.Config.OnEvent).
	_, _ = responder, reg
	r.POST("/webhook/line/:municipality", func(c *gin.Context) {
		if m.KB.Municipality(c.Param("municipality")) == nil {
			httpx.WriteError(c, bot.NotFoundf("unknown municipality"))
			return
		}
		httpx.WriteError(c, bot.Unavailable("the LINE channel is not configured", nil))
	})
	return nil
}
