package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// municipalityInfo is one entry of GET /api/v1/municipalities. Title and
// PageID are additions to the contract: the municipal page's title and id.
type municipalityInfo struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Updated string `json:"updated"`
	Title   string `json:"title"`
	PageID  string `json:"page_id,omitempty"`
}

// municipalities answers GET /api/v1/municipalities, in knowledge order.
func (h *handlers) municipalities(c *gin.Context) {
	ms := h.Catalog.Municipalities()
	list := make([]municipalityInfo, 0, len(ms))
	for _, m := range ms {
		list = append(list, municipalityInfo{ID: m.ID, Name: m.Name, Updated: m.Updated, Title: m.Title, PageID: m.PageID})
	}
	c.JSON(http.StatusOK, gin.H{"municipalities": list})
}
