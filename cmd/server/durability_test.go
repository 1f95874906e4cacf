package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/internal/redistest"
)

// readyDurability returns /readyz's status code and redis_durability.
func readyDurability(t *testing.T, base string) (int, Durability) {
	t.Helper()
	code, body := get(t, base+"/readyz")
	var r struct {
		Durability Durability `json:"redis_durability"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("/readyz %d %s: %v", code, body, err)
	}
	return code, r.Durability
}

// gauge returns the madoguchi_redis_durability_warning lines of /metrics.
func gauge(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "madoguchi_redis_durability_warning{") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var lineVars = map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}

// TestDurabilityReported starts the server on Redis servers of the
// test's own with various persistence settings, and on a managed-like
// Redis that refuses CONFIG (and one that refuses INFO too), and checks
// the log, /readyz's redis_durability (with its status code unchanged)
// and the gauge.
func TestDurabilityReported(t *testing.T) {
	for _, tt := range []struct {
		name       string
		conf       []string
		line       bool
		status     string
		source     string
		errorLog   bool
		warnings   []string // reasons the gauge sets to 1
		inProblems string
	}{
		{"no AOF, with LINE", nil, true, "at_risk", "config", true, []string{"no_aof"}, "appendonly is not yes on 1 of 1"},
		{"no AOF, without LINE", nil, false, "at_risk", "config", false, nil, "appendonly is not yes"},
		{"evicting, with LINE", []string{"appendonly yes", "maxmemory 100mb", "maxmemory-policy allkeys-lru"}, true, "at_risk", "config", true, []string{"evicting"}, "maxmemory-policy is allkeys-lru"},
		{"as required, with LINE", []string{"appendonly yes", "appendfsync always"}, true, "ok", "config", false, nil, ""},
		{"CONFIG refused, read from INFO", []string{"appendonly yes", `rename-command CONFIG ""`}, true, "ok", "info", false, nil, ""},
		{"CONFIG refused, no AOF in INFO", []string{`rename-command CONFIG ""`}, true, "at_risk", "info", true, []string{"no_aof"}, "appendonly is not yes"},
		{"CONFIG and INFO refused", []string{`rename-command CONFIG ""`, `rename-command INFO ""`}, true, "unknown", "none", true, []string{"unknown"}, "could not be read"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.StartServer(t, tt.conf...)
			vars := map[string]string{"REDIS_URL": srv.URL()}
			if tt.line {
				for k, v := range lineVars {
					vars[k] = v
				}
			}
			_, logs, base := startMain(t, vars)
			code, d := readyDurability(t, base)
			if code != http.StatusOK || d.Status != tt.status || d.LINE != tt.line || len(d.Primaries) != 1 || d.Primaries[0].Source != tt.source {
				t.Errorf("/readyz %d %+v, want 200, status %s, line %v, read from %s", code, d, tt.status, tt.line, tt.source)
			}
			if got := strings.Join(d.Problems, "; "); tt.inProblems == "" && got != "" || !strings.Contains(got, tt.inProblems) {
				t.Errorf("problems %q, want %q", got, tt.inProblems)
			}
			if hasError := strings.Contains(logs.String(), `"level":"ERROR","msg":"Redis persistence puts LINE at risk`); hasError != tt.errorLog {
				t.Errorf("error log %v, want %v:\n%s", hasError, tt.errorLog, logs)
			}
			g := gauge(t, base)
			for _, r := range reasons {
				want := `madoguchi_redis_durability_warning{reason="` + r + `"} 0`
				for _, w := range tt.warnings {
					if w == r {
						want = `madoguchi_redis_durability_warning{reason="` + r + `"} 1`
					}
				}
				if !strings.Contains(g, want) {
					t.Errorf("gauge lacks %s:\n%s", want, g)
				}
			}
			if strings.Contains(d.String(), srv.Addr) {
				t.Errorf("/readyz names the Redis address: %s", d)
			}
		})
	}
}

// TestDurabilityOnCluster reads every primary of a real cluster.
func TestDurabilityOnCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3, "appendonly yes")
	m, _, base := startMain(t, map[string]string{"REDIS_URL": c.URL(), "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"})
	code, d := readyDurability(t, base)
	if code != http.StatusOK || d.Status != "ok" || len(d.Primaries) != 3 {
		t.Errorf("/readyz %d %+v, want ok from 3 primaries", code, d)
	}
	// One primary loses its AOF (an operator's CONFIG SET on the test's
	// own node): the next check reports 1 of 3.
	if err := c.Nodes[1].Client(t).ConfigSet(t.Context(), "appendonly", "no").Err(); err != nil {
		t.Fatal(err)
	}
	if r := m.durability.checkOnce(t.Context()); r.Status != "at_risk" || !strings.Contains(strings.Join(r.Problems, ";"), "1 of 3 primaries") {
		t.Errorf("after CONFIG SET appendonly no on one node: %+v", r)
	}
}

// TestDurabilityEmbedded: the embedded Redis keeps nothing, which LINE is
// told of.
func TestDurabilityEmbedded(t *testing.T) {
	_, logs, base := startMain(t, map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"})
	if _, d := readyDurability(t, base); d.Status != "embedded" {
		t.Errorf("/readyz durability %+v, want embedded", d)
	}
	if !strings.Contains(logs.String(), `"level":"ERROR","msg":"Redis persistence puts LINE at risk`) {
		t.Errorf("no error log with LINE on the embedded Redis:\n%s", logs)
	}
	if g := gauge(t, base); !strings.Contains(g, `reason="embedded"} 1`) {
		t.Errorf("gauge:\n%s", g)
	}
}

func (d Durability) String() string { b, _ := json.Marshal(d); return string(b) }

// TestDurabilityStaff: with the staff console in use (ADMIN_USER, or an
// account made by an earlier start) a Redis without AOF is an error the
// server logs at start, since it would lose the published knowledge; with
// neither, or with AOF on, it is not.
func TestDurabilityStaff(t *testing.T) {
	const staffError = `"level":"ERROR","msg":"Redis persistence puts the staff console's published knowledge at risk`
	admin := map[string]string{"ADMIN_USER": "root", "ADMIN_PASSWORD": "correct horse battery"}
	start := func(srv *redistest.Server, extra map[string]string) (string, Durability, string) {
		t.Helper()
		vars := map[string]string{}
		if srv != nil {
			vars["REDIS_URL"] = srv.URL()
		}
		for k, v := range extra {
			vars[k] = v
		}
		m, logs, base := startMain(t, vars)
		_, d := readyDurability(t, base)
		g := gauge(t, base)
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		return logs.String(), d, g
	}

	noAOF := redistest.StartServer(t)
	logs, d, _ := start(noAOF, nil)
	if strings.Contains(logs, staffError) || d.Staff {
		t.Errorf("no account, no ADMIN_USER: staff %v, logs:\n%s", d.Staff, logs)
	}
	logs, d, g := start(noAOF, admin)
	if !strings.Contains(logs, staffError) || !d.Staff || !strings.Contains(g, `reason="no_aof"} 1`) {
		t.Errorf("ADMIN_USER on a Redis without AOF: staff %v, gauge\n%s\nlogs:\n%s", d.Staff, g, logs)
	}
	if strings.Contains(logs, "admin: Redis persistence is off") {
		t.Errorf("the admin's own warning as well as the server's:\n%s", logs)
	}
	// Restarted without ADMIN_*: the account the first start made is there.
	if logs, d, _ = start(noAOF, nil); !strings.Contains(logs, staffError) || !d.Staff {
		t.Errorf("an account, no ADMIN_USER: staff %v, logs:\n%s", d.Staff, logs)
	}

	if logs, d, _ = start(redistest.StartServer(t, "appendonly yes"), admin); strings.Contains(logs, staffError) || d.Status != "ok" || !d.Staff {
		t.Errorf("ADMIN_USER with AOF: %+v, logs:\n%s", d, logs)
	}
	// The embedded Redis keeps nothing: published versions die with the process.
	if logs, _, _ = start(nil, admin); !strings.Contains(logs, staffError) {
		t.Errorf("ADMIN_USER on the embedded Redis: no error:\n%s", logs)
	}
}
