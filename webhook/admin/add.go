package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/versions"
	"github.com/madoguchi/madoguchi/webhook/admin/audit"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// A global admin adds a municipality that the server's base knowledge does
// not hold: its YAML and its page text, validated with every other unit's
// newest version, become version 1 of the new unit (versions.AddUnit), which
// every server serves within a second (chat, checklist, widget; the LINE
// channel variables are read at start, so a new municipality uses the shared
// channel until the servers restart with its own).
//
//	POST /admin/api/v1/municipalities  {"id","yaml","page","comment"} → 201 {"id","version"}
//	GET  /admin/municipalities/new, POST /admin/municipalities     (the console's form)

type addRequest struct {
	ID      string `json:"id"`
	YAML    string `json:"yaml"`
	Page    string `json:"page"`
	Comment string `json:"comment"`
}

// addUnit adds req as a new municipality, records it and brings this
// server onto it at once. Errors: a *bot.Error for a missing field,
// versions.ErrBadUnitID, versions.ErrUnitExists, a *knowledge.ValidationError.
func (a *Admin) addUnit(ctx context.Context, c *gin.Context, req addRequest) (versions.Version, error) {
	req.ID = strings.TrimSpace(req.ID)
	if req.YAML == "" || req.Page == "" {
		return versions.Version{}, bot.Invalidf("yaml", "yaml and page are required")
	}
	if !utf8.ValidString(req.YAML) || !utf8.ValidString(req.Page) {
		return versions.Version{}, bot.Invalidf("yaml", "yaml and page must be UTF-8")
	}
	v, err := a.store.AddUnit(ctx, req.ID, versions.Content{YAML: req.YAML, Page: req.Page}, account(c).Name, req.Comment)
	if err != nil {
		return v, err
	}
	a.record(ctx, c, audit.Entry{Action: audit.UnitCreate, Unit: req.ID, Detail: req.Comment})
	if err := a.watcher.Sync(ctx); err != nil {
		a.log.Warn("admin: serving the new municipality at the next version check", "unit", req.ID, "err", err)
	}
	return v, nil
}

func (a *Admin) addMunicipality(c *gin.Context) {
	if !account(c).Admin {
		fail(c, http.StatusForbidden, CodeForbidden, "only an admin may add a municipality")
		return
	}
	var req addRequest
	if err := decode(c, MaxDraftBytes, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	ctx, cancel := a.ctx(c)
	defer cancel()
	v, err := a.addUnit(ctx, c, req)
	switch {
	case errors.Is(err, versions.ErrUnitExists):
		fail(c, http.StatusConflict, CodeConflict, "a municipality with this id exists already")
		return
	case errors.Is(err, versions.ErrBadUnitID):
		fail(c, http.StatusBadRequest, string(bot.CodeInvalid), "id must be lower-case letters, digits and _, starting with a letter, at most 40, and not national")
		return
	case err != nil:
		a.failErr(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": v.Unit, "version": v.Number})
}

// addView is the form's content, kept when it is shown again with problems.
type addView struct {
	ID, YAML, Page, Comment string
	Problems                []knowledge.Problem
}

func (a *Admin) addMunicipalityPage(c *gin.Context) {
	if !account(c).Admin {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "自治体を追加できるのは管理者だけです。"})
		return
	}
	a.render(c, http.StatusOK, "add.html", page{Title: "自治体の追加", Data: &addView{}})
}

func (a *Admin) addMunicipalityForm(c *gin.Context) {
	if !account(c).Admin {
		a.render(c, http.StatusForbidden, "error.html", page{Title: "エラー", Error: "自治体を追加できるのは管理者だけです。"})
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxDraftBytes)
	lf := strings.NewReplacer("\r\n", "\n")
	av := &addView{ID: strings.TrimSpace(c.PostForm("id")), YAML: lf.Replace(c.PostForm("yaml")),
		Page: lf.Replace(c.PostForm("page")), Comment: c.PostForm("comment")}
	ctx, cancel := a.ctx(c)
	defer cancel()
	v, err := a.addUnit(ctx, c, addRequest{ID: av.ID, YAML: av.YAML, Page: av.Page, Comment: av.Comment})
	var ve *knowledge.ValidationError
	var be *bot.Error
	switch {
	case errors.As(err, &ve):
		av.Problems = ve.Problems
		a.render(c, http.StatusUnprocessableEntity, "add.html", page{Title: "自治体の追加", Data: av,
			Error: fmt.Sprintf("追加できませんでした: %d 件の問題があります。下の一覧を直してから、もう一度送ってください。", len(ve.Problems))})
	case errors.Is(err, versions.ErrUnitExists):
		a.render(c, http.StatusConflict, "add.html", page{Title: "自治体の追加", Data: av, Error: "その ID の自治体はすでにあります。"})
	case errors.Is(err, versions.ErrBadUnitID):
		a.render(c, http.StatusBadRequest, "add.html", page{Title: "自治体の追加", Data: av,
			Error: "ID は半角の小文字・数字・_ で、小文字で始まる 40 文字までにしてください (例: nerima)。"})
	case errors.As(err, &be):
		a.render(c, http.StatusBadRequest, "add.html", page{Title: "自治体の追加", Data: av, Error: "入力に不足があります: " + be.Message})
	case err != nil:
		a.render(c, http.StatusServiceUnavailable, "add.html", page{Title: "自治体の追加", Data: av, Error: redisDownJA})
	default:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/m/%s?flash=%s", v.Unit,
			urlQuery("自治体を追加し、バージョン 1 として公開しました。1 秒ほどで全サーバーに反映されます。")))
	}
}
