package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
)

// migrationLister is what both stores offer besides store.Store, for
// operators and this test.
type migrationLister interface {
	Migrations(ctx context.Context) ([]string, error)
}

func testMigrations(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	for i := 0; i < 3; i++ {
		s, err := b.Open(t, place)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		m, ok := s.(migrationLister)
		if !ok {
			s.Close()
			t.Fatalf("%T does not list its migrations", s)
		}
		names, err := m.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) < 2 || names[0] != "0001_responses.sql" {
			t.Errorf("migrations = %v", names)
		}
		s.Close()
	}
	if n := b.Count(t, place, `SELECT count(*) FROM migrations`); n != b.Count(t, place, `SELECT count(DISTINCT name) FROM migrations`) {
		t.Errorf("a migration was recorded twice")
	}
}

func testWorkshopOverrides(t *testing.T, b Backend) {
	s, place := mustOpen(t, b)
	ctx := context.Background()
	closed, open := false, true
	if err := s.SetWorkshopOpen(ctx, "alpha", &closed); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkshopOpen(ctx, "beta", &open); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkshopOpen(ctx, "beta", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkshopOpen(ctx, "gamma", &closed); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkshopOpen(ctx, "gamma", &open); err != nil {
		t.Fatal(err)
	}
	got, err := s.WorkshopOverrides(ctx)
	if err != nil || !reflect.DeepEqual(got, map[string]bool{"alpha": false, "gamma": true}) {
		t.Errorf("overrides = %v, %v", got, err)
	}
	// Another process (a replica, a restart) sees the same.
	other := mustOpenAt(t, b, place)
	got, err = other.WorkshopOverrides(ctx)
	if err != nil || !reflect.DeepEqual(got, map[string]bool{"alpha": false, "gamma": true}) {
		t.Errorf("overrides seen by another store = %v, %v", got, err)
	}
}

func testStars(t *testing.T, b Backend) {
	ctx := context.Background()
	s, place := mustOpen(t, b)
	save := func(a forms.Answers) string {
		t.Helper()
		saved, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: "beta", Lang: "ru", Answers: a})
		if err != nil {
			t.Fatal(err)
		}
		return saved.ID
	}
	first := save(forms.Answers{"overall": {Number: 4}, "comment": {Text: "Данные — это доверие"}, "beta_idea": {Text: "=1+1"}})
	second := save(forms.Answers{"overall": {Number: 2}, "comment": {Text: "أكثر وقتاً للنقاش"}})
	for _, k := range [][2]string{{first, "comment"}, {second, "comment"}, {first, "beta_idea"}, {first, "comment"}} {
		if err := s.StarComment(ctx, k[0], k[1], true); err != nil {
			t.Fatalf("star %v: %v", k, err)
		}
	}
	got, err := s.Stars(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d stars, want 3 (starring twice is once): %+v", len(got), got)
	}
	if got[0].ResponseID != first || got[0].Question != "beta_idea" || got[2].ResponseID != first || got[2].Question != "comment" {
		t.Errorf("stars, most recent first = %+v", got)
	}
	for _, st := range got {
		if st.StarredAt.IsZero() || st.StarredAt.Location() != time.UTC {
			t.Errorf("starred at = %v", st.StarredAt)
		}
	}
	for name, k := range map[string][2]string{
		"ErrNotText":         {first, "overall"},
		"ErrNoAnswer":        {second, "beta_idea"},
		"ErrUnknownResponse": {uuid.NewString(), "comment"},
	} {
		if err := s.StarComment(ctx, k[0], k[1], true); forms.ErrorCode(err) != forms.ENOTFOUND {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if err := s.StarComment(ctx, first, "beta_idea", false); err != nil {
		t.Fatal(err)
	}
	if err := s.StarComment(ctx, first, "beta_idea", false); err != nil {
		t.Fatalf("unstarring twice: %v", err)
	}
	if n := b.Count(t, place, `SELECT count(*) FROM starred`); n != 2 {
		t.Errorf("starred rows = %d, want 2", n)
	}
}

func testPing(t *testing.T, b Backend) {
	s, _ := mustOpen(t, b)
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}
