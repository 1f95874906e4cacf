package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/madoguchi/madoguchi/webhook/admin/auth"
)

// nerimaCopy is Nerima's published unit under the id "nerima_kita".
func nerimaCopy(e *env, token string) (yaml, page string) {
	_, y, p := e.published(token, "nerima")
	y = strings.Replace(y, "\nid: nerima\n", "\nid: nerima_kita\n", 1)
	y = strings.Replace(y, "  seed: nerima\n", "  seed: nerima_kita\n", 1)
	return y, p
}

func TestAddMunicipalityAPI(t *testing.T) {
	e := newEnv(t, nil)
	root := e.login("root")
	editor := e.account("ed", map[string]auth.Role{"nerima": auth.Publisher})
	y, p := nerimaCopy(e, root)
	body := map[string]string{"id": "nerima_kita", "yaml": y, "page": p, "comment": "北部を追加"}

	if res := e.do("POST", "/admin/api/v1/municipalities", editor, body); res.Code != http.StatusForbidden {
		t.Fatalf("an editor adding: %d %s", res.Code, res.Body)
	}
	if e.target.Current().Municipality("nerima_kita") != nil {
		t.Fatal("served before it was added")
	}
	bad := map[string]string{"id": "nerima_kita", "yaml": y, "page": "引用のないページ"}
	if res := e.do("POST", "/admin/api/v1/municipalities", root, bad); res.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body.String(), `"problems"`) {
		t.Fatalf("a page without the quotes: %d %s", res.Code, res.Body)
	}
	res := e.do("POST", "/admin/api/v1/municipalities", root, body)
	if res.Code != http.StatusCreated || !strings.Contains(res.Body.String(), `"version":1`) {
		t.Fatalf("add: %d %s", res.Code, res.Body)
	}
	// This server serves it at once (the chat reads the provider per turn).
	m := e.target.Current().Municipality("nerima_kita")
	if m == nil || m.Name != e.target.Current().Municipality("nerima").Name {
		t.Fatalf("the provider does not hold nerima_kita: %v", m)
	}
	if v, yy, pp := e.published(root, "nerima_kita"); v != 1 || yy != y || pp != p {
		t.Fatalf("published nerima_kita v%d", v)
	}
	if res := e.do("POST", "/admin/api/v1/municipalities", root, body); res.Code != http.StatusConflict {
		t.Fatalf("added twice: %d %s", res.Code, res.Body)
	}
	if res := e.do("POST", "/admin/api/v1/municipalities", root, map[string]string{"id": "National", "yaml": y, "page": p}); res.Code != http.StatusBadRequest {
		t.Fatalf("a bad id: %d %s", res.Code, res.Body)
	}
	if res := e.do("GET", "/admin/api/v1/municipalities", root, nil); !strings.Contains(res.Body.String(), "nerima_kita") {
		t.Fatalf("the list lacks it: %s", res.Body)
	}
	if res := e.do("GET", "/admin/api/v1/audit", root, nil); !strings.Contains(res.Body.String(), "unit_create") {
		t.Fatalf("not audited: %s", res.Body)
	}
}

func TestAddMunicipalityConsole(t *testing.T) {
	e := newEnv(t, nil)
	root := e.login("root")
	e.account("ed", map[string]auth.Role{"nerima": auth.Editor})
	y, p := nerimaCopy(e, root)

	ed := e.browserLogin("localhost:8080", "ed")
	if res := ed.get("/admin/municipalities/new"); res.Code != http.StatusForbidden {
		t.Fatalf("an editor's form: %d", res.Code)
	}
	if res := ed.post("/admin/municipalities", url.Values{"id": {"nerima_kita"}, "yaml": {y}, "page": {p}}); res.Code != http.StatusForbidden {
		t.Fatalf("an editor adding: %d", res.Code)
	}

	b := e.browserLogin("localhost:8080", "root")
	if res := b.get("/admin/municipalities/new"); res.Code != 200 || !strings.Contains(res.Body.String(), `action="/admin/municipalities"`) {
		t.Fatalf("form: %d %s", res.Code, res.Body)
	}
	form := url.Values{"id": {"nerima_kita"}, "yaml": {strings.ReplaceAll(y, "\n", "\r\n")}, "page": {p}, "comment": {"北部"}}
	noToken := url.Values{"id": {"nerima_kita"}, "yaml": {y}, "page": {p}}
	if res := b.send("POST", "/admin/municipalities", noToken, nil); res.Code != http.StatusForbidden {
		t.Fatalf("without the form token: %d", res.Code)
	}
	bad := url.Values{"id": {"nerima_kita"}, "yaml": {y}, "page": {"<b>引用のないページ</b>"}}
	res := b.post("/admin/municipalities", bad)
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "問題の一覧") ||
		strings.Contains(res.Body.String(), "<b>引用") {
		t.Fatalf("invalid: %d", res.Code)
	}
	res = b.post("/admin/municipalities", form)
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header().Get("Location"), "/admin/m/nerima_kita?") {
		t.Fatalf("add: %d %s", res.Code, res.Body)
	}
	if e.target.Current().Municipality("nerima_kita") == nil {
		t.Fatal("not served")
	}
	if res := b.get("/admin/m/nerima_kita"); res.Code != 200 {
		t.Fatalf("its page: %d", res.Code)
	}
	if res := b.get("/admin"); !strings.Contains(res.Body.String(), `/admin/m/nerima_kita`) {
		t.Fatal("the dashboard lacks it")
	}
}
