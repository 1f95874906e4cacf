// Command server is madoguchi's one composition root: it reads the
// environment, opens Redis (or starts an embedded one), loads the knowledge
// base, wires the channels to the engines and serves HTTP until SIGINT or
// SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/redis/go-redis/v9"
)

func main() {
	if code, done := parseArgs(os.Args[1:], os.Stdout, os.Stderr); done {
		os.Exit(code) // -h: the environment variables, with defaults and meanings
	}
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	redis.SetLogger(redisLogger{m.Logger}) // go-redis's own messages, as JSON too
	code := run(ctx, m)
	stop()
	os.Exit(code)
}

// run starts m, serves until ctx is done or the server fails, shuts down
// and returns the process exit code.
func run(ctx context.Context, m *Main) int {
	if err := m.Run(ctx); err != nil {
		report(m.Stderr, err)
		_ = m.Close()
		return 1
	}
	var failed error
	select {
	case <-ctx.Done():
		m.Drain() // /readyz 503 first, then SHUTDOWN_DELAY of serving on
		select {
		case failed = <-m.Done(): // failed while draining
			m.Logger.Error("server failed", "error", failed.Error())
		default:
		}
		m.Logger.Info("shutting down")
	case failed = <-m.Done():
		m.Logger.Error("server failed", "error", failed.Error())
	}
	if err := m.Close(); err != nil {
		m.Logger.Error("shutdown", "error", err.Error())
		return 1
	}
	if failed != nil {
		return 1
	}
	return 0
}

// report prints why the server did not start. An invalid knowledge base is
// printed one problem a line (file:line: field: message), for the staff
// who edit it.
func report(w io.Writer, err error) {
	var ve *knowledge.ValidationError
	if errors.As(err, &ve) {
		fmt.Fprintf(w, "madoguchi: not starting: the knowledge base has %d problems:\n", len(ve.Problems))
		for _, p := range ve.Problems {
			fmt.Fprintln(w, p.String())
		}
		return
	}
	fmt.Fprintf(w, "madoguchi: not starting: %v\n", err)
}

// redisLogger sends go-redis's internal messages (dial failures and the
// like, which hold addresses but no passwords or data) to the JSON log.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}
