package dialog

import (
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/knowledge"
	"github.com/madoguchi/madoguchi/knowledge/rules"
)

// catalog implements bot.Catalog over a knowledge.Provider: every call
// reads the current version once.
type catalog struct{ p *knowledge.Provider }

// NewCatalog returns the bot.Catalog of the knowledge p hands out, for the
// channels (they must not import the knowledge packages).
func NewCatalog(p *knowledge.Provider) bot.Catalog { return catalog{p} }

func info(m *knowledge.Municipality) bot.MunicipalityInfo {
	return bot.MunicipalityInfo{ID: m.ID, Name: m.Name, Title: m.Page.Title, Updated: m.Page.Updated, PageID: m.Page.PageID}
}

func (c catalog) Municipalities() []bot.MunicipalityInfo {
	kb := c.p.Current()
	out := make([]bot.MunicipalityInfo, len(kb.Municipalities))
	for i, m := range kb.Municipalities {
		out[i] = info(m)
	}
	return out
}

func (c catalog) Municipality(id string) (bot.MunicipalityInfo, bool) {
	m := c.p.Current().Municipality(id)
	if m == nil {
		return bot.MunicipalityInfo{}, false
	}
	return info(m), true
}

func (c catalog) Texts(municipality string, lang bot.Lang) bot.Texts {
	kb := c.p.Current()
	return kb.Texts(kb.Municipality(municipality), lang)
}

func (c catalog) Checklist(municipality string, s bot.Slots, today bot.Date, lang bot.Lang) (bot.Checklist, error) {
	m := c.p.Current().Municipality(municipality)
	if m == nil {
		return bot.Checklist{}, bot.NotFoundf("unknown municipality %q", municipality)
	}
	return rules.ChecklistIn(m, s, today, lang)
}
