package guard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// limiter is a fixed-window counter per key in Redis.
type limiter struct {
	rdb    redis.UniversalClient
	prefix string
}

// takeScript counts one request in KEYS[1], starting a window of ARGV[1] ms
// on the first; it returns the count and the window's remaining ms.
var takeScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`)

// take counts one request for key under l. It reports whether the request
// is within the limit and, if not, how long until the window ends.
func (lm *limiter) take(ctx context.Context, key string, l Limit) (bool, time.Duration, error) {
	// Keys hold hashes: IPs and session ids are not stored as they are.
	sum := sha256.Sum256([]byte(key))
	k := lm.prefix + hex.EncodeToString(sum[:16])
	res, err := takeScript.Run(ctx, lm.rdb, []string{k}, l.Per.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", lm.prefix, err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("rate limit: unexpected script result %v", res)
	}
	return res[0] <= int64(l.N), time.Duration(res[1]) * time.Millisecond, nil
}
