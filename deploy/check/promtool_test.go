package check

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// promtool returns the path of promtool (Debian's prometheus package).
// When it is not installed the test is skipped, unless CI is set: there a
// missing promtool is a broken set-up (.ci/run installs it) and the test
// fails, as internal/redistest.Binary does for redis-server.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("promtool not found (CI=%s): install it (.ci/run: apt-get install -y prometheus)", os.Getenv("CI"))
		}
		t.Skip("promtool not found; install it (apt-get install prometheus) to check the alert rules")
	}
	return p
}

// TestAlertRules runs `promtool check rules` on deploy/observability's
// alerts.yml and `promtool test rules` on its unit tests, alerts_test.yml.
func TestAlertRules(t *testing.T) {
	bin := promtool(t)
	for _, args := range [][]string{{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts_test.yml"}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = "../observability"
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}

// TestDashboardQueriesParse checks that every query of
// deploy/observability/dashboard.json is valid PromQL: Grafana's
// variables are given values ($__rate_interval 1m, $__range 1h,
// $municipality .*), each query becomes a recording rule, and `promtool
// check rules` parses them all. (cmd/server's
// TestDashboardUsesExportedMetrics checks the metrics they name.)
func TestDashboardQueriesParse(t *testing.T) {
	bin := promtool(t)
	b, err := os.ReadFile("../observability/dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	type panel struct {
		Title   string
		Targets []struct{ Expr string }
		Panels  []json.RawMessage
	}
	var d struct{ Panels []json.RawMessage }
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	vars := strings.NewReplacer("$__rate_interval", "1m", "$__range", "1h", "$municipality", ".*")
	var rules []map[string]string
	var walk func([]json.RawMessage)
	walk = func(raw []json.RawMessage) {
		for _, r := range raw {
			var p panel
			if err := json.Unmarshal(r, &p); err != nil {
				t.Fatal(err)
			}
			walk(p.Panels)
			for i, tg := range p.Targets {
				rules = append(rules, map[string]string{
					"record": fmt.Sprintf("dashboard:panel_%d_%d", len(rules), i),
					"expr":   vars.Replace(tg.Expr),
				})
			}
		}
	}
	walk(d.Panels)
	if len(rules) < 20 {
		t.Fatalf("only %d dashboard queries", len(rules))
	}
	out, err := json.Marshal(map[string]any{"groups": []any{map[string]any{"name": "dashboard", "rules": rules}}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "dashboard-rules.yml") // JSON is YAML
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "check", "rules", file).CombinedOutput(); err != nil {
		t.Errorf("promtool check rules on the dashboard's queries: %v\n%s", err, out)
	}
}
