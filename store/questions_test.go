package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// TestRetiredQuestionsKept stores answers to questions that a later forms
// file no longer has (the store does not know the forms file): they are kept
// and returned as they were, a 0 score and a multiple choice included, and
// AnsweredQuestions names them with their kind.
func TestRetiredQuestionsKept(t *testing.T) {
	ctx := context.Background()
	db, path := mustOpen(t)
	r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "fr", Answers: forms.Answers{
		"overall":       {Number: 4},
		"pilot_score":   {Number: 0},
		"pilot_formats": {Choices: []string{"labs", "talks"}},
		"pilot_comment": {Text: "à garder"},
	}}
	if _, err := db.SaveResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	other := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "gamma", Lang: "en", Answers: forms.Answers{"overall": {Number: 2}}}
	if _, err := db.SaveResponse(ctx, other); err != nil {
		t.Fatal(err)
	}
	check := func(db *store.DB) {
		t.Helper()
		got, err := db.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil || !got.Answers.Equal(r.Answers) {
			t.Errorf("read back %+v, %v; want %+v", got, err, r.Answers)
		}
		n := 0
		err = db.EachResponse(ctx, store.Filter{Workshop: "alpha"}, func(got *forms.Response) error {
			n++
			if !got.Answers.Equal(r.Answers) {
				t.Errorf("streamed %+v", got.Answers)
			}
			return nil
		})
		if err != nil || n != 1 {
			t.Errorf("streamed %d, %v", n, err)
		}
		qs, err := db.AnsweredQuestions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]forms.Type{
			"alpha": {"overall": forms.Rating, "pilot_score": forms.Rating, "pilot_formats": forms.Multi, "pilot_comment": forms.FreeText},
			"gamma": {"overall": forms.Rating},
		}
		if !reflect.DeepEqual(qs, want) {
			t.Errorf("AnsweredQuestions = %v, want %v", qs, want)
		}
	}
	check(db)
	// And after a restart.
	db.Close()
	again, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	check(again)
}
