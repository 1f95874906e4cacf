package admin_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/knowledge/usage"
	"github.com/madoguchi/madoguchi/webhook/admin"
	"github.com/madoguchi/madoguchi/webhook/admin/auth"
)

// newUsageEnv is an admin whose usage page reads a usage.Store holding a
// few recorded turns of nerima.
func newUsageEnv(t *testing.T) *env {
	t.Helper()
	var u *usage.Store
	e := newEnv(t, func(cfg *admin.Config) {
		var err error
		u, err = usage.New(usage.Config{Redis: cfg.Redis, Prefix: cfg.Prefix, PINLike: func(s string) bool { return strings.Contains(s, "暗証番号") }})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Usage = u
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { u.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	sit := &usage.Situation{Rule: "nerima-self-notice", Procedure: "renewal", Covered: true}
	for range 3 {
		u.Record(ctx, usage.Turn{Municipality: "nerima", Started: true, Checklist: sit})
	}
	u.Record(ctx, usage.Turn{Municipality: "nerima", Topics: []string{"fee"}})
	for range 2 {
		u.Record(ctx, usage.Turn{Municipality: "nerima", Unanswered: true, Question: "=駐車場はありますか"})
	}
	u.Record(ctx, usage.Turn{Municipality: "nerima", Unanswered: true, Question: "土曜は開いていますか"})
	u.Record(ctx, usage.Turn{Municipality: "edogawa", Started: true})
	if err := u.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestUsagePage(t *testing.T) {
	e := newUsageEnv(t)
	e.account("nerima-viewer", map[string]auth.Role{"nerima": auth.Viewer})
	b := e.browserLogin("localhost:8080", "nerima-viewer")

	res := b.get("/admin/usage?municipality=nerima&days=30")
	if res.Code != 200 {
		t.Fatalf("usage page: %d %s", res.Code, res.Body)
	}
	body := res.Body.String()
	for _, want := range []string{
		`<tr id="usage-totals"><td>3</td><td>3</td><td>1</td><td>3</td><td>0</td></tr>`,
		"更新: ルール nerima-self-notice", "(fee)", "<svg", "<rect",
		// most frequent first, escaped
		"=駐車場はありますか</td>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if i, j := strings.Index(body, "=駐車場はありますか"), strings.Index(body, "土曜は開いていますか"); i < 0 || j < 0 || i > j {
		t.Errorf("unanswered questions not most frequent first (%d, %d)", i, j)
	}
	if strings.Count(body, "<tr><td>20") != 30 {
		t.Errorf("want 30 day rows, got %d", strings.Count(body, "<tr><td>20"))
	}

	res = b.get("/admin/usage?municipality=nerima&days=7&format=csv")
	if res.Code != 200 || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "kind,date,item,count" || len(rows) != 1+7*5+1+1+2 {
		t.Fatalf("csv rows: %q", rows)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		if r[0] != "day" || r[3] != "0" {
			got[r[0]+"|"+r[2]] = r[3]
		}
	}
	for k, v := range map[string]string{"day|conversations": "3", "day|checklists": "3", "day|faq": "1", "day|unanswered": "3",
		"situation|renewal nerima-self-notice": "3", "topic|fee": "1", "question|'=駐車場はありますか": "2", "question|土曜は開いていますか": "1"} {
		if got[k] != v {
			t.Errorf("csv %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}

	// Another municipality's figures are not this viewer's.
	for path, code := range map[string]int{
		"/admin/usage?municipality=edogawa":            403,
		"/admin/usage?municipality=edogawa&format=csv": 403,
		"/admin/usage?municipality=nowhere":            404,
		"/admin/usage?municipality=nerima&days=0":      400,
		"/admin/usage?municipality=nerima&days=x":      400,
	} {
		if res := b.get(path); res.Code != code {
			t.Errorf("%s: %d, want %d", path, res.Code, code)
		}
	}
	res = b.get("/admin/usage")
	if res.Code != 200 || !strings.Contains(res.Body.String(), "municipality=nerima") || strings.Contains(res.Body.String(), "municipality=edogawa") {
		t.Errorf("chooser: %d %s", res.Code, res.Body)
	}

	// An admin sees every municipality's.
	admin := e.browserLogin("localhost:8080", "root")
	if res := admin.get("/admin/usage?municipality=edogawa&days=1"); res.Code != 200 || !strings.Contains(res.Body.String(), `<tr id="usage-totals"><td>1</td>`) {
		t.Errorf("admin on edogawa: %d", res.Code)
	}
}

func TestUsagePageOff(t *testing.T) {
	e := newEnv(t, nil)
	b := e.browserLogin("localhost:8080", "root")
	if res := b.get("/admin/usage?municipality=nerima"); res.Code != 404 {
		t.Errorf("without usage: %d", res.Code)
	}
}
