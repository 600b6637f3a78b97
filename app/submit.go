package main

import (
	"context"
	"errors"

	"feedback/forms"
	"feedback/store"
)

// The one way a response is saved. The form post, the API and every later way
// in (a paged form, paper entry) read their request into a submission and
// call submit, which holds the rules; the handlers only turn its result into
// a status and a page or JSON. Nothing here knows about HTTP.

// submission is one response as it came in, from any way in.
type submission struct {
	Workshop     *forms.Workshop
	SubmissionID string // lower case
	Lang         string // the participant's language, stored with the response
	// Source is the way in (forms.SourceWeb, SourceAPI, SourcePaper),
	// stored with the response; empty is the form's.
	Source string
	Input  forms.Input
	// Unread holds per-question problems for answers the way in could not
	// read (a JSON number where a list was expected): the response is
	// invalid whatever else it holds.
	Unread map[string]forms.Problem
}

// submit checks that the workshop takes responses, validates the answers,
// keeps the stored answers to questions the form no longer asks, and saves
// the response (the store applies the change limits and tells a retry from
// a change). Its errors carry a forms code: ECLOSED, EINVALID (Fields by
// question id, or "submission_id"), ECONFLICT (the submission_id belongs to
// another workshop), ELIMIT (with a store.LimitError), EUNAVAILABLE. They
// say what to tell the participant by message keys (catalog.Messages).
func (s *server) submit(ctx context.Context, sub submission) (store.Saved, error) {
	w, lang := sub.Workshop, sub.Lang
	// A paper sheet was filled in while the workshop was open; staff key
	// it afterwards, often once the form is closed.
	if sub.Source != forms.SourcePaper {
		open, err := s.openNow(ctx, w)
		if err != nil {
			return store.Saved{}, err
		}
		if !open {
			return store.Saved{}, &forms.Error{Code: forms.ECLOSED, Key: forms.MsgClosed}
		}
	}
	fields := map[string]forms.Problem{}
	if !forms.ValidSubmissionID(sub.SubmissionID) {
		fields["submission_id"] = forms.Problem{Key: forms.MsgSubmissionID}
	}
	for k, v := range sub.Unread {
		fields[k] = v
	}
	answers, err := w.Validate(sub.Input, lang)
	var fe *forms.Error
	switch {
	case errors.As(err, &fe):
		for k, v := range fe.Fields {
			if _, ok := fields[k]; !ok {
				fields[k] = v
			}
		}
	case err != nil:
		return store.Saved{}, err
	}
	if len(fields) > 0 {
		return store.Saved{}, invalid(fields)
	}
	r := &forms.Response{SubmissionID: sub.SubmissionID, Workshop: w.Slug, Lang: lang, Source: sub.Source,
		Answers: s.keepRetiredAnswers(ctx, w, sub.SubmissionID, answers)}
	saved, err := s.db.SaveResponse(ctx, r)
	return saved, s.saveError(w, err)
}

// saveError says what the participant is told of the store's refusal: the
// store says what happened (a code), the app alone what to tell them.
func (s *server) saveError(w *forms.Workshop, err error) error {
	switch forms.ErrorCode(err) {
	case "":
		return nil
	case forms.ECONFLICT:
		taken := forms.Problem{Key: forms.MsgSubmissionTaken}
		return &forms.Error{Code: forms.ECONFLICT, Key: taken.Key, Fields: map[string]forms.Problem{"submission_id": taken}, Err: err}
	case forms.ELIMIT:
		return &forms.Error{Code: forms.ELIMIT, Key: forms.MsgTooManyChanges, Err: err}
	case forms.EUNAVAILABLE:
		s.log.Error("response not saved", "workshop", w.Slug, "err", err)
		return &forms.Error{Code: forms.EUNAVAILABLE, Key: forms.MsgUnavailable, Err: err}
	}
	return err
}

// invalid is the EINVALID error of a submission, with a problem per field.
func invalid(fields map[string]forms.Problem) error {
	return &forms.Error{Code: forms.EINVALID, Key: forms.MsgInvalid, Fields: fields}
}
