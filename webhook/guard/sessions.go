package guard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sessions caps the web chat's conversations, so that a flood of new
// sessions cannot fill Redis (each conversation's state takes about 2 KiB
// for a day) and starve the LINE channel, whose queue lives there too.
//
// A session is live from its first turn until TTL after its last, as its
// dialog state is. Its first turn is a new session, admitted only while
// fewer than Max are live (else 503 unavailable) and while its client
// address (an IPv6 one by /64) has started fewer than PerIP (else 429
// rate_limited); both answers carry Retry-After. Turns of a live session
// are never refused by the cap.
//
// The live sessions are one sorted set in Redis (Key; members are hashes
// of municipality and session id, scores the time each expires), read and
// updated by one script a turn, on Redis's clock: every replica sees the
// same count. Pruning expired members happens on the way.
type Sessions struct {
	// Max is how many web sessions may be live at once; 0 means
	// DefaultMaxSessions, < 0 no cap.
	Max int
	// PerIP limits how many sessions one client address may start; zero
	// means DefaultNewSessionsPerIP, N < 0 no limit.
	PerIP Limit
	// TTL is how long a session stays live after its last turn: the dialog
	// state's TTL; 0 means 24 hours.
	TTL time.Duration
	// Key is the sorted set's key; default "madoguchi:websessions".
	Key string
}

// Defaults of Sessions. 50,000 live conversations hold about 100 MiB of
// state, well beyond the few thousand a day the five municipalities see;
// 60 new sessions an hour from one address serve a library's or an
// office's shared PCs and a carrier's shared IPv4 address.
var (
	DefaultMaxSessions      = 50_000
	DefaultNewSessionsPerIP = Limit{N: 60, Per: time.Hour}
)

// Messages of the answers refusing a new session; residents see them.
const (
	MsgSessionsFull     = "ただいま多くの方がご利用中のため、新しいご相談を始められません。しばらくしてからもう一度お試しください。 (Too many conversations are open; a new one cannot start now. Please try again later.)"
	MsgTooManySessions  = "この接続元から短い時間に多くのご相談が始められました。しばらくしてからもう一度お試しください。 (Too many new conversations from this network; please try again later.)"
	sessionsFullRetry   = "300"
	defaultSessionsKey  = "madoguchi:websessions"
	defaultSessionTTL   = 24 * time.Hour
	sessionsLogInterval = time.Minute
)

func (s Sessions) withDefaults() Sessions {
	if s.Max == 0 {
		s.Max = DefaultMaxSessions
	}
	if s.PerIP == (Limit{}) {
		s.PerIP = DefaultNewSessionsPerIP
	}
	if s.TTL <= 0 {
		s.TTL = defaultSessionTTL
	}
	if s.Key == "" {
		s.Key = defaultSessionsKey
	}
	return s
}

// touchScript records a turn of session ARGV[1] in the sorted set KEYS[1]:
// it drops the members that expired, then renews a live session (1), or
// adds a new one if fewer than ARGV[3] are live (0), or refuses it (-1).
// ARGV[2] is the TTL in ms; the set itself expires when no turn renews it.
var touchScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not live then
  local max = tonumber(ARGV[3])
  if max >= 0 and redis.call('ZCARD', KEYS[1]) >= max then
    return -1
  end
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
if live then
  return 1
end
return 0
`)

// sessionState is what touch found.
type sessionState int

const (
	sessionLive sessionState = iota // a turn of a live session
	sessionNew                      // a new session, admitted
	sessionFull                     // a new session, refused: Max are live
)

// touch records a turn of the session member and says what it was.
func (g *Guard) touch(ctx context.Context, member string) (sessionState, error) {
	max := g.sessions.Max
	if max < 0 {
		max = -1
	}
	n, err := touchScript.Run(ctx, g.rdb, []string{g.sessions.Key}, member, g.sessions.TTL.Milliseconds(), max).Int64()
	if err != nil {
		return 0, fmt.Errorf("web sessions: %w", err)
	}
	switch n {
	case 1:
		return sessionLive, nil
	case 0:
		return sessionNew, nil
	}
	return sessionFull, nil
}

// forget removes a new session that was then refused, so that it does not
// hold a place.
func (g *Guard) forget(ctx context.Context, member string) {
	if err := g.rdb.ZRem(ctx, g.sessions.Key, member).Err(); err != nil {
		g.log.WarnContext(ctx, "web sessions: could not drop a refused session", "err", err)
	}
}

func sessionMember(municipality, session string) string {
	sum := sha256.Sum256([]byte(municipality + "\x00" + session))
	return hex.EncodeToString(sum[:16])
}
