package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options is one soak (or -memory) run.
type Options struct {
	Duration  time.Duration // load time (SOAK_DURATION)
	Replicas  int
	Rate      float64 // LINE webhooks a second in all (0: flat out)
	Users     int
	ChatRate  float64 // web chat turns a second in all (0: none)
	Interval  time.Duration
	RedisURL  string // empty: a redis-server of our own
	Memory    bool
	Grace     time.Duration
	KeepLogs  bool
	Dir       string // binaries and logs
	secret    string
	token     string
	redisPref string
}

func parseOptions(args []string) (Options, error) {
	o := Options{secret: "soak-secret", token: "soak-token"}
	def := 5 * time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return o, fmt.Errorf("SOAK_DURATION: %w", err)
		}
		def = d
	}
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.DurationVar(&o.Duration, "duration", def, "load time (env SOAK_DURATION), at most 10m")
	fs.IntVar(&o.Replicas, "replicas", 2, "cmd/server replicas on the one Redis")
	fs.Float64Var(&o.Rate, "rate", 200, "LINE webhooks a second in all (0: flat out, 32 in flight)")
	fs.IntVar(&o.Users, "users", 1000, "distinct LINE users")
	fs.Float64Var(&o.ChatRate, "chat-rate", 5, "web chat turns a second in all (0: none)")
	fs.DurationVar(&o.Interval, "interval", 5*time.Second, "sampling interval")
	fs.StringVar(&o.RedisURL, "redis", os.Getenv("REDIS_URL"), "Redis to use (env REDIS_URL; a key prefix of its own); empty: start a redis-server on a free loopback port")
	fs.BoolVar(&o.Memory, "memory", false, "measure Redis memory per web conversation and per LINE event instead (always on a redis-server of its own)")
	fs.DurationVar(&o.Grace, "grace", 60*time.Second, "how long loadtest waits for missing replies at the end")
	fs.BoolVar(&o.KeepLogs, "keep", false, "keep the working directory (server logs) at the end")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.Duration <= 0 || o.Duration > 10*time.Minute || o.Replicas < 1 || o.Interval <= 0 || o.Users < 1 {
		return o, errors.New("-duration from 1ns to 10m, -replicas and -users at least 1, -interval positive")
	}
	if o.Memory {
		o.RedisURL = "" // other clients' keys would count
		o.Replicas = 1
	}
	o.redisPref = fmt.Sprintf("soak%d:", time.Now().UnixNano())
	return o, nil
}

// Env is what setUp started: Redis (maybe), the replicas.
type Env struct {
	dir      string
	keep     bool
	redisCmd *exec.Cmd
	Redis    *redis.Client
	RedisURL string
	Servers  []*Server
	Bin      string
	prefix   string // the servers' REDIS_PREFIX: removed at the end on a Redis not ours
}

// Server is one cmd/server replica.
type Server struct {
	Name string
	URL  string
	cmd  *exec.Cmd
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func setUp(ctx context.Context, o Options) (*Env, error) {
	dir, err := os.MkdirTemp("", "madoguchi-soak-")
	if err != nil {
		return nil, err
	}
	e := &Env{dir: dir, keep: o.KeepLogs, Bin: dir, prefix: o.redisPref}
	fmt.Printf("soak: working directory %s\n", dir)
	for _, p := range []string{"server", "loadtest"} {
		b := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, p), "./cmd/"+p)
		b.Stdout, b.Stderr = os.Stdout, os.Stderr
		if err := b.Run(); err != nil {
			return e, fmt.Errorf("go build ./cmd/%s (run from the module's root): %w", p, err)
		}
	}
	e.RedisURL = o.RedisURL
	if e.RedisURL == "" {
		addr, err := freeAddr()
		if err != nil {
			return e, err
		}
		_, port, _ := net.SplitHostPort(addr)
		rd := filepath.Join(dir, "redis")
		if err := os.Mkdir(rd, 0o700); err != nil {
			return e, err
		}
		e.redisCmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--dir", rd,
			"--appendonly", "yes", "--save", "", "--maxmemory-policy", "noeviction")
		e.redisCmd.Stdout, _ = os.Create(filepath.Join(dir, "redis.log"))
		if err := e.redisCmd.Start(); err != nil {
			return e, fmt.Errorf("redis-server (install it, or set REDIS_URL): %w", err)
		}
		e.RedisURL = "redis://" + addr + "/0"
	}
	ro, err := redis.ParseURL(e.RedisURL)
	if err != nil {
		return e, err
	}
	e.Redis = redis.NewClient(ro)
	if err := waitFor(ctx, 10*time.Second, func() error { return e.Redis.Ping(ctx).Err() }); err != nil {
		return e, fmt.Errorf("redis at %s: %w", ro.Addr, err)
	}
	fake, err := freeAddr()
	if err != nil {
		return e, err
	}
	for i := range o.Replicas {
		addr, err := freeAddr()
		if err != nil {
			return e, err
		}
		_, port, _ := net.SplitHostPort(addr)
		s := &Server{Name: "replica" + strconv.Itoa(i+1), URL: "http://" + addr}
		s.cmd = exec.Command(filepath.Join(dir, "server"))
		s.cmd.Env = append(os.Environ(),
			"PORT="+port, "REDIS_URL="+e.RedisURL, "REDIS_PREFIX="+o.redisPref,
			"LINE_CHANNEL_SECRET="+o.secret, "LINE_CHANNEL_ACCESS_TOKEN="+o.token,
			"LINE_API_ENDPOINT=http://"+fake, "LOG_LEVEL=warn",
			"RATE_LIMIT_PER_IP=off", "RATE_LIMIT_PER_SESSION=off", "WEB_SESSIONS_PER_IP=off")
		if o.Memory {
			// Usage records would count in the figures.
			s.cmd.Env = append(s.cmd.Env, "USAGE_RETENTION=off")
		}
		log, err := os.Create(filepath.Join(dir, s.Name+".log"))
		if err != nil {
			return e, err
		}
		s.cmd.Stdout, s.cmd.Stderr = log, log
		if err := s.cmd.Start(); err != nil {
			return e, err
		}
		e.Servers = append(e.Servers, s)
	}
	for _, s := range e.Servers {
		err := waitFor(ctx, 60*time.Second, func() error {
			res, err := http.Get(s.URL + "/readyz")
			if err != nil {
				return err
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("/readyz %d", res.StatusCode)
			}
			return nil
		})
		if err != nil {
			return e, fmt.Errorf("%s not ready (log in %s): %w", s.Name, dir, err)
		}
	}
	fmt.Printf("soak: %d replica(s) ready on %s (prefix %s), fake Messaging API %s\n", len(e.Servers), redactURL(e.RedisURL), o.redisPref, fake)
	return e, nil
}

// fakeAddr returns the fake API's address the servers were given.
func (e *Env) fakeAddr() string {
	for _, kv := range e.Servers[0].cmd.Env {
		if v, ok := strings.CutPrefix(kv, "LINE_API_ENDPOINT=http://"); ok {
			return v
		}
	}
	return ""
}

func redactURL(u string) string {
	if i := strings.Index(u, "@"); i >= 0 {
		return "redis://…" + u[i:]
	}
	return u
}

func waitFor(ctx context.Context, d time.Duration, f func() error) error {
	end := time.Now().Add(d)
	for {
		err := f()
		if err == nil || time.Now().After(end) || ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Close stops the replicas (SIGTERM, then kill), the Redis it started,
// and removes the working directory unless -keep.
func (e *Env) Close() {
	for _, s := range e.Servers {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, s := range e.Servers {
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	if e.Redis != nil {
		if e.redisCmd == nil && len(e.Servers) > 0 {
			e.removeKeys()
		}
		_ = e.Redis.Close()
	}
	if e.redisCmd != nil {
		_ = e.redisCmd.Process.Kill()
		_ = e.redisCmd.Wait()
	}
	if e.keep {
		fmt.Printf("soak: logs kept in %s\n", e.dir)
		return
	}
	_ = os.RemoveAll(e.dir)
}

// removeKeys deletes the keys the replicas wrote under their prefix on a
// Redis given by REDIS_URL (which others may share).
func (e *Env) removeKeys() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	it := e.Redis.Scan(ctx, 0, e.prefix+"*", 1000).Iterator()
	var batch []string
	n := 0
	flush := func() {
		if len(batch) > 0 {
			n += len(batch)
			_ = e.Redis.Unlink(ctx, batch...).Err()
			batch = batch[:0]
		}
	}
	for it.Next(ctx) {
		if batch = append(batch, it.Val()); len(batch) == 500 {
			flush()
		}
	}
	flush()
	fmt.Printf("soak: removed %d keys under %s\n", n, e.prefix)
}
