package line_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/dialog"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/webhook/line"
)

// fakeMenus is the fake Messaging API's rich menus: the aliases
// (GET /v2/bot/richmenu/alias/{richMenuAliasId}: {"richMenuAliasId",
// "richMenuId"}, 404 for an unknown alias) and the links of users to
// menus (POST /v2/bot/user/{userId}/richmenu/{richMenuId}, no body: 200
// {}, 400 for a menu that does not exist; DELETE
// /v2/bot/user/{userId}/richmenu: 200 {}, 404 for a user with none).
type fakeMenus struct {
	mu         sync.Mutex
	aliases    map[string]string // alias -> rich menu id
	aliasCalls map[string]int
	links      []string // "userId richMenuId", in order
	failLinks  int      // the status of every link (0: as LINE)
	linked     map[string]bool
	unlinks    []string // the users unlinked, in order
}

func (m *fakeMenus) Unlinks() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.unlinks...)
}

func (m *fakeMenus) setAliases(a map[string]string) {
	m.mu.Lock()
	m.aliases = a
	m.mu.Unlock()
}

func (m *fakeMenus) Links() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.links...)
}

func (m *fakeMenus) AliasCalls(alias string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.aliasCalls[alias]
}

// serve answers the rich menu endpoints and reports whether r was one.
func (m *fakeMenus) serve(t testing.TB, w http.ResponseWriter, r *http.Request) bool {
	alias, isAlias := strings.CutPrefix(r.URL.Path, "/v2/bot/richmenu/alias/")
	rest, isUser := strings.CutPrefix(r.URL.Path, "/v2/bot/user/")
	user, menu, isLink := strings.Cut(rest, "/richmenu/")
	unlinked, isUnlink := strings.CutSuffix(rest, "/richmenu")
	if !isAlias && !(isUser && (isLink || isUnlink)) {
		return false
	}
	body, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	answer := func(status int, s string) {
		w.WriteHeader(status)
		io.WriteString(w, s)
	}
	switch {
	case isAlias && r.Method == http.MethodGet:
		if m.aliasCalls == nil {
			m.aliasCalls = map[string]int{}
		}
		m.aliasCalls[alias]++
		id, ok := m.aliases[alias]
		if !ok {
			answer(http.StatusNotFound, `{"message":"richmenu alias not found"}`)
			return true
		}
		answer(http.StatusOK, `{"richMenuAliasId":"`+alias+`","richMenuId":"`+id+`"}`)
	case isUnlink && r.Method == http.MethodDelete:
		// LINE answers 404 to a user with no menu linked.
		m.unlinks = append(m.unlinks, unlinked)
		if !m.linked[unlinked] {
			answer(http.StatusNotFound, `{"message":"Not found"}`)
			return true
		}
		delete(m.linked, unlinked)
		answer(http.StatusOK, `{}`)
	case isLink && r.Method == http.MethodPost:
		if len(body) != 0 {
			t.Errorf("fake API: link with a body %q; LINE's has none", body)
		}
		if !strings.HasPrefix(user, "U") || user == "all" {
			t.Errorf("fake API: link for user %q", user)
		}
		known := false
		for _, id := range m.aliases {
			known = known || id == menu
		}
		switch {
		case m.failLinks != 0:
			answer(m.failLinks, `{"message":"fake failure"}`)
		case !known:
			answer(http.StatusBadRequest, `{"message":"richmenu not found"}`)
		default:
			m.links = append(m.links, user+" "+menu)
			if m.linked == nil {
				m.linked = map[string]bool{}
			}
			m.linked[user] = true
			answer(http.StatusOK, `{}`)
		}
	default:
		t.Errorf("fake API: unexpected %s %s", r.Method, r.URL.Path)
		answer(http.StatusNotFound, `{"message":"Not found"}`)
	}
	return true
}

// menuEnv is an env whose Handler runs the real dialog, with the users'
// profile languages and the channel's aliases.
func menuEnv(t *testing.T, profiles, aliases map[string]string, mods ...func(*line.Config)) (*env, *inst) {
	t.Helper()
	kb, err := knowledge.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.api.profiles = profiles
	e.api.menus.setAliases(aliases)
	in := e.start(func(c *line.Config) {
		c.Responder = dialog.New(dialog.Config{KB: kb, Store: &dialog.MemoryStore{}})
		for _, mod := range mods {
			mod(c)
		}
	})
	return e, in
}

// follow posts a follow event of user and waits for its result.
func follow(t *testing.T, e *env, in *inst, user, id string) line.EventResult {
	t.Helper()
	in.postSigned(t, event(user, id, e.clock().Add(-time.Second).UnixMilli(), "follow", map[string]any{"follow": map[string]any{"isUnblocked": false}}))
	r := e.wait(1)[0]
	e.quiet(50 * time.Millisecond)
	return r
}

// greeted returns the texts of the reply to the follow id.
func greeted(t *testing.T, e *env, id string) []string {
	t.Helper()
	for _, c := range e.api.Calls("/v2/bot/message/reply") {
		if c.Body["replyToken"] == "rt-"+id {
			return textsOf(c)
		}
	}
	t.Fatalf("no reply to the follow %s", id)
	return nil
}

const (
	englishUser  = "Uenglish00000000000000000000000000"
	englishUser2 = "Uenglish00000000000000000000000002"
	japaneseUser = "Ujapanese0000000000000000000000000"
)

var channelAliases = map[string]string{
	"madoguchi-ja": "richmenu-ja", "madoguchi-ja-x-easy": "richmenu-easy", "madoguchi-en": "richmenu-en",
}

// TestFollowLinksTheMenuOfTheLanguage: a follow from a user whose profile
// is English links the English menu (its alias asked once, then kept);
// a Japanese profile links nothing (the default menu is Japanese); the
// greeting arrives in the profile's language either way.
func TestFollowLinksTheMenuOfTheLanguage(t *testing.T) {
	e, in := menuEnv(t, map[string]string{englishUser: "en-US", englishUser2: "en", "Uenglish00000000000000000000000003": "en", japaneseUser: "ja"}, channelAliases)
	english := embeddedCatalog().Texts("edogawa", bot.LangEn)

	follow(t, e, in, englishUser, "01HX00000000000000000000MENU1")
	if got, want := e.api.menus.Links(), []string{englishUser + " richmenu-en"}; !equal(got, want) {
		t.Errorf("links %q, want %q", got, want)
	}
	if got := greeted(t, e, "01HX00000000000000000000MENU1"); len(got) == 0 || !strings.HasPrefix(got[0], english.Get(bot.TextLINEThanks)) {
		t.Errorf("greeting %q, want the English one", got)
	}

	// Another English follower: linked too, the alias not asked again.
	follow(t, e, in, englishUser2, "01HX00000000000000000000MENU2")
	if got := e.api.menus.Links(); len(got) != 2 || got[1] != englishUser2+" richmenu-en" {
		t.Errorf("links %q, want the second user linked to the English menu", got)
	}
	if n := e.api.menus.AliasCalls("madoguchi-en"); n != 1 {
		t.Errorf("the alias was asked %d times, want once", n)
	}

	// The same user following again (the profile is kept): linked once.
	follow(t, e, in, englishUser, "01HX00000000000000000000MENU3")
	if got := e.api.menus.Links(); len(got) != 2 {
		t.Errorf("links %q, want the English user linked once", got)
	}

	follow(t, e, in, japaneseUser, "01HX00000000000000000000MENU4")
	if got := e.api.menus.Links(); len(got) != 2 {
		t.Errorf("links %q: a Japanese profile linked a menu", got)
	}
	if n := e.api.menus.AliasCalls("madoguchi-ja"); n != 0 {
		t.Errorf("a Japanese profile asked its alias %d times", n)
	}
	jp := nationalTexts()
	if got := greeted(t, e, "01HX00000000000000000000MENU4"); len(got) == 0 || !strings.HasPrefix(got[0], jp.Get(bot.TextLINEThanks)) {
		t.Errorf("greeting %q, want the Japanese one", got)
	}

	// The alias is asked again once its time in memory is over.
	e.setNow(e.clock().Add(11 * time.Minute))
	e.api.menus.setAliases(map[string]string{"madoguchi-en": "richmenu-en2"})
	follow(t, e, in, "Uenglish00000000000000000000000003", "01HX00000000000000000000MENU5")
	if got := e.api.menus.Links(); len(got) != 3 || got[2] != "Uenglish00000000000000000000000003 richmenu-en2" {
		t.Errorf("links %q, want the new English menu", got)
	}
	if n := e.api.menus.AliasCalls("madoguchi-en"); n != 2 {
		t.Errorf("the alias was asked %d times, want twice", n)
	}
}

// TestFollowWithoutTheMenu: a missing alias (the menus not registered) or
// a failing link links nothing, and the greeting still arrives.
func TestFollowWithoutTheMenu(t *testing.T) {
	english := embeddedCatalog().Texts("edogawa", bot.LangEn)
	t.Run("missing alias", func(t *testing.T) {
		e, in := menuEnv(t, map[string]string{englishUser: "en"}, map[string]string{"madoguchi-ja": "richmenu-ja"})
		r := follow(t, e, in, englishUser, "01HX00000000000000000000NOMENU")
		if r.Outcome != line.OutcomeReplied {
			t.Errorf("outcome %s, want replied", r.Outcome)
		}
		if got := e.api.menus.Links(); len(got) != 0 {
			t.Errorf("links %q, want none", got)
		}
		if n := e.api.menus.AliasCalls("madoguchi-en"); n != 1 {
			t.Errorf("the alias was asked %d times, want once", n)
		}
		if got := greeted(t, e, "01HX00000000000000000000NOMENU"); len(got) == 0 || !strings.HasPrefix(got[0], english.Get(bot.TextLINEThanks)) {
			t.Errorf("greeting %q, want the English one", got)
		}
	})
	t.Run("failing link", func(t *testing.T) {
		var logs syncBuffer
		e, in := menuEnv(t, map[string]string{englishUser: "en"}, channelAliases, func(c *line.Config) {
			c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		})
		e.api.menus.mu.Lock()
		e.api.menus.failLinks = http.StatusInternalServerError
		e.api.menus.mu.Unlock()
		r := follow(t, e, in, englishUser, "01HX0000000000000000000FAILMENU")
		if r.Outcome != line.OutcomeReplied {
			t.Errorf("outcome %s, want replied", r.Outcome)
		}
		if got := greeted(t, e, "01HX0000000000000000000FAILMENU"); len(got) == 0 || !strings.HasPrefix(got[0], english.Get(bot.TextLINEThanks)) {
			t.Errorf("greeting %q, want the English one", got)
		}
		log := logs.String()
		if !strings.Contains(log, "rich menu link") || !strings.Contains(log, bot.HashUser(englishUser)) || !strings.Contains(log, "status=500") {
			t.Errorf("log %q, want the failed link with the user's hash", log)
		}
		if strings.Contains(log, englishUser) {
			t.Errorf("log %q holds the user id", log)
		}
	})
}

// syncBuffer is a bytes.Buffer safe for the workers' concurrent logs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func equal(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// TestLanguageButtonLinksTheMenu: a Japanese-profile user who chooses
// やさしい日本語 with the 言語 / Language button (a postback as LINE sends
// it) is answered in it and linked to its menu after the reply.
func TestLanguageButtonLinksTheMenu(t *testing.T) {
	e, in := menuEnv(t, map[string]string{japaneseUser: "ja"}, channelAliases)
	follow(t, e, in, japaneseUser, "lb-1")
	if got := e.api.menus.Links(); len(got) != 0 {
		t.Fatalf("a Japanese follow linked %q", got)
	}
	in.postSigned(t, event(japaneseUser, "lb-2", e.clock().Add(-time.Second).UnixMilli(), "postback",
		map[string]any{"postback": map[string]any{"data": "lang=ja-x-easy"}}))
	if r := e.wait(1)[0]; r.Outcome != line.OutcomeReplied {
		t.Fatalf("lang=ja-x-easy: %s", r.Outcome)
	}
	e.quiet(50 * time.Millisecond)
	if got, want := e.api.menus.Links(), []string{japaneseUser + " richmenu-easy"}; !equal(got, want) {
		t.Errorf("links %q, want %q", got, want)
	}
	var reply []string
	for _, c := range e.api.Calls("/v2/bot/message/reply") {
		if c.Body["replyToken"] == "rt-lb-2" {
			reply = textsOf(c)
		}
	}
	if len(reply) == 0 || !strings.Contains(strings.Join(reply, "\n"), "やさしい 日本語(にほんご)で 案内(あんない)します") {
		t.Errorf("the reply to lang=ja-x-easy %q, want it in やさしい日本語", reply)
	}
	// Back to Japanese: the default menu again (the link deleted).
	in.postSigned(t, event(japaneseUser, "lb-3", e.clock().Add(-time.Second).UnixMilli(), "postback",
		map[string]any{"postback": map[string]any{"data": "lang=ja"}}))
	e.wait(1)
	e.quiet(50 * time.Millisecond)
	if got, want := e.api.menus.Unlinks(), []string{japaneseUser}; !equal(got, want) {
		t.Errorf("unlinks %q, want %q", got, want)
	}
	if n := len(e.api.menus.Links()); n != 1 {
		t.Errorf("%d links after lang=ja, want the one before", n)
	}
}
