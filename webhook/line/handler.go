package line

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// Handler is the LINE channel: the webhook that records events and the
// workers that answer them. Create it with New, mount it with Register and
// run its workers with Run.
type Handler struct {
	cfg Config
	q   *queue

	clients sync.Map // access token -> *messaging_api.MessagingApiAPI
	menus   menuAliases
}

// New checks cfg, fills its defaults and returns a Handler. It does no I/O.
func New(cfg Config) (*Handler, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg}
	h.q = newQueue(&h.cfg, h)
	return h, nil
}

// Run runs the workers that answer recorded events until ctx is done.
// Then it stops taking new events, lets each worker finish the event in
// hand, releases its shards to other instances and returns; events it
// had read but not begun stay pending in Redis for the next holder.
// Run returns nil; it logs Redis trouble and keeps trying.
func (h *Handler) Run(ctx context.Context) error { return h.q.run(ctx) }

// Register adds POST /webhook/line/:municipality to r.
func (h *Handler) Register(r gin.IRouter) {
	r.POST("/webhook/line/:municipality", h.serveWebhook)
}

// serveWebhook verifies and records one webhook request. It answers 200 as
// soon as the events are durably in Redis; the workers do the rest.
func (h *Handler) serveWebhook(c *gin.Context) {
	m := c.Param("municipality")
	if !h.cfg.Known(m) {
		httpx.WriteError(c, bot.NotFoundf("unknown municipality"))
		return
	}
	ch, ok := h.cfg.Channels.Lookup(m)
	if !ok {
		httpx.WriteError(c, bot.Unavailable("no LINE channel is configured for this municipality", nil))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, h.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httpx.WriteError(c, &bot.Error{Code: bot.CodeTooLarge, Message: "body is over " + strconv.FormatInt(h.cfg.MaxBody, 10) + " bytes"})
			return
		}
		httpx.WriteError(c, bot.Invalidf("", "body could not be read"))
		return
	}
	if !validSignature(ch.Secret, c.GetHeader("X-Line-Signature"), body) {
		h.cfg.Logger.WarnContext(c.Request.Context(), "line webhook: bad signature", "municipality", m)
		httpx.WriteError(c, bot.Invalidf("", "X-Line-Signature is missing or does not match the body"))
		return
	}
	raws, evs, err := parseCallback(body)
	if err != nil {
		// The decoder's error would quote the body: never log or echo it.
		httpx.WriteError(c, bot.Invalidf("", "body is not a LINE webhook object"))
		return
	}
	if err := redactPINs(raws, evs); err != nil {
		httpx.WriteError(c, bot.Invalidf("", "body is not a LINE webhook object"))
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), h.cfg.RedisTimeout)
	defer cancel()
	if err := h.q.enqueue(ctx, m, raws, evs); err != nil {
		h.cfg.Logger.ErrorContext(ctx, "line webhook: enqueue", "municipality", m, "events", len(evs), "err", err)
		httpx.WriteError(c, bot.Unavailable("events could not be recorded; LINE will redeliver", err))
		return
	}
	c.Data(http.StatusOK, "application/json", []byte("{}"))
}

// WebhookRedisTimeout is Config.RedisTimeout's default. It bounds the
// webhook's recording of its events in Redis: a Redis that hangs gets LINE a 503 (it redelivers) within about a
// second instead of holding the request for the Redis client's read
// timeout times its retries. An XADD that did reach Redis before the
// deadline is harmless: the redelivery is deduplicated by webhookEventId.
const WebhookRedisTimeout = 800 * time.Millisecond

// validSignature checks LINE's base64 HMAC-SHA256 of the raw body in
// constant time, with the SDK's check; an empty secret or signature never
// passes (the SDK would accept an HMAC keyed with an empty secret).
func validSignature(secret, sig string, body []byte) bool {
	return sig != "" && secret != "" && webhook.ValidateSignature(secret, sig, body)
}

// api returns the Messaging API client of a channel, one per access token,
// built once and shared, so never mutated: requests carry their own
// context (see post), never one set with the client's WithContext, which
// Do would apply to every request.
func (h *Handler) api(token string) (*messaging_api.MessagingApiAPI, error) {
	if c, ok := h.clients.Load(token); ok {
		return c.(*messaging_api.MessagingApiAPI), nil
	}
	c, err := messaging_api.NewMessagingApiAPI(token,
		messaging_api.WithEndpoint(h.cfg.APIEndpoint),
		messaging_api.WithHTTPClient(h.cfg.HTTPClient))
	if err != nil {
		return nil, err
	}
	actual, _ := h.clients.LoadOrStore(token, c)
	return actual.(*messaging_api.MessagingApiAPI), nil
}
