package line

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/madoguchi/madoguchi/bot"
)

// profileTTL is how long a user's profile language is kept: it is asked
// of LINE once, at the follow, and a changed profile setting is seen a
// week later at the most (at the next follow).
const profileTTL = 7 * 24 * time.Hour

// profileTimeout bounds the profile look-up, so that a slow Messaging API
// delays a follow's greeting by little (it is then in Japanese).
const profileTimeout = 2 * time.Second

// noLang is what the cache holds for a profile whose language the bot
// does not speak, or that could not be read: it is not asked again.
const noLang = "-"

// profileLang returns the language of user's LINE profile as the bot
// speaks it: English for an English profile (en, en-US…), Japanese for a
// Japanese one, "" for another language or when the profile cannot be
// read (the dialog then chooses by the first text). It is fetched from
// the Messaging API (GET /v2/bot/profile/{userId}) once and kept in Redis
// under the user's hash for profileTTL. Logs carry the hash only.
//
// fetched says the language was asked of LINE now: it is first known
// (at a follow, since an unfollow forgets it), when the resident is
// linked to the rich menu of their language (linkMenu).
func (h *Handler) profileLang(ctx context.Context, ch Channel, user string) (lang bot.Lang, fetched bool) {
	if user == "" {
		return "", false
	}
	key := h.q.key("lang", bot.HashUser(user))
	if v, err := h.cfg.Redis.Get(ctx, key).Result(); err == nil {
		return cachedLang(v), false
	} else if !errors.Is(err, redis.Nil) {
		return "", false // Redis is failing: the turn itself will say so
	}
	lang, err := h.fetchProfileLang(ctx, ch, user)
	if err != nil {
		// The error would quote the URL, which holds the user id.
		h.cfg.Logger.Warn("line: profile language", "user", bot.HashUser(user), "err", withoutURL(err))
	}
	v := string(lang)
	if v == "" {
		v = noLang
	}
	_ = h.cfg.Redis.Set(ctx, key, v, profileTTL).Err() // unsaved, it is asked again next time
	return lang, true
}

// forgetProfile drops user's cached profile language (LINE's unfollow).
func (h *Handler) forgetProfile(ctx context.Context, user string) error {
	return h.cfg.Redis.Del(ctx, h.q.key("lang", bot.HashUser(user))).Err()
}

func cachedLang(v string) bot.Lang {
	l, _ := bot.ParseLang(v)
	return l
}

// fetchProfileLang asks the Messaging API for user's profile language.
func (h *Handler) fetchProfileLang(ctx context.Context, ch Channel, user string) (bot.Lang, error) {
	api, err := h.api(ch.AccessToken)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, profileTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, api.Url("/v2/bot/profile/"+url.PathEscape(user)), nil)
	if err != nil {
		return "", err
	}
	res, err := api.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if res.StatusCode != http.StatusOK {
		return "", errors.New("messaging API profile: status " + res.Status)
	}
	var p struct {
		Language string `json:"language"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return "", err
	}
	return profileLanguage(p.Language), nil
}

// profileLanguage maps a LINE profile language (BCP 47: ja, en, en-US,
// zh-Hant…) to the bot's: Japanese and English; "" for the others, which
// the bot does not speak yet.
func profileLanguage(tag string) bot.Lang {
	tag = strings.ToLower(tag)
	switch {
	case tag == "ja" || strings.HasPrefix(tag, "ja-"):
		return bot.LangJa
	case tag == "en" || strings.HasPrefix(tag, "en-"):
		return bot.LangEn
	}
	return ""
}
