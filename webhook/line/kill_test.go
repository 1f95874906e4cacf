package line_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// TestKilledProcessHandsOver runs the workers in a second process, kills
// it with SIGKILL mid-work, and checks that an instance in this process
// takes its shards over and that every event is answered exactly once,
// each user's in order.
func TestKilledProcessHandsOver(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	if os.Getenv(redistest.EnvURL) == "" {
		// miniredis expires keys only when told to, so a dead process's
		// lease would never lapse.
		t.Skip("needs a real Redis: set " + redistest.EnvURL)
	}
	e := newEnv(t)
	in := e.newInst(nil) // records events; its workers start after the kill
	const users, per = 4, 8
	for i := range per {
		for u := range users {
			user := fmt.Sprintf("Ukill%d", u)
			in.postSigned(t, textEvent(user, fmt.Sprintf("%s-%d", user, i), fixtureTime+int64(i), fmt.Sprintf("m%d", i)))
		}
	}
	opts := e.rdb.(*redis.Client).Options()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWorkerProcess$")
	cmd.Env = append(os.Environ(), "LINE_HELPER=1", "LINE_HELPER_ADDR="+opts.Addr, "LINE_HELPER_DB="+strconv.Itoa(opts.DB),
		"LINE_HELPER_PASSWORD="+opts.Password, "LINE_HELPER_PREFIX="+e.prefix, "LINE_HELPER_API="+e.api.srv.URL)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(e.api.Calls("/v2/bot/message/reply")) < 5 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the worker process answered nothing")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	byChild := len(e.api.Calls("/v2/bot/message/reply"))
	if byChild >= users*per {
		t.Fatalf("the worker process finished everything (%d) before the kill", byChild)
	}
	in.run()
	t.Cleanup(in.shutdown)
	deadline = time.Now().Add(15 * time.Second)
	for len(e.api.Calls("/v2/bot/message/reply")) < users*per && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	replies := e.api.Calls("/v2/bot/message/reply")
	t.Logf("killed process answered %d, survivor %d", byChild, len(replies)-byChild)
	if len(replies) != users*per {
		t.Fatalf("%d replies, want %d", len(replies), users*per)
	}
	got := map[string][]string{}
	for _, r := range replies {
		tok := r.Body["replyToken"].(string)
		user := strings.Split(strings.TrimPrefix(tok, "rt-"), "-")[0]
		got[user] = append(got[user], textsOf(r)[0])
	}
	for u := range users {
		user := fmt.Sprintf("Ukill%d", u)
		want := make([]string, per)
		for i := range want {
			want[i] = fmt.Sprintf("echo:m%d", i)
		}
		if strings.Join(got[user], ",") != strings.Join(want, ",") {
			t.Errorf("%s replies %q", user, got[user])
		}
	}
	if n := len(e.api.Calls("/v2/bot/message/push")); n != 0 {
		t.Errorf("%d pushes", n)
	}
}

// TestHelperWorkerProcess is the worker process of
// TestKilledProcessHandsOver; it does nothing in a normal run.
func TestHelperWorkerProcess(t *testing.T) {
	if os.Getenv("LINE_HELPER") != "1" {
		t.Skip("helper process")
	}
	db, _ := strconv.Atoi(os.Getenv("LINE_HELPER_DB"))
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("LINE_HELPER_ADDR"), DB: db, Password: os.Getenv("LINE_HELPER_PASSWORD")})
	engine := newEngine(rdb, os.Getenv("LINE_HELPER_PREFIX"))
	engine.delay = 30 * time.Millisecond
	e := &env{engine: engine, now: time.UnixMilli(fixtureTime).Add(time.Second), api: &fakeAPI{srv: &httptest.Server{URL: os.Getenv("LINE_HELPER_API")}}}
	cfg := e.config()
	cfg.Redis, cfg.Prefix, cfg.OnEvent = rdb, os.Getenv("LINE_HELPER_PREFIX"), nil
	h, err := line.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_ = h.Run(context.Background()) // until killed
}
