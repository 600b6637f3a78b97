package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

// The submit use case without Fiber: a real store on a temp file, the small
// fixture forms file, and the rules every way in shares.

func mustSubmitter(t *testing.T) (*server, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "feedback.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := newServer(config{AdminToken: testToken}, formstest.Small(t), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s, db
}

func smallSubmission(s *server, slug, sid string, in forms.Input) submission {
	return submission{Workshop: s.forms.Workshop(slug), SubmissionID: sid, Lang: "fr", Input: in}
}

func TestSubmit(t *testing.T) {
	good := forms.Input{"overall": {"4"}, "sector": {"academia"}, "formats": {"talks", "exercises"}, "comment": {"Merci"}}
	t.Run("OK", func(t *testing.T) {
		s, db := mustSubmitter(t)
		sid := uuid.NewString()
		saved, err := s.submit(context.Background(), smallSubmission(s, "alpha", sid, good))
		if err != nil || !saved.Created || saved.ID == "" {
			t.Fatalf("saved %+v, err %v", saved, err)
		}
		r, err := db.ResponseBySubmission(context.Background(), sid)
		if err != nil {
			t.Fatal(err)
		}
		if r.Workshop != "alpha" || r.Lang != "fr" || r.Answers["overall"].Number != 4 ||
			len(r.Answers["formats"].Choices) != 2 || r.Answers["comment"].Text != "Merci" {
			t.Errorf("stored %+v", r)
		}
	})
	t.Run("OKRetry", func(t *testing.T) {
		s, _ := mustSubmitter(t)
		sid := uuid.NewString()
		first, err := s.submit(context.Background(), smallSubmission(s, "alpha", sid, good))
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.submit(context.Background(), smallSubmission(s, "alpha", sid, good))
		if err != nil || again.ID != first.ID || again.Created || again.Changed {
			t.Errorf("retry: %+v, %v (first %+v)", again, err, first)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		s, db := mustSubmitter(t)
		closed := false
		if err := db.SetWorkshopOpen(context.Background(), "beta", &closed); err != nil {
			t.Fatal(err)
		}
		_, err := s.submit(context.Background(), smallSubmission(s, "beta", uuid.NewString(), good))
		if msg, _ := s.text.Messages("fr", err); forms.ErrorCode(err) != forms.ECLOSED || msg != s.text.T("fr", forms.MsgClosed) {
			t.Errorf("err = %v, says %q", err, msg)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s, db := mustSubmitter(t)
		_, err := s.submit(context.Background(), smallSubmission(s, "alpha", uuid.NewString(), forms.Input{"pace": {"4"}}))
		_, fields := s.text.Messages("fr", err)
		if forms.ErrorCode(err) != forms.EINVALID || fields["overall"] != s.text.T("fr", forms.MsgRequired) || fields["pace"] == "" {
			t.Errorf("err = %v, fields %v", err, fields)
		}
		if n, _ := db.CountResponses(context.Background()); len(n) != 0 {
			t.Errorf("stored: %v", n)
		}
	})
	t.Run("ErrSubmissionID", func(t *testing.T) {
		s, _ := mustSubmitter(t)
		_, err := s.submit(context.Background(), smallSubmission(s, "alpha", "not-a-uuid", good))
		if _, fields := s.text.Messages("fr", err); fields["submission_id"] != s.text.T("fr", forms.MsgSubmissionID) {
			t.Errorf("err = %v, fields %v", err, fields)
		}
	})
	t.Run("ErrUnread", func(t *testing.T) {
		s, _ := mustSubmitter(t)
		sub := smallSubmission(s, "alpha", uuid.NewString(), good)
		sub.Unread = map[string]forms.Problem{"formats": {Key: forms.MsgWrongType}}
		_, err := s.submit(context.Background(), sub)
		if forms.FieldErrors(err)["formats"].Key != forms.MsgWrongType {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		s, _ := mustSubmitter(t)
		sid := uuid.NewString()
		if _, err := s.submit(context.Background(), smallSubmission(s, "alpha", sid, good)); err != nil {
			t.Fatal(err)
		}
		_, err := s.submit(context.Background(), smallSubmission(s, "beta", sid, good))
		if forms.ErrorCode(err) != forms.ECONFLICT {
			t.Errorf("the same submission_id in another workshop: %v", err)
		}
	})
	t.Run("ErrLimit", func(t *testing.T) {
		s, _ := mustSubmitter(t)
		sid := uuid.NewString()
		max := store.ChangeLimits[0].Max
		var err error
		for i := 0; i <= max+1 && err == nil; i++ {
			in := forms.Input{"overall": {"3"}, "comment": {"version " + string(rune('a'+i))}}
			_, err = s.submit(context.Background(), smallSubmission(s, "alpha", sid, in))
		}
		var le *store.LimitError
		if forms.ErrorCode(err) != forms.ELIMIT || !errors.As(err, &le) || le.RetryAfter <= 0 {
			t.Errorf("after %d changes: %v", max+1, err)
		}
	})
	t.Run("ErrUnavailable", func(t *testing.T) {
		s, _ := mustSubmitter(t)
		ctx, cancel := context.WithTimeout(context.Background(), 0)
		defer cancel()
		<-ctx.Done()
		_, err := s.submit(ctx, smallSubmission(s, "alpha", uuid.NewString(), good))
		if forms.ErrorCode(err) != forms.EUNAVAILABLE {
			t.Errorf("past the deadline: %v", err)
		}
	})
}
