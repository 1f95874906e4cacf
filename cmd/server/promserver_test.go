package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// promServer is a real Prometheus server (Debian's prometheus package)
// of a test's own: its TSDB in a temporary folder, its HTTP API on a
// free loopback port, scraping one target every second and evaluating
// its rule files every second. It is stopped when the test ends.
type promServer struct {
	// URL is the server's base URL, http://127.0.0.1:port.
	URL string
	log *bytes.Buffer
}

// prometheusBinary returns the path of the prometheus binary. When it is
// not installed the test is skipped, unless CI is set: there a missing
// binary is a broken set-up (.ci/run installs it) and the test fails, as
// internal/redistest.Binary does for redis-server.
func prometheusBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("prometheus not found (CI=%s): install it (.ci/run: apt-get install -y prometheus)", os.Getenv("CI"))
		}
		t.Skip("prometheus not found; install it (apt-get install prometheus) to run the dashboard against a real Prometheus")
	}
	return p
}

// startPrometheus starts a Prometheus scraping target (host:port, path
// /metrics) as job "madoguchi" every second, with ruleFiles (absolute
// paths) evaluated every second, and waits until its API answers. It
// does not wait for the first scrape: Prometheus makes it a few seconds
// after start (its scrape manager applies new targets every 5 s).
func startPrometheus(t *testing.T, target string, ruleFiles ...string) *promServer {
	t.Helper()
	bin := prometheusBinary(t)
	dir := t.TempDir()
	conf, err := json.Marshal(map[string]any{ // JSON is YAML
		"global":     map[string]string{"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
		"rule_files": ruleFiles,
		"scrape_configs": []any{map[string]any{
			"job_name":       "madoguchi",
			"static_configs": []any{map[string]any{"targets": []string{target}}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	confFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(confFile, conf, 0o600); err != nil {
		t.Fatal(err)
	}
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		log := &bytes.Buffer{}
		cmd := exec.CommandContext(t.Context(), bin,
			"--config.file="+confFile,
			"--storage.tsdb.path="+filepath.Join(dir, "data-"+strconv.Itoa(attempt)),
			"--web.listen-address="+addr,
			"--log.level=warn")
		cmd.Stdout, cmd.Stderr = log, log
		cmd.WaitDelay = 5 * time.Second
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		t.Cleanup(func() { <-exited }) // killed by t.Context's end
		p := &promServer{URL: "http://" + addr, log: log}
		if p.awaitReady(exited) {
			return p
		}
		if attempt == 4 || !strings.Contains(log.String(), "address already in use") {
			t.Fatalf("prometheus did not start:\n%s", log)
		}
	}
}

// awaitReady waits until the server answers /-/ready, for up to 30 s;
// false when the process exits first.
func (p *promServer) awaitReady(exited <-chan struct{}) bool {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			return false
		default:
		}
		res, err := http.Get(p.URL + "/-/ready")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return true
			}
		}
	}
	return false
}

// promSample is one series of an instant vector.
type promSample struct {
	Metric map[string]string
	Value  float64
	Time   float64 // Unix seconds
}

// api GETs /api/v1/<path> with the query parameters and decodes its
// data into out; a status other than success is an error (with
// Prometheus's errorType and error).
func (p *promServer) api(path string, params url.Values, out any) error {
	res, err := http.Get(p.URL + "/api/v1/" + path + "?" + params.Encode())
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var r struct {
		Status    string          `json:"status"`
		Data      json.RawMessage `json:"data"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: HTTP %d: %.200s", path, res.StatusCode, b)
	}
	if r.Status != "success" {
		return fmt.Errorf("%s: %s: %s", path, r.ErrorType, r.Error)
	}
	return json.Unmarshal(r.Data, out)
}

// query evaluates expr now (/api/v1/query) and returns its series; a
// result that is not an instant vector is an error.
func (p *promServer) query(expr string) ([]promSample, error) {
	var data struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	}
	if err := p.api("query", url.Values{"query": {expr}}, &data); err != nil {
		return nil, err
	}
	if data.ResultType != "vector" {
		return nil, fmt.Errorf("result type %s, want vector", data.ResultType)
	}
	out := make([]promSample, 0, len(data.Result))
	for _, r := range data.Result {
		ts, _ := r.Value[0].(float64)
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64) // "NaN", "+Inf" included
		if err != nil {
			return nil, fmt.Errorf("value %v: %v", r.Value[1], err)
		}
		out = append(out, promSample{Metric: r.Metric, Value: v, Time: ts})
	}
	return out, nil
}

// promAlert is an active alert of /api/v1/alerts: pending (its
// expression holds, not yet for its "for") or firing.
type promAlert struct {
	Labels map[string]string `json:"labels"`
	State  string            `json:"state"`
}

// alerts returns the active alerts.
func (p *promServer) alerts() ([]promAlert, error) {
	var data struct {
		Alerts []promAlert `json:"alerts"`
	}
	err := p.api("alerts", nil, &data)
	return data.Alerts, err
}

// lastEvaluation returns when the rule groups were last all evaluated
// (the earliest group's last evaluation, zero before every group's
// first) and how many groups there are.
func (p *promServer) lastEvaluation() (last time.Time, groups int, err error) {
	var data struct {
		Groups []struct {
			LastEvaluation time.Time `json:"lastEvaluation"`
		} `json:"groups"`
	}
	if err := p.api("rules", nil, &data); err != nil {
		return time.Time{}, 0, err
	}
	for i, g := range data.Groups {
		if i == 0 || g.LastEvaluation.Before(last) {
			last = g.LastEvaluation
		}
	}
	return last, len(data.Groups), nil
}

// awaitScrapeAfter waits (up to 30 s) until Prometheus holds a scrape of
// job "madoguchi" made at or after since and, when it has rules, has
// evaluated them once that scrape was stored; it returns the scrape's
// time.
func (p *promServer) awaitScrapeAfter(t *testing.T, since time.Time) time.Time {
	t.Helper()
	var scraped, stored time.Time
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if scraped.IsZero() {
			ss, err := p.query(`timestamp(up{job="madoguchi"} == 1)`)
			if err != nil {
				t.Fatalf("query up: %v", err)
			}
			if len(ss) == 1 && !time.UnixMilli(int64(math.Round(ss[0].Value*1000))).Before(since) {
				scraped, stored = time.UnixMilli(int64(math.Round(ss[0].Value*1000))), time.Now()
			}
		}
		if !scraped.IsZero() {
			eval, groups, err := p.lastEvaluation()
			if err != nil {
				t.Fatalf("rules: %v", err)
			}
			if groups == 0 || eval.After(stored) {
				return scraped
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus has not scraped the server (and evaluated its rules) since %s\n%s", since.Format(time.RFC3339Nano), p.log)
		}
	}
}
