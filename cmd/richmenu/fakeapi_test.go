package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// call is one request the fake Messaging API received.
type call struct {
	Host        string // "api" or "data"
	Method      string
	Path        string
	Auth        string
	ContentType string
	Body        []byte
}

func (c call) String() string { return c.Host + " " + c.Method + " " + c.Path }

// fakeLINE records every request to the two Messaging API hosts and
// answers as LINE does, or with the status set in fail for a path.
type fakeLINE struct {
	api, data *httptest.Server

	mu    sync.Mutex
	calls []call
	next  int
	fail  map[string]int // "METHOD path" -> status
}

func newFakeLINE(t *testing.T) *fakeLINE {
	t.Helper()
	f := &fakeLINE{fail: map[string]int{}}
	f.api = httptest.NewServer(f.handler("api"))
	f.data = httptest.NewServer(f.handler("data"))
	t.Cleanup(f.api.Close)
	t.Cleanup(f.data.Close)
	return f
}

// env returns the environment pointing the command at the fake.
func (f *fakeLINE) env(vars ...string) func(string) string {
	m := map[string]string{"LINE_API_ENDPOINT": f.api.URL, "LINE_API_DATA_ENDPOINT": f.data.URL}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	return func(k string) string { return m[k] }
}

func (f *fakeLINE) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

func (f *fakeLINE) handler(host string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.calls = append(f.calls, call{host, r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
		status, failing := f.fail[r.Method+" "+r.URL.Path]
		id := ""
		if host == "api" && r.Method == http.MethodPost && r.URL.Path == "/v2/bot/richmenu" && !failing {
			f.next++
			id = fmt.Sprintf("richmenu-%04d", f.next)
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case failing:
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"message":"fake failure %d"}`, status)
		case id != "":
			fmt.Fprintf(w, `{"richMenuId":%q}`, id)
		case host == "data" && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/content"),
			host == "api" && r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v2/bot/user/all/richmenu/"),
			host == "api" && r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v2/bot/richmenu/"):
			fmt.Fprint(w, `{}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"Not found"}`)
		}
	}
}
