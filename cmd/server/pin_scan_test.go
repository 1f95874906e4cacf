package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/dialog/understand"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// pinBattery are PIN-like messages residents send, each with the strings
// that must be nowhere at rest afterwards (the text as typed and the PIN
// it spells).
var pinBattery = []struct {
	text    string
	secrets []string
}{
	{"8417", []string{"8417"}},
	{"８４１７です", []string{"８４１７", "8417"}},
	{"暗証番号は 5 8 2 6 です", []string{"5 8 2 6", "5826"}},
	{"暗証番号は五九三七", []string{"五九三七", "5937"}},
	{"ｱﾝｼｮｳﾊﾞﾝｺﾞｳ 六四〇九", []string{"六四〇九", "6409", "ｱﾝｼｮｳ"}},
	{"あんしょうばんごうは3 0 8 2", []string{"3 0 8 2", "3082"}},
	{"パスワードはWq73-Zr58です", []string{"Wq73", "Zr58", "wq73"}},
	{"Xk29Vb71!", []string{"Xk29", "xk29"}},
	{"署名用はMYNUM4711です", []string{"MYNUM4711", "mynum4711"}},
	{"PIN 9 1 6 3", []string{"9 1 6 3", "9163"}},
}

// TestNoPINAtRest sends the battery over both channels, the web chat API
// and the LINE webhook, through the whole server, and checks that every
// answer warns the resident and that afterwards no PIN is in any Redis key
// or value, nor in the logs; on a redis-server of the test's own, with
// append-only file and RDB snapshot, nor in those files. An ordinary LINE
// text sent alongside must be found in the AOF, which shows the scan reads
// what was written.
func TestNoPINAtRest(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { checkNoPINAtRest(t, map[string]string{}, "") })
	t.Run("redis-server-aof-rdb", func(t *testing.T) {
		url, dir := startOwnRedis(t)
		checkNoPINAtRest(t, map[string]string{"REDIS_URL": url}, dir)
	})
}

func checkNoPINAtRest(t *testing.T, vars map[string]string, redisDir string) {
	api := &fakeLINE{}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	fake := srv.URL
	vars["LINE_CHANNEL_SECRET_NERIMA"] = "nerima-secret"
	vars["LINE_CHANNEL_ACCESS_TOKEN_NERIMA"] = "nerima-token"
	vars["LINE_API_ENDPOINT"] = fake
	m, logs, base := startMain(t, vars)
	const warning = "暗証番号のような文字列"

	// The web chat API: each PIN-like text is answered with the warning.
	session := "pin-scan-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	for _, c := range pinBattery {
		body := `{"municipality":"nerima","session_id":"` + session + `","text":` + jsonString(c.text) + `}`
		code, reply := post(t, base+"/api/v1/chat", body)
		if code != 200 || !strings.Contains(reply, warning) {
			t.Errorf("chat %q = %d %s, want the PIN warning", c.text, code, reply)
		}
		for _, s := range c.secrets {
			if strings.Contains(reply, s) {
				t.Errorf("chat %q: the answer echoes %q: %s", c.text, s, reply)
			}
		}
	}

	// The LINE webhook: the same battery, then an ordinary text.
	const plain = "電子証明書の更新をしたいです"
	texts := []string{}
	for _, c := range pinBattery {
		texts = append(texts, c.text)
	}
	texts = append(texts, plain)
	now := time.Now().UnixMilli()
	for i, text := range texts {
		id := "01HPINSCAN" + strconv.Itoa(100+i)
		body := `{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"4687895778982625` + strconv.Itoa(10+i) +
			`","quoteToken":"q","text":` + jsonString(text) + `},"webhookEventId":"` + id + `","deliveryContext":{"isRedelivery":false},"timestamp":` +
			jsonInt(now+int64(i)) + `,"source":{"type":"user","userId":"U4af4980629000000000000000000pin"},"replyToken":"rt-` + id + `","mode":"active"}]}`
		if code := signedWebhook(t, base+"/webhook/line/nerima", "nerima-secret", body, ""); code != 200 {
			t.Fatalf("webhook %q: status %d", text, code)
		}
		replies := api.waitReplies(t, i+1)
		if r := replies[i]; i < len(pinBattery) && !strings.Contains(r, warning) {
			t.Errorf("LINE reply to %q does not warn: %s", text, r)
		}
	}

	ctx := context.Background()
	dump, err := redistest.Dump(ctx, m.Redis, "*")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dump, "state:") {
		t.Fatalf("the dump holds no conversation state, so it shows nothing:\n%.2000s", dump)
	}
	atRest := map[string]string{"Redis": dump, "the logs": logs.String()}
	if redisDir != "" {
		if err := m.Redis.Save(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		files := readTree(t, redisDir)
		if !strings.Contains(files, plain) {
			t.Fatalf("the AOF lacks the ordinary LINE text: the scan reads nothing useful (%d bytes)", len(files))
		}
		if n := strings.Count(files, understand.RedactedPIN); n < len(pinBattery) {
			t.Errorf("the AOF holds the redaction marker %d times, want one per PIN-like LINE message (%d)", n, len(pinBattery))
		}
		atRest["the AOF and RDB files"] = files
	}
	for where, content := range atRest {
		for _, c := range pinBattery {
			for _, s := range c.secrets {
				if i := indexSecret(content, s); i >= 0 {
					t.Errorf("%s hold %q of the PIN-like %q: …%s…", where, s, c.text, content[max(0, i-200):min(len(content), i+200)])
				}
			}
		}
	}
	t.Logf("scanned %d bytes of Redis keys and values, %d of logs, after %d PIN-like messages on each channel", len(dump), len(logs.String()), len(pinBattery))
}

// startOwnRedis starts a redis-server of the test's own on a free loopback
// port, with the append-only file synced on every write and uncompressed
// RDB snapshots in a temporary directory, and stops it when the test ends.
func startOwnRedis(t *testing.T) (url, dir string) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not installed (.ci/run installs it)")
		}
		t.Skip("redis-server is not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	dir = t.TempDir()
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--dir", dir, "--appendonly", "yes",
		"--appendfsync", "always", "--save", "", "--rdbcompression", "no", "--daemonize", "no", "--logfile", "")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url = "redis://127.0.0.1:" + port + "/0"
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port})
	defer c.Close()
	for i := 0; c.Ping(context.Background()).Err() != nil; i++ {
		if i == 100 {
			t.Fatal("own redis-server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return url, dir
}

// readTree returns the content of every file under dir.
func readTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		b.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

// indexSecret is the index of s in content, or -1. A secret of digits only
// counts when no digit is next to it: 9163 in a timestamp's
// 452591631 is no PIN.
func indexSecret(content, s string) int {
	digits := strings.Trim(s, "0123456789") == ""
	for off := 0; ; {
		i := strings.Index(content[off:], s)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(s)
		if !digits || ((i == 0 || !isDigit(content[i-1])) && (end == len(content) || !isDigit(content[end]))) {
			return i
		}
		off = i + 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
