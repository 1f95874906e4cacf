package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/madoguchi/madoguchi/bot"
)

// richMenuAliasTTL is how long the rich menu id an alias names (or its
// absence) is kept in memory: `cmd/richmenu register` moves the aliases
// to new menus, which followers then get within this time.
const richMenuAliasTTL = 10 * time.Minute

// richMenuTimeout bounds the alias look-up and the link together; they
// come after the reply, which they never hold up or fail.
const richMenuTimeout = 2 * time.Second

// menuAliases caches, per channel access token and alias, the rich menu
// id the alias names ("" for an alias LINE does not know).
type menuAliases struct {
	mu sync.Mutex
	m  map[[2]string]menuAlias
}

type menuAlias struct {
	id string
	at time.Time
}

// linkMenu links user to the rich menu of lang (Messaging API: POST
// /v2/bot/user/{userId}/richmenu/{richMenuId}), the one its alias
// (bot.RichMenuAlias) names, when lang is not Japanese: Japanese is the
// channel's default menu. A missing alias or a failure is logged (with the
// user's hash only) and is otherwise nothing: the resident keeps the
// default menu.
func (h *Handler) linkMenu(ctx context.Context, ch Channel, user string, lang bot.Lang) {
	if user == "" || lang == "" || lang == bot.LangJa {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, richMenuTimeout)
	defer cancel()
	alias := bot.RichMenuAlias(lang)
	id, err := h.menuOf(ctx, ch, alias)
	switch {
	case err != nil:
		h.cfg.Logger.Warn("line: rich menu alias", "alias", alias, "user", bot.HashUser(user), "err", err)
		return
	case id == "":
		h.cfg.Logger.Warn("line: no rich menu for the language: run cmd/richmenu register", "alias", alias, "user", bot.HashUser(user))
		return
	}
	status, err := h.menuCall(ctx, ch, http.MethodPost, "/v2/bot/user/"+url.PathEscape(user)+"/richmenu/"+url.PathEscape(id), nil)
	if err != nil {
		h.cfg.Logger.Warn("line: rich menu link", "alias", alias, "user", bot.HashUser(user), "status", status, "err", err)
		if status == http.StatusBadRequest || status == http.StatusNotFound {
			h.forgetMenu(ch, alias) // the menu may be gone: ask the alias again next time
		}
	}
}

// unlinkMenu gives user the channel's default menu (Japanese) again
// (Messaging API: DELETE /v2/bot/user/{userId}/richmenu), when they chose
// Japanese with the language button. A user with no menu linked is answered
// 404 by LINE, which is nothing to report; any other failure is logged.
func (h *Handler) unlinkMenu(ctx context.Context, ch Channel, user string) {
	if user == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, richMenuTimeout)
	defer cancel()
	if status, err := h.menuCall(ctx, ch, http.MethodDelete, "/v2/bot/user/"+url.PathEscape(user)+"/richmenu", nil); err != nil && status != http.StatusNotFound {
		h.cfg.Logger.Warn("line: rich menu unlink", "user", bot.HashUser(user), "status", status, "err", err)
	}
}

// menuOf returns the rich menu id alias names on ch's channel, "" when
// LINE does not know the alias (404), from the cache while it is fresh.
func (h *Handler) menuOf(ctx context.Context, ch Channel, alias string) (string, error) {
	key := [2]string{ch.AccessToken, alias}
	now := h.cfg.Clock()
	h.menus.mu.Lock()
	c, ok := h.menus.m[key]
	h.menus.mu.Unlock()
	if ok && now.Sub(c.at) < richMenuAliasTTL {
		return c.id, nil
	}
	var got struct {
		RichMenuID string `json:"richMenuId"`
	}
	status, err := h.menuCall(ctx, ch, http.MethodGet, "/v2/bot/richmenu/alias/"+url.PathEscape(alias), &got)
	switch {
	case status == http.StatusNotFound:
		got.RichMenuID = ""
	case err != nil:
		return "", err // not kept: asked again at the next follow
	case got.RichMenuID == "":
		return "", errors.New("the alias names no richMenuId")
	}
	h.menus.mu.Lock()
	if h.menus.m == nil {
		h.menus.m = map[[2]string]menuAlias{}
	}
	h.menus.m[key] = menuAlias{id: got.RichMenuID, at: now}
	h.menus.mu.Unlock()
	return got.RichMenuID, nil
}

func (h *Handler) forgetMenu(ch Channel, alias string) {
	h.menus.mu.Lock()
	delete(h.menus.m, [2]string{ch.AccessToken, alias})
	h.menus.mu.Unlock()
}

// menuCall sends a body-less request to the Messaging API and decodes its
// JSON answer into out (if not nil). It returns the status (0 if no answer
// came) and an error unless it is 2xx. Errors never carry the URL, which
// may hold a user id.
func (h *Handler) menuCall(ctx context.Context, ch Channel, method, path string, out any) (int, error) {
	api, err := h.api(ch.AccessToken)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, method, api.Url(path), nil)
	if err != nil {
		return 0, errors.New("bad request")
	}
	res, err := api.Do(req)
	if err != nil {
		return 0, withoutURL(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if res.StatusCode/100 != 2 {
		return res.StatusCode, fmt.Errorf("status %d: %s", res.StatusCode, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return res.StatusCode, fmt.Errorf("decode the answer: %w", err)
		}
	}
	return res.StatusCode, nil
}

// withoutURL is err without the request's URL (a *url.Error's), for logs.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
