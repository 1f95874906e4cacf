package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"

	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// parseArgs handles the command line: -h, -help or --help print Usage to
// stdout (exit 0); -healthcheck asks the running server's /readyz (exit 0
// when ready, see healthcheck); anything else is refused with the usage on
// stderr (exit 2). done is false when there are no arguments: the server
// runs.
func parseArgs(args []string, stdout, stderr io.Writer) (code int, done bool) {
	if len(args) == 0 {
		return 0, false
	}
	switch args[0] {
	case "-h", "-help", "--help":
		if len(args) == 1 {
			Usage(stdout)
			return 0, true
		}
	case "-healthcheck":
		if len(args) == 1 {
			return runHealthcheck(), true
		}
	}
	fmt.Fprintf(stderr, "server: takes no arguments but -h or -healthcheck (got %q); it is configured by environment variables:\n\n", args)
	Usage(stderr)
	return 2, true
}

// runHealthcheck is what -healthcheck runs (a test replaces it).
var runHealthcheck = osHealthcheck

// newLogger returns the server's logger: JSON lines on w at level (set from
// LOG_LEVEL once the configuration is read), each line written with a
// request's context carrying its request id (httpx.RequestIDHandler).
func newLogger(w io.Writer, level *slog.LevelVar) *slog.Logger {
	return slog.New(httpx.RequestIDHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})))
}

// setupLogger applies LOG_LEVEL to the logger Main made and makes sure
// that a logger given by the caller adds request ids too.
func (m *Main) setupLogger() {
	m.level.Set(m.Config.LogLevel)
	m.Logger = slog.New(httpx.RequestIDHandler(m.Logger.Handler()))
}

// addPprof serves net/http/pprof's handlers under /debug/pprof/ on mux
// (the METRICS_ADDR server's, never the API port's).
func addPprof(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
}
