// Package httpx is the HTTP plumbing every endpoint shares: the one mapping
// from bot.Error codes to HTTP statuses and the JSON error body, strict JSON
// request decoding, panic recovery, request logging, metrics and the JSON 404.
//
// Every error response has the body
//
//	{"error":{"code":"invalid","message":"age_group must be one of …","field":"age_group"}}
//
// where code is a bot.Code value (invalid 400, not_found 404, too_large 413,
// rate_limited 429, unavailable 503, internal 500), message is safe to show to
// a client and names the field when one is at fault, and field (omitted when
// empty) is the request field concerned.
package httpx

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/madoguchi/madoguchi/bot"
)

// Status returns the HTTP status for an error code; unknown codes are 500.
func Status(code bot.Code) int {
	switch code {
	case bot.CodeInvalid:
		return http.StatusBadRequest
	case bot.CodeNotFound:
		return http.StatusNotFound
	case bot.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case bot.CodeRateLimited:
		return http.StatusTooManyRequests
	case bot.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Messages used when an error carries none of its own, or when its own must
// not reach the client (internal errors). Residents may see the 503 and 429
// texts in the web widget, so they are in Japanese and English.
const (
	MsgUnavailable = "ただいまご利用いただけません。しばらくしてからもう一度お試しください。 (The service is temporarily unavailable; please try again shortly.)"
	MsgRateLimited = "短い時間に多くのリクエストがありました。少し待ってからお試しください。 (Too many requests; please wait a moment and try again.)"
	MsgInternal    = "内部エラーが発生しました。しばらくしてからもう一度お試しください。 (An internal error occurred; please try again later.)"
	MsgNotFound    = "not found"
)

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the "error" member of an ErrorBody.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Body returns the status and JSON body for err. An error that is not a
// *bot.Error is internal: its text is never shown to the client.
func Body(err error) (int, ErrorBody) {
	var e *bot.Error
	if !errors.As(err, &e) {
		return http.StatusInternalServerError, ErrorBody{ErrorDetail{Code: string(bot.CodeInternal), Message: MsgInternal}}
	}
	code := e.Code
	if Status(code) == http.StatusInternalServerError {
		code = bot.CodeInternal
	}
	msg := e.Message
	switch {
	case code == bot.CodeInternal:
		msg = MsgInternal
	case msg != "":
	case code == bot.CodeUnavailable:
		msg = MsgUnavailable
	case code == bot.CodeRateLimited:
		msg = MsgRateLimited
	case code == bot.CodeNotFound:
		msg = MsgNotFound
	default:
		msg = string(code)
	}
	return Status(code), ErrorBody{ErrorDetail{Code: string(code), Message: msg, Field: e.Field}}
}

// WriteError answers the request with err's status and JSON body and aborts
// the handler chain. Server-side errors (5xx) are also attached to the gin
// context so that AccessLog records their cause.
func WriteError(c *gin.Context, err error) {
	status, body := Body(err)
	if status >= 500 {
		_ = c.Error(err)
	}
	c.AbortWithStatusJSON(status, body)
}

// NoRoute answers any unknown method or path with a JSON 404.
func NoRoute(c *gin.Context) {
	WriteError(c, bot.NotFoundf("no endpoint %s %s", c.Request.Method, c.Request.URL.Path))
}
