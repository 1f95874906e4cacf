package check

import (
	"os"
	"os/exec"
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
