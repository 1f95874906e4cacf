package redisstore_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
)

// TestUnreachableRedis checks that every way of losing Redis gives an error
// wrapping dialog.ErrUnavailable, without a panic and without running fn.
func TestUnreachableRedis(t *testing.T) {
	tests := []struct {
		name   string
		client func(t *testing.T) redis.UniversalClient
	}{
		{"closed port", func(t *testing.T) redis.UniversalClient {
			return quickClient(t, closedAddr(t))
		}},
		{"server never answers", func(t *testing.T) redis.UniversalClient {
			return quickClient(t, silentAddr(t))
		}},
		{"server stopped after use", func(t *testing.T) redis.UniversalClient {
			m := miniredis.RunT(t)
			c := quickClient(t, m.Addr())
			if err := c.Ping(context.Background()).Err(); err != nil {
				t.Fatal(err)
			}
			m.Close()
			return c
		}},
		{"client closed", func(t *testing.T) redis.UniversalClient {
			c := quickClient(t, closedAddr(t))
			_ = c.Close()
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s := redisstore.New(tt.client(t), redisstore.Options{})
			ran := false
			_, err := s.Update(ctx, key("gone-session"), func(*dialog.State) error { ran = true; return nil })
			if !errors.Is(err, dialog.ErrUnavailable) {
				t.Errorf("Update = %v, want dialog.ErrUnavailable", err)
			}
			if ran {
				t.Error("fn ran though the state could not be read")
			}
			if err := s.Delete(ctx, key("gone-session")); !errors.Is(err, dialog.ErrUnavailable) {
				t.Errorf("Delete = %v, want dialog.ErrUnavailable", err)
			}
		})
	}
}

// TestWriteFailureLosesNothing drops the connection at the compare-and-set:
// the error says "unavailable" and the stored state is the one before.
func TestWriteFailureLosesNothing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, redisstore.Options{})
	k := key("dropped-session")
	if _, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns = 1; return nil }); err != nil {
		t.Fatal(err)
	}
	before, _ := e.raw(t, k)
	e.client.AddHook(failScripts{})
	_, err := e.store.Update(ctx, k, func(s *dialog.State) error { s.Turns = 2; return nil })
	if !errors.Is(err, dialog.ErrUnavailable) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Update = %v, want dialog.ErrUnavailable wrapping the cause", err)
	}
	if after, _ := e.raw(t, k); after != before {
		t.Errorf("state changed from %s to %s", before, after)
	}
}

// TestRedisErrorIsNotUnavailable checks that a command Redis refuses for
// good (the key holds a hash) is not mistaken for an outage.
func TestRedisErrorIsNotUnavailable(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, redisstore.Options{})
	k := key("wrongtype-session")
	if err := e.client.HSet(ctx, e.redisKey(k), "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	_, err := e.store.Update(ctx, k, func(*dialog.State) error { return nil })
	if err == nil || errors.Is(err, dialog.ErrUnavailable) || !redis.HasErrorPrefix(errors.Unwrap(err), "WRONGTYPE") {
		t.Errorf("Update = %v, want the WRONGTYPE error, not dialog.ErrUnavailable", err)
	}
}

// failScripts is a go-redis hook failing EVAL and EVALSHA as a dropped
// connection does, without sending them.
type failScripts struct{ noHook }

func (failScripts) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); n == "eval" || n == "evalsha" {
			cmd.SetErr(io.ErrUnexpectedEOF)
			return io.ErrUnexpectedEOF
		}
		return next(ctx, cmd)
	}
}

// quickClient is a client on addr that gives up fast.
func quickClient(t *testing.T, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: 1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// silentAddr returns a loopback address that accepts connections and never
// answers, as a hung server does.
func silentAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				<-done
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { _ = l.Close(); close(done) })
	return l.Addr().String()
}
