package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// langField is the name of the request field (or query parameter) that
// chooses the language residents read.
const langField = "lang"

// parseLang reads the optional lang of a request: "" is Japanese; a value
// other than bot.Langs is a *bot.Error naming lang.
func parseLang(s string) (bot.Lang, error) {
	if s == "" {
		return bot.LangJa, nil
	}
	l, ok := bot.ParseLang(s)
	if !ok {
		return "", bot.Invalidf(langField, "unknown lang %s (want ja, ja-x-easy or en)", quote(s))
	}
	return l, nil
}

// textsBody is the body of GET /api/v1/texts.
type textsBody struct {
	Municipality string                `json:"municipality"`
	Lang         bot.Lang              `json:"lang"`
	Texts        map[bot.TextID]string `json:"texts"`
}

// texts answers GET /api/v1/texts?municipality=<id>&lang=<lang>: every
// text of the municipality's catalogue (national texts with its
// overrides) in lang, Japanese where not translated; the widget takes its
// words from here. The texts change only when the knowledge does, so the
// answer may be cached for a minute.
func (h *handlers) texts(c *gin.Context) {
	id := c.Query("municipality")
	if _, err := h.municipality(id); err != nil {
		httpx.WriteError(c, err)
		return
	}
	lang, err := parseLang(c.Query(langField))
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	t := h.Catalog.Texts(id, lang)
	c.Header("Cache-Control", "public, max-age=60")
	// Public words, read by the widget from any municipal page: no
	// credentials, so any origin may read them.
	c.Header("Access-Control-Allow-Origin", "*")
	c.JSON(http.StatusOK, textsBody{Municipality: id, Lang: t.Lang, Texts: t.Words})
}
