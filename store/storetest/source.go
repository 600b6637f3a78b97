package storetest

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// testSource checks that the way a response came in is stored and read back
// by both reads, that a response naming none counts as the form's, and that
// a retry from another way in keeps the first one's.
func testSource(t *testing.T, b Backend) {
	ctx := context.Background()
	s, _ := mustOpen(t, b)
	want := map[string]string{}
	for _, src := range []string{"", forms.SourceWeb, forms.SourceAPI, forms.SourcePaper} {
		r := newResponse("alpha", sample())
		r.Source = src
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatalf("source %q: %v", src, err)
		}
		want[r.SubmissionID] = src
		if src == "" {
			want[r.SubmissionID] = forms.SourceWeb
		}
		got, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Source != want[r.SubmissionID] {
			t.Errorf("ResponseBySubmission: source %q, want %q", got.Source, want[r.SubmissionID])
		}
		if src == forms.SourcePaper {
			again := *r
			again.Source = forms.SourceAPI
			if saved, err := s.SaveResponse(ctx, &again); err != nil || saved.Created {
				t.Fatalf("retry: %+v, %v", saved, err)
			}
		}
	}
	rs := all(t, s, store.Filter{})
	if len(rs) != len(want) {
		t.Fatalf("%d responses, want %d", len(rs), len(want))
	}
	for _, r := range rs {
		if r.Source != want[r.SubmissionID] {
			t.Errorf("EachResponse: source %q, want %q", r.Source, want[r.SubmissionID])
		}
	}
}

// testDeleteResponse checks that DeleteResponse removes exactly the response
// named, with its answers and stars, and refuses one it does not know.
func testDeleteResponse(t *testing.T, b Backend) {
	ctx := context.Background()
	s, place := mustOpen(t, b)
	var ids, subs []string
	for i := 0; i < 3; i++ {
		r := newResponse("alpha", sample())
		r.Source = forms.SourcePaper
		saved, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		ids, subs = append(ids, saved.ID), append(subs, r.SubmissionID)
	}
	if err := s.StarComment(ctx, ids[1], "comment", true); err != nil {
		t.Fatal(err)
	}
	answersEach := b.Count(t, place, `SELECT count(*) FROM answers`) / 3
	t.Run("OK", func(t *testing.T) {
		if err := s.DeleteResponse(ctx, ids[1]); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResponseBySubmission(ctx, subs[1]); forms.ErrorCode(err) != forms.ENOTFOUND {
			t.Errorf("deleted response still found: %v", err)
		}
		rs := all(t, s, store.Filter{})
		if len(rs) != 2 || rs[0].ID != ids[0] || rs[1].ID != ids[2] {
			t.Errorf("left = %+v, want %s and %s", rs, ids[0], ids[2])
		}
		if n := b.Count(t, place, `SELECT count(*) FROM answers`); n != 2*answersEach {
			t.Errorf("answer rows = %d, want %d", n, 2*answersEach)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM starred`); n != 0 {
			t.Errorf("starred rows = %d, want 0", n)
		}
		if counts, err := s.CountResponses(ctx); err != nil || counts["alpha"] != 2 {
			t.Errorf("counts = %v, %v", counts, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []string{ids[1], uuid.NewString()} {
			if err := s.DeleteResponse(ctx, id); forms.ErrorCode(err) != forms.ENOTFOUND {
				t.Errorf("delete %s: err = %v, want ENOTFOUND", id, err)
			}
		}
	})
	t.Run("SubmissionIDFreed", func(t *testing.T) {
		// A sheet removed by mistake can be keyed again with its id.
		r := newResponse("alpha", sample())
		r.SubmissionID = subs[1]
		if saved, err := s.SaveResponse(ctx, r); err != nil || !saved.Created {
			t.Errorf("saved again = %+v, %v", saved, err)
		}
	})
}
