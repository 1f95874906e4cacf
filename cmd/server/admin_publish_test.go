package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const staffUser, staffPassword = "root", "correct horse battery"

// staffAPI calls a server's /admin/api/v1 with a token.
type staffAPI struct {
	tb    testing.TB
	base  string
	token string
}

// loginStaff logs in to base's staff API as staffUser.
func loginStaff(tb testing.TB, base string) *staffAPI {
	tb.Helper()
	s := &staffAPI{tb: tb, base: base}
	var login struct{ Token string }
	if code := s.call(http.MethodPost, "/admin/api/v1/login", map[string]string{"user": staffUser, "password": staffPassword}, &login); code != http.StatusOK || login.Token == "" {
		tb.Fatalf("login: %d", code)
	}
	s.token = login.Token
	return s
}

// call sends body as JSON and decodes a 200's answer into out.
func (s *staffAPI) call(method, path string, body, out any) int {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.tb.Errorf("%s %s: %v", method, path, err)
		return 0
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode == http.StatusOK {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// The two Edogawa contacts the publishes renumber together: version k of
// the test gives 小松川 03-3683-1kkk and 東部 03-3679-1kkk, so an answer
// that mixed two versions has two different kkk.
const (
	komatsugawaPhone, tobuPhone = "03-3683-5184", "03-3679-1125"
	komatsugawaName, tobuName   = "小松川事務所戸籍住民係", "東部事務所戸籍住民係"
)

// publishNumbered publishes Edogawa's knowledge with both contacts'
// numbers ending in 1<k, three digits>, based on the published version;
// it returns the version published.
func (s *staffAPI) publishNumbered(k int) int {
	s.tb.Helper()
	return s.publish(s.draftNumbered(k), k)
}

// draftNumbered saves the draft publishNumbered publishes and returns the
// version it is based on.
func (s *staffAPI) draftNumbered(k int) int {
	s.tb.Helper()
	var unit struct {
		Version    int
		YAML, Page string
	}
	if code := s.call(http.MethodGet, "/admin/api/v1/municipalities/edogawa/knowledge", nil, &unit); code != http.StatusOK {
		s.tb.Fatalf("knowledge: %d", code)
	}
	y := unit.YAML
	for _, old := range []string{komatsugawaPhone, tobuPhone} {
		line := "    phone: " + old[:8]
		i := strings.Index(y, line)
		if i < 0 {
			s.tb.Fatalf("edogawa.yaml has no line %q", line)
		}
		j := i + len(line) + strings.IndexByte(y[i+len(line):], '\n')
		y = y[:i] + line + fmt.Sprintf("%04d", 1000+k) + y[j:]
	}
	if code := s.call(http.MethodPut, "/admin/api/v1/municipalities/edogawa/draft", map[string]any{"yaml": y, "page": unit.Page, "base_version": unit.Version}, nil); code != http.StatusOK {
		s.tb.Fatalf("draft %d: %d", k, code)
	}
	return unit.Version
}

// publish publishes Edogawa's draft based on base.
func (s *staffAPI) publish(base, k int) int {
	s.tb.Helper()
	var pub struct{ Version int }
	if code := s.call(http.MethodPost, "/admin/api/v1/municipalities/edogawa/publish", map[string]any{"base_version": base, "comment": fmt.Sprintf("numbers %d", k)}, &pub); code != http.StatusOK {
		s.tb.Fatalf("publish %d: %d", k, code)
	}
	return pub.Version
}

// postFrom posts body as JSON and decodes a 200's answer into out; safe
// in a goroutine of the test (it reports with Errorf and returns 0).
func postFrom(t *testing.T, url, body string, out any) int {
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Errorf("POST %s: %v", url, err)
		return 0
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Logf("POST %s: %d %s", url, res.StatusCode, b)
	}
	if res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Errorf("POST %s: %v", url, err)
			return 0
		}
	}
	return res.StatusCode
}

// numbersOf returns the last four digits of the two renumbered counters'
// phones in a checklist's counters, "" for one not there.
func numbersOf(counters []struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}) (komatsugawa, tobu string) {
	for _, c := range counters {
		switch c.Name {
		case komatsugawaName:
			komatsugawa = c.Phone[len(c.Phone)-4:]
		case tobuName:
			tobu = c.Phone[len(c.Phone)-4:]
		}
	}
	return komatsugawa, tobu
}

// TestChatDuringPublishes: conversations run through the chat API of two
// servers on one real Redis while 50 versions are published on the
// first; no turn fails, and every checklist (chat and stateless) is one
// version's: its two renumbered counters carry the same version's numbers.
// At the end both servers serve the last version.
func TestChatDuringPublishes(t *testing.T) {
	url, prefix := sharedRedis(t)
	_, _, first := startMain(t, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix, "ADMIN_USER": staffUser, "ADMIN_PASSWORD": staffPassword,
		"RATE_LIMIT_PER_IP": "off", "RATE_LIMIT_PER_SESSION": "off", "WEB_SESSIONS_PER_IP": "off"})
	_, _, second := startMain(t, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix,
		"RATE_LIMIT_PER_IP": "off", "RATE_LIMIT_PER_SESSION": "off", "WEB_SESSIONS_PER_IP": "off"})
	staff := loginStaff(t, first)

	const publishes = 50
	var (
		done       atomic.Bool
		checklists atomic.Int64
		mu         sync.Mutex
		seen       = map[string]bool{}
		wg         sync.WaitGroup
		consistent = func(k, tb string) bool {
			return k != "" && (k == tb || k == komatsugawaPhone[8:] && tb == tobuPhone[8:])
		}
		recordFirst = func(k string) { mu.Lock(); seen[k] = true; mu.Unlock() }
	)
	for w := range 2 {
		base := []string{first, second}[w%2]
		wg.Go(func() {
			for n := 0; !done.Load() && !t.Failed(); n++ {
				session := fmt.Sprintf("publishes-%d-%d-%d", w, n, time.Now().UnixNano())
				turn := `"text":"更新したい"`
				for i := 0; ; i++ {
					var r checklistReply
					code := postFrom(t, base+"/api/v1/chat", `{"municipality":"edogawa","session_id":"`+session+`",`+turn+`}`, &r)
					if code != http.StatusOK {
						t.Errorf("%s turn %d: %d", session, i+1, code)
						return
					}
					if r.Done {
						i := slices.IndexFunc(r.Messages, func(m struct {
							Type      string `json:"type"`
							Checklist *struct {
								Counters []struct {
									Name  string `json:"name"`
									Phone string `json:"phone"`
								} `json:"counters"`
							} `json:"checklist"`
						}) bool {
							return m.Checklist != nil
						})
						if i < 0 {
							t.Errorf("%s: done without a checklist", session)
							return
						}
						k, tb := numbersOf(r.Messages[i].Checklist.Counters)
						if !consistent(k, tb) {
							t.Errorf("%s: a checklist of two versions: 小松川 …%s, 東部 …%s", session, k, tb)
						}
						recordFirst(k)
						checklists.Add(1)
						break
					}
					if len(r.QuickReplies) == 0 || i == 12 {
						t.Errorf("%s turn %d: no checklist and no button", session, i+1)
						return
					}
					turn = `"postback":"` + r.QuickReplies[0].Postback + `"`
					// Paced like residents typing fast, not a load test: the
					// publishes and the servers share the machine's cores.
					time.Sleep(5 * time.Millisecond)
				}
				// The stateless checklist, between conversations.
				var c struct {
					Counters []struct {
						Name  string `json:"name"`
						Phone string `json:"phone"`
					} `json:"counters"`
				}
				if code := postFrom(t, base+"/api/v1/checklist", `{"municipality":"edogawa","age_group":"adult","visitor":"self","has_notice":true}`, &c); code != http.StatusOK {
					t.Errorf("checklist: %d", code)
					return
				}
				if k, tb := numbersOf(c.Counters); !consistent(k, tb) {
					t.Errorf("a stateless checklist of two versions: 小松川 …%s, 東部 …%s", k, tb)
				}
				checklists.Add(1)
			}
		})
	}
	last := 0
	for k := 1; k <= publishes && !t.Failed(); k++ {
		last = staff.publishNumbered(k)
	}
	done.Store(true)
	wg.Wait()
	if last != publishes+1 {
		t.Errorf("the last publish made version %d, want %d", last, publishes+1)
	}
	want := fmt.Sprintf("%04d", 1000+publishes)
	for _, base := range []string{first, second} {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			got := chatToChecklist(t, base, "edogawa", fmt.Sprintf("publishes-last-%d", time.Now().UnixNano()), komatsugawaName)
			if strings.HasSuffix(got, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still serves %s after the last publish, want …%s", base, got, want)
			}
		}
	}
	t.Logf("%d checklists during %d publishes, %d versions among the chat checklists", checklists.Load(), publishes, len(seen))
}

// TestRestartServesThePublished: a server stopped after a publish and
// started again on the same Redis serves the published version from its
// first request, with no waiting for the watcher; so does a server started
// for the first time.
func TestRestartServesThePublished(t *testing.T) {
	url, prefix := sharedRedis(t)
	vars := map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix, "ADMIN_USER": staffUser, "ADMIN_PASSWORD": staffPassword}
	m, _, base := startMain(t, vars)
	if v := loginStaff(t, base).publishNumbered(7); v != 2 {
		t.Fatalf("published version %d, want 2", v)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for _, restarted := range []map[string]string{vars, {"REDIS_URL": url, "REDIS_PREFIX": prefix}} {
		_, _, base := startMain(t, restarted)
		var c struct {
			Counters []struct {
				Name  string `json:"name"`
				Phone string `json:"phone"`
			} `json:"counters"`
		}
		if code, _ := postJSON(t, base+"/api/v1/checklist", "", `{"municipality":"edogawa","age_group":"adult","visitor":"self","has_notice":true}`, &c); code != http.StatusOK {
			t.Fatalf("checklist: %d", code)
		}
		if k, tb := numbersOf(c.Counters); k != "1007" || tb != "1007" {
			t.Errorf("the first checklist after the start gives 小松川 …%s, 東部 …%s, want version 2's …1007", k, tb)
		}
		if got := chatToChecklist(t, base, "edogawa", fmt.Sprintf("restart-%d", time.Now().UnixNano()), komatsugawaName); got != komatsugawaPhone[:8]+"1007" {
			t.Errorf("the chat's checklist gives %s, want version 2's", got)
		}
	}
}

// BenchmarkPublishToServedByAnotherServer: the time from a publish through
// the first server's staff API (the POST sent) to the second server's
// /api/v1/checklist answering with the new number, two whole servers on
// one real Redis; p50 and p99 over b.N publishes (-benchtime=50x).
func BenchmarkPublishToServedByAnotherServer(b *testing.B) {
	url, prefix := sharedRedis(b)
	_, _, first := startMain(b, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix, "ADMIN_USER": staffUser, "ADMIN_PASSWORD": staffPassword})
	_, _, second := startMain(b, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix,
		"RATE_LIMIT_PER_IP": "off", "RATE_LIMIT_PER_SESSION": "off"})
	staff := loginStaff(b, first)
	served := func() string {
		res, err := http.Post(second+"/api/v1/checklist", "application/json",
			strings.NewReader(`{"municipality":"edogawa","age_group":"adult","visitor":"self","has_notice":true}`))
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		var c struct {
			Counters []struct {
				Name  string `json:"name"`
				Phone string `json:"phone"`
			} `json:"counters"`
		}
		if err := json.NewDecoder(res.Body).Decode(&c); err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("checklist: %d %v", res.StatusCode, err)
		}
		k, _ := numbersOf(c.Counters)
		return k
	}
	var took []time.Duration
	b.ResetTimer()
	for k := 1; k <= b.N; k++ {
		b.StopTimer()
		base := staff.draftNumbered(k % 1000)
		want := fmt.Sprintf("%04d", 1000+k%1000)
		b.StartTimer()
		start := time.Now()
		staff.publish(base, k%1000)
		for served() != want {
			if time.Since(start) > 10*time.Second {
				b.Fatalf("publish %d not served after 10 s", k)
			}
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[(len(took)*99)/100].Microseconds())/1000, "p99-ms")
}
