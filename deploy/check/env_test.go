package check

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var (
	declaredOnce sync.Once
	declared     map[string]bool
	declaredErr  error
)

// serverEnv returns the environment variables the server declares, read
// from `server -h` (cmd/server's Env, the one list), by their names;
// families have <ID> in place of the municipality.
func serverEnv(t *testing.T) map[string]bool {
	t.Helper()
	declaredOnce.Do(func() {
		cmd := exec.Command("go", "run", "./cmd/server", "-h")
		cmd.Dir = "../.."
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			declaredErr = err
			return
		}
		declared = map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^  ([A-Z][A-Z0-9_<>]*) \(`).FindAllStringSubmatch(string(out), -1) {
			declared[m[1]] = true
		}
	})
	if declaredErr != nil {
		t.Fatalf("go run ./cmd/server -h: %v", declaredErr)
	}
	if len(declared) < 10 || !declared["REDIS_URL"] {
		t.Fatalf("server -h lists too few variables: %v", declared)
	}
	return declared
}

// municipalityIDs are the <ID>s of the variable families, upper-case.
var municipalityIDs = []string{"EDOGAWA", "AKISHIMA", "NERIMA", "AKITAKATA", "YOKOHAMA"}

// runtimeEnv are variables the Go runtime reads, not the server.
var runtimeEnv = map[string]bool{"GOMEMLIMIT": true, "GOMAXPROCS": true, "GOGC": true}

// checkDeclared fails unless name is a variable the server declares (a
// family's member by its <ID> name) or one of the Go runtime's.
func checkDeclared(t *testing.T, where, name string) {
	t.Helper()
	env := serverEnv(t)
	if env[name] || runtimeEnv[name] {
		return
	}
	for _, id := range municipalityIDs {
		if base, ok := strings.CutSuffix(name, "_"+id); ok && env[base+"_<ID>"] {
			return
		}
	}
	t.Errorf("%s sets %s, which the server does not read (server -h lists what it reads)", where, name)
}
