// Package redistest gives tests a Redis to talk to: the real server named by
// TEST_REDIS_URL when it is set, else an in-process miniredis, so the same
// test runs against both.
//
// On a real server, tests share one database with each other and with
// whatever else uses it, so a test must write only keys that start with
// Prefix(tb); Client's cleanup deletes exactly those and flushes nothing.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// EnvURL names the environment variable holding a redis:// or rediss:// URL
// of a real server to test against (for example redis://127.0.0.1:6379/0).
const EnvURL = "TEST_REDIS_URL"

// Client returns a client for tb: on the server at TEST_REDIS_URL when set
// (tb fails if it does not answer), else on a fresh miniredis of tb's own.
// When tb ends, the keys under Prefix(tb) are deleted and the client closed.
func Client(tb testing.TB) redis.UniversalClient {
	tb.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		m := miniredis.RunT(tb)
		c := redis.NewClient(&redis.Options{Addr: m.Addr()})
		tb.Cleanup(func() { _ = c.Close() })
		return c
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("redistest: %s: %v", EnvURL, err)
	}
	c := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		tb.Fatalf("redistest: %s is set but the server does not answer: %v", EnvURL, err)
	}
	prefix := Prefix(tb)
	tb.Cleanup(func() {
		defer c.Close()
		if err := deleteUnder(c, prefix); err != nil {
			tb.Errorf("redistest: deleting keys under %q: %v", prefix, err)
		}
	})
	return c
}

// Prefix returns the key prefix of tb, ending in ":": unique to tb within
// the test binary's run and the same on every call. A subtest's prefix
// extends its parent's ("…:TestX/case:" under "…:TestX:"), so a Client made
// by the parent also cleans up what its subtests wrote. It holds no glob
// characters, so it is safe in a SCAN MATCH pattern.
func Prefix(tb testing.TB) string {
	tb.Helper()
	return "test:" + runID + ":" + sanitize(tb.Name()) + ":"
}

// runID tells this test binary's keys from those of other runs sharing the
// server, including one that died before its cleanup.
var runID = func() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}()

// sanitize keeps a test name readable in keys but free of glob characters
// and of ":", which ends the prefix: any other byte becomes "~" and its two
// hex digits, so distinct names stay distinct.
func sanitize(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '/':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "~%02x", c)
		}
	}
	return b.String()
}

// deleteUnder deletes every key under prefix and under its subtests'
// prefixes.
func deleteUnder(c *redis.Client, prefix string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pattern := strings.TrimSuffix(prefix, ":") + "[:/]*"
	iter := c.Scan(ctx, 0, pattern, 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Unlink(ctx, keys[:n]...).Err(); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}
