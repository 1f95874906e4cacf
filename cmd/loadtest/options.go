package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Options is one load run.
type Options struct {
	Target      string        // webhook URL (loopback only); several, comma-separated, share the users
	targets     []string      // Target split: user i's webhooks go to targets[i%len(targets)]
	Secret      string        // channel secret: signs the webhooks
	Token       string        // channel access token the fake API expects
	FakeAddr    string        // where the fake Messaging API listens
	Users       int           // distinct user ids
	Concurrency int           // requests in flight
	Duration    time.Duration // how long to send (bounded by MaxDuration)
	Requests    int64         // how many requests to send (0: until Duration)
	Rate        float64       // at most this many requests a second (0: as fast as answered)
	Grace       time.Duration // how long to wait for missing replies at the end
	Timeout     time.Duration // per webhook request
	Destination string        // the bot's user id, as in LINE's payload
	Procs       []Proc        // processes whose CPU and memory are reported
	JSON        bool

	// ready, if set, is called with the fake API's base URL before the
	// load starts (tests start the bot there).
	ready func(fakeURL string)
}

// Proc names a process to measure.
type Proc struct {
	Name string
	PID  int
}

// MaxDuration bounds any run.
const MaxDuration = 10 * time.Minute

func parseOptions(args []string, out io.Writer) (Options, error) {
	var o Options
	var procs string
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.Target, "target", "http://127.0.0.1:8080/webhook/line/nerima", "webhook URL of the bot (127.0.0.1, ::1 or localhost only); several, comma-separated (replicas), share the users: each user's webhooks go to one of them")
	fs.StringVar(&o.Secret, "secret", os.Getenv("LINE_CHANNEL_SECRET"), "channel secret signing the webhooks (env LINE_CHANNEL_SECRET)")
	fs.StringVar(&o.Token, "token", os.Getenv("LINE_CHANNEL_ACCESS_TOKEN"), "channel access token the fake API expects (env LINE_CHANNEL_ACCESS_TOKEN)")
	fs.StringVar(&o.FakeAddr, "fake-addr", "127.0.0.1:0", "listen address of the fake Messaging API (point the bot's LINE_API_ENDPOINT at it)")
	fs.IntVar(&o.Users, "users", 1000, "distinct users")
	fs.IntVar(&o.Concurrency, "concurrency", 32, "concurrent webhook requests")
	fs.DurationVar(&o.Duration, "duration", 0, "how long to send (default 10s when -requests is not given; at most 10m)")
	fs.Int64Var(&o.Requests, "requests", 0, "how many webhook requests to send (0: until -duration)")
	fs.Float64Var(&o.Rate, "rate", 0, "send at most this many webhooks a second in all (0: each of -concurrency workers sends as soon as its previous request is answered)")
	fs.DurationVar(&o.Grace, "grace", 10*time.Second, "how long to wait at the end for replies still missing")
	fs.DurationVar(&o.Timeout, "timeout", 5*time.Second, "timeout of one webhook request")
	fs.StringVar(&o.Destination, "destination", "Uf0000000000000000000000000000bot", "destination (the bot's user id) in the payloads")
	fs.StringVar(&procs, "pids", "", "processes to measure CPU per event and memory of: name=pid,name=pid")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if o.Secret == "" || o.Token == "" {
		return o, errors.New("-secret and -token (or LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN) are required")
	}
	if o.Users < 1 || o.Concurrency < 1 || o.Requests < 0 || o.Rate < 0 || o.Duration < 0 || o.Grace < 0 || o.Timeout <= 0 {
		return o, errors.New("-users and -concurrency must be at least 1; -requests, -duration and -grace not negative; -timeout positive")
	}
	if o.Requests == 0 && o.Duration == 0 {
		o.Duration = 10 * time.Second
	}
	if o.Duration > MaxDuration {
		return o, fmt.Errorf("-duration is at most %s", MaxDuration)
	}
	var err error
	if o.targets, err = parseTargets(o.Target); err != nil {
		return o, err
	}
	host, _, err := net.SplitHostPort(o.FakeAddr)
	if err != nil || !loopback(host) {
		return o, fmt.Errorf("-fake-addr must be host:port on 127.0.0.1, ::1 or localhost (got %q)", o.FakeAddr)
	}
	if o.Procs, err = parseProcs(procs); err != nil {
		return o, err
	}
	return o, nil
}

// parseTargets splits -target at commas; each must be an http:// URL on
// loopback.
func parseTargets(s string) ([]string, error) {
	var out []string
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		u, err := url.Parse(t)
		if err != nil || u.Scheme != "http" || !loopback(u.Hostname()) {
			return nil, fmt.Errorf("-target must be http:// URLs on 127.0.0.1, ::1 or localhost (got %q)", t)
		}
		out = append(out, t)
	}
	return out, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parseProcs(s string) ([]Proc, error) {
	var out []Proc
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, pid, ok := strings.Cut(part, "=")
		if !ok {
			name, pid = "pid "+part, part
		}
		n, err := strconv.Atoi(pid)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-pids: %q is not name=pid", part)
		}
		out = append(out, Proc{Name: name, PID: n})
	}
	return out, nil
}
