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

// Error is the one error type of the domain. What a participant is told is
// carried as message keys, never as words: Key and Args for the error as a
// whole, Fields for each question, and the app puts them into the
// participant's language. Anything wrapped in Err is for the log only.
type Error struct {
	Code string
	// Key names the message for the participant (one of the Msg keys) and
	// Args fills its placeholders; an error no participant meets may have
	// none.
	Key  string
	Args map[string]any
	// Message is a plain English summary for the log and the rapporteur's
	// pages, shown only when there is no Key: it is never translated.
	Message string
	// Fields maps a question id (or "submission_id", "lang", "body") to
	// what is wrong with it.
	Fields map[string]Problem
	Err    error
}

func (e *Error) Error() string {
	what := e.Message
	if what == "" {
		what = e.Key
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, what, e.Err)
	}
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%d fields)", e.Code, what, len(e.Fields))
	}
	return fmt.Sprintf("%s: %s", e.Code, what)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a code and a formatted English Message.
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

// FieldErrors returns what is wrong with each field of err, or nil.
func FieldErrors(err error) map[string]Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
