package redistest

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Dump returns every key matching pattern (SCAN MATCH, "*" for all) with
// every value it holds, one key a line, whatever its type (string, list,
// hash, set, sorted set, stream), for tests that must show a text is
// nowhere in Redis. It reads a single Redis, not a cluster.
func Dump(ctx context.Context, rdb redis.UniversalClient, pattern string) (string, error) {
	var b strings.Builder
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		typ, err := rdb.Type(ctx, key).Result()
		if err != nil {
			return "", err
		}
		var v any
		switch typ {
		case "string":
			v, err = rdb.Get(ctx, key).Result()
		case "list":
			v, err = rdb.LRange(ctx, key, 0, -1).Result()
		case "hash":
			v, err = rdb.HGetAll(ctx, key).Result()
		case "set":
			v, err = rdb.SMembers(ctx, key).Result()
		case "zset":
			v, err = rdb.ZRangeWithScores(ctx, key, 0, -1).Result()
		case "stream":
			v, err = rdb.XRange(ctx, key, "-", "+").Result()
		case "none":
			continue // expired or deleted since the scan saw it
		default:
			return "", fmt.Errorf("redistest.Dump: key %q has type %q", key, typ)
		}
		if err == redis.Nil {
			continue
		}
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s %s %v\n", typ, key, v)
	}
	return b.String(), iter.Err()
}
