package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
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
	// menus are the rich menus created (and not deleted); aliases the
	// rich menu aliases, alias id -> rich menu id.
	menus   map[string]bool
	aliases map[string]string
}

func newFakeLINE(t *testing.T) *fakeLINE {
	t.Helper()
	f := &fakeLINE{fail: map[string]int{}, menus: map[string]bool{}, aliases: map[string]string{}}
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

// aliasID is what LINE accepts as a rich menu alias id.
var aliasID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func (f *fakeLINE) handler(host string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls = append(f.calls, call{host, r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
		w.Header().Set("Content-Type", "application/json")
		answer := func(status int, msg string) {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"message":%q}`, msg)
		}
		if status, failing := f.fail[r.Method+" "+r.URL.Path]; failing {
			answer(status, fmt.Sprintf("fake failure %d", status))
			return
		}
		aliasPath, isAlias := strings.CutPrefix(r.URL.Path, "/v2/bot/richmenu/alias")
		switch {
		case host == "api" && r.Method == http.MethodPost && r.URL.Path == "/v2/bot/richmenu":
			f.next++
			id := fmt.Sprintf("richmenu-%04d", f.next)
			f.menus[id] = true
			fmt.Fprintf(w, `{"richMenuId":%q}`, id)
		case host == "data" && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/content"),
			host == "api" && r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/v2/bot/user/all/richmenu/"):
			fmt.Fprint(w, `{}`)
		case host == "api" && isAlias:
			f.alias(w, r, strings.TrimPrefix(aliasPath, "/"), body, answer)
		case host == "api" && r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v2/bot/richmenu/"):
			delete(f.menus, strings.TrimPrefix(r.URL.Path, "/v2/bot/richmenu/"))
			fmt.Fprint(w, `{}`)
		default:
			answer(http.StatusNotFound, "Not found")
		}
	}
}

// alias answers the rich menu alias endpoints as LINE documents them:
// GET /v2/bot/richmenu/alias/{richMenuAliasId} (404 for an unknown
// alias), POST /v2/bot/richmenu/alias with {"richMenuAliasId",
// "richMenuId"} to create (400 for an alias that exists), POST
// /v2/bot/richmenu/alias/{richMenuAliasId} with {"richMenuId"} to update
// (404 for an unknown alias). A body that is not exactly that, or a rich
// menu that does not exist, is refused with 400. Called with mu held.
func (f *fakeLINE) alias(w http.ResponseWriter, r *http.Request, alias string, body []byte, answer func(int, string)) {
	var req struct {
		RichMenuAliasID *string `json:"richMenuAliasId"`
		RichMenuID      *string `json:"richMenuId"`
	}
	if r.Method == http.MethodPost {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || dec.Decode(&req) != nil ||
			req.RichMenuID == nil || !f.menus[*req.RichMenuID] || (alias == "") != (req.RichMenuAliasID != nil) {
			answer(http.StatusBadRequest, "The request body has 1 error(s)")
			return
		}
	}
	switch {
	case r.Method == http.MethodGet && alias != "":
		id, ok := f.aliases[alias]
		if !ok {
			answer(http.StatusNotFound, "richmenu alias not found")
			return
		}
		fmt.Fprintf(w, `{"richMenuAliasId":%q,"richMenuId":%q}`, alias, id)
	case r.Method == http.MethodPost && alias == "":
		if !aliasID.MatchString(*req.RichMenuAliasID) {
			answer(http.StatusBadRequest, "The request body has 1 error(s)")
			return
		}
		if _, exists := f.aliases[*req.RichMenuAliasID]; exists {
			answer(http.StatusBadRequest, "conflict richmenu alias id")
			return
		}
		f.aliases[*req.RichMenuAliasID] = *req.RichMenuID
		fmt.Fprint(w, `{}`)
	case r.Method == http.MethodPost:
		if _, exists := f.aliases[alias]; !exists {
			answer(http.StatusNotFound, "richmenu alias not found")
			return
		}
		f.aliases[alias] = *req.RichMenuID
		fmt.Fprint(w, `{}`)
	default:
		answer(http.StatusNotFound, "Not found")
	}
}

// Aliases returns a copy of the aliases.
func (f *fakeLINE) Aliases() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.aliases)
}
