package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// testSaveResponse checks saving a response the first time, then sending it
// again (a retry, a change, a clash with another workshop).
func testSaveResponse(t *testing.T, b Backend) {
	testSaveNew(t, b)
	testSaveAgain(t, b)
}

// testSaveNew checks what a first save stores, and the refusals that do not
// depend on what is stored.
func testSaveNew(t *testing.T, b Backend) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("alpha", sample())
		saved, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if !saved.Created || saved.ID == "" {
			t.Fatalf("saved = %+v", saved)
		}
		got, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != saved.ID || got.Workshop != "alpha" || got.Lang != "en" || !got.Answers.Equal(r.Answers) {
			t.Errorf("stored = %+v", got)
		}
		if got.SubmittedAt.IsZero() || got.SubmittedAt.Location().String() != "UTC" {
			t.Errorf("submitted at = %v", got.SubmittedAt)
		}
		if d := time.Since(got.SubmittedAt); d < -time.Minute || d > time.Minute {
			t.Errorf("submitted at = %v, %v from now", got.SubmittedAt, d)
		}
		// One row per answer and per chosen option, so SQL can count them.
		if n := b.Count(t, place, `SELECT count(*) FROM answers WHERE question = 'formats'`); n != 2 {
			t.Errorf("formats rows = %d", n)
		}
	})
	t.Run("OKKeepsOrderAndTime", func(t *testing.T) {
		s, _ := mustOpen(t, b)
		// Choices keep the order they were given in, not alphabetical, and a
		// given time is kept to the millisecond, in UTC.
		at := time.Date(2025, 6, 25, 15, 30, 1, 123456789, time.FixedZone("UZT", 5*3600))
		r := newResponse("alpha", forms.Answers{
			"formats": {Choices: []string{"talks", "exercises"}},
			"comment": {Text: "=SUM(A1:A9)\n\"quoted\" 'and' \\ back"},
		})
		r.SubmittedAt = at
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		got, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Answers, r.Answers) {
			t.Errorf("answers = %#v, want %#v", got.Answers, r.Answers)
		}
		if want := at.UTC().Truncate(time.Millisecond); !got.SubmittedAt.Equal(want) || got.SubmittedAt.Location() != time.UTC {
			t.Errorf("submitted at = %v, want %v", got.SubmittedAt, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s, _ := mustOpen(t, b)
		_, err := s.ResponseBySubmission(ctx, uuid.NewString())
		if forms.ErrorCode(err) != forms.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		s, _ := mustOpen(t, b)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		_, err := s.SaveResponse(ctx, newResponse("alpha", sample()))
		if forms.ErrorCode(err) != forms.EUNAVAILABLE {
			t.Fatalf("err = %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("closing twice: %v", err)
		}
	})
}

// testSaveAgain checks a submission_id sent again: the same answers are a
// retry, others a change, and another workshop's a conflict.
func testSaveAgain(t *testing.T, b Backend) {
	ctx := context.Background()
	t.Run("OKRetryStoresOnce", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("alpha", sample())
		first, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: "en", Answers: sample()})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Created || again.Changed {
			t.Errorf("retry = %+v, first = %+v", again, first)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM responses`); n != 1 {
			t.Errorf("responses = %d", n)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM answers`); n != 7 {
			t.Errorf("answers = %d", n)
		}
	})
	t.Run("OKChangeReplacesAnswers", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("alpha", sample())
		first, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		changed := forms.Answers{"overall": {Number: 2}, "pace": {Number: 2}}
		again, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: "fr", Answers: changed})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Created || !again.Changed {
			t.Errorf("change = %+v", again)
		}
		got, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Answers.Equal(changed) || got.Lang != "fr" {
			t.Errorf("stored = %+v", got)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM answers`); n != 2 {
			t.Errorf("answers = %d", n)
		}
	})
	t.Run("OKChangeToNoAnswers", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("alpha", sample())
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		again, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: "en", Answers: forms.Answers{}})
		if err != nil || !again.Changed {
			t.Fatalf("change = %+v, %v", again, err)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM answers`); n != 0 {
			t.Errorf("answers = %d", n)
		}
	})
	testSaveConflict(t, b)
}

// testSaveConflict: a submission_id already stored for one workshop is
// refused for another, and nothing is stored there.
func testSaveConflict(t *testing.T, b Backend) {
	ctx := context.Background()
	t.Run("ErrSubmissionOfAnotherWorkshop", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("alpha", sample())
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		_, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: "beta", Lang: "en", Answers: sample()})
		if forms.ErrorCode(err) != forms.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
		// The store names the clash, in no participant's words: the app
		// puts it into theirs, on the submission_id field.
		if !strings.Contains(err.Error(), "submission_id") || len(forms.FieldErrors(err)) > 0 {
			t.Errorf("err = %v, want it to name submission_id, with no fields", err)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM responses WHERE workshop = 'beta'`); n != 0 {
			t.Errorf("stored in the other workshop: %d", n)
		}
	})
}

func testReopen(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	s, err := b.Open(t, place)
	if err != nil {
		t.Fatal(err)
	}
	var want []*forms.Response
	for i := 0; i < 20; i++ {
		r := newResponse([]string{"alpha", "beta"}[i%2], forms.Answers{
			"overall": {Number: 1 + i%5}, "pace": {Number: 3}, "comment": {Text: fmt.Sprintf("idea %d", i)}})
		saved, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		r.ID = saved.ID
		want = append(want, r)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenAt(t, b, place)
	got := all(t, s, store.Filter{})
	if len(got) != len(want) {
		t.Fatalf("after reopen: %d responses, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.SubmissionID != w.SubmissionID || g.Workshop != w.Workshop || !g.Answers.Equal(w.Answers) {
			t.Errorf("response %d = %+v, want %+v", i, g, w)
		}
	}
	only := all(t, s, store.Filter{Workshop: "beta"})
	if len(only) != 10 {
		t.Errorf("filtered = %d", len(only))
	}
	counts, err := s.CountResponses(ctx)
	if err != nil || !reflect.DeepEqual(counts, map[string]int{"alpha": 10, "beta": 10}) {
		t.Errorf("counts = %v, %v", counts, err)
	}
}

// testEachResponse checks the stream the export is built from: submission
// order, answers whole (a response without answers too), a filter, a
// changed response keeping its place, and fn's error ending the stream.
func testEachResponse(t *testing.T, b Backend) {
	ctx := context.Background()
	s, _ := mustOpen(t, b)
	var ids []string
	for i := 0; i < 12; i++ {
		a := forms.Answers{"overall": {Number: 1 + i%5}, "formats": {Choices: []string{"exercises", "talks"}}}
		if i == 3 {
			a = forms.Answers{}
		}
		r := newResponse([]string{"alpha", "beta", "gamma"}[i%3], a)
		r.Lang = []string{"en", "fr", "ar", "zh"}[i%4]
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.SubmissionID)
	}
	// Changing the first response does not move it to the end.
	if _, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: ids[0], Workshop: "alpha", Lang: "ru",
		Answers: forms.Answers{"comment": {Text: "trust"}}}); err != nil {
		t.Fatal(err)
	}
	got := all(t, s, store.Filter{})
	if len(got) != len(ids) {
		t.Fatalf("%d responses, want %d", len(got), len(ids))
	}
	for i, r := range got {
		if r.SubmissionID != ids[i] {
			t.Fatalf("response %d is %s, want %s: not in submission order", i, r.SubmissionID, ids[i])
		}
		if r.ID == "" || r.SubmittedAt.IsZero() || r.Answers == nil {
			t.Errorf("response %d = %+v", i, r)
		}
		if i > 0 && r.SubmittedAt.Before(got[i-1].SubmittedAt) {
			t.Errorf("response %d submitted before the one ahead of it", i)
		}
	}
	if len(got[3].Answers) != 0 {
		t.Errorf("response without answers = %+v", got[3].Answers)
	}
	if got[0].Lang != "ru" || got[0].Answers["comment"].Text != "trust" || len(got[0].Answers) != 1 {
		t.Errorf("changed response = %+v", got[0])
	}
	if c := got[1].Answers["formats"].Choices; !reflect.DeepEqual(c, []string{"exercises", "talks"}) {
		t.Errorf("choices = %v", c)
	}
	only := all(t, s, store.Filter{Workshop: "beta"})
	if len(only) != 4 || only[0].SubmissionID != ids[1] || only[3].SubmissionID != ids[10] {
		t.Errorf("filtered = %d responses", len(only))
	}
	if none := all(t, s, store.Filter{Workshop: "no-such-workshop"}); len(none) != 0 {
		t.Errorf("unknown workshop: %d responses", len(none))
	}
	stop := errors.New("enough")
	calls := 0
	err := s.EachResponse(ctx, store.Filter{}, func(*forms.Response) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("stopping: err = %v after %d calls", err, calls)
	}
}

// answeredQuestionsLister is what the app asks a store for to find the
// questions a changed forms file no longer asks (app/retired.go); every
// store offers it, so that no store drops those answers from the export.
type answeredQuestionsLister interface {
	AnsweredQuestions(ctx context.Context) (map[string]map[string]forms.Type, error)
}

// testAnsweredQuestions stores answers to questions no forms file asks (the
// store does not know the forms file): they come back as they were, a 0
// score and a multiple choice included, and AnsweredQuestions names them
// with their kind, after a reopen too.
func testAnsweredQuestions(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	s := mustOpenAt(t, b, place)
	r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "fr", Answers: forms.Answers{
		"overall":       {Number: 4},
		"pilot_score":   {Number: 0},
		"pilot_formats": {Choices: []string{"talks", "labs"}},
		"pilot_comment": {Text: "à garder"},
	}}
	if _, err := s.SaveResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveResponse(ctx, newResponse("gamma", forms.Answers{"overall": {Number: 2}})); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]forms.Type{
		"alpha": {"overall": forms.Rating, "pilot_score": forms.Rating, "pilot_formats": forms.Multi, "pilot_comment": forms.FreeText},
		"gamma": {"overall": forms.Rating},
	}
	for i, s := range []store.Store{s, mustOpenAt(t, b, place)} {
		l, ok := s.(answeredQuestionsLister)
		if !ok {
			t.Fatalf("%T does not list its answered questions", s)
		}
		got, err := l.AnsweredQuestions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("store %d: AnsweredQuestions = %v, want %v", i, got, want)
		}
		back, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil || !reflect.DeepEqual(back.Answers, r.Answers) {
			t.Errorf("store %d: read back %+v, %v", i, back, err)
		}
	}
}
