package store

import "feedback/forms"

// A response whose submission_id is stored already is a retry (the phone did
// not hear that it was stored), a change (the participant came back to it),
// or a clash with another workshop's response. The rule is here, once; each
// store only reads what it needs for it and writes what it decides.

// existing is what a store found under the submission_id of a response it
// is saving.
type existing struct {
	publicID string
	workshop string
	answers  forms.Answers
}

// outcome is decide's answer: what SaveResponse returns and, for a change,
// that the stored answers must be replaced first (unless the change limits
// refuse it).
type outcome struct {
	saved   Saved
	err     error
	replace bool
}

// decide tells what saving r means, given what is stored under its
// submission_id: the same answers are a retry, which writes nothing and
// returns the stored id; other answers in the same workshop are a change;
// another workshop's submission_id is ECONFLICT, and nothing is written.
func decide(prev existing, r *forms.Response) outcome {
	switch {
	case prev.workshop != r.Workshop:
		return outcome{err: &forms.Error{Code: forms.ECONFLICT, Message: "submission_id belongs to another workshop"}}
	case prev.answers.Equal(r.Answers):
		return outcome{saved: Saved{ID: prev.publicID}}
	default:
		return outcome{saved: Saved{ID: prev.publicID, Changed: true}, replace: true}
	}
}
