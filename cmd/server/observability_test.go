package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// scrape returns the samples of a /metrics answer, by series (name and
// labels as printed), and the metric families named in it.
func scrape(t *testing.T, url string) (samples map[string]float64, families map[string]bool) {
	t.Helper()
	code, body := get(t, url)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d", url, code)
	}
	samples, families = map[string]float64{}, map[string]bool{}
	for _, l := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(l, "# TYPE "); ok {
			families[strings.Fields(rest)[0]] = true
			continue
		}
		if l == "" || l[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", l, err)
		}
		samples[l[:i]] = v
	}
	return samples, families
}

// TestAlertRulesUseExportedMetrics runs the server with a LINE channel,
// answers one LINE event and one chat turn, scrapes /metrics, and checks
// that every madoguchi_ metric deploy/observability/alerts.yml names is
// one the server exports, and that the metrics the rules stand on say
// what happened: ready, the queue empty again, the event replied.
func TestAlertRulesUseExportedMetrics(t *testing.T) {
	api := &fakeLINE{}
	fake := httptest.NewServer(api)
	t.Cleanup(fake.Close)
	_, _, base := startMain(t, map[string]string{
		"LINE_CHANNEL_SECRET":       "secret",
		"LINE_CHANNEL_ACCESS_TOKEN": "token",
		"LINE_API_ENDPOINT":         fake.URL,
	})
	now := time.Now().UnixMilli()
	body := `{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"468789577898262531","quoteToken":"q","text":"電子証明書の更新をしたい"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E7T","deliveryContext":{"isRedelivery":false},"timestamp":` +
		jsonInt(now) + `,"source":{"type":"user","userId":"U4af4980629000000000000000000000b"},"replyToken":"38ef843bde154d9b91c21320ffd17a0e","mode":"active"}]}`
	if code := signedWebhook(t, base+"/webhook/line/edogawa", "secret", body, ""); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	api.waitReplies(t, 1)
	if code, _ := post(t, base+"/api/v1/chat", `{"municipality":"edogawa","session_id":"alerts-test","text":"更新したい"}`); code != http.StatusOK {
		t.Fatalf("chat: %d", code)
	}

	// The event's result is counted just after its reply: wait for it.
	var samples map[string]float64
	var families map[string]bool
	replied := `madoguchi_line_events_total{municipality="edogawa",outcome="replied",type="message.text"}`
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		samples, families = scrape(t, base+"/metrics")
		if samples[replied] == 1 || time.Now().After(deadline) {
			break
		}
	}
	if samples[replied] != 1 {
		t.Errorf("%s = %v, want 1", replied, samples[replied])

	}
	if samples["madoguchi_ready"] != 1 {
		t.Errorf("madoguchi_ready = %v, want 1", samples["madoguchi_ready"])
	}
	shards := 0
	for k, v := range samples {
		if strings.HasPrefix(k, "madoguchi_line_queue_depth{") {
			shards++
			age := samples[strings.Replace(k, "_depth{", "_oldest_age_seconds{", 1)]
			if v != 0 || age != 0 {
				t.Errorf("%s = %v, age %v: want an empty queue once the event is answered", k, v, age)
			}
		}
	}
	if shards != 32 {
		t.Errorf("madoguchi_line_queue_depth for %d shards, want 32", shards)
	}
	if samples[`madoguchi_redis_durability_warning{reason="embedded"}`] != 1 {
		t.Errorf("madoguchi_redis_durability_warning{reason=embedded} = %v with LINE on the embedded Redis",
			samples[`madoguchi_redis_durability_warning{reason="embedded"}`])
	}

	// Every madoguchi_ metric of the rules is exported.
	b, err := os.ReadFile("../../deploy/observability/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct{ Alert, Expr string }
		}
	}
	if err := yaml.Unmarshal(b, &rules); err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`\bmadoguchi_[a-z0-9_]+`)
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			used := name.FindAllString(r.Expr, -1)
			if len(used) == 0 {
				t.Errorf("alert %s names no madoguchi metric: %s", r.Alert, r.Expr)
			}
			for _, m := range used {
				n++
				if !families[m] && !families[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m, "_bucket"), "_count"), "_sum")] {
					t.Errorf("alert %s uses %s, which the server does not export", r.Alert, m)
				}
			}
		}
	}
	if n < 6 {
		t.Errorf("only %d metric uses in the alert rules", n)
	}
}

// TestReadyGauge checks madoguchi_ready against /readyz: 0 once Redis is
// gone, as /readyz's 503.
func TestReadyGauge(t *testing.T) {
	m, _, base := startMain(t, map[string]string{})
	if s, _ := scrape(t, base+"/metrics"); s["madoguchi_ready"] != 1 {
		t.Errorf("madoguchi_ready = %v, want 1", s["madoguchi_ready"])
	}
	m.embedded.Close()
	if code, _ := get(t, base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with Redis gone: %d", code)
	}
	if s, _ := scrape(t, base+"/metrics"); s["madoguchi_ready"] != 0 {
		t.Errorf("madoguchi_ready with Redis gone = %v, want 0", s["madoguchi_ready"])
	}
}
