// Package api is the JSON API for the web widget and other clients: the
// municipality list, the stateless checklist (the rules engine) and one chat
// turn (the dialog engine). It only translates between JSON and the bot
// vocabulary; errors go out through httpx.
package api

import (
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// Deps is what the API handlers need.
type Deps struct {
	// Catalog gives the municipalities and the checklist of the current
	// knowledge (dialog.NewCatalog); required. Each request asks it anew.
	Catalog bot.Catalog
	// Responder is the dialog engine. When nil, POST /api/v1/chat is not
	// registered (and so answers 404).
	Responder bot.Responder
	// Clock gives the current time; time.Now when nil.
	Clock func() time.Time
	// TurnTimeout bounds a chat turn once its request is decoded: the
	// dialog's Redis calls end by then and the turn answers 503
	// unavailable (retryable). Zero means DefaultTurnTimeout; negative, none.
	TurnTimeout time.Duration
}

// DefaultTurnTimeout is the time a chat turn may take once its request is
// read. A turn takes well under 10 ms; only a Redis that hangs reaches it.
const DefaultTurnTimeout = 800 * time.Millisecond

// Register adds the API routes to r:
//
//	GET  /api/v1/municipalities
//	GET  /api/v1/texts         (the texts residents read, for the widget)
//	POST /api/v1/checklist
//	POST /api/v1/chat          (only when deps.Responder is set)
//	GET  /api/v1/openapi.json  (OpenAPI, the description of these routes)
func Register(r gin.IRouter, deps Deps) {
	if deps.Catalog == nil {
		panic("api.Register: Deps.Catalog is nil")
	}
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if deps.TurnTimeout == 0 {
		deps.TurnTimeout = DefaultTurnTimeout
	}
	h := &handlers{Deps: deps}
	v1 := r.Group("/api/v1")
	v1.GET("/municipalities", h.municipalities)
	v1.GET("/texts", h.texts)
	v1.POST("/checklist", h.checklist)
	v1.GET("/openapi.json", httpx.Document(OpenAPI))
	if deps.Responder != nil {
		v1.POST("/chat", h.chat)
	}
}

type handlers struct{ Deps }

// municipality returns the municipality with id, or a *bot.Error: invalid
// when id is empty, not_found when no such municipality exists.
func (h *handlers) municipality(id string) (bot.MunicipalityInfo, error) {
	if id == "" {
		return bot.MunicipalityInfo{}, bot.Invalidf("municipality", "municipality is required (one of %s)", knownIDs(h.Catalog))
	}
	m, ok := h.Catalog.Municipality(id)
	if !ok {
		return bot.MunicipalityInfo{}, &bot.Error{Code: bot.CodeNotFound, Field: "municipality",
			Message: "unknown municipality " + quote(id) + " (known: " + knownIDs(h.Catalog) + ")"}
	}
	return m, nil
}

// The dates the API accepts (expiry_date, today): the e-certificates of
// the My Number Card date from 2016, and a date outside these bounds is a
// typo (0000-01-01, 2205-07-07) that would only yield a confident wrong
// answer about the renewal window.
var (
	MinDate = bot.Date{Year: 2000, Month: time.January, Day: 1}
	MaxDate = bot.Date{Year: 2099, Month: time.December, Day: 31}
)

// date parses an optional YYYY-MM-DD field from MinDate to MaxDate; nil or
// "" means not given.
func date(field string, s *string) (*bot.Date, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	d, err := bot.ParseDate(*s)
	if err != nil {
		return nil, bot.Invalidf(field, "%s must be an existing date of the form YYYY-MM-DD (got %s)", field, quote(*s))
	}
	if d.Before(MinDate) || d.After(MaxDate) {
		return nil, bot.Invalidf(field, "%s must be a date from %s to %s (got %s)", field, MinDate, MaxDate, quote(*s))
	}
	return &d, nil
}

// today returns the "today" field if given, else the date in Japan now.
func (h *handlers) today(s *string) (bot.Date, error) {
	d, err := date("today", s)
	switch {
	case err != nil:
		return bot.Date{}, err
	case d != nil:
		return *d, nil
	}
	return bot.DateOf(h.Clock()), nil
}
