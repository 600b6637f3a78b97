package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// mustOpen opens a real SQLite file in a temporary directory and closes it
// when the test ends.
func mustOpen(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "feedback.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

func newResponse(workshop string, answers forms.Answers) *forms.Response {
	return &forms.Response{SubmissionID: uuid.NewString(), Workshop: workshop, Lang: "en", Answers: answers}
}

func sample() forms.Answers {
	return forms.Answers{
		"satisfaction":   {Number: 5},
		"relevance":      {Number: 3},
		"recommend":      {Number: 0},
		"useful_formats": {Choices: []string{"presentations", "peer_exchange"}},
		"role":           {Choices: []string{"academia"}},
		"takeaway":       {Text: "Полезно — مفيد"},
	}
}

func all(t *testing.T, db *store.DB, f store.Filter) []*forms.Response {
	t.Helper()
	var out []*forms.Response
	err := db.EachResponse(context.Background(), f, func(r *forms.Response) error {
		cp := *r
		out = append(out, &cp)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawCount counts rows with a separate connection, as an outside observer.
func rawCount(t *testing.T, path, query string, args ...any) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSaveResponse(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		db, path := mustOpen(t)
		r := newResponse("data-governance", sample())
		saved, err := db.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if !saved.Created || saved.ID == "" {
			t.Fatalf("saved = %+v", saved)
		}
		got, err := db.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != saved.ID || got.Workshop != "data-governance" || got.Lang != "en" || !got.Answers.Equal(r.Answers) {
			t.Errorf("stored = %+v", got)
		}
		if got.SubmittedAt.IsZero() || got.SubmittedAt.Location().String() != "UTC" {
			t.Errorf("submitted at = %v", got.SubmittedAt)
		}
		// One row per answer and per chosen option, so SQL can count them.
		if n := rawCount(t, path, `SELECT count(*) FROM answers WHERE question = 'useful_formats'`); n != 2 {
			t.Errorf("useful_formats rows = %d", n)
		}
	})
	t.Run("OKRetryStoresOnce", func(t *testing.T) {
		db, path := mustOpen(t)
		r := newResponse("data-governance", sample())
		first, err := db.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		again, err := db.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: "en", Answers: sample()})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Created || again.Changed {
			t.Errorf("retry = %+v, first = %+v", again, first)
		}
		if n := rawCount(t, path, `SELECT count(*) FROM responses`); n != 1 {
			t.Errorf("responses = %d", n)
		}
		if n := rawCount(t, path, `SELECT count(*) FROM answers`); n != 7 {
			t.Errorf("answers = %d", n)
		}
	})
	t.Run("OKChangeReplacesAnswers", func(t *testing.T) {
		db, path := mustOpen(t)
		r := newResponse("data-governance", sample())
		first, _ := db.SaveResponse(ctx, r)
		changed := forms.Answers{"satisfaction": {Number: 2}, "relevance": {Number: 2}}
		again, err := db.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: "fr", Answers: changed})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Created || !again.Changed {
			t.Errorf("change = %+v", again)
		}
		got, _ := db.ResponseBySubmission(ctx, r.SubmissionID)
		if !got.Answers.Equal(changed) || got.Lang != "fr" {
			t.Errorf("stored = %+v", got)
		}
		if n := rawCount(t, path, `SELECT count(*) FROM answers`); n != 2 {
			t.Errorf("answers = %d", n)
		}
	})
	t.Run("ErrSubmissionOfAnotherWorkshop", func(t *testing.T) {
		db, path := mustOpen(t)
		r := newResponse("data-governance", sample())
		db.SaveResponse(ctx, r)
		_, err := db.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: "next-generation", Lang: "en", Answers: sample()})
		if forms.ErrorCode(err) != forms.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
		if n := rawCount(t, path, `SELECT count(*) FROM responses WHERE workshop = 'next-generation'`); n != 0 {
			t.Errorf("stored in the other workshop: %d", n)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db, _ := mustOpen(t)
		_, err := db.ResponseBySubmission(ctx, uuid.NewString())
		if forms.ErrorCode(err) != forms.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		db, _ := mustOpen(t)
		db.Close()
		_, err := db.SaveResponse(ctx, newResponse("data-governance", sample()))
		if forms.ErrorCode(err) != forms.EUNAVAILABLE {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestConcurrentSaves sends many responses at once, a tenth of them twice and
// at the same time, and checks each submission is stored exactly once.
func TestConcurrentSaves(t *testing.T) {
	db, path := mustOpen(t)
	ctx := context.Background()
	const n = 400
	ids := make([]string, n)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	created := make(chan bool, 2*n)
	send := func(i int) {
		defer wg.Done()
		r := &forms.Response{SubmissionID: ids[i], Workshop: "leading-change", Lang: "en",
			Answers: forms.Answers{"satisfaction": {Number: 1 + i%5}, "relevance": {Number: 1 + (i/5)%5}}}
		saved, err := db.SaveResponse(ctx, r)
		errs <- err
		created <- saved.Created
	}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go send(i)
		if i%10 == 0 {
			wg.Add(1)
			go send(i)
		}
	}
	wg.Wait()
	close(errs)
	close(created)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	nCreated := 0
	for c := range created {
		if c {
			nCreated++
		}
	}
	if nCreated != n {
		t.Errorf("created = %d, want %d", nCreated, n)
	}
	if got := rawCount(t, path, `SELECT count(*) FROM responses`); got != n {
		t.Errorf("responses = %d, want %d", got, n)
	}
	if got := rawCount(t, path, `SELECT count(*) FROM answers`); got != 2*n {
		t.Errorf("answers = %d, want %d", got, 2*n)
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "feedback.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []*forms.Response
	for i := 0; i < 20; i++ {
		r := newResponse([]string{"data-governance", "next-generation"}[i%2], forms.Answers{
			"satisfaction": {Number: 1 + i%5}, "relevance": {Number: 5}, "improve": {Text: fmt.Sprintf("idea %d", i)}})
		saved, err := db.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		r.ID = saved.ID
		want = append(want, r)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := all(t, db, store.Filter{})
	if len(got) != len(want) {
		t.Fatalf("after reopen: %d responses, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.SubmissionID != w.SubmissionID || g.Workshop != w.Workshop || !g.Answers.Equal(w.Answers) {
			t.Errorf("response %d = %+v, want %+v", i, g, w)
		}
	}
	only := all(t, db, store.Filter{Workshop: "next-generation"})
	if len(only) != 10 {
		t.Errorf("filtered = %d", len(only))
	}
	counts, err := db.CountResponses(ctx)
	if err != nil || !reflect.DeepEqual(counts, map[string]int{"data-governance": 10, "next-generation": 10}) {
		t.Errorf("counts = %v, %v", counts, err)
	}
}

func TestMigrationsAppliedOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "feedback.db")
	for i := 0; i < 3; i++ {
		db, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		names, err := db.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) < 2 || names[0] != "0001_responses.sql" {
			t.Errorf("migrations = %v", names)
		}
		db.Close()
	}
	if n := rawCount(t, path, `SELECT count(*) FROM migrations`); n != rawCount(t, path, `SELECT count(DISTINCT name) FROM migrations`) {
		t.Errorf("a migration was recorded twice")
	}
	var mode string
	raw, _ := sql.Open("sqlite", "file:"+path)
	defer raw.Close()
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
}

func TestWorkshopOverrides(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	closed, open := false, true
	if err := db.SetWorkshopOpen(ctx, "data-governance", &closed); err != nil {
		t.Fatal(err)
	}
	if err := db.SetWorkshopOpen(ctx, "next-generation", &open); err != nil {
		t.Fatal(err)
	}
	if err := db.SetWorkshopOpen(ctx, "next-generation", nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.WorkshopOverrides(ctx)
	if err != nil || !reflect.DeepEqual(got, map[string]bool{"data-governance": false}) {
		t.Errorf("overrides = %v, %v", got, err)
	}
}
