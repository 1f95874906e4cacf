package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// OpenAPI is the OpenAPI 3.1 description of /api/v1 (openapi.json), served
// at GET /api/v1/openapi.json. The package's tests validate it, and every
// documented status and body of the real handlers against it.
//
//go:embed openapi.json
var OpenAPI []byte

// openAPI answers GET /api/v1/openapi.json.
func openAPI(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "application/json; charset=utf-8", OpenAPI)
}
