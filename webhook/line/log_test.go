package line_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/internal/testlog"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// TestEventLogLevels checks what an operator's Info log says of events: an
// event answered as usual writes no line (the access log and the metric
// count it), one that had to be pushed does, with the user hashed.
func TestEventLogLevels(t *testing.T) {
	e := newEnv(t)
	var logs testlog.Buffer
	in := e.start(func(c *line.Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	in.postSigned(t, textEvent(userID, "01HLOGREPLIED000000000000A", fixtureTime, "更新したい"))
	if r := e.wait(1)[0]; r.Outcome != line.OutcomeReplied {
		t.Fatalf("first event: outcome %s", r.Outcome)
	}
	e.setNow(time.UnixMilli(fixtureTime).Add(2 * time.Minute))
	in.postSigned(t, textEvent(userID, "01HLOGPUSHED0000000000000B", fixtureTime+1, "35歳"))
	if r := e.wait(1)[0]; r.Outcome != line.OutcomePushed {
		t.Fatalf("second event: outcome %s", r.Outcome)
	}

	var outcomes []string
	for _, ln := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(ln), &rec); err != nil {
			t.Fatalf("log line %q: %v", ln, err)
		}
		if rec["msg"] == "line: event" {
			outcomes = append(outcomes, rec["outcome"].(string))
		}
	}
	if len(outcomes) != 1 || outcomes[0] != string(line.OutcomePushed) {
		t.Errorf("Info event lines with outcomes %v, want one: pushed", outcomes)
	}
	if all := logs.String(); strings.Contains(all, userID) || strings.Contains(all, "35歳") {
		t.Errorf("the log holds a user id or message text:\n%s", all)
	}
}
