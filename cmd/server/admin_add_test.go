package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAddMunicipalityServed: a global admin adds a copy of Nerima under a
// new id on the first server; that server's chat API knows it at once, and
// the second server's (another process's watcher on the same Redis) once
// its version check has run; an editor may not add one.
func TestAddMunicipalityServed(t *testing.T) {
	url, prefix := sharedRedis(t)
	_, _, first := startMain(t, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix, "ADMIN_USER": staffUser, "ADMIN_PASSWORD": staffPassword})
	_, _, second := startMain(t, map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix})
	staff := loginStaff(t, first)

	var unit struct {
		YAML, Page string
	}
	if code := staff.call(http.MethodGet, "/admin/api/v1/municipalities/nerima/knowledge", nil, &unit); code != http.StatusOK {
		t.Fatalf("knowledge: %d", code)
	}
	y := strings.Replace(unit.YAML, "\nid: nerima\n", "\nid: nerima_kita\n", 1)
	y = strings.Replace(y, "  seed: nerima\n", "  seed: nerima_kita\n", 1)
	add := map[string]string{"id": "nerima_kita", "yaml": y, "page": unit.Page, "comment": "test"}

	chat := func(base string) int {
		var r checklistReply
		return postFrom(t, base+"/api/v1/chat", `{"municipality":"nerima_kita","session_id":"add-municipality-test","text":"更新したい"}`, &r)
	}
	if code := chat(second); code == http.StatusOK {
		t.Fatal("the chat knows nerima_kita before it is added")
	}

	if code := staff.call(http.MethodPost, "/admin/api/v1/accounts", map[string]any{"name": "ed", "password": staffPassword,
		"roles": map[string]string{"nerima": "publisher"}}, nil); code != http.StatusOK && code != http.StatusCreated {
		t.Fatalf("account: %d", code)
	}
	ed := &staffAPI{tb: t, base: first}
	var login struct{ Token string }
	if code := ed.call(http.MethodPost, "/admin/api/v1/login", map[string]string{"user": "ed", "password": staffPassword}, &login); code != http.StatusOK {
		t.Fatalf("editor login: %d", code)
	}
	ed.token = login.Token
	if code := ed.call(http.MethodPost, "/admin/api/v1/municipalities", add, nil); code != http.StatusForbidden {
		t.Fatalf("an editor adding: %d", code)
	}

	if code := staff.call(http.MethodPost, "/admin/api/v1/municipalities", add, nil); code != http.StatusCreated {
		t.Fatalf("add: %d", code)
	}
	if code := chat(first); code != http.StatusOK {
		t.Fatalf("the first server's chat on nerima_kita: %d", code)
	}
	// The second server's watcher checks every 500 ms (and is told by
	// pub/sub): wait for it, not for a time.
	deadline := time.Now().Add(30 * time.Second)
	for chat(second) != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("the second server never served nerima_kita")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
