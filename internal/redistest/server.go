package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvFault names the environment variable that turns on the slow fault
// tests (Sentinel failover, Redis restarts under load): set to 1 by
// `make fault`. See Fault.
const EnvFault = "MADOGUCHI_FAULT"

// Fault skips tb unless EnvFault is 1: the test is one of the slow fault
// tests that `make fault` runs and `make test` leaves out.
func Fault(tb testing.TB) {
	tb.Helper()
	if os.Getenv(EnvFault) != "1" {
		tb.Skip("a slow fault test: run it with `make fault` (" + EnvFault + "=1)")
	}
}

// Binary returns the path of the Redis binary name (redis-server, …). When
// it is not installed, tb is skipped, unless CI is set in the environment:
// there a missing binary is a broken set-up and tb fails.
func Binary(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("redistest: %s not found (CI=%s): install it (.ci/run: apt-get install -y redis-server)", name, os.Getenv("CI"))
		}
		tb.Skipf("redistest: %s not found; install it (apt-get install redis-server) to run this test", name)
	}
	return p
}

// Server is a redis-server process of a test's own, on a free loopback port
// (never 6379), with its files in a temporary folder. Unlike the shared
// server at TEST_REDIS_URL, a test may stop, kill, restart and reconfigure
// it. It is stopped when the test ends.
type Server struct {
	// Addr is host:port, fixed for the server's life (restarts included).
	Addr string
	// Dir holds its configuration, log, AOF and RDB files.
	Dir string

	tb       testing.TB
	bin      string
	sentinel bool
	conf     string // the configuration file

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{} // closed when cmd has exited
}

// StartServer starts a redis-server with the given configuration lines
// ("appendonly yes", "appendfsync always", …) added to its defaults: bound
// to 127.0.0.1, no RDB snapshots, no AOF, protected mode off. It waits until
// the server answers PING.
func StartServer(tb testing.TB, conf ...string) *Server {
	tb.Helper()
	return startServer(tb, false, 0, conf)
}

// startServer starts a server (a sentinel when sentinel is true) on a free
// port, picking another if the one chosen is taken before the server binds
// it. busOffset, when not 0, also asks that port+busOffset be free (a
// Cluster node's bus).
func startServer(tb testing.TB, sentinel bool, busOffset int, conf []string) *Server {
	tb.Helper()
	bin := Binary(tb, "redis-server")
	var lastErr error
	for range 10 {
		port := freePort(tb, busOffset)
		dir := tb.TempDir()
		s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Dir: dir, tb: tb, bin: bin, sentinel: sentinel,
			conf: filepath.Join(dir, "redis.conf")}
		lines := []string{
			"port " + strconv.Itoa(port),
			"bind 127.0.0.1",
			"protected-mode no",
			"dir " + dir,
			"logfile " + filepath.Join(dir, "redis.log"),
			"daemonize no",
		}
		if !sentinel {
			lines = append(lines, `save ""`, "appendonly no")
		}
		lines = append(lines, conf...)
		if err := os.WriteFile(s.conf, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
		if lastErr = s.start(); lastErr == nil {
			tb.Cleanup(s.Kill)
			return s
		}
		s.Kill()
		if !strings.Contains(s.Log(), "Address already in use") {
			break
		}
	}
	tb.Fatalf("redistest: start redis-server: %v", lastErr)
	return nil
}

// freePort picks a random port in 20000–54999 that is free on 127.0.0.1,
// with port+busOffset free too when busOffset is not 0.
func freePort(tb testing.TB, busOffset int) int {
	tb.Helper()
	for range 100 {
		p := 20000 + rand.IntN(35000)
		if free(p) && (busOffset == 0 || free(p+busOffset)) {
			return p
		}
	}
	tb.Fatal("redistest: no free port found")
	return 0
}

func free(port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}

// start runs the process and waits until it answers PING (a server still
// loading its AOF answers LOADING: it waits for that to end too).
func (s *Server) start() error {
	args := []string{s.conf}
	if s.sentinel {
		args = append(args, "--sentinel")
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	setDeathSignal(cmd)
	// The death signal is tied to the thread that started the process:
	// that thread stays locked to the goroutine waiting for the exit, so
	// the Go runtime cannot retire it (and kill the server) meanwhile.
	started, exit := make(chan error, 1), make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		err := cmd.Start()
		started <- err
		if err == nil {
			_ = cmd.Wait()
		}
		close(exit)
	}()
	if err := <-started; err != nil {
		return err
	}
	s.mu.Lock()
	s.cmd, s.exit = cmd, exit
	s.mu.Unlock()

	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		select {
		case <-exit:
			return fmt.Errorf("redis-server exited at start: %s %s", out.String(), lastLines(s.Log(), 5))
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("redis-server at %s does not answer PING: %v", s.Addr, err)
}

// Start starts a stopped or killed server again, on the same port and
// folder (so with the AOF and RDB files it left), and waits until it
// answers PING, its data loaded.
func (s *Server) Start() {
	s.tb.Helper()
	if err := s.start(); err != nil {
		s.tb.Fatalf("redistest: restart %s: %v\n%s", s.Addr, err, lastLines(s.Log(), 20))
	}
}

// Stop shuts the server down as an operator's restart does, with SIGTERM:
// Redis flushes its AOF (and saves an RDB when snapshots are configured)
// before it exits. It waits for the exit.
func (s *Server) Stop() { s.signal(true) }

// Kill kills the server with SIGKILL, as a crash would: whatever was not
// yet written to disk is lost. It waits for the exit.
func (s *Server) Kill() { s.signal(false) }

func (s *Server) signal(term bool) {
	s.mu.Lock()
	cmd, exit := s.cmd, s.exit
	s.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	select {
	case <-exit:
		return
	default:
	}
	if term {
		_ = cmd.Process.Signal(terminate)
		select {
		case <-exit:
			return
		case <-time.After(30 * time.Second):
			s.tb.Errorf("redistest: %s did not stop within 30 s of SIGTERM; killing it", s.Addr)
		}
	}
	_ = cmd.Process.Kill()
	<-exit
}

// Restart stops the server with SIGTERM and starts it again.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Stop()
	s.Start()
}

// URL is the server's redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr }

// Client returns a client of the server, closed when tb ends.
func (s *Server) Client(tb testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Log returns the server's log file.
func (s *Server) Log() string {
	b, err := os.ReadFile(filepath.Join(s.Dir, "redis.log"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err.Error()
	}
	return string(b)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// waitFor polls cond every 50 ms until it returns nil or timeout passes,
// then fails tb with cond's last error.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func(ctx context.Context) error) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := cond(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redistest: %s: not within %v: %v", what, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// infoField returns field of an INFO answer ("" if absent).
func infoField(info, field string) string {
	for _, l := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), field+":"); ok {
			return v
		}
	}
	return ""
}
