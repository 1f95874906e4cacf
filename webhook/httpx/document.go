package httpx

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Document answers with doc, a JSON document fixed for the life of the
// binary (an embedded API description), which clients and proxies may
// keep for an hour.
func Document(doc []byte) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
	}
}
