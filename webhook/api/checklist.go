package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
	"github.com/madoguchi/madoguchi/webhook/httpx"
)

// checklistRequest is the body of POST /api/v1/checklist. Dates are
// strings here so that a bad one is reported with its field's name.
type checklistRequest struct {
	Municipality  string  `json:"municipality"`
	AgeGroup      string  `json:"age_group"`
	Visitor       string  `json:"visitor"`
	HasNotice     *bool   `json:"has_notice"`
	AddressChange *bool   `json:"address_change"`
	MoveAtVisit   *bool   `json:"move_at_visit"`
	ExpiryDate    *string `json:"expiry_date"`
	Today         *string `json:"today"`
	Ward          string  `json:"ward"`
	Lang          string  `json:"lang"`
}

// checklist answers POST /api/v1/checklist with the rules engine's
// checklist and, in the added field "view", its one presentation.
func (h *handlers) checklist(c *gin.Context) {
	var req checklistRequest
	if err := httpx.DecodeJSON(c.Writer, c.Request, &req); err != nil {
		httpx.WriteError(c, err)
		return
	}
	m, err := h.municipality(req.Municipality)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	slots, today, err := h.checklistSlots(req)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	lang, err := parseLang(req.Lang)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	list, err := h.Catalog.Checklist(m.ID, slots, today, lang)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	ja := func() bot.Texts { return h.Catalog.Texts(m.ID, bot.LangJa) }
	c.JSON(http.StatusOK, withView(&list, ja))
}

// checklistSlots turns a request into slots and the day to judge the
// renewal window on; a bad date is an error naming its field. The slots
// themselves (required, allowed values, a ward where there are wards) are
// checked by the catalog's checklist (the rules engine), for every caller.
func (h *handlers) checklistSlots(req checklistRequest) (bot.Slots, bot.Date, error) {
	// address_change stays nil when absent: the rules engine reads nil as
	// false, and a move filed at the visit (move_at_visit) as a change.
	s := bot.Slots{
		AgeGroup:      bot.AgeGroup(req.AgeGroup),
		Visitor:       bot.Visitor(req.Visitor),
		HasNotice:     bot.Bool(req.HasNotice != nil && *req.HasNotice),
		AddressChange: req.AddressChange,
		MoveAtVisit:   req.MoveAtVisit,
		Ward:          req.Ward,
	}
	expiry, err := date("expiry_date", req.ExpiryDate)
	if err != nil {
		return bot.Slots{}, bot.Date{}, err
	}
	s.ExpiryDate = expiry
	today, err := h.today(req.Today)
	return s, today, err
}
