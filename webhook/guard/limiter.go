package guard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// limiter is a GCRA rate limiter per key in Redis (go-redis/redis_rate):
// one key and one round trip a check, the key expiring once its bucket is
// full again.
type limiter struct {
	rl     *redis_rate.Limiter
	prefix string
}

func newLimiter(rdb redis.UniversalClient, prefix string) *limiter {
	return &limiter{rl: redis_rate.NewLimiter(rdb), prefix: prefix}
}

// take counts one request for key under l. It reports whether the request
// is within the limit and, if not, how long until one more would be.
func (lm *limiter) take(ctx context.Context, key string, l Limit) (bool, time.Duration, error) {
	// Keys hold hashes: IPs and session ids are not stored as they are.
	// redis_rate puts its own "rate:" before the key.
	sum := sha256.Sum256([]byte(key))
	k := lm.prefix + hex.EncodeToString(sum[:16])
	res, err := lm.rl.Allow(ctx, k, redis_rate.Limit{Rate: l.N, Period: l.Per, Burst: l.burst()})
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", lm.prefix, err)
	}
	return res.Allowed > 0, res.RetryAfter, nil
}

// ParseLimit reads a limit as an environment variable holds it: "N/period"
// with a Go duration ("120/1m", "30/1m", "20/1h"), or "off" (no limit).
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "off" {
		return Limit{N: -1}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(n)
	if !ok || err != nil || count < 1 {
		return Limit{}, fmt.Errorf("%q is not a limit of the form N/period (120/1m) or off", s)
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Limit{}, fmt.Errorf("%q is not a limit of the form N/period (120/1m) or off: the period must be a duration such as 1m", s)
	}
	return Limit{N: count, Per: d}, nil
}

// ipKey is the rate-limit key of a client address: an IPv4 address as it
// is, an IPv6 address by its /64, which is what one subscriber gets (a
// client changing addresses inside it stays in one bucket).
func ipKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:" + ip
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return "ip:" + a.String()
	}
	return "ip6:" + netip.PrefixFrom(a, 64).Masked().String()
}
