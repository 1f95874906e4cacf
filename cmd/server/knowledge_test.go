package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/internal/kbtest"
)

// sampleFolder is the embedded knowledge plus a sixth municipality,
// sample (サンプル市), a copy of Yokohama with its page and wards under a
// new id: no code knows of it.
func sampleFolder(t *testing.T) string {
	f := kbtest.Copy(t)
	kbtest.AddCopy(t, f, "yokohama", "sample", "サンプル市", 6)
	return kbtest.WriteDir(t, f)
}

// postJSON posts body to url with origin (none when empty) and decodes
// the answer into out; it returns the status and the CORS header.
func postJSON(t *testing.T, url, origin, body string, out any) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("POST %s: %v", url, err)
		}
	}
	return res.StatusCode, res.Header.Get("Access-Control-Allow-Origin")
}

// TestNewMunicipalityEndToEnd: a folder with one more <id>.yaml (and its
// page) works with no code change: listed by the API, a tab of the demo
// page, a chat from its widget's origin (WIDGET_ORIGINS_SAMPLE) through
// its wards to a checklist, the stateless checklist, and its own LINE
// channel (LINE_CHANNEL_*_SAMPLE).
func TestNewMunicipalityEndToEnd(t *testing.T) {
	line := &fakeLINE{}
	fake := httptest.NewServer(line)
	t.Cleanup(fake.Close)
	const origin = "https://www.city.sample.example"
	_, _, base := startMain(t, map[string]string{
		"KNOWLEDGE_DIR":                    sampleFolder(t),
		"WIDGET_ORIGINS_SAMPLE":            origin,
		"LINE_CHANNEL_SECRET_SAMPLE":       "sample-secret",
		"LINE_CHANNEL_ACCESS_TOKEN_SAMPLE": "sample-token",
		"LINE_API_ENDPOINT":                fake.URL,
	})

	code, body := get(t, base+"/api/v1/municipalities")
	var list struct{ Municipalities []struct{ ID, Name string } }
	if err := json.Unmarshal([]byte(body), &list); code != http.StatusOK || err != nil || len(list.Municipalities) != 6 ||
		list.Municipalities[5].ID != "sample" || list.Municipalities[5].Name != "サンプル市" {
		t.Fatalf("GET /api/v1/municipalities: %d %s", code, body)
	}
	if code, body := get(t, base+"/?m=sample"); code != http.StatusOK || !strings.Contains(body, `data-municipality="sample"`) ||
		!strings.Contains(body, "サンプル市 公式ホームページ") {
		t.Fatalf("GET /?m=sample: %d %.300s", code, body)
	}

	// The widget's conversation, from the municipality's page: the holder
	// in person, with the form, in 青葉区 (a ward of the YAML's).
	answers := map[string]string{"age_group": "age_group=adult", "visitor": "visitor=self", "has_notice": "has_notice=true",
		"address_change": "address_change=false", "move_at_visit": "move_at_visit=false", "expiry_date": "expiry_date=unknown", "ward": "ward=aoba"}
	type reply struct {
		Messages []struct {
			Type      string
			Text      string
			Checklist *struct {
				Municipality string
				Visits       int
				Counters     []struct{ Name string }
			}
		}
		QuickReplies []struct{ Label, Postback string } `json:"quick_replies"`
		Asking       string
		Done         bool
	}
	msg := `"text":"更新したい"`
	var asked []string
	for turn := 0; ; turn++ {
		if turn == 12 {
			t.Fatalf("no checklist after 12 turns (asked %v)", asked)
		}
		var r reply
		code, allow := postJSON(t, base+"/api/v1/chat", origin, `{"municipality":"sample","session_id":"sample-session-1",`+msg+`}`, &r)
		if code != http.StatusOK || allow != origin {
			t.Fatalf("turn %d: %d, Access-Control-Allow-Origin %q", turn, code, allow)
		}
		if turn == 0 && !strings.Contains(r.Messages[0].Text, "サンプル市") {
			t.Errorf("greeting %q does not name サンプル市", r.Messages[0].Text)
		}
		if r.Done {
			c := r.Messages[len(r.Messages)-2].Checklist
			if c == nil || c.Municipality != "sample" || c.Visits != 1 || len(c.Counters) == 0 || c.Counters[0].Name != "青葉区役所戸籍課登録担当" {
				t.Fatalf("checklist %+v, want sample's, at 青葉区's counter", c)
			}
			break
		}
		asked = append(asked, r.Asking)
		pb, ok := answers[r.Asking]
		if !ok {
			t.Fatalf("turn %d asks %q", turn, r.Asking)
		}
		msg = `"postback":"` + pb + `"`
	}
	if !strings.Contains(strings.Join(asked, " "), "ward") {
		t.Errorf("the conversation asked %v, never the ward", asked)
	}
	if code, _ := postJSON(t, base+"/api/v1/chat", origin, `{"municipality":"nerima","session_id":"sample-session-2","text":"更新したい"}`, nil); code != http.StatusForbidden {
		t.Errorf("サンプル市's page calling as Nerima: %d, want 403", code)
	}
	var list2 struct{ Municipality string }
	if code, _ := postJSON(t, base+"/api/v1/checklist", "", `{"municipality":"sample","age_group":"adult","visitor":"self","ward":"tsurumi"}`, &list2); code != http.StatusOK || list2.Municipality != "sample" {
		t.Errorf("POST /api/v1/checklist for sample: %d %+v", code, list2)
	}
	if code, _ := postJSON(t, base+"/api/v1/checklist", "", `{"municipality":"sample","age_group":"adult","visitor":"self","ward":"shibuya"}`, nil); code != http.StatusBadRequest {
		t.Errorf("a ward sample does not have: %d, want 400", code)
	}

	// LINE: the municipality's own channel; the others have none.
	event := `{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"468789577898262531","quoteToken":"q","text":"更新したい"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E7T","deliveryContext":{"isRedelivery":false},"timestamp":` + jsonInt(time.Now().UnixMilli()) + `,"source":{"type":"user","userId":"U4af4980629000000000000000000000b"},"replyToken":"48ef843bde154d9b91c21320ffd17a0f","mode":"active"}]}`
	if code := signedWebhook(t, base+"/webhook/line/nerima", "sample-secret", event, ""); code != http.StatusServiceUnavailable {
		t.Errorf("Nerima without a channel: %d, want 503", code)
	}
	if code := signedWebhook(t, base+"/webhook/line/sample", "sample-secret", event, ""); code != http.StatusOK {
		t.Fatalf("signed webhook for sample: %d, want 200", code)
	}
	replies := line.waitReplies(t, 1)
	if !strings.Contains(replies[0], "サンプル市") {
		t.Errorf("LINE reply %s does not greet as サンプル市", replies[0])
	}
	line.mu.Lock()
	defer line.mu.Unlock()
	for _, a := range line.auth {
		if a != "Bearer sample-token" {
			t.Errorf("Authorization = %q, want sample's channel token", a)
		}
	}
}

// TestKnowledgeSwapReachesEveryChannel: a knowledge version set on the
// running server's provider is what the API, the demo page and the chat
// serve from the next request, with no restart.
func TestKnowledgeSwapReachesEveryChannel(t *testing.T) {
	m, _, base := startMain(t, map[string]string{})
	if code, _ := get(t, base+"/?m=sample"); code != http.StatusNotFound {
		t.Fatalf("GET /?m=sample before: %d, want 404", code)
	}
	f := kbtest.Copy(t)
	kbtest.AddCopy(t, f, "akishima", "sample", "サンプル市", 6)
	m.Knowledge.Set(kbtest.Load(t, f))
	if code, body := get(t, base+"/api/v1/municipalities"); code != http.StatusOK || !strings.Contains(body, `"id":"sample"`) {
		t.Errorf("GET /api/v1/municipalities after the swap: %d %s", code, body)
	}
	if code, _ := get(t, base+"/?m=sample"); code != http.StatusOK {
		t.Errorf("GET /?m=sample after the swap: %d", code)
	}
	var r struct{ Messages []struct{ Text string } }
	if code, _ := postJSON(t, base+"/api/v1/chat", "", `{"municipality":"sample","session_id":"swap-session-1","text":"更新したい"}`, &r); code != http.StatusOK ||
		len(r.Messages) == 0 || !strings.Contains(r.Messages[0].Text, "サンプル市") {
		t.Errorf("chat after the swap: %d %+v", code, r)
	}
}

// TestPerMunicipalityVariablesFollowTheKnowledge: WIDGET_ORIGINS_<ID> and
// LINE_CHANNEL_*_<ID> are read for the ids the knowledge holds, no others.
func TestPerMunicipalityVariablesFollowTheKnowledge(t *testing.T) {
	vars := map[string]string{
		"WIDGET_ORIGINS":         "https://shared.example",
		"WIDGET_ORIGINS_SAMPLE":  "https://www.city.sample.example, https://sample.example",
		"WIDGET_ORIGINS_NOWHERE": "https://nowhere.example",
	}
	got, err := widgetOrigins(env(vars), []string{"nerima", "sample"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || strings.Join(got["sample"], " ") != "https://www.city.sample.example https://sample.example" ||
		strings.Join(got["nerima"], " ") != "https://shared.example" {
		t.Errorf("widgetOrigins = %v", got)
	}

	// A bad value of a loaded municipality's variable refuses the start,
	// naming the variable.
	logs := &strings.Builder{}
	m := &Main{Getenv: env(map[string]string{"PORT": "0", "KNOWLEDGE_DIR": sampleFolder(t), "WIDGET_ORIGINS_SAMPLE": "not an origin"}), Stderr: logs}
	err = m.Run(t.Context())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "WIDGET_ORIGINS_SAMPLE") {
		t.Errorf("Run with a bad WIDGET_ORIGINS_SAMPLE: %v, want an error naming it", err)
	}
}

// TestAdminPublishReachesTheResidents: with ADMIN_USER and ADMIN_PASSWORD
// the server serves the staff API, and a version published there is what
// the residents' checklist answers with, without a restart.
func TestAdminPublishReachesTheResidents(t *testing.T) {
	_, _, base := startMain(t, map[string]string{"ADMIN_USER": "root", "ADMIN_PASSWORD": "correct horse battery"})
	call := func(method, path, token, body string, out any) int {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if out != nil {
			_ = json.NewDecoder(res.Body).Decode(out)
		}
		return res.StatusCode
	}
	var login struct{ Token string }
	if code := call(http.MethodPost, "/admin/api/v1/login", "", `{"user":"root","password":"correct horse battery"}`, &login); code != http.StatusOK || login.Token == "" {
		t.Fatalf("login: %d", code)
	}
	var unit struct {
		Version    int
		YAML, Page string
	}
	if code := call(http.MethodGet, "/admin/api/v1/municipalities/akishima/knowledge", login.Token, "", &unit); code != http.StatusOK {
		t.Fatalf("knowledge: %d", code)
	}
	yaml := strings.Replace(unit.YAML, "    phone: 042-544-4120\n", "    phone: 042-544-9999\n", 1)
	if yaml == unit.YAML {
		t.Fatal("akishima.yaml has no contact phone line to change")
	}
	draft, _ := json.Marshal(map[string]any{"yaml": yaml, "page": unit.Page, "base_version": unit.Version})
	if code := call(http.MethodPut, "/admin/api/v1/municipalities/akishima/draft", login.Token, string(draft), nil); code != http.StatusOK {
		t.Fatalf("draft: %d", code)
	}
	pub, _ := json.Marshal(map[string]any{"base_version": unit.Version, "comment": "new number"})
	if code := call(http.MethodPost, "/admin/api/v1/municipalities/akishima/publish", login.Token, string(pub), nil); code != http.StatusOK {
		t.Fatalf("publish: %d", code)
	}
	var c struct {
		Counters []struct{ Phone string }
		Contact  struct{ Phone string }
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if code, _ := postJSON(t, base+"/api/v1/checklist", "", `{"municipality":"akishima","age_group":"adult","visitor":"self","has_notice":true}`, &c); code != http.StatusOK {
			t.Fatalf("checklist: %d", code)
		}
		if c.Contact.Phone == "042-544-9999" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the checklist still gives %q after the publish", c.Contact.Phone)
		}
	}
	if c.Counters[0].Phone != "042-544-9999" {
		t.Errorf("counter phone %q, want the contact's new number", c.Counters[0].Phone)
	}
}
