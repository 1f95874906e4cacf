package httpx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/httpx"
	"github.com/prometheus/client_golang/prometheus"
)

func init() { gin.SetMode(gin.TestMode) }

type request struct {
	Name  string  `json:"name"`
	Flag  *bool   `json:"flag"`
	Count int     `json:"count"`
	Inner *inner  `json:"inner"`
	Ratio float64 `json:"ratio"`
}

type inner struct {
	Date string `json:"date"`
}

func TestUnmarshal(t *testing.T) {
	tests := []struct {
		name, body   string
		field, inMsg string // want an error naming field, whose message holds inMsg
	}{
		{name: "ok", body: `{"name":"a","flag":true,"count":3,"inner":{"date":"x"}}`},
		{name: "ok with whitespace around", body: " \n{\"name\":\"a\"}\n "},
		{name: "empty", body: "", inMsg: "empty"},
		{name: "blank", body: "  \n", inMsg: "empty"},
		{name: "syntax", body: `{"name":"a",}`, inMsg: "byte offset 11"},
		{name: "truncated", body: `{"name":"a"`, inMsg: "ends before"},
		{name: "not an object", body: `["a"]`, inMsg: "must be a JSON object"},
		{name: "string body", body: `"a"`, inMsg: "must be a JSON object"},
		{name: "unknown field", body: `{"name":"a","nmae":"b"}`, field: "nmae", inMsg: `unknown field "nmae"`},
		{name: "unknown nested field", body: `{"inner":{"day":"b"}}`, field: "inner.day", inMsg: `unknown field "inner.day"`},
		{name: "name in another case", body: `{"Name":"a"}`, field: "Name", inMsg: `unknown field "Name" (names are case-sensitive)`},
		{name: "nested name in another case", body: `{"inner":{"DATE":"x"}}`, field: "inner.DATE", inMsg: "case-sensitive"},
		{name: "duplicate field", body: `{"name":"a","name":"b"}`, field: "name", inMsg: `duplicate field "name"`},
		{name: "duplicate nested field", body: `{"inner":{"date":"a","date":"b"}}`, field: "inner.date", inMsg: "duplicate field"},
		{name: "invalid UTF-8 in a value", body: "{\"name\":\"a\xff\"}", field: "name", inMsg: "not valid UTF-8"},
		{name: "invalid UTF-8 in a name", body: "{\"na\xffme\":\"a\"}", inMsg: "invalid UTF-8"},
		{name: "lone surrogate escape", body: `{"name":"\ud800"}`, inMsg: "invalid surrogate"},
		{name: "integer out of range", body: `{"count":99999999999999999999}`, field: "count", inMsg: "out of range"},
		{name: "bool as string", body: `{"flag":"yes"}`, field: "flag", inMsg: "must be a boolean (got string)"},
		{name: "string as number", body: `{"name":1}`, field: "name", inMsg: "must be a string (got number)"},
		{name: "fraction for int", body: `{"count":1.5}`, field: "count", inMsg: "must be an integer"},
		{name: "nested type", body: `{"inner":{"date":7}}`, field: "inner.date", inMsg: `"inner.date" must be a string`},
		{name: "trailing object", body: `{"name":"a"}{"name":"b"}`, inMsg: "unexpected data after"},
		{name: "trailing garbage", body: `{"name":"a"} x`, inMsg: "unexpected data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v request
			err := httpx.Unmarshal([]byte(tt.body), &v)
			if tt.inMsg == "" {
				if err != nil {
					t.Fatalf("Unmarshal(%s) = %v, want nil", tt.body, err)
				}
				return
			}
			var e *bot.Error
			if !errors.As(err, &e) {
				t.Fatalf("Unmarshal(%s) = %v, want a *bot.Error", tt.body, err)
			}
			if e.Code != bot.CodeInvalid || e.Field != tt.field || !strings.Contains(e.Message, tt.inMsg) {
				t.Errorf("Unmarshal(%s) = {%s %q %q}, want {invalid %q …%s…}", tt.body, e.Code, e.Field, e.Message, tt.field, tt.inMsg)
			}
		})
	}
}

func TestDecodeJSONTooLarge(t *testing.T) {
	big := `{"name":"` + strings.Repeat("a", 4<<20) + `"}`
	for _, chunked := range []bool{false, true} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(big))
		if chunked {
			r.ContentLength = -1 // the limit must hold without a Content-Length too
		}
		var v request
		err := httpx.DecodeJSON(httptest.NewRecorder(), r, &v)
		if got := bot.ErrorCode(err); got != bot.CodeTooLarge {
			t.Errorf("chunked=%v: DecodeJSON(4 MiB) code = %q (%v), want too_large", chunked, got, err)
		}
	}
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"name":"ok"}`))
	var v request
	if err := httpx.DecodeJSON(httptest.NewRecorder(), r, &v); err != nil || v.Name != "ok" {
		t.Errorf("DecodeJSON(small) = %v, %+v", err, v)
	}
}

func TestBody(t *testing.T) {
	tests := []struct {
		err        error
		status     int
		code, msg  string
		field      string
		hiddenText string // must not reach the client
	}{
		{err: bot.Invalidf("visitor", "visitor is wrong"), status: 400, code: "invalid", msg: "visitor is wrong", field: "visitor"},
		{err: bot.NotFoundf("no such town"), status: 404, code: "not_found", msg: "no such town"},
		{err: &bot.Error{Code: bot.CodeTooLarge, Message: "big"}, status: 413, code: "too_large", msg: "big"},
		{err: &bot.Error{Code: bot.CodeRateLimited}, status: 429, code: "rate_limited", msg: httpx.MsgRateLimited},
		{err: bot.Unavailable("", errors.New("redis down")), status: 503, code: "unavailable", msg: httpx.MsgUnavailable, hiddenText: "redis"},
		{err: &bot.Error{Code: bot.CodeInternal, Message: "secret detail"}, status: 500, code: "internal", msg: httpx.MsgInternal, hiddenText: "secret"},
		{err: &bot.Error{Code: "bogus", Message: "secret detail"}, status: 500, code: "internal", msg: httpx.MsgInternal, hiddenText: "secret"},
		{err: errors.New("plain secret"), status: 500, code: "internal", msg: httpx.MsgInternal, hiddenText: "secret"},
	}
	for _, tt := range tests {
		status, body := httpx.Body(tt.err)
		d := body.Error
		if status != tt.status || d.Code != tt.code || d.Message != tt.msg || d.Field != tt.field {
			t.Errorf("Body(%v) = %d %+v, want %d {%s %q %q}", tt.err, status, d, tt.status, tt.code, tt.msg, tt.field)
		}
		if b, _ := json.Marshal(body); tt.hiddenText != "" && bytes.Contains(b, []byte(tt.hiddenText)) {
			t.Errorf("Body(%v) leaks %q: %s", tt.err, tt.hiddenText, b)
		}
	}
}

// newEngine returns an engine with the shared middleware, logging to buf.
func newEngine(t *testing.T, buf *bytes.Buffer, reg *prometheus.Registry) *gin.Engine {
	t.Helper()
	m, err := httpx.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	e := httpx.NewEngine(slog.New(slog.NewJSONHandler(buf, nil)), m)
	e.POST("/echo/:user", func(c *gin.Context) {
		var v request
		if err := httpx.DecodeJSON(c.Writer, c.Request, &v); err != nil {
			httpx.WriteError(c, err)
			return
		}
		c.JSON(http.StatusOK, v)
	})
	e.GET("/panic", func(c *gin.Context) { panic("resident wrote 秘密のPIN 9q7Z4k") })
	e.GET("/index", func(c *gin.Context) {
		var s []int
		_ = s[3]
	})
	return e
}

func serve(e http.Handler, method, target, body string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(method, target, strings.NewReader(body)))
	return w
}

func errorBody(t *testing.T, w *httptest.ResponseRecorder) httpx.ErrorDetail {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want JSON", ct)
	}
	var b httpx.ErrorBody
	dec := json.NewDecoder(w.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("error body %q: %v", w.Body.String(), err)
	}
	return b.Error
}

func TestEngine(t *testing.T) {
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	e := newEngine(t, &logs, reg)

	w := serve(e, "POST", "/echo/U1234secretuser?token=abc", `{"name":"山田太郎"}`)
	if w.Code != 200 {
		t.Fatalf("echo = %d %s", w.Code, w.Body)
	}
	for _, tt := range []struct {
		method, target string
		status         int
		code           string
	}{
		{"GET", "/nowhere", 404, "not_found"},
		{"GET", "/echo/x", 404, "not_found"}, // wrong method is a 404 too
		{"DELETE", "/echo/x", 404, "not_found"},
		{"GET", "/panic", 500, "internal"},
		{"GET", "/index", 500, "internal"},
	} {
		w := serve(e, tt.method, tt.target, "")
		if w.Code != tt.status {
			t.Errorf("%s %s = %d, want %d", tt.method, tt.target, w.Code, tt.status)
			continue
		}
		if d := errorBody(t, w); d.Code != tt.code {
			t.Errorf("%s %s code = %q, want %q", tt.method, tt.target, d.Code, tt.code)
		}
	}
	w = serve(e, "POST", "/echo/x", `{"name":"a","pin":"9q7Z4k"}`)
	if d := errorBody(t, w); w.Code != 400 || d.Field != "pin" {
		t.Errorf("unknown field = %d %+v", w.Code, d)
	}

	out := logs.String()
	for _, secret := range []string{"山田", "U1234secretuser", "token", "秘密", "9q7Z4k", "name"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs hold %q:\n%s", secret, out)
		}
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		lines = append(lines, m)
	}
	first := lines[0]
	if first["msg"] != "request" || first["method"] != "POST" || first["route"] != "/echo/:user" || first["status"] != 200.0 {
		t.Errorf("first log line = %v", first)
	}
	if _, ok := first["latency_ms"]; !ok {
		t.Errorf("first log line has no latency: %v", first)
	}
	var panics int
	for _, l := range lines {
		if l["msg"] == "panic" {
			panics++
		}
	}
	if panics != 2 || !strings.Contains(out, "index out of range") || !strings.Contains(out, `"panic":"string"`) {
		t.Errorf("want 2 panic lines, the runtime error's text and only the type of the other:\n%s", out)
	}

	if got := (counter(t, reg, "POST", "/echo/:user", "200")); got != 1 {
		t.Errorf("requests{POST /echo/:user 200} = %v, want 1", got)
	}
	if got := (counter(t, reg, "GET", "unmatched", "404")); got != 2 {
		t.Errorf("requests{GET unmatched 404} = %v, want 2", got)
	}
	if got := (counter(t, reg, "GET", "/panic", "500")); got != 1 {
		t.Errorf("requests{GET /panic 500} = %v, want 1", got)
	}
}

// counter returns the request counter with the labels, 0 if there is none.
func counter(t *testing.T, reg *prometheus.Registry, method, route, status string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "madoguchi_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			if l["method"] == method && l["route"] == route && l["status"] == status {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// TestSecurityHeadersAndHEAD checks that every answer, errors included,
// carries nosniff and no-store unless its handler sets its own caching,
// and that after AddHEAD a HEAD request answers as GET without a body.
func TestSecurityHeadersAndHEAD(t *testing.T) {
	var logs bytes.Buffer
	e := newEngine(t, &logs, prometheus.NewRegistry())
	e.GET("/data", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
	e.GET("/asset.js", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "text/javascript", []byte("1"))
	})
	httpx.AddHEAD(e)
	httpx.AddHEAD(e) // twice is harmless
	srv := httptest.NewServer(e)
	defer srv.Close()
	for _, tt := range []struct {
		method, path string
		status       int
		cache        string
		body         bool
	}{
		{"GET", "/data", 200, "no-store", true},
		{"HEAD", "/data", 200, "no-store", false},
		{"GET", "/asset.js", 200, "public, max-age=300", true},
		{"HEAD", "/asset.js", 200, "public, max-age=300", false},
		{"GET", "/nowhere", 404, "no-store", true},
		{"HEAD", "/nowhere", 404, "no-store", false},
		{"HEAD", "/echo/x", 404, "no-store", false}, // a POST route has no HEAD
		{"GET", "/panic", 500, "no-store", true},
	} {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.status || res.Header.Get("Cache-Control") != tt.cache ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || (len(b) > 0) != tt.body {
			t.Errorf("%s %s = %d, Cache-Control %q, X-Content-Type-Options %q, %d body bytes; want %d, %q, nosniff, body %v",
				tt.method, tt.path, res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("X-Content-Type-Options"), len(b), tt.status, tt.cache, tt.body)
		}
	}
}
