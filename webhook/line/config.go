package line

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
)

// Channel is one LINE channel's credentials.
type Channel struct {
	Secret      string
	AccessToken string
}

// Channels maps a municipality id to the LINE channel that serves it.
type Channels map[string]Channel

// Lookup returns the channel of municipality and whether it has one.
func (c Channels) Lookup(municipality string) (Channel, bool) {
	ch, ok := c[municipality]
	return ch, ok
}

// ChannelsFromEnv resolves the contract's LINE_CHANNEL_SECRET[_<ID>] and
// LINE_CHANNEL_ACCESS_TOKEN[_<ID>] variables for the municipality ids given.
// A municipality with its own variables uses them; one with neither uses
// the shared pair; one with only half of its own pair (a secret without a
// token, or the reverse) gets no channel, so its webhook answers 503
// rather than checking signatures against the wrong channel.
func ChannelsFromEnv(getenv func(string) string, ids []string) Channels {
	shared := Channel{Secret: getenv("LINE_CHANNEL_SECRET"), AccessToken: getenv("LINE_CHANNEL_ACCESS_TOKEN")}
	out := Channels{}
	for _, id := range ids {
		suffix := "_" + strings.ToUpper(id)
		own := Channel{Secret: getenv("LINE_CHANNEL_SECRET" + suffix), AccessToken: getenv("LINE_CHANNEL_ACCESS_TOKEN" + suffix)}
		switch {
		case own.Secret != "" && own.AccessToken != "":
			out[id] = own
		case own.Secret != "" || own.AccessToken != "":
			// Half configured: refuse rather than guess.
		case shared.Secret != "" && shared.AccessToken != "":
			out[id] = shared
		}
	}
	return out
}

// Config is what New needs. Channels, Responder and Redis are required;
// every other field has a default.
type Config struct {
	// Channels gives each municipality's channel credentials.
	Channels Channels
	// Known reports whether a municipality id exists; a webhook for an
	// unknown one gets 404. Nil means "the municipalities in Channels".
	Known func(municipality string) bool
	// Responder is the conversation engine.
	Responder bot.Responder
	// Catalog gives the texts LINE says itself (a follow's thanks, the
	// answer to a sticker or a group, the apology for a failed turn), in
	// the knowledge's current words. Without it those texts are their ids.
	Catalog bot.Catalog
	// Redis holds the event queue, leases and deduplication keys. It may
	// be shared with other packages: every key starts with Prefix.
	Redis redis.UniversalClient
	// Prefix starts every Redis key of this package (default "madoguchi:line:").
	Prefix string
	// APIEndpoint is the Messaging API base URL (default https://api.line.me).
	APIEndpoint string
	// HTTPClient calls the Messaging API (default: NewHTTPClient(Concurrency)).
	HTTPClient *http.Client
	// Clock returns the current time (default time.Now).
	Clock func() time.Time
	// Logger receives structured logs (default slog.Default()). Logs hold
	// bot.HashUser of user ids, never ids or message text.
	Logger *slog.Logger

	// NoPushFallback turns off the push fallback used when a reply token
	// has expired or is refused (push messages count against the quota).
	NoPushFallback bool
	// Shards is the number of queue shards (default 32). Every instance
	// sharing one Redis must use the same value.
	Shards int
	// Concurrency bounds the events this instance handles at once (default
	// 256). Different chats of one shard are handled side by side, so a slow
	// Messaging API does not hold up the other chats. An event spends most
	// of its time waiting (on Redis, and on the Messaging API: tens of
	// milliseconds from a data centre in Japan), so the bound is set for
	// waiting, not for cores: by Little's law, 256 events at once at 50 ms
	// each is about 5,000 events a second, more than two cores can turn.
	// With 32 the queue, not the CPU, was the limit (1,131 turns a second,
	// seconds behind the webhook, on two cores that were not busy). The
	// bound still keeps an overloaded instance from holding more events in
	// memory than it can finish. Run starts this many goroutines to
	// handle events.
	Concurrency int
	// LeaseTTL is how long a shard lease lasts without renewal (default
	// 5s); the shards of an instance that dies are taken over by the
	// others within about this long, and the events on them wait as long.
	// With 9s, a kill -9 of one of two replicas under load gave a p99 from
	// webhook to reply of 7 s, up to 9 s depending on when in its renewal
	// cycle the replica died, too close to the 10 s the project aims at;
	// with 5s, under 5 s (README, "Measured"). Renewing every LeaseTTL/3
	// costs a round trip per shard held, about 20 a second in all with 32
	// shards. An instance that cannot renew (Redis unreachable) stops
	// working its shards after 9/10 of it.
	LeaseTTL time.Duration
	// MaxBody caps a webhook body (default 1 MiB); larger bodies get 413.
	MaxBody int64
	// ReplyTokenTTL is how long after an event's timestamp its reply token
	// is still used (default 50s; LINE's tokens last about a minute).
	ReplyTokenTTL time.Duration
	// LoadingAfter is how long a turn may take before the loading
	// animation is shown (default 300ms).
	LoadingAfter time.Duration
	// DedupTTL is how long a handled webhookEventId is remembered (default 48h).
	DedupTTL time.Duration
	// RedisTimeout bounds the webhook's recording of its events in Redis
	// (default WebhookRedisTimeout): past it the webhook answers 503 and
	// LINE redelivers.
	RedisTimeout time.Duration
	// WaitReplicas, when above 0, is how many replicas must hold a
	// webhook's events before it is answered 200: the events and a Redis
	// WAIT go in one round trip. Replication is asynchronous, so without it
	// a failover (Sentinel promoting the replica) drops the events the old
	// primary acknowledged last, after LINE was told they were recorded.
	// When they do not reach WaitReplicas replicas within WaitTimeout, the
	// webhook answers 503 and LINE redelivers (the events may then be
	// recorded twice: the done keys answer them once). So while fewer
	// replicas are up, webhooks are refused. Not supported on a Redis
	// Cluster client (New fails), where WAIT would reach a random node.
	WaitReplicas int
	// WaitTimeout bounds that wait (default 1s).
	WaitTimeout time.Duration
	// MaxAttempts is how many times an event that fails for a transient
	// reason is tried before it is moved to the dead-letter stream (default 5).
	MaxAttempts int
	// Consumer names this instance in the consumer groups and on its
	// leases (default: hostname, pid and a random suffix). No two running
	// processes may share it; a process started under the name of one
	// that died takes over that one's leases at once, without waiting for
	// them to lapse.
	Consumer string
	// OnEvent, if set, is called after each event is finished with what
	// happened to it; cmd/server can count outcomes, tests wait on it.
	OnEvent func(EventResult)
}

// EventResult says what became of one webhook event.
type EventResult struct {
	Municipality string
	EventID      string
	Type         string // the event type, with the message type: "message.text"
	UserHash     string // bot.HashUser of the chat's id
	Outcome      Outcome
	// Latency runs from the event's arrival at the webhook to the end of
	// its handling (the reply sent).
	Latency time.Duration
}

// Outcome is how an event ended.
type Outcome string

// The outcomes.
const (
	OutcomeReplied   Outcome = "replied"   // answered with the reply token
	OutcomePushed    Outcome = "pushed"    // answered by push (token expired or refused)
	OutcomeSilent    Outcome = "silent"    // handled, nothing to send (standby, unfollow, unknown types)
	OutcomeDuplicate Outcome = "duplicate" // already handled (a redelivery)
	OutcomeFailed    Outcome = "failed"    // given up: undeliverable, dead-lettered, or a reply never answered (not pushed: it may have arrived)
)

// DefaultConcurrency is Config.Concurrency's default.
const DefaultConcurrency = 256

// NewHTTPClient returns the client used for the Messaging API by default,
// for a Handler that handles up to concurrency events at once: timeouts
// everywhere (the SDK's default http.DefaultClient has none) and as many
// idle connections to the API as events in flight. measured.md shows 64
// idle connections per host worth about 1.5x throughput over Go's default
// of 2; with fewer than Concurrency, a burst of replies opened connections
// only to close them again (one reply in ten under load, each a TCP and,
// to api.line.me, a TLS handshake).
func NewHTTPClient(concurrency int) *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(concurrency, 64),
		MaxIdleConnsPerHost:   max(concurrency, 64),
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: tr, Timeout: 15 * time.Second}
}

func (c *Config) withDefaults() error {
	if c.Responder == nil {
		return errors.New("line: Config.Responder is required")
	}
	if c.Redis == nil {
		return errors.New("line: Config.Redis is required")
	}
	if c.Known == nil {
		chs := c.Channels
		c.Known = func(m string) bool { _, ok := chs[m]; return ok }
	}
	if c.Prefix == "" {
		c.Prefix = "madoguchi:line:"
	}
	if c.APIEndpoint == "" {
		c.APIEndpoint = "https://api.line.me"
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Shards <= 0 {
		c.Shards = 32
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.HTTPClient == nil {
		c.HTTPClient = NewHTTPClient(c.Concurrency)
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = 5 * time.Second
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	if c.ReplyTokenTTL <= 0 {
		c.ReplyTokenTTL = 50 * time.Second
	}
	if c.LoadingAfter <= 0 {
		c.LoadingAfter = 300 * time.Millisecond
	}
	if c.DedupTTL <= 0 {
		c.DedupTTL = 48 * time.Hour
	}
	if c.WaitReplicas > 0 {
		if _, ok := c.Redis.(*redis.ClusterClient); ok {
			return errors.New("line: Config.WaitReplicas is not supported on a Redis Cluster client")
		}
	}
	if c.RedisTimeout <= 0 {
		c.RedisTimeout = WebhookRedisTimeout
	}
	if c.WaitTimeout <= 0 {
		c.WaitTimeout = time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.Consumer == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		c.Consumer = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return nil
}
