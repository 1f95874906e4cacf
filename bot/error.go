package bot

import (
	"errors"
	"fmt"
)

// Code classifies an Error; channels map it to a status in one place.
type Code string

// The error codes. Their HTTP statuses are 400, 404, 413, 429, 503 and 500.
const (
	CodeInvalid     Code = "invalid"
	CodeNotFound    Code = "not_found"
	CodeTooLarge    Code = "too_large"
	CodeRateLimited Code = "rate_limited"
	CodeUnavailable Code = "unavailable"
	CodeInternal    Code = "internal"
)

// Error is an error with a code, the field it concerns (if any) and a
// message safe to show to a client. Err, if set, is the cause, for logs only.
type Error struct {
	Code    Code
	Field   string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Invalidf returns a CodeInvalid error about field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf returns a CodeNotFound error.
func NotFoundf(format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// Unavailable wraps cause as a CodeUnavailable error with a client-safe message.
func Unavailable(message string, cause error) *Error {
	return &Error{Code: CodeUnavailable, Message: message, Err: cause}
}

// ErrorCode returns the Code of err: that of the first *Error in its chain,
// or CodeInternal for any other non-nil error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return CodeInternal
}
