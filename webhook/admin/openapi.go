package admin

import _ "embed"

// OpenAPI is the OpenAPI 3.1 description of the staff API /admin/api/v1
// (openapi.json), served without authentication at
// GET /admin/api/v1/openapi.json. The package's tests validate it, require
// every route under /admin/api/v1 to be in it, and validate the real
// handlers' requests and responses, each documented status, against it.
//
//go:embed openapi.json
var OpenAPI []byte
