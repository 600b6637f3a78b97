package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

func TestStarComment(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "feedback.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	save := func(a forms.Answers) string {
		t.Helper()
		saved, err := db.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: "data-governance", Lang: "ru", Answers: a})
		if err != nil {
			t.Fatal(err)
		}
		return saved.ID
	}
	first := save(forms.Answers{"satisfaction": {Number: 4}, "takeaway": {Text: "Данные — это доверие"}, "improve": {Text: "=1+1"}})
	second := save(forms.Answers{"satisfaction": {Number: 2}, "takeaway": {Text: "أكثر وقتاً للنقاش"}})
	stars := func() []store.Star {
		t.Helper()
		s, err := db.Stars(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	t.Run("OK", func(t *testing.T) {
		for _, k := range [][2]string{{first, "takeaway"}, {second, "takeaway"}, {first, "improve"}, {first, "takeaway"}} {
			if err := db.StarComment(ctx, k[0], k[1], true); err != nil {
				t.Fatalf("star %v: %v", k, err)
			}
		}
		got := stars()
		if len(got) != 3 {
			t.Fatalf("%d stars, want 3 (starring twice is once): %+v", len(got), got)
		}
		if got[0].ResponseID != first || got[0].Question != "improve" {
			t.Errorf("most recent star first: %+v", got[0])
		}
	})
	t.Run("Unstar", func(t *testing.T) {
		if err := db.StarComment(ctx, first, "improve", false); err != nil {
			t.Fatal(err)
		}
		if err := db.StarComment(ctx, first, "improve", false); err != nil {
			t.Fatalf("unstarring twice: %v", err)
		}
		for _, s := range stars() {
			if s.ResponseID == first && s.Question == "improve" {
				t.Fatal("still starred")
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, k := range [][2]string{{first, "satisfaction"}, {second, "improve"}, {uuid.NewString(), "takeaway"}} {
			err := db.StarComment(ctx, k[0], k[1], true)
			if forms.ErrorCode(err) != forms.ENOTFOUND {
				t.Errorf("star %v: %v, want not found", k, err)
			}
		}
		if n := len(stars()); n != 2 {
			t.Errorf("%d stars after refused stars, want 2", n)
		}
	})
}
