package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

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
// into v, which must point to a struct: one JSON object, no unknown fields,
// no trailing data. Every failure is a *bot.Error (CodeTooLarge, or
// CodeInvalid with a message that says which field or byte offset is wrong).
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := ReadBody(w, r, MaxBodyBytes)
	if err != nil {
		return err
	}
	return Unmarshal(body, v)
}

// Unmarshal decodes body strictly into v, as DecodeJSON does.
func Unmarshal(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return bot.Invalidf("", "the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bot.Invalidf("", "malformed JSON: unexpected data after the JSON object at byte offset %d", dec.InputOffset())
	}
	return nil
}

func decodeError(err error) *bot.Error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return bot.Invalidf("", "malformed JSON at byte offset %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return bot.Invalidf("", "malformed JSON: the body ends before the JSON object does")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return bot.Invalidf("", "the request body must be a JSON object (got %s)", typeErr.Value)
		}
		return bot.Invalidf(typeErr.Field, "field %q must be %s (got %s)", typeErr.Field, jsonType(typeErr.Type), typeErr.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		field := strings.Trim(name, `"`)
		return bot.Invalidf(field, "unknown field %q", field)
	}
	// Errors from a field's own UnmarshalJSON carry no field name; request
	// types avoid them by decoding such fields as strings.
	return &bot.Error{Code: bot.CodeInvalid, Message: "the request body is not valid for this endpoint", Err: err}
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
