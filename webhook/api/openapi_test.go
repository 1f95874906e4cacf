package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/dialog/redisstore"
	"github.com/madoguchi/madoguchi/internal/redistest"
	"github.com/madoguchi/madoguchi/webhook/api"
	"github.com/madoguchi/madoguchi/webhook/guard"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// loadOpenAPI loads and validates the embedded description.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("loading openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json does not validate: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.IsOpenAPI32OrLater() {
		t.Errorf("openapi.json is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	return doc
}

func TestOpenAPIDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	// Every route the API registers is described, and nothing else.
	var got []string
	for _, p := range doc.Paths.InMatchingOrder() {
		for m := range doc.Paths.Value(p).Operations() {
			got = append(got, m+" "+p)
		}
	}
	want := map[string]bool{"GET /api/v1/municipalities": true, "GET /api/v1/texts": true, "POST /api/v1/checklist": true,
		"POST /api/v1/chat": true, "GET /api/v1/openapi.json": true}
	if len(got) != len(want) {
		t.Errorf("operations %v, want %v", got, want)
	}
	for _, op := range got {
		if !want[op] {
			t.Errorf("undocumented or unknown operation %s", op)
		}
	}
	h := newServer(t, api.Deps{Catalog: catalogOf(kb(t)), Clock: fixedClock})
	w := do(t, h, "GET", "/api/v1/openapi.json", "")
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), api.OpenAPI) || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("GET /api/v1/openapi.json: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
}

// apiCase is one real request, the status it must get, and whether the
// request itself is one the description allows (error cases send what it
// forbids).
type apiCase struct {
	name, method, path, body string
	header                   map[string]string
	status                   int
	validRequest             bool
}

// TestOpenAPIResponses sends real requests, successes and each documented
// error, to the API as cmd/server mounts it (behind the guard, with the
// dialog engine on Redis), and validates every response, its status,
// headers and body, against the description.
func TestOpenAPIResponses(t *testing.T) {
	doc := loadOpenAPI(t)
	client := redistest.Client(t)
	prefix := redistest.Prefix(t)
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	engine := dialog.New(dialog.Config{KB: kb(t), Store: redisstore.New(client, redisstore.Options{Prefix: prefix, Logger: logger}), Logger: logger})
	newHandler := func(responder bot.Responder, perSession guard.Limit) http.Handler {
		g, err := guard.New(guard.Config{Origins: map[string][]string{"nerima": {"https://www.city.nerima.tokyo.jp"}},
			Redis: client, KeyPrefix: prefix + "rl:", PerSession: perSession, Logger: logger})
		if err != nil {
			t.Fatal(err)
		}
		e := httpx.NewEngine(logger, nil)
		e.Use(g.Middleware())
		api.Register(e, api.Deps{Catalog: catalogOf(kb(t)), Responder: responder, Clock: fixedClock})
		return e
	}
	main := newHandler(engine, guard.Limit{N: -1})
	limited := newHandler(engine, guard.Limit{N: 1, Per: time.Hour})
	down := newHandler(stuck{deadline: make(chan bool, 10)}, guard.Limit{N: -1})

	flow := []string{`"text":"更新したい"`, `"postback":"age_group=adult"`, `"postback":"visitor=proxy"`,
		`"postback":"has_notice=false"`, `"postback":"address_change=false"`, `"text":"2025年7月7日"`}
	cases := []apiCase{
		{name: "municipalities", method: "GET", path: "/api/v1/municipalities", status: 200, validRequest: true},
		{name: "openapi", method: "GET", path: "/api/v1/openapi.json", status: 200, validRequest: true},
		{name: "texts", method: "GET", path: "/api/v1/texts?municipality=yokohama", status: 200, validRequest: true},
		{name: "texts in English", method: "GET", path: "/api/v1/texts?municipality=nerima&lang=en", status: 200, validRequest: true},
		{name: "texts unknown lang", method: "GET", path: "/api/v1/texts?municipality=nerima&lang=fr", status: 400},
		{name: "texts no municipality", method: "GET", path: "/api/v1/texts", status: 400},
		{name: "texts unknown municipality", method: "GET", path: "/api/v1/texts?municipality=atlantis", status: 404, validRequest: true},
		{name: "checklist", method: "POST", path: "/api/v1/checklist", status: 200, validRequest: true,
			body: `{"municipality":"edogawa","age_group":"adult","visitor":"proxy","has_notice":false,"address_change":false,"expiry_date":"2025-07-07","today":"2025-05-01","ward":""}`},
		{name: "checklist uncovered", method: "POST", path: "/api/v1/checklist", status: 200, validRequest: true,
			body: `{"municipality":"akishima","age_group":"under15","visitor":"proxy"}`},
		{name: "checklist ward, move", method: "POST", path: "/api/v1/checklist", status: 200, validRequest: true,
			body: `{"municipality":"yokohama","age_group":"adult","visitor":"self","move_at_visit":true,"ward":"kohoku","expiry_date":"2024-01-01"}`},
		{name: "checklist invalid", method: "POST", path: "/api/v1/checklist", status: 400, body: `{"municipality":"edogawa","age_group":"old","visitor":"self"}`},
		{name: "checklist malformed", method: "POST", path: "/api/v1/checklist", status: 400, body: `{"municipality":`},
		{name: "checklist unknown field", method: "POST", path: "/api/v1/checklist", status: 400, body: `{"municipality":"edogawa","age":1}`},
		{name: "checklist unknown municipality", method: "POST", path: "/api/v1/checklist", status: 404,
			body: `{"municipality":"atlantis","age_group":"adult","visitor":"self"}`},
		{name: "checklist too large", method: "POST", path: "/api/v1/checklist", status: 413,
			body: `{"municipality":"` + strings.Repeat("a", httpx.MaxBodyBytes) + `"}`},
		{name: "chat bad session", method: "POST", path: "/api/v1/chat", status: 400, body: `{"municipality":"nerima","session_id":"x","text":"更新したい"}`},
		{name: "chat both", method: "POST", path: "/api/v1/chat", status: 400, body: `{"municipality":"nerima","session_id":"openapi-both","text":"a","postback":"b"}`},
		{name: "chat unknown municipality", method: "POST", path: "/api/v1/chat", status: 404, body: `{"municipality":"atlantis","session_id":"openapi-404x","text":"更新したい"}`},
		{name: "chat forbidden origin", method: "POST", path: "/api/v1/chat", status: 403, validRequest: true,
			header: map[string]string{"Origin": "https://evil.example"}, body: `{"municipality":"nerima","session_id":"openapi-origin","text":"更新したい"}`},
	}
	for i, f := range flow {
		cases = append(cases, apiCase{name: "chat turn " + f, method: "POST", path: "/api/v1/chat", status: 200, validRequest: true,
			header: map[string]string{"Origin": "https://www.city.nerima.tokyo.jp", "X-Request-Id": "openapi-" + string(rune('a'+i))},
			body:   `{"municipality":"nerima","session_id":"openapi-flow-1",` + f + `,"today":"2025-05-01"}`})
	}
	check := func(t *testing.T, h http.Handler, c apiCase) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(c.method, "http://madoguchi.example"+c.path, strings.NewReader(c.body))
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != c.status {
			t.Fatalf("%s: status %d, want %d: %s", c.name, w.Code, c.status, w.Body)
		}
		validate(t, doc, c, w)
		return w
	}
	var last *httptest.ResponseRecorder
	for _, c := range cases {
		last = check(t, main, c)
	}
	if !strings.Contains(last.Body.String(), `"done":true`) || !strings.Contains(last.Body.String(), `"type":"checklist"`) {
		t.Errorf("the chat flow gave no checklist: %s", last.Body)
	}
	turn := `{"municipality":"nerima","session_id":"openapi-limited","text":"更新したい"}`
	check(t, limited, apiCase{name: "chat within the limit", method: "POST", path: "/api/v1/chat", status: 200, validRequest: true, body: turn})
	w := check(t, limited, apiCase{name: "chat rate limited", method: "POST", path: "/api/v1/chat", status: 429, validRequest: true, body: turn})
	if w.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	check(t, down, apiCase{name: "chat store down", method: "POST", path: "/api/v1/chat", status: 503, validRequest: true,
		body: `{"municipality":"nerima","session_id":"openapi-down","text":"更新したい"}`})
}

// validate checks c's request (when it is meant to be valid) and w, its
// response, against doc; an undocumented status is an error.
func validate(t *testing.T, doc *openapi3.T, c apiCase, w *httptest.ResponseRecorder) {
	t.Helper()
	path, _, _ := strings.Cut(c.path, "?")
	item := doc.Paths.Find(path)
	if item == nil || item.GetOperation(c.method) == nil {
		t.Fatalf("%s: %s %s is not in the description", c.name, c.method, c.path)
	}
	req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: c.method, Operation: item.GetOperation(c.method)}
	in := &openapi3filter.RequestValidationInput{Request: req, Route: route,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	ctx := context.Background()
	if c.validRequest {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("%s: the request does not match the description: %v", c.name, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: w.Code, Header: w.Header(),
		Body: io.NopCloser(bytes.NewReader(w.Body.Bytes())), Options: in.Options}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("%s: the %d response does not match the description: %v\n%s", c.name, w.Code, err, w.Body)
	}
}
