package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// The metrics sampled from each replica.
var metricNames = []string{"go_memstats_heap_inuse_bytes", "go_goroutines", "process_open_fds", "madoguchi_line_queue_depth"}

// Sample is one look at every replica and Redis.
type Sample struct {
	At      time.Duration        // since the load started
	Replica []map[string]float64 // by replica: metric → value (summed over labels)
	RedisB  float64              // used_memory
}

// Dialog is what a web chat session says, turn by turn (as cmd/loadtest's
// LINE users).
var Dialog = []string{"更新したい", "35歳", "夫が行きます", "持ってます", "変わってない", "わからない", "最初から"}

// loadReport is the part of cmd/loadtest's JSON report soak reads.
type loadReport struct {
	Seconds      float64          `json:"seconds"`
	OK           int64            `json:"ok"`
	Errors       map[string]int64 `json:"errors"`
	EventsPerSec float64          `json:"events_per_sec"`
	Webhook      struct {
		P50, P99, Max float64
	} `json:"webhook_ms"`
	Reply struct {
		P50, P99, Max float64
	} `json:"reply_ms"`
	Answered      int64   `json:"answered"`
	RepliesPerSec float64 `json:"replies_per_sec"`
	Missing       int64   `json:"missing"`
	Fake          struct {
		Replies      int64 `json:"replies"`
		Pushes       int64 `json:"pushes"`
		InvalidToken int64 `json:"invalid_token"`
		ReusedToken  int64 `json:"reused_token"`
		ExpiredToken int64 `json:"expired_token"`
		// Pushes after a reply refused for a used token: seen twice.
		PushAfterRefusal int64 `json:"push_after_refusal"`
		DuplicatePush    int64 `json:"duplicate_push"`
		UnmatchedPush    int64 `json:"unmatched_push"`
		AuthFailed       int64 `json:"auth_failed"`
	} `json:"fake_api"`
}

func (e *Env) sample(ctx context.Context, at time.Duration) (Sample, error) {
	s := Sample{At: at}
	for _, srv := range e.Servers {
		m, err := scrape(ctx, srv.URL+"/metrics")
		if err != nil {
			return s, fmt.Errorf("%s: %w", srv.Name, err)
		}
		s.Replica = append(s.Replica, m)
	}
	info, err := e.Redis.Info(ctx, "memory").Result()
	if err != nil {
		return s, fmt.Errorf("redis INFO: %w", err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			s.RedisB, _ = strconv.ParseFloat(v, 64)
		}
	}
	return s, nil
}

// scrape reads the Prometheus text format at url and sums each wanted
// metric over its labels.
func scrape(ctx context.Context, url string) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %d", res.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name := line
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name = line[:i]
		}
		for _, want := range metricNames {
			if name == want {
				f := strings.Fields(line)
				v, err := strconv.ParseFloat(f[len(f)-1], 64)
				if err == nil {
					out[name] += v
				}
			}
		}
	}
	return out, sc.Err()
}

// chat drives web chat turns at rate, alternating replicas, until ctx
// ends; it counts turns and failures.
func (e *Env) chat(ctx context.Context, rate float64, turns, failed *atomic.Int64) {
	if rate <= 0 {
		return
	}
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	client := &http.Client{Timeout: 10 * time.Second}
	run := time.Now().UnixNano()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sess := fmt.Sprintf("soak-%d-%d", run, n/len(Dialog))
		body, _ := json.Marshal(map[string]string{"municipality": "nerima", "session_id": sess, "text": Dialog[n%len(Dialog)]})
		srv := e.Servers[n%len(e.Servers)]
		res, err := client.Post(srv.URL+"/api/v1/chat", "application/json", bytes.NewReader(body))
		turns.Add(1)
		if err != nil {
			failed.Add(1)
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			failed.Add(1)
		}
	}
}

// runLoad runs the built cmd/loadtest against every replica and returns
// its report.
func (e *Env) runLoad(ctx context.Context, o Options, users int, extra ...string) (*loadReport, error) {
	var targets []string
	for _, s := range e.Servers {
		targets = append(targets, s.URL+"/webhook/line/nerima")
	}
	args := append([]string{"-json", "-target", strings.Join(targets, ","), "-fake-addr", e.fakeAddr(),
		"-secret", o.secret, "-token", o.token, "-users", strconv.Itoa(users), "-grace", o.Grace.String()}, extra...)
	cmd := exec.CommandContext(ctx, filepath.Join(e.Bin, "loadtest"), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	var rep loadReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("loadtest's report: %w\n%s", err, out.String())
	}
	return &rep, nil
}

func soak(ctx context.Context, o Options, e *Env) error {
	fmt.Printf("soak: %s of LINE load (%s webhooks/s, %d users) and %g web chat turns/s on %d replica(s), sampled every %s\n",
		o.Duration, rateText(o.Rate), o.Users, o.ChatRate, len(e.Servers), o.Interval)
	var turns, failed atomic.Int64
	loadCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); e.chat(loadCtx, o.ChatRate, &turns, &failed) }()

	var samples []Sample
	var sampleErr error
	start := time.Now()
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(o.Interval)
		defer t.Stop()
		for {
			select {
			case <-loadCtx.Done():
				return
			case <-t.C:
			}
			at := time.Since(start)
			if at > o.Duration {
				return // loadtest has stopped sending: the grace is not the load
			}
			s, err := e.sample(loadCtx, at)
			if err != nil {
				if loadCtx.Err() == nil {
					sampleErr = err
				}
				return
			}
			samples = append(samples, s)
		}
	}()
	extra := []string{"-duration", o.Duration.String(), "-rate", strconv.FormatFloat(o.Rate, 'f', -1, 64)}
	rep, err := e.runLoad(ctx, o, o.Users, extra...)
	cancel()
	wg.Wait()
	if err != nil {
		return err
	}
	if sampleErr != nil {
		return fmt.Errorf("sampling: %w", sampleErr)
	}
	if len(samples) < 3 {
		return fmt.Errorf("only %d samples: make -duration longer than 3 × -interval", len(samples))
	}
	drained, err := e.sample(ctx, time.Since(start))
	if err != nil {
		return fmt.Errorf("sampling: %w", err)
	}
	first, mid, end := samples[0], samples[len(samples)/2], samples[len(samples)-1]
	printTable(os.Stdout, e, []string{"start", "middle", "end", "drained"}, []Sample{first, mid, end, drained})
	printLoad(os.Stdout, rep)
	fmt.Printf("web chat: %d turns, %d failed\n", turns.Load(), failed.Load())

	problems := judge(o, e.Servers, first, mid, end, rep, turns.Load(), failed.Load())
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	fmt.Println("soak: PASS: heap, goroutines, open fds and queue depth flat from the middle to the end; every LINE event answered once")
	return nil
}

func maxDepth(s Sample) float64 {
	var m float64
	for _, r := range s.Replica {
		m = max(m, r["madoguchi_line_queue_depth"]) // every replica reports the whole queue
	}
	return m
}

func rateText(r float64) string {
	if r == 0 {
		return "flat out"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func printTable(w io.Writer, e *Env, cols []string, ss []Sample) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for i, c := range cols {
		fmt.Fprintf(tw, "%s (%ds)\t", c, int(ss[i].At.Seconds()))
	}
	fmt.Fprintln(tw)
	for r, srv := range e.Servers {
		for _, name := range metricNames {
			if name == "madoguchi_line_queue_depth" && r > 0 {
				continue
			}
			label := srv.Name + " " + name
			if name == "madoguchi_line_queue_depth" {
				label = name
			}
			fmt.Fprintf(tw, "%s\t", label)
			for _, s := range ss {
				v := s.Replica[r][name]
				if name == "go_memstats_heap_inuse_bytes" {
					fmt.Fprintf(tw, "%.1f MiB\t", v/(1<<20))
				} else {
					fmt.Fprintf(tw, "%.0f\t", v)
				}
			}
			fmt.Fprintln(tw)
		}
	}
	fmt.Fprint(tw, "redis used_memory\t")
	for _, s := range ss {
		fmt.Fprintf(tw, "%.1f MiB\t", s.RedisB/(1<<20))
	}
	fmt.Fprintln(tw)
	_ = tw.Flush()
}

func printLoad(w io.Writer, r *loadReport) {
	fmt.Fprintf(w, "LINE: %d webhooks accepted in %.0f s (%.0f/s), webhook p50/p99/max %.1f/%.1f/%.1f ms; event to reply p50/p99/max %.1f/%.1f/%.1f ms; answered %d (replies %d, pushes %d), missing %d; replies refused by the fake for a used token %d, for an expired one %d; pushes after a refusal %d, duplicate push %d; errors %v\n",
		r.OK, r.Seconds, r.EventsPerSec, r.Webhook.P50, r.Webhook.P99, r.Webhook.Max, r.Reply.P50, r.Reply.P99, r.Reply.Max,
		r.Answered, r.Fake.Replies, r.Fake.Pushes, r.Missing, r.Fake.ReusedToken, r.Fake.ExpiredToken, r.Fake.PushAfterRefusal, r.Fake.DuplicatePush, r.Errors)
}

// judge returns what went wrong in a soak: growth from the middle to the
// end beyond the bounds of the package comment, LINE events lost or
// answered twice, webhooks or chat turns failed. None: it passed.
func judge(o Options, servers []*Server, first, mid, end Sample, rep *loadReport, turns, failed int64) []string {
	var problems []string
	slack := map[string]float64{
		"go_memstats_heap_inuse_bytes": 16 << 20, "go_goroutines": 64, "process_open_fds": 32,
	}
	for i, srv := range servers {
		for _, name := range metricNames[:3] {
			m, en := mid.Replica[i][name], end.Replica[i][name]
			if bound := 1.2*m + slack[name]; en > bound {
				problems = append(problems, fmt.Sprintf("%s %s grew from %.0f (middle) to %.0f (end), over the bound %.0f (+20 %% + %.0f)", srv.Name, name, m, en, bound, slack[name]))
			}
		}
	}
	depthSlack := 2 * o.Rate
	if o.Rate == 0 {
		depthSlack = 2 * rep.EventsPerSec
	}
	if m, en := maxDepth(mid), maxDepth(end); en > 1.2*m+depthSlack {
		problems = append(problems, fmt.Sprintf("queue depth grew from %.0f (middle) to %.0f (end), over +20 %% + %.0f", m, en, depthSlack))
	}
	if g1, g2 := mid.RedisB-first.RedisB, end.RedisB-mid.RedisB; g2 > 1.5*max(g1, 0)+8<<20 {
		problems = append(problems, fmt.Sprintf("Redis memory grew %.1f MiB from the middle to the end against %.1f MiB from the start to the middle (bound 1.5× + 8 MiB)", g2/(1<<20), g1/(1<<20)))
	}
	if rep.Missing > 0 {
		problems = append(problems, fmt.Sprintf("%d LINE events never answered", rep.Missing))
	}
	// A reply refused for a used token is an event handled twice that
	// LINE turned away: the resident saw one answer. A push after it is
	// the second answer the resident sees.
	if n := rep.Fake.PushAfterRefusal + rep.Fake.DuplicatePush; n > 0 {
		problems = append(problems, fmt.Sprintf("%d LINE events answered twice (pushes after a reply refused for a used token %d, duplicate push %d)", n, rep.Fake.PushAfterRefusal, rep.Fake.DuplicatePush))
	}
	if rep.Fake.InvalidToken+rep.Fake.UnmatchedPush+rep.Fake.AuthFailed > 0 {
		problems = append(problems, fmt.Sprintf("fake Messaging API refused calls: invalid token %d, unmatched push %d, auth failed %d", rep.Fake.InvalidToken, rep.Fake.UnmatchedPush, rep.Fake.AuthFailed))
	}
	for k, v := range rep.Errors {
		problems = append(problems, fmt.Sprintf("%d webhooks answered %s", v, k))
	}
	if t, f := turns, failed; f > 0 && float64(f) > 0.01*float64(t) {
		problems = append(problems, fmt.Sprintf("%d of %d web chat turns failed", f, t))
	}
	return problems
}
