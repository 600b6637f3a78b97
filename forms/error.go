package forms

import (
	"context"
	"errors"
	"fmt"
)

// Error codes shared by every layer. The app maps each to one HTTP status in
// one place, so a store or a validator never needs to know about HTTP.
const (
	EINVALID     = "invalid"     // the input breaks a rule; Fields says which
	ENOTFOUND    = "not_found"   // no such workshop or response
	ECLOSED      = "closed"      // the workshop does not take responses now
	ECONFLICT    = "conflict"    // the input clashes with what is stored
	EUNAVAILABLE = "unavailable" // storage cannot take writes now; retry later
	ELIMIT       = "limit"       // one submission did too much too fast; retry later
	EINTERNAL    = "internal"    // anything else; never shown in detail
)

// Error is the one error type of the domain. Message and Fields are safe to
// show to a participant; anything wrapped in Err is for the log only.
type Error struct {
	Code    string
	Message string
	// Fields maps a question id (or "submission_id", "lang", "_form") to a
	// message in the participant's language.
	Fields map[string]string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%d fields)", e.Code, e.Message, len(e.Fields))
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a code and a formatted safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// A request's deadline passed while storage worked: the service
		// is too slow right now, and the client may try again.
		return EUNAVAILABLE
	}
	return EINTERNAL
}

// FieldErrors returns the per-field messages of err, or nil.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
