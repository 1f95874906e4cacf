package httpx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/madoguchi/madoguchi/bot"
)

// MaxBodyBytes is the largest request body the JSON API accepts. The
// largest legitimate request (a chat turn of 1,000 characters) is under 4 KiB.
const MaxBodyBytes = 64 << 10

// ReadBody reads r's whole body, at most limit bytes. A larger body is a
// CodeTooLarge *bot.Error; the connection is then closed after the response.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, tooLarge(limit)
		}
		return nil, &bot.Error{Code: bot.CodeInvalid, Message: "the request body could not be read", Err: err}
	}
	return body, nil
}

func tooLarge(limit int64) *bot.Error {
	return &bot.Error{Code: bot.CodeTooLarge, Message: fmt.Sprintf("the request body is larger than %d bytes", limit)}
}

// DecodeJSON reads r's body (at most MaxBodyBytes) and decodes it strictly
// into v, which must point to a struct: one JSON object whose member names
// match the struct's exactly (case-sensitively), no unknown or duplicate
// member, valid UTF-8 throughout, no trailing data. Every failure is a
// *bot.Error (CodeTooLarge, or CodeInvalid with a message that says which
// field or byte offset is wrong).
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := ReadBody(w, r, MaxBodyBytes)
	if err != nil {
		return err
	}
	return Unmarshal(body, v)
}

// Unmarshal decodes body strictly into v, as DecodeJSON does. It decodes
// with go-json-experiment/json (the proposed encoding/json/v2), whose
// defaults are the strict ones: encoding/json would match "Session_ID" to
// session_id, keep the last of duplicate members (what a proxy or a WAF
// checked may not be what the handler gets) and replace invalid UTF-8.
func Unmarshal(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return bot.Invalidf("", "the request body is empty; send a JSON object")
	}
	if err := json.Unmarshal(body, v, json.RejectUnknownMembers(true)); err != nil {
		return decodeError(err)
	}
	return nil
}

func decodeError(err error) *bot.Error {
	var (
		syntax   *jsontext.SyntacticError
		semantic *json.SemanticError
	)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return bot.Invalidf("", "malformed JSON: the body ends before the JSON object does")
	case errors.As(err, &syntax):
		field := fieldName(syntax.JSONPointer)
		switch msg := syntax.Err.Error(); {
		case errors.Is(syntax.Err, jsontext.ErrDuplicateName):
			return bot.Invalidf(field, "duplicate field %q", field)
		case strings.Contains(msg, "invalid UTF-8"):
			if field != "" {
				return bot.Invalidf(field, "field %q is not valid UTF-8 (at byte offset %d)", field, syntax.ByteOffset)
			}
			return bot.Invalidf("", "malformed JSON: invalid UTF-8 at byte offset %d", syntax.ByteOffset)
		case strings.Contains(msg, "after top-level value"):
			return bot.Invalidf("", "malformed JSON: unexpected data after the JSON object at byte offset %d", syntax.ByteOffset)
		default:
			return bot.Invalidf("", "malformed JSON at byte offset %d: %s", syntax.ByteOffset, msg)
		}
	case errors.As(err, &semantic):
		field := fieldName(semantic.JSONPointer)
		switch {
		case errors.Is(semantic.Err, json.ErrUnknownName):
			return bot.Invalidf(field, "unknown field %q (names are case-sensitive)", field)
		case field == "" && semantic.GoType != nil && semantic.JSONKind != 0:
			return bot.Invalidf("", "the request body must be a JSON object (got %s)", kindName(semantic.JSONKind))
		case semantic.GoType != nil && semantic.JSONKind != 0:
			got := kindName(semantic.JSONKind)
			if errors.Is(semantic.Err, strconv.ErrRange) {
				got = "a number out of range"
			}
			return bot.Invalidf(field, "field %q must be %s (got %s)", field, jsonType(semantic.GoType), got)
		}
	}
	// Errors from a field's own UnmarshalJSON carry no field name; request
	// types avoid them by decoding such fields as strings.
	return &bot.Error{Code: bot.CodeInvalid, Message: "the request body is not valid for this endpoint", Err: err}
}

// fieldName turns a JSON pointer (/inner/date) into the field's dotted
// name (inner.date); "" for the top level.
func fieldName(p jsontext.Pointer) string {
	var parts []string
	for tok := range p.Tokens() {
		parts = append(parts, tok)
	}
	return strings.Join(parts, ".")
}

// kindName names a JSON kind as the error messages do.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "a " + k.String()
}

// jsonType names, in JSON's terms, what a Go type accepts.
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.String()
}
