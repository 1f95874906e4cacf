package api

import _ "embed"

// OpenAPI is the OpenAPI 3.1 description of /api/v1 (openapi.json), served
// at GET /api/v1/openapi.json. The package's tests validate it, and every
// documented status and body of the real handlers against it.
//
//go:embed openapi.json
var OpenAPI []byte
