package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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

// traffic is what a server exports after trafficMetrics' requests.
type traffic struct {
	m        *Main
	base     string    // the server's URL
	api      *fakeLINE // its Messaging API
	samples  map[string]float64
	families map[string]bool
}

// lineEvent returns a LINE webhook body of one text message event.
func lineEvent(eventID, user, replyToken, text string) string {
	return `{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"468789577898262531","quoteToken":"q","text":"` + text + `"},"webhookEventId":"` + eventID + `","deliveryContext":{"isRedelivery":false},"timestamp":` +
		jsonInt(time.Now().UnixMilli()) + `,"source":{"type":"user","userId":"` + user + `"},"replyToken":"` + replyToken + `","mode":"active"}]}`
}

// trafficMetrics runs the server with a LINE channel (on a fake Messaging
// API) and sends what a day of service holds: a LINE event replied, one
// whose reply LINE refuses, a chat conversation through the API that asks
// an FAQ question, sends a PIN and gets a checklist the page does not
// cover, a Redis command refused; then scrapes /metrics once the LINE
// events are counted, and checks what the metrics say happened.
func trafficMetrics(t *testing.T) traffic {
	t.Helper()
	api := &fakeLINE{refuse: "refused0000000000000000000000000"}
	fake := httptest.NewServer(api)
	t.Cleanup(fake.Close)
	m, _, base := startMain(t, map[string]string{
		"LINE_CHANNEL_SECRET":       "secret",
		"LINE_CHANNEL_ACCESS_TOKEN": "token",
		"LINE_API_ENDPOINT":         fake.URL,
	})
	for _, body := range []string{
		lineEvent("01H810YECXQQZ37VAXPF6H9E7T", "U4af4980629000000000000000000000b", "38ef843bde154d9b91c21320ffd17a0e", "電子証明書の更新をしたい"),
		lineEvent("01H810YECXQQZ37VAXPF6H9E7U", "U4af4980629000000000000000000000c", "refused0000000000000000000000000", "電子証明書の更新をしたい"),
	} {
		if code := signedWebhook(t, base+"/webhook/line/edogawa", "secret", body, ""); code != http.StatusOK {
			t.Fatalf("webhook: %d", code)
		}
	}
	api.waitReplies(t, 1)
	chatConversation(t, base, "alerts-test")
	if err := m.Redis.Do(context.Background(), "NOSUCHCOMMAND").Err(); err == nil {
		t.Fatal("Redis took NOSUCHCOMMAND")
	}

	// The events' results are counted just after their replies: wait.
	var samples map[string]float64
	var families map[string]bool
	replied := `madoguchi_line_events_total{municipality="edogawa",outcome="replied",type="message.text"}`
	failed := `madoguchi_line_events_total{municipality="edogawa",outcome="failed",type="message.text"}`
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		samples, families = scrape(t, base+"/metrics")
		if (samples[replied] == 1 && samples[failed] == 1) || time.Now().After(deadline) {
			break
		}
	}
	for _, s := range []string{replied, failed} {
		if samples[s] != 1 {
			t.Errorf("%s = %v, want 1", s, samples[s])
		}
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
	return traffic{m: m, base: base, api: api, samples: samples, families: families}
}

// chatConversation has an API conversation on Akishima's renewal under
// session: an FAQ question (the fee), a PIN refused, and the answer that
// gives a checklist the page does not cover.
func chatConversation(t *testing.T, base, session string) {
	t.Helper()
	for _, text := range []string{"更新の持ち物を知りたい", "手数料はいくらかかりますか", "1234", "小学生の娘です"} {
		if code, body := post(t, base+"/api/v1/chat", `{"municipality":"akishima","session_id":"`+session+`","text":"`+text+`"}`); code != http.StatusOK {
			t.Fatalf("chat %q: %d %s", text, code, body)
		}
	}
}

// TestServiceMetrics checks what trafficMetrics' requests leave in the
// metrics of what the service is for, and of the Messaging API, Redis
// and the knowledge: each conversation started once on its channel (the
// API call without Origin is api), the FAQ answer, the PIN warning, the
// uncovered checklist, the LINE replies timed and the refused one
// counted by status, Redis commands timed and the refused one counted,
// the knowledge version moving on a swap.
func TestServiceMetrics(t *testing.T) {
	tr := trafficMetrics(t)
	want := map[string]float64{
		`madoguchi_conversations_started_total{channel="line",language="ja",municipality="edogawa"}`:  2,
		`madoguchi_conversations_started_total{channel="api",language="ja",municipality="akishima"}`:  1,
		`madoguchi_conversations_finished_total{channel="api",language="ja",municipality="akishima"}`: 1,
		`madoguchi_faq_total{municipality="akishima",outcome="answered",topic="fee"}`:                 1,
		`madoguchi_pin_warnings_total{channel="api",municipality="akishima"}`:                         1,
		`madoguchi_line_api_request_duration_seconds_count{endpoint="reply",status="200"}`:            1,
		`madoguchi_line_api_request_duration_seconds_count{endpoint="reply",status="400"}`:            1,
		`madoguchi_line_api_errors_total{endpoint="reply",status="400"}`:                              1,
		`madoguchi_redis_errors_total{command="nosuchcommand"}`:                                       1,
		`madoguchi_knowledge_version`: 1,
	}
	for k, v := range want {
		if got := tr.samples[k]; got != v {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	uncovered := 0.0
	for k, v := range tr.samples {
		if strings.HasPrefix(k, `madoguchi_checklists_total{covered="false",municipality="akishima",procedure="renewal",rule="`) {
			uncovered += v
		}
	}
	if uncovered != 1 {
		t.Errorf("uncovered Akishima checklists = %v, want 1", uncovered)
	}
	for k, v := range tr.samples {
		if strings.HasPrefix(k, "madoguchi_redis_errors_total{") && k != `madoguchi_redis_errors_total{command="nosuchcommand"}` {
			t.Errorf("%s = %v: only the refused command is a Redis error (not go-redis's NOSCRIPT retry nor the embedded Redis's refusal of CLIENT SETINFO)", k, v)
		}
	}
	if tr.samples[`madoguchi_line_api_errors_total{endpoint="reply",status="200"}`] != 0 {
		t.Error("a 200 reply counted as an error")
	}
	if n := tr.samples[`madoguchi_redis_command_duration_seconds_count{command="pipeline"}`] + tr.samples[`madoguchi_redis_command_duration_seconds_count{command="evalsha"}`]; n == 0 {
		t.Error("no Redis pipeline or script timed after a dialog turn")
	}

	tr.m.Knowledge.Set(tr.m.Knowledge.Current())
	if s, _ := scrape(t, "http://"+tr.m.Addr().String()+"/metrics"); s["madoguchi_knowledge_version"] != 2 {
		t.Errorf("madoguchi_knowledge_version after a swap = %v, want 2", s["madoguchi_knowledge_version"])
	}
}

// exported reports whether the metric name m is one of families, or a
// histogram's or summary's series of one.
func exported(families map[string]bool, m string) bool {
	if families[m] {
		return true
	}
	for _, suffix := range []string{"_bucket", "_count", "_sum"} {
		if base, ok := strings.CutSuffix(m, suffix); ok && families[base] {
			return true
		}
	}
	return false
}

// TestAlertRulesUseExportedMetrics checks, after trafficMetrics, that
// every madoguchi_ metric deploy/observability/alerts.yml names is one
// the server exports.
func TestAlertRulesUseExportedMetrics(t *testing.T) {
	families := trafficMetrics(t).families

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
				if !exported(families, m) {
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

// replyError is an error reply of Redis's, as go-redis returns it.
type replyError string

func (e replyError) Error() string { return string(e) }
func (replyError) RedisError()     {}

// TestRedisHookTolerated checks which errors the Redis hook leaves
// uncounted: NOSCRIPT to an EVALSHA and an error reply to go-redis's
// CLIENT SETINFO handshake, and nothing else.
func TestRedisHookTolerated(t *testing.T) {
	ctx := context.Background()
	evalsha := redis.NewCmd(ctx, "evalsha", "abc", 0)
	setinfo := []redis.Cmder{redis.NewStatusCmd(ctx, "client", "setinfo", "LIB-NAME", "go-redis"),
		redis.NewStatusCmd(ctx, "client", "setinfo", "LIB-VER", "9")}
	set := redis.NewStatusCmd(ctx, "set", "k", "v")
	unknown := replyError("ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.")
	for _, c := range []struct {
		err  error
		cmds []redis.Cmder
		want bool
	}{
		{redis.ErrNoScript, []redis.Cmder{evalsha}, true},
		{unknown, setinfo, true},
		{nil, setinfo, false},
		{context.DeadlineExceeded, setinfo, false},                // no answer is trouble
		{replyError("ERR syntax"), []redis.Cmder{evalsha}, false}, // a script's own error
		{redis.ErrNoScript, []redis.Cmder{set}, false},
		{unknown, append([]redis.Cmder{set}, setinfo...), false}, // not the handshake alone
		{replyError("OOM command not allowed"), []redis.Cmder{set}, false},
	} {
		if got := tolerated(c.err, c.cmds...); got != c.want {
			t.Errorf("tolerated(%v, %v) = %v, want %v", c.err, c.cmds, got, c.want)
		}
	}
}
