package forms

// Problem is what is wrong with one answer, or with a whole response, as the
// key of a message and the values of its {name} placeholders. The domain says
// what is wrong; the words, in every language, belong to the app's catalogue,
// so that adding a language never touches this package.
type Problem struct {
	Key  string
	Args map[string]any // nil when the message has no placeholders
}

// Keys of the messages a participant may be shown when an answer or a
// response is refused. Each is a key of every locale file of the app, with
// the placeholders noted after it; a test there checks both.
const (
	MsgInvalid         = "err_invalid"
	MsgRequired        = "err_required"
	MsgNotAScore       = "err_not_a_score"  // {min}, {max}
	MsgOutOfRange      = "err_out_of_range" // {min}, {max}
	MsgOneScore        = "err_one_score"
	MsgOneChoice       = "err_one_choice"
	MsgUnknownOption   = "err_unknown_option"
	MsgDuplicateChoice = "err_duplicate_choice"
	MsgOneText         = "err_one_text"
	MsgInvalidText     = "err_invalid_text"
	MsgTooLong         = "err_too_long" // {max}, {length}
	MsgUnknownQuestion = "err_unknown_question"
	MsgWrongType       = "err_wrong_type"
	MsgSubmissionID    = "err_submission_id"
	MsgSubmissionTaken = "err_submission_taken"
	MsgLanguage        = "err_language" // {languages}
	MsgClosed          = "err_closed"
	MsgNotFound        = "err_not_found"
	MsgUnavailable     = "err_unavailable"
	MsgBody            = "err_body"
	MsgTooManyChanges  = "err_too_many_changes"
	MsgNotAsked        = "err_not_asked"
)

// MessageKeys lists every Msg key, for the app's test that each is in every
// locale file with the placeholders noted above.
func MessageKeys() []string {
	return []string{
		MsgInvalid, MsgRequired, MsgNotAScore, MsgOutOfRange, MsgOneScore, MsgOneChoice,
		MsgUnknownOption, MsgDuplicateChoice, MsgOneText, MsgInvalidText, MsgTooLong,
		MsgUnknownQuestion, MsgWrongType, MsgSubmissionID, MsgSubmissionTaken, MsgLanguage,
		MsgClosed, MsgNotFound, MsgUnavailable, MsgBody, MsgTooManyChanges, MsgNotAsked,
	}
}
