package openapitest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/madoguchi/madoguchi/internal/openapitest"
)

const spec = `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"servers":[{"url":"/"}],"paths":{
 "/things/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string","pattern":"^[a-z]+$"}}],
  "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object","additionalProperties":false,
   "required":["id"],"properties":{"id":{"type":"string"}}}}}},"404":{"description":"none"}}}}}}`

func TestTemplatePath(t *testing.T) {
	for in, want := range map[string]string{"/a/:id/b": "/a/{id}/b", "/files/*path": "/files/{path}", "/plain": "/plain"} {
		if got := openapitest.TemplatePath(in); got != want {
			t.Errorf("TemplatePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUndriven: a documented status no exchange answered is reported, an
// excused one that was driven or is not documented is stale.
func TestUndriven(t *testing.T) {
	doc := openapitest.Load(t, []byte(spec))
	if got := openapitest.Operations(doc); !slices.Equal(got, []string{"GET /things/{id}"}) {
		t.Fatalf("Operations = %v", got)
	}
	k := openapitest.NewChecker(t, doc)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"` + r.URL.Path[len("/things/"):] + `"}`))
	})
	k.Do(t, h, openapitest.Case{Name: "get", Method: "GET", Path: "/things/abc", Status: 200, ValidRequest: true})
	undriven, stale := k.Undriven(map[string]string{"GET /things/{id} 200": "driven after all", "GET /nothing 200": "not documented"})
	if !slices.Equal(undriven, []string{"GET /things/{id} 404"}) {
		t.Errorf("undriven %v", undriven)
	}
	if !slices.Equal(stale, []string{"GET /nothing 200", "GET /things/{id} 200"}) {
		t.Errorf("stale %v", stale)
	}
}

// recorder keeps what Validate reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestValidateCatchesAMismatch: a response member the description does
// not have, an undocumented status and an invalid request are each reported.
func TestValidateCatchesAMismatch(t *testing.T) {
	k := openapitest.NewChecker(t, openapitest.Load(t, []byte(spec)))
	for _, c := range []struct {
		name, path, body string
		status           int
	}{
		{"extra member", "/things/abc", `{"id":"abc","secret":"x"}`, 200},
		{"undocumented status", "/things/abc", `{}`, 500},
		{"invalid request", "/things/ABC", `{"id":"ABC"}`, 200},
	} {
		w := httptest.NewRecorder()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(c.status)
		w.WriteString(c.body)
		r := &recorder{TB: t}
		k.Validate(r, openapitest.Case{Name: c.name, Method: "GET", Path: c.path, Status: c.status, ValidRequest: true}, w)
		if len(r.errs) == 0 {
			t.Errorf("%s: not reported", c.name)
		}
	}
}
