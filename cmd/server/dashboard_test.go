package main

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

var (
	promStrings  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	promBraces   = regexp.MustCompile(`\{[^}]*\}|\[[^\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promOffset   = regexp.MustCompile(`\boffset\s+-?[0-9a-zA-Z_$]+`)
	promNumber   = regexp.MustCompile(`(^|[^a-zA-Z_:0-9])(?:0x[0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)`)
	promIdent    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*\s*\(?`)
	// promLabelValues is Grafana's label_values(metric, label) query.
	promLabelValues = regexp.MustCompile(`^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,`)
)

// promKeywords are PromQL's words that are not metric names.
var promKeywords = []string{"by", "without", "on", "ignoring", "group_left", "group_right", "bool",
	"offset", "and", "or", "unless", "atan2", "inf", "nan", "Inf", "NaN"}

// promqlMetrics returns the metric names a PromQL expression (or a
// Grafana label_values query) selects: its identifiers once strings,
// label matchers, ranges, grouping labels, offsets and numbers are taken
// out, less function names (followed by "(") and keywords.
func promqlMetrics(expr string) []string {
	if m := promLabelValues.FindStringSubmatch(expr); m != nil {
		return []string{m[1]}
	}
	s := promStrings.ReplaceAllString(expr, " ")
	s = promBraces.ReplaceAllString(s, " ")
	s = promGrouping.ReplaceAllString(s, " ")
	s = promOffset.ReplaceAllString(s, " ")
	s = promNumber.ReplaceAllString(s, "$1 ")
	var out []string
	for _, tok := range promIdent.FindAllString(s, -1) {
		if strings.HasSuffix(tok, "(") {
			continue // a function
		}
		if tok = strings.TrimSpace(tok); slices.Contains(promKeywords, tok) {
			continue
		}
		if !slices.Contains(out, tok) {
			out = append(out, tok)
		}
	}
	return out
}

func TestPromqlMetrics(t *testing.T) {
	for expr, want := range map[string][]string{
		`sum by (route) (rate(madoguchi_http_requests_total{status=~"5..",route!="/readyz"}[$__rate_interval]))`: {"madoguchi_http_requests_total"},
		`histogram_quantile(0.99, sum by (le, endpoint) (rate(a_bucket[5m])))`:                                   {"a_bucket"},
		`sum(rate(x_total[1m])) / sum(rate(y_total[1m] offset 1h)) > 0.05`:                                       {"x_total", "y_total"},
		`max by (reason) (w) > 0 and on (instance) up == 1e3`:                                                    {"w", "up"},
		`sum(z) without (shard) * 60 unless madoguchi_ready`:                                                     {"z", "madoguchi_ready"},
		`label_values(madoguchi_conversations_started_total, municipality)`:                                      {"madoguchi_conversations_started_total"},
		`sort_desc(sum by (topic) (increase(f{outcome="answered",m=~"$municipality"}[$__range])))`:               {"f"},
	} {
		if got := promqlMetrics(expr); !slices.Equal(got, want) {
			t.Errorf("promqlMetrics(%q) = %q, want %q", expr, got, want)
		}
	}
}

// dashboardPanel is what the test reads of a Grafana panel.
type dashboardPanel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource *struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr         string `json:"expr"`
		RefID        string `json:"refId"`
		LegendFormat string `json:"legendFormat"`
	} `json:"targets"`
	Panels []dashboardPanel `json:"panels"` // a row's, when collapsed
}

// dashboard is what the tests read of deploy/observability/dashboard.json.
type dashboard struct {
	UID        string           `json:"uid"`
	Title      string           `json:"title"`
	Panels     []dashboardPanel `json:"panels"`
	Templating struct {
		List []dashboardVariable `json:"list"`
	} `json:"templating"`
}

// dashboardVariable is a template variable of the dashboard.
type dashboardVariable struct {
	Name     string          `json:"name"`
	Type     string          `json:"type"`
	Query    json.RawMessage `json:"query"`
	AllValue string          `json:"allValue"`
}

// readDashboard parses deploy/observability/dashboard.json.
func readDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile("../../deploy/observability/dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dashboard.json: %v", err)
	}
	return d
}

// leaves returns the dashboard's panels that are not rows (rows' panels
// included), in the dashboard's order.
func (d dashboard) leaves() []dashboardPanel {
	var out []dashboardPanel
	var walk func([]dashboardPanel)
	walk = func(ps []dashboardPanel) {
		for _, p := range ps {
			if p.Type == "row" {
				walk(p.Panels)
				continue
			}
			out = append(out, p)
		}
	}
	walk(d.Panels)
	return out
}

// query returns the PromQL (or label_values) query of a variable of type
// query, which Grafana writes as a string or as an object.
func (v dashboardVariable) query(t *testing.T) string {
	t.Helper()
	var q struct{ Query string }
	if err := json.Unmarshal(v.Query, &q); err != nil {
		if err := json.Unmarshal(v.Query, &q.Query); err != nil {
			t.Fatalf("variable %s: query %s", v.Name, v.Query)
		}
	}
	return q.Query
}

// dashboardQueries returns every PromQL query of
// deploy/observability/dashboard.json (panels, rows' panels, template
// variables), by where it is, after checking the panels' structure.
func dashboardQueries(t *testing.T) map[string]string {
	t.Helper()
	d := readDashboard(t)
	if d.UID == "" || d.Title == "" {
		t.Errorf("dashboard uid %q, title %q", d.UID, d.Title)
	}
	queries := map[string]string{}
	ids := map[int]bool{}
	var walk func([]dashboardPanel)
	walk = func(ps []dashboardPanel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("panel id %d used twice", p.ID)
			}
			ids[p.ID] = true
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, p := range d.leaves() {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q does not use the dashboard's ${datasource}", p.Title)
		}
		for _, tg := range p.Targets {
			if strings.TrimSpace(tg.Expr) == "" {
				t.Errorf("panel %q query %s is empty", p.Title, tg.RefID)
			}
			queries[p.Title+" "+tg.RefID] = tg.Expr
		}
	}
	for _, v := range d.Templating.List {
		if v.Type == "query" {
			queries["variable "+v.Name] = v.query(t)
		}
	}
	return queries
}

// TestDashboardUsesExportedMetrics checks that every metric each query of
// deploy/observability/dashboard.json names is exported by a running
// server after trafficMetrics' LINE events and chat turns, and that the
// dashboard shows what the service is for.
func TestDashboardUsesExportedMetrics(t *testing.T) {
	queries := dashboardQueries(t)
	families := trafficMetrics(t).families
	used := map[string]bool{}
	for where, expr := range queries {
		names := promqlMetrics(expr)
		if len(names) == 0 {
			t.Errorf("%s names no metric: %s", where, expr)
		}
		for _, m := range names {
			used[m] = true
			if !exported(families, m) {
				t.Errorf("%s uses %s, which the server does not export: %s", where, m, expr)
			}
		}
	}
	for _, m := range []string{
		"madoguchi_http_requests_total", "madoguchi_ready", "madoguchi_knowledge_version",
		"madoguchi_line_queue_oldest_age_seconds", "madoguchi_line_queue_depth", "madoguchi_line_events_total",
		"madoguchi_line_api_request_duration_seconds_bucket", "madoguchi_line_api_errors_total",
		"madoguchi_redis_command_duration_seconds_bucket", "madoguchi_redis_errors_total",
		"madoguchi_conversations_started_total", "madoguchi_conversations_finished_total",
		"madoguchi_checklists_total", "madoguchi_faq_total", "madoguchi_pin_warnings_total",
	} {
		if !used[m] {
			t.Errorf("the dashboard has no panel on %s", m)
		}
	}
}

// BenchmarkRedisHook measures what timing one Redis command adds to it
// (the command itself left out).
func BenchmarkRedisHook(b *testing.B) {
	h, err := newRedisHook(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	process := h.ProcessHook(func(context.Context, redis.Cmder) error { return nil })
	cmd := redis.NewStringCmd(context.Background(), "get", "k")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_ = process(ctx, cmd)
	}
}
