package redistest_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/internal/redistest"
)

func TestPrefix(t *testing.T) {
	parent := redistest.Prefix(t)
	if again := redistest.Prefix(t); again != parent {
		t.Errorf("Prefix changed between calls: %q then %q", parent, again)
	}
	if !strings.HasSuffix(parent, ":") || strings.ContainsAny(parent, "*?[]\\ ") {
		t.Errorf("Prefix %q: want a trailing colon and no glob characters or spaces", parent)
	}
	seen := map[string]string{parent: t.Name()}
	for _, name := range []string{"a case", "a*case", "a case"} {
		t.Run(name, func(t *testing.T) {
			p := redistest.Prefix(t)
			if !strings.HasPrefix(p, strings.TrimSuffix(parent, ":")+"/") {
				t.Errorf("subtest prefix %q does not extend the parent's %q", p, parent)
			}
			if strings.ContainsAny(p, "*?[]\\ ") {
				t.Errorf("Prefix %q holds glob characters or spaces", p)
			}
			if other, dup := seen[p]; dup {
				t.Errorf("%s and %s share the prefix %q", t.Name(), other, p)
			}
			seen[p] = t.Name()
		})
	}
}

func TestClientAnswers(t *testing.T) {
	ctx := context.Background()
	c := redistest.Client(t)
	k := redistest.Prefix(t) + "k"
	if err := c.Set(ctx, k, "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, k).Result(); err != nil || got != "v" {
		t.Errorf("GET = %q, %v; want v", got, err)
	}
}

// TestClientCleansUp checks on the real server that a test's keys, and its
// subtests', are gone once it ends, and that nobody else's are touched.
func TestClientCleansUp(t *testing.T) {
	url := os.Getenv(redistest.EnvURL)
	if url == "" {
		t.Skipf("%s is not set; a miniredis vanishes with its test", redistest.EnvURL)
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	observer := redis.NewClient(opts)
	defer observer.Close()
	ctx := context.Background()
	bystander := redistest.Prefix(t) + "bystander"
	if err := observer.Set(ctx, bystander, "keep", 0).Err(); err != nil {
		t.Fatal(err)
	}
	defer observer.Del(ctx, bystander)

	var written []string
	t.Run("inner", func(t *testing.T) {
		c := redistest.Client(t)
		written = append(written, redistest.Prefix(t)+"own")
		t.Run("sub", func(t *testing.T) {
			written = append(written, redistest.Prefix(t)+"sub")
		})
		for _, k := range written {
			if err := c.Set(ctx, k, "x", 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
	})
	if n := observer.Exists(ctx, written...).Val(); n != 0 {
		t.Errorf("%d of %v left after the test ended", n, written)
	}
	if observer.Exists(ctx, bystander).Val() != 1 {
		t.Errorf("cleanup deleted %s, which is outside the test's prefix", bystander)
	}
}
