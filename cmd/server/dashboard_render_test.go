package main

import (
	"fmt"
	"maps"
	"math"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// dashboardWindow is what Grafana's interval variables ($__rate_interval,
// $__range, $__interval) become when the test renders the dashboard:
// short, so that a few seconds of scrapes every second fill it.
const dashboardWindow = "15s"

// mustShowData are the panels that must show data once a server has had
// trafficMetrics' day and healthyTraffic's: every query of each returns a
// series with a number (not NaN).
var mustShowData = []string{
	"Requests by route", "Ready replicas", "Readiness by replica", "Knowledge version",
	"Events by outcome", "Messaging API latency", "Redis latency p99",
	"Conversations started and finished", "Checklists by municipality and procedure",
}

// expectedAlerts are the alerts a healthy server of trafficMetrics' may
// have active: it runs on the embedded Redis, which keeps nothing on a
// restart, so the durability warning's expression holds (pending: its
// "for" is 5 minutes).
var expectedAlerts = map[string]string{"MadoguchiRedisDurabilityWarning": `reason="embedded"`}

// TestDashboardRendered runs the dashboard against a real Prometheus: a
// server has trafficMetrics' day, a Prometheus of the test's own scrapes
// it every second with deploy/observability/alerts.yml loaded, the server
// has more (healthy) traffic, and once Prometheus has scraped that, every
// panel's queries (Grafana's variables given values: dashboardWindow,
// $municipality's "All") are evaluated by Prometheus's HTTP API. It fails
// on a query Prometheus refuses and when a panel of mustShowData shows
// nothing, and logs every panel's values (go test -v). It then checks
// that no alert is active on the healthy server but expectedAlerts, and
// that MadoguchiNotReady's expression holds once the server reports not
// ready (draining).
func TestDashboardRendered(t *testing.T) {
	prometheusBinary(t) // skip before starting the server
	d := readDashboard(t)
	vars := dashboardVariables(d)
	tr := trafficMetrics(t)
	alerts, err := filepath.Abs("../../deploy/observability/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(tr.m.Addr().String())
	p := startPrometheus(t, net.JoinHostPort("127.0.0.1", port), alerts)
	first := p.awaitScrapeAfter(t, time.Time{})

	healthyTraffic(t, tr)
	last := p.awaitScrapeAfter(t, time.Now())
	t.Logf("the dashboard (interval and range %s), Prometheus's scrapes from %s to %s:",
		dashboardWindow, first.Format("15:04:05.000"), last.Format("15:04:05.000"))

	for _, panel := range d.leaves() {
		var out strings.Builder
		shown := true
		for _, tg := range panel.Targets {
			expr := vars.Replace(tg.Expr)
			if strings.Contains(expr, "$") {
				t.Errorf("panel %q %s: a variable the test does not know: %s", panel.Title, tg.RefID, expr)
				continue
			}
			series, err := p.query(expr)
			if err != nil {
				t.Errorf("panel %q %s: %v\n%s", panel.Title, tg.RefID, err, expr)
				continue
			}
			if !slices.ContainsFunc(series, func(s promSample) bool { return !math.IsNaN(s.Value) }) {
				shown = false
			}
			if len(series) == 0 {
				fmt.Fprintf(&out, "\n    %s  (no series)", tg.RefID)
			}
			for _, s := range sortedByLegend(series, tg.LegendFormat) {
				fmt.Fprintf(&out, "\n    %s  %-48s %.4g", tg.RefID, legend(tg.LegendFormat, s.Metric), s.Value)
			}
		}
		t.Logf("%s%s", panel.Title, out.String())
		if !shown && slices.Contains(mustShowData, panel.Title) {
			t.Errorf("panel %q shows no data after the traffic", panel.Title)
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		values := labelValues(t, p, v.query(t))
		t.Logf("variable %s: %s", v.Name, strings.Join(values, ", "))
		if !slices.Contains(values, "akishima") || !slices.Contains(values, "edogawa") {
			t.Errorf("variable %s = %q, want akishima and edogawa (where conversations started)", v.Name, values)
		}
	}
	for _, panel := range []string{"Ready replicas", "Readiness by replica", "Knowledge version"} {
		if v := panelValue(t, p, d, vars, panel); v != 1 {
			t.Errorf("%s = %v, want 1 (one replica, ready, its first knowledge)", panel, v)
		}
	}

	// The alerts on the healthy server.
	active, err := p.alerts()
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, a := range active {
		t.Logf("alert %s %s: %s", a.Labels["alertname"], a.State, labelString(a.Labels))
		want, ok := expectedAlerts[a.Labels["alertname"]]
		switch {
		case ok && a.State == "pending" && strings.Contains(labelString(a.Labels), want):
			seen = true
		default:
			t.Errorf("alert %s is %s on a healthy server: %s", a.Labels["alertname"], a.State, labelString(a.Labels))
		}
	}
	if !seen {
		t.Errorf("no MadoguchiRedisDurabilityWarning pending for the embedded Redis (are the rules evaluated?): %v", active)
	}

	// Not ready: MadoguchiNotReady's expression holds (pending, for 2m).
	tr.m.draining.Store(true)
	p.awaitScrapeAfter(t, time.Now())
	// The rules are evaluated on their own interval, after the scrape:
	// look until the evaluation after it has run (on a loaded machine it
	// came after the first look).
	i := -1
	for deadline := time.Now().Add(30 * time.Second); ; {
		active, err = p.alerts()
		if err != nil {
			t.Fatal(err)
		}
		i = slices.IndexFunc(active, func(a promAlert) bool { return a.Labels["alertname"] == "MadoguchiNotReady" })
		if i >= 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if i < 0 {
		t.Fatalf("MadoguchiNotReady not active within 30 s of the server reporting not ready: %v", active)
	}
	t.Logf("draining: alert MadoguchiNotReady %s: %s; Readiness by replica %v",
		active[i].State, labelString(active[i].Labels), panelValue(t, p, d, vars, "Readiness by replica"))
	if active[i].State != "pending" {
		t.Errorf("MadoguchiNotReady is %s seconds after the server stopped being ready, want pending (for 2m)", active[i].State)
	}
}

// dashboardVariables returns the replacer that gives Grafana's variables
// the values the test renders the dashboard with: the interval and range
// variables dashboardWindow, a template variable its "All" value.
func dashboardVariables(d dashboard) *strings.Replacer {
	var pairs []string
	for _, v := range []string{"__rate_interval", "__range", "__interval"} {
		pairs = append(pairs, "${"+v+"}", dashboardWindow, "$"+v, dashboardWindow)
	}
	for _, v := range d.Templating.List {
		all := v.AllValue
		if all == "" {
			all = ".*"
		}
		pairs = append(pairs, "${"+v.Name+"}", all, "$"+v.Name, all)
	}
	return strings.NewReplacer(pairs...)
}

// healthyTraffic sends tr's server what a healthy service sees, after
// trafficMetrics' (each a new event, user and conversation): two LINE
// events replied and an API conversation as chatConversation's. It
// returns once the server counts the events replied.
func healthyTraffic(t *testing.T, tr traffic) {
	t.Helper()
	for i, user := range []string{"U4af4980629000000000000000000000d", "U4af4980629000000000000000000000e"} {
		body := lineEvent(fmt.Sprintf("01H810YECXQQZ37VAXPF6H9E8%d", i), user, fmt.Sprintf("dashboard%023d", i), "電子証明書の更新をしたい")
		if code := signedWebhook(t, tr.base+"/webhook/line/edogawa", "secret", body, ""); code != http.StatusOK {
			t.Fatalf("webhook: %d", code)
		}
	}
	chatConversation(t, tr.base, "dashboard-rendered")
	tr.api.waitReplies(t, 3)
	replied := `madoguchi_line_events_total{municipality="edogawa",outcome="replied",type="message.text"}`
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if s, _ := scrape(t, tr.base+"/metrics"); s[replied] == 3 {
			return
		} else if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want 3", replied, s[replied])
		}
	}
}

// panelValue returns the value of the first query of the panel titled
// title, which must be one series.
func panelValue(t *testing.T, p *promServer, d dashboard, vars *strings.Replacer, title string) float64 {
	t.Helper()
	i := slices.IndexFunc(d.leaves(), func(p dashboardPanel) bool { return p.Title == title })
	if i < 0 {
		t.Fatalf("no panel %q", title)
	}
	series, err := p.query(vars.Replace(d.leaves()[i].Targets[0].Expr))
	if err != nil || len(series) != 1 {
		t.Fatalf("panel %q: %v, %v: want one series", title, series, err)
	}
	return series[0].Value
}

// grafanaLabelValues is Grafana's label_values(metric, label).
var grafanaLabelValues = regexp.MustCompile(`^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$`)

// labelValues answers a variable's label_values(metric, label) query as
// Grafana does, by /api/v1/label/<label>/values?match[]=metric.
func labelValues(t *testing.T, p *promServer, query string) []string {
	t.Helper()
	m := grafanaLabelValues.FindStringSubmatch(query)
	if m == nil {
		t.Fatalf("variable query %q is not label_values(metric, label)", query)
	}
	var values []string
	if err := p.api("label/"+m[2]+"/values", url.Values{"match[]": {m[1]}}, &values); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return values
}

// legend renders a Grafana legend format ("{{route}} {{status}}") with a
// series' labels; an empty format gives the labels themselves.
func legend(format string, labels map[string]string) string {
	if strings.TrimSpace(format) == "" {
		return labelString(labels)
	}
	return legendVar.ReplaceAllStringFunc(format, func(v string) string {
		return labels[strings.TrimSpace(v[2:len(v)-2])]
	})
}

var legendVar = regexp.MustCompile(`\{\{\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\}\}`)

// labelString prints labels as PromQL does, sorted: {a="1", b="2"}.
func labelString(labels map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		parts = append(parts, fmt.Sprintf("%s=%q", k, labels[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// sortedByLegend returns series sorted by their legend.
func sortedByLegend(series []promSample, format string) []promSample {
	out := slices.Clone(series)
	slices.SortFunc(out, func(a, b promSample) int {
		return strings.Compare(legend(format, a.Metric), legend(format, b.Metric))
	})
	return out
}
