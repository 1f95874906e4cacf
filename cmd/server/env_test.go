package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/madoguchi/madoguchi/internal/testlog"
	"github.com/madoguchi/madoguchi/webhook/guard"
)

var update = flag.Bool("update", false, "rewrite the README's configuration table from Env")

const (
	tableBegin = "<!-- config table: generated from cmd/server/env.go by go test ./cmd/server -run TestREADMEConfigTable -update -->\n"
	tableEnd   = "<!-- end of config table -->"
)

// TestREADMEConfigTable checks that the README's configuration table is
// ConfigTable(): every variable the server declares, with its default and
// meaning, and no other. -update rewrites it.
func TestREADMEConfigTable(t *testing.T) {
	const path = "../../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, tableBegin), strings.Index(s, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no configuration table between %q and %q", tableBegin, tableEnd)
	}
	got, want := s[i+len(tableBegin):j], ConfigTable()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(s[:i+len(tableBegin)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	// Say which variables differ, for the reviewer.
	rows := func(table string) map[string]string {
		out := map[string]string{}
		for _, l := range strings.Split(table, "\n") {
			if m := regexp.MustCompile("^\\| `([^`]+)` \\|").FindStringSubmatch(l); m != nil {
				out[m[1]] = l
			}
		}
		return out
	}
	g, w := rows(got), rows(want)
	for name, row := range w {
		if g[name] != row {
			t.Errorf("README row of %s:\n got %q\nwant %q", name, g[name], row)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("README lists %s, which the server does not declare", name)
		}
	}
	t.Errorf("README.md's configuration table is not cmd/server's Env: run go test ./cmd/server -run TestREADMEConfigTable -update")
}

// TestUsage checks that -h and --help print every declared variable with
// its default and exit 0, and that other arguments are refused.
func TestUsage(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		var out, errOut bytes.Buffer
		code, done := parseArgs([]string{arg}, &out, &errOut)
		if code != 0 || !done || errOut.Len() != 0 {
			t.Errorf("%s: code %d done %v stderr %q", arg, code, done, errOut.String())
		}
		names := regexp.MustCompile(`(?m)^  ([A-Z][A-Z0-9_<>]*) \((default )?(.*)\)$`).FindAllStringSubmatch(out.String(), -1)
		if len(names) != len(Env) {
			t.Fatalf("%s lists %d variables, Env declares %d:\n%s", arg, len(names), len(Env), out.String())
		}
		for i, e := range Env {
			if names[i][1] != e.Name || names[i][3] != e.defaultText(false) {
				t.Errorf("%s line %d = %q, want %s with %q", arg, i, names[i][0], e.Name, e.defaultText(false))
			}
			if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), plain(e.Meaning)) {
				t.Errorf("%s does not print the meaning of %s", arg, e.Name)
			}
		}
	}
	if code, done := parseArgs(nil, io.Discard, io.Discard); done || code != 0 {
		t.Errorf("no arguments: code %d done %v, want the server to run", code, done)
	}
	var errOut bytes.Buffer
	if code, done := parseArgs([]string{"-port", "80"}, io.Discard, &errOut); code != 2 || !done || !strings.Contains(errOut.String(), "PORT") {
		t.Errorf("-port 80: code %d done %v stderr %q, want 2 and the usage", code, done, errOut.String())
	}
}

// TestEnvDeclaresEveryVariableRead runs the server with a LINE channel and
// records every variable it looks up: each must be declared in Env (a
// family's member, such as LINE_CHANNEL_SECRET_EDOGAWA, by its <ID> name),
// and each declared variable must be looked up.
func TestEnvDeclaresEveryVariableRead(t *testing.T) {
	var mu sync.Mutex
	read := map[string]bool{}
	vars := map[string]string{"PORT": "0", "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "SHUTDOWN_DELAY": "0"}
	logs := &testlog.Buffer{}
	m := &Main{Stderr: logs, Getenv: func(k string) string {
		mu.Lock()
		read[k] = true
		mu.Unlock()
		return vars[k]
	}}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("Run: %v\n%s", err, logs)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	family := regexp.MustCompile(`_(EDOGAWA|AKISHIMA|NERIMA|AKITAKATA|YOKOHAMA)$`)
	declared := map[string]bool{}
	for _, e := range Env {
		if declared[e.Name] {
			t.Errorf("%s is declared twice", e.Name)
		}
		declared[e.Name] = true
		if (e.Parse == nil) == (e.ReadBy == "") {
			t.Errorf("%s: exactly one of Parse and ReadBy must be set", e.Name)
		}
		if e.Meaning == "" || (e.Default == "" && e.Unset == "") {
			t.Errorf("%s: no meaning, or no default and no word on leaving it unset", e.Name)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	used := map[string]bool{}
	for k := range read {
		name := family.ReplaceAllString(k, "_<ID>")
		if !declared[name] {
			t.Errorf("the server reads %s, which Env does not declare", k)
		}
		used[name] = true
	}
	for name := range declared {
		if !used[name] {
			t.Errorf("Env declares %s, which the server never reads", name)
		}
	}
}

// TestEnvDefaults checks that the declared defaults are what the server
// runs with when nothing is set, and are the guard's own defaults.
func TestEnvDefaults(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != "8080" || c.LogLevel != slog.LevelInfo || c.Pprof || c.MetricsAddr != "" || c.ShutdownDelay != DefaultShutdownDelay ||
		c.RedisPrefix != DefaultRedisPrefix || c.RedisWaitReplicas != 0 || c.LINEAPIEndpoint != DefaultLINEAPIEndpoint ||
		c.RateLimitPerIP != guard.DefaultPerIP || c.RateLimitPerSession != guard.DefaultPerSession ||
		c.WebSessionsMax != guard.DefaultMaxSessions || c.WebSessionsPerIP != guard.DefaultNewSessionsPerIP {
		t.Errorf("defaults: %+v", c)
	}
}

func TestLogLevel(t *testing.T) {
	for v, want := range map[string]slog.Level{"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		c, err := LoadConfig(env(map[string]string{"LOG_LEVEL": v}))
		if err != nil || c.LogLevel != want {
			t.Errorf("LOG_LEVEL=%s: %v %v", v, c.LogLevel, err)
		}
	}
	if _, err := LoadConfig(env(map[string]string{"LOG_LEVEL": "verbose"})); err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("LOG_LEVEL=verbose: %v", err)
	}
	// At warn, the server's start-up info lines are not written, its
	// warnings (the embedded Redis) are.
	_, logs, _ := startMain(t, map[string]string{"LOG_LEVEL": "warn"})
	if s := logs.String(); strings.Contains(s, `"level":"INFO"`) || !strings.Contains(s, `"level":"WARN"`) {
		t.Errorf("LOG_LEVEL=warn logs:\n%s", s)
	}
}

// TestPprof checks that the profiler is off by default, and with PPROF=on
// served on METRICS_ADDR only.
func TestPprof(t *testing.T) {
	if _, err := LoadConfig(env(map[string]string{"PPROF": "on"})); err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
		t.Errorf("PPROF=on without METRICS_ADDR: %v", err)
	}
	if _, err := LoadConfig(env(map[string]string{"PPROF": "yes"})); err == nil || !strings.Contains(err.Error(), "PPROF") {
		t.Errorf("PPROF=yes: %v", err)
	}
	for _, on := range []bool{false, true} {
		vars := map[string]string{"METRICS_ADDR": "127.0.0.1:0"}
		if on {
			vars["PPROF"] = "on"
		}
		m, _, base := startMain(t, vars)
		internal := "http://" + m.MetricsAddr().String()
		code, body := get(t, internal+"/debug/pprof/")
		if on && (code != http.StatusOK || !strings.Contains(body, "goroutine")) || !on && code != http.StatusNotFound {
			t.Errorf("PPROF on=%v: metrics address /debug/pprof/ = %d", on, code)
		}
		if code, _ := get(t, base+"/debug/pprof/"); code != http.StatusNotFound {
			t.Errorf("PPROF on=%v: API port /debug/pprof/ = %d, want 404", on, code)
		}
		if code, _ := get(t, internal+"/metrics"); code != http.StatusOK {
			t.Errorf("PPROF on=%v: /metrics = %d", on, code)
		}
	}
}

// TestHealthcheck checks -healthcheck against a running server: 0 while
// ready, 1 once /readyz answers 503 (draining) or nothing listens.
func TestHealthcheck(t *testing.T) {
	m, _, _ := startMain(t, map[string]string{"SHUTDOWN_DELAY": "0"})
	_, port, _ := strings.Cut(m.Addr().String(), "127.0.0.1:")
	if port == "" {
		_, port, _ = strings.Cut(m.Addr().String(), "]:")
	}
	var errOut bytes.Buffer
	if code := healthcheck(env(map[string]string{"PORT": port}), &errOut); code != 0 {
		t.Errorf("healthcheck of a ready server = %d: %s", code, errOut.String())
	}
	m.Drain()
	errOut.Reset()
	if code := healthcheck(env(map[string]string{"PORT": port}), &errOut); code != 1 || !strings.Contains(errOut.String(), "503") {
		t.Errorf("healthcheck of a draining server = %d: %s", code, errOut.String())
	}
	m.Close()
	if code := healthcheck(env(map[string]string{"PORT": port}), io.Discard); code != 1 {
		t.Errorf("healthcheck with nothing listening = %d", code)
	}
	called := false
	runHealthcheck = func() int { called = true; return 0 }
	defer func() { runHealthcheck = osHealthcheck }()
	if code, done := parseArgs([]string{"-healthcheck"}, io.Discard, io.Discard); code != 0 || !done || !called {
		t.Errorf("-healthcheck: code %d done %v called %v", code, done, called)
	}
}
