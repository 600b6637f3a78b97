package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// starFixture is a store holding two responses with comments to star.
type starFixture struct {
	db            *store.DB
	first, second string // their public ids
}

func newStarFixture(t *testing.T) *starFixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "feedback.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	save := func(a forms.Answers) string {
		t.Helper()
		saved, err := db.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: "beta", Lang: "ru", Answers: a})
		if err != nil {
			t.Fatal(err)
		}
		return saved.ID
	}
	return &starFixture{
		db:     db,
		first:  save(forms.Answers{"overall": {Number: 4}, "comment": {Text: "Данные — это доверие"}, "beta_idea": {Text: "=1+1"}}),
		second: save(forms.Answers{"overall": {Number: 2}, "comment": {Text: "أكثر وقتاً للنقاش"}}),
	}
}

func (f *starFixture) star(t *testing.T, keys ...[2]string) {
	t.Helper()
	for _, k := range keys {
		if err := f.db.StarComment(context.Background(), k[0], k[1], true); err != nil {
			t.Fatalf("star %v: %v", k, err)
		}
	}
}

func (f *starFixture) stars(t *testing.T) []store.Star {
	t.Helper()
	s, err := f.db.Stars(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Each case starts from a store of its own, so that it runs alone too.
func TestStarComment(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		f := newStarFixture(t)
		f.star(t, [2]string{f.first, "comment"}, [2]string{f.second, "comment"}, [2]string{f.first, "beta_idea"}, [2]string{f.first, "comment"})
		got := f.stars(t)
		if len(got) != 3 {
			t.Fatalf("%d stars, want 3 (starring twice is once): %+v", len(got), got)
		}
		if got[0].ResponseID != f.first || got[0].Question != "beta_idea" {
			t.Errorf("most recent star first: %+v", got[0])
		}
	})
	t.Run("Unstar", func(t *testing.T) {
		f := newStarFixture(t)
		f.star(t, [2]string{f.first, "comment"}, [2]string{f.first, "beta_idea"})
		if err := f.db.StarComment(ctx, f.first, "beta_idea", false); err != nil {
			t.Fatal(err)
		}
		if err := f.db.StarComment(ctx, f.first, "beta_idea", false); err != nil {
			t.Fatalf("unstarring twice: %v", err)
		}
		for _, s := range f.stars(t) {
			if s.ResponseID == f.first && s.Question == "beta_idea" {
				t.Fatal("still starred")
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		f := newStarFixture(t)
		f.star(t, [2]string{f.first, "comment"}, [2]string{f.second, "comment"})
		for _, k := range [][2]string{{f.first, "overall"}, {f.second, "beta_idea"}, {uuid.NewString(), "comment"}} {
			err := f.db.StarComment(ctx, k[0], k[1], true)
			if forms.ErrorCode(err) != forms.ENOTFOUND {
				t.Errorf("star %v: %v, want not found", k, err)
			}
		}
		if n := len(f.stars(t)); n != 2 {
			t.Errorf("%d stars after refused stars, want 2", n)
		}
	})
}
