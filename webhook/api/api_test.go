package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/api"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

func init() { gin.SetMode(gin.TestMode) }

// loadKB loads the embedded knowledge once for all tests.
var loadKB = sync.OnceValues(knowledge.LoadEmbedded)

func kb(tb testing.TB) *knowledge.KB {
	tb.Helper()
	k, err := loadKB()
	if err != nil {
		tb.Fatalf("embedded knowledge: %v", err)
	}
	return k
}

// fixedClock is 2025-04-30 15:30 UTC, which is already 2025-05-01 in Japan.
func fixedClock() time.Time { return time.Date(2025, 4, 30, 15, 30, 0, 0, time.UTC) }

// newServer returns the API behind the shared middleware, as cmd/server
// mounts it.
func newServer(tb testing.TB, deps api.Deps) http.Handler {
	tb.Helper()
	e := httpx.NewEngine(slog.New(slog.NewJSONHandler(io.Discard, nil)), nil)
	api.Register(e, deps)
	return e
}

func do(tb testing.TB, h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	tb.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// decodeStrict decodes a response body into v, failing on unknown fields so
// that the test structs document the whole response.
func decodeStrict(tb testing.TB, w *httptest.ResponseRecorder, v any) {
	tb.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Errorf("Content-Type = %q, want application/json", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		tb.Fatalf("decode %s: %v", w.Body, err)
	}
}

// errorCase is one request that must fail with status, code and field, and
// whose message must contain inMsg.
type errorCase struct {
	name, method, path, body string
	status                   int
	code, field, inMsg       string
}

func checkErrors(t *testing.T, h http.Handler, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			w := do(t, h, method, tc.path, tc.body)
			if w.Code != tc.status {
				t.Fatalf("%s %s %s = %d %s, want %d", method, tc.path, tc.body, w.Code, w.Body, tc.status)
			}
			var b httpx.ErrorBody
			decodeStrict(t, w, &b)
			if b.Error.Code != tc.code || b.Error.Field != tc.field || !strings.Contains(b.Error.Message, tc.inMsg) {
				t.Errorf("error = %+v, want code %q field %q message containing %q", b.Error, tc.code, tc.field, tc.inMsg)
			}
		})
	}
}

func TestMunicipalities(t *testing.T) {
	k := kb(t)
	h := newServer(t, api.Deps{Catalog: catalogOf(k)})
	w := do(t, h, http.MethodGet, "/api/v1/municipalities", "")
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d %s", w.Code, w.Body)
	}
	var got struct {
		Municipalities []struct{ ID, Name, Updated, Title, PageID string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Municipalities) != len(k.Municipalities) {
		t.Fatalf("got %d municipalities, want %d: %s", len(got.Municipalities), len(k.Municipalities), w.Body)
	}
	for i, m := range got.Municipalities {
		want := k.Municipalities[i]
		if m.ID != want.ID || m.Name != want.Name || m.Updated != want.Page.Updated || m.Title != want.Page.Title {
			t.Errorf("municipalities[%d] = %+v, want %s %s %s", i, m, want.ID, want.Name, want.Page.Updated)
		}
	}
	if got.Municipalities[0].ID != "edogawa" || got.Municipalities[0].Updated != "2024-04-01" {
		t.Errorf("first municipality = %+v, want edogawa updated 2024-04-01", got.Municipalities[0])
	}
}

func TestRoutesNotFound(t *testing.T) {
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t))}) // no Responder: no chat
	checkErrors(t, h, []errorCase{
		{name: "unknown path", method: "GET", path: "/api/v1/nothing", status: 404, code: "not_found", inMsg: "/api/v1/nothing"},
		{name: "GET checklist", method: "GET", path: "/api/v1/checklist", status: 404, code: "not_found"},
		{name: "PUT checklist", method: "PUT", path: "/api/v1/checklist", body: `{}`, status: 404, code: "not_found"},
		{name: "POST municipalities", path: "/api/v1/municipalities", body: `{}`, status: 404, code: "not_found"},
		{name: "chat without a responder", path: "/api/v1/chat", body: `{"municipality":"nerima","session_id":"abcdefgh","text":"更新"}`, status: 404, code: "not_found"},
	})
}

// catalogOf is the channels' view of k, as cmd/server builds it.
func catalogOf(k *knowledge.KB) bot.Catalog { return dialog.NewCatalog(knowledge.NewProvider(k)) }
