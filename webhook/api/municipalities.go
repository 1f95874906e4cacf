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
	list := make([]municipalityInfo, 0, len(h.KB.Municipalities))
	for _, m := range h.KB.Municipalities {
		list = append(list, municipalityInfo{ID: m.ID, Name: m.Name, Updated: m.Page.Updated, Title: m.Page.Title, PageID: m.Page.PageID})
	}
	c.JSON(http.StatusOK, gin.H{"municipalities": list})
}
