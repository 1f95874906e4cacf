// Package openapitest checks an HTTP API against its OpenAPI 3.1
// description, for tests: the description loads and validates, each real
// request (when meant to be valid) and each response (status, headers,
// body) matches it, and every status it documents is one a test drove. It
// is shared by the residents' API (webhook/api) and the staff API
// (webhook/admin) tests and imported by no other package.
package openapitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Load loads the description data, validates it and requires it to be
// OpenAPI 3.1; any failure is fatal.
func Load(tb testing.TB, data []byte) *openapi3.T {
	tb.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		tb.Fatalf("loading the description: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		tb.Fatalf("the description does not validate: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.IsOpenAPI32OrLater() {
		tb.Fatalf("the description is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	return doc
}

// Operations returns every operation of doc as "METHOD /path", the path in
// OpenAPI's template form (/tokens/{tid}), sorted.
func Operations(doc *openapi3.T) []string {
	var out []string
	for _, p := range doc.Paths.InMatchingOrder() {
		for m := range doc.Paths.Value(p).Operations() {
			out = append(out, m+" "+p)
		}
	}
	slices.Sort(out)
	return out
}

// TemplatePath turns a gin route path (/tokens/:tid, /files/*path) into
// OpenAPI's template form (/tokens/{tid}, /files/{path}).
func TemplatePath(ginPath string) string {
	parts := strings.Split(ginPath, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// Case is one real request, the status it must get, and whether the
// request itself is one the description allows (error cases often send
// what it forbids, and only their response is checked).
type Case struct {
	Name, Method, Path, Body string
	Header                   map[string]string
	Status                   int
	ValidRequest             bool
}

// Checker validates exchanges against one description and remembers which
// documented operation answered which status. It is safe for concurrent use.
type Checker struct {
	doc    *openapi3.T
	router routers.Router

	mu   sync.Mutex
	seen map[string]bool // "METHOD /template STATUS"
}

// NewChecker returns a Checker of doc (from Load).
func NewChecker(tb testing.TB, doc *openapi3.T) *Checker {
	tb.Helper()
	r, err := legacy.NewRouter(doc)
	if err != nil {
		tb.Fatalf("routing the description: %v", err)
	}
	return &Checker{doc: doc, router: r, seen: map[string]bool{}}
}

// Do sends c to h (with Content-Type: application/json when it has a
// body), requires c.Status, validates the exchange (Validate) and returns
// the response.
func (k *Checker) Do(tb testing.TB, h http.Handler, c Case) *httptest.ResponseRecorder {
	tb.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, newRequest(c))
	if w.Code != c.Status {
		tb.Fatalf("%s: %s %s: status %d, want %d: %s", c.Name, c.Method, c.Path, w.Code, c.Status, w.Body)
	}
	k.Validate(tb, c, w)
	return w
}

func newRequest(c Case) *http.Request {
	req := httptest.NewRequest(c.Method, "http://madoguchi.example"+c.Path, strings.NewReader(c.Body))
	if c.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.Header {
		req.Header.Set(k, v)
	}
	return req
}

// Validate checks c's request, when c.ValidRequest, and w, its response,
// against the description: the operation must be described, and so must
// the status, its headers and its body. It records the operation and status
// for Undriven.
func (k *Checker) Validate(tb testing.TB, c Case, w *httptest.ResponseRecorder) {
	tb.Helper()
	req := newRequest(c)
	// The servers' URL "/" matches a path, not an absolute URL.
	pathOnly := req.Clone(req.Context())
	pathOnly.URL = &url.URL{Path: req.URL.Path, RawQuery: req.URL.RawQuery}
	route, params, err := k.router.FindRoute(pathOnly)
	if err != nil {
		tb.Fatalf("%s: %s %s is not in the description: %v", c.Name, c.Method, c.Path, err)
	}
	k.mu.Lock()
	k.seen[c.Method+" "+route.Path+" "+strconv.Itoa(w.Code)] = true
	k.mu.Unlock()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, AuthenticationFunc: bearerPresent}}
	ctx := context.Background()
	if c.ValidRequest {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			tb.Errorf("%s: the request does not match the description: %v", c.Name, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: w.Code, Header: w.Header(),
		Body: io.NopCloser(bytes.NewReader(w.Body.Bytes())), Options: in.Options}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		tb.Errorf("%s: the %d response does not match the description: %v\n%s", c.Name, w.Code, err, w.Body)
	}
}

// bearerPresent accepts an HTTP bearer requirement when the request has
// Authorization: Bearer <something>: whether the token is good is the
// server's business, and its 401 is checked as a response.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer") {
		return fmt.Errorf("security scheme %s %s is not checked here", s.Type, s.Scheme)
	}
	token, ok := strings.CutPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return errors.New("no Authorization: Bearer <token>")
	}
	return nil
}

// Undriven returns every documented "METHOD /path STATUS" that no
// validated exchange answered, but those in excused (each with the reason
// a test cannot drive it), sorted; and the excused ones that were driven or
// are not documented, which should leave the list.
func (k *Checker) Undriven(excused map[string]string) (undriven, stale []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	documented := map[string]bool{}
	for _, p := range k.doc.Paths.InMatchingOrder() {
		for m, op := range k.doc.Paths.Value(p).Operations() {
			for status := range op.Responses.Map() {
				key := m + " " + p + " " + status
				documented[key] = true
				if _, ok := excused[key]; !ok && !k.seen[key] {
					undriven = append(undriven, key)
				}
			}
		}
	}
	for key := range excused {
		if k.seen[key] || !documented[key] {
			stale = append(stale, key)
		}
	}
	slices.Sort(undriven)
	slices.Sort(stale)
	return undriven, stale
}
