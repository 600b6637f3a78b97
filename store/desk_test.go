package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// TestDeskMigratesStoredResponses opens a database whose responses were
// stored before the desk existed (its tables dropped and its migration
// forgotten): the migration counts them and the start indexes their
// comments, once.
func TestDeskMigratesStoredResponses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"Обучение ИИ было полезным", "École numérique", "人工智能培训很好"}
	for i, text := range texts {
		r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: []string{"alpha", "beta"}[i%2], Lang: "en",
			Answers: forms.Answers{"overall": {Number: 3 + i%3}, "comment": {Text: text}}}
		if _, err := db.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	want, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TABLE comment_fts`, `DROP TABLE comment_search`, `DROP TABLE tallies`, `DROP TABLE desk_state`,
		`DROP TABLE comment_themes`, `DROP TABLE translations`, `DROP TABLE themes`,
		`DELETE FROM migrations WHERE name LIKE '%0010_desk.sql'`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	for i := 0; i < 2; i++ { // the second start finds nothing left to do
		db, err = store.Open(ctx, path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("start %d: counts %+v, want %+v", i+1, got, want)
		}
		for _, q := range []string{"ии", "ecole", "培训"} {
			page, err := db.Comments(ctx, store.CommentFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 1 {
				t.Errorf("start %d: %q finds %d comments, want 1", i+1, q, page.Total)
			}
		}
		db.Close()
	}
	if n := rawCount(t, path, `SELECT count(*) FROM comment_search`); n != len(texts) {
		t.Errorf("%d search rows, want %d", n, len(texts))
	}
}

// TestSearchIndexCatchesUp: the writer takes stored responses into the
// desk's tables by itself, a read does not wait for it to, and a changed or
// removed comment is found by its new text only, once taken in or not.
func TestSearchIndexCatchesUp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fts.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	save := func(r *forms.Response) string {
		saved, err := db.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return saved.ID
	}
	changing := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "fr", Answers: forms.Answers{"comment": {Text: "Formation numérique utile"}}}
	save(changing)
	removed := save(&forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "zh", Answers: forms.Answers{"comment": {Text: "人工智能培训很好"}}})
	for i := 0; i < 30; i++ {
		save(&forms.Response{SubmissionID: uuid.NewString(), Workshop: "beta", Lang: "en", Answers: forms.Answers{"comment": {Text: "filler comment"}}})
	}
	find := func(q string) int {
		t.Helper()
		p, err := db.Comments(ctx, store.CommentFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return p.Total
	}
	indexed := func() bool {
		return rawCount(t, path, `SELECT count(*) FROM desk_state WHERE key = 'desk' AND value = (SELECT max(id) FROM responses)`) == 1 &&
			rawCount(t, path, `SELECT count(*) FROM desk_state WHERE key = 'fts' AND value = (SELECT coalesce(max(id), 0) FROM comment_search)`) == 1
	}
	waitIndexed := func() {
		t.Helper()
		for i := 0; !indexed(); i++ {
			if i > 500 {
				t.Fatal("the writer never indexed the comments")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	check := func(when string, want map[string]int) {
		t.Helper()
		for q, n := range want {
			if got := find(q); got != n {
				t.Errorf("%s: %q finds %d, want %d", when, q, got, n)
			}
		}
	}
	first := map[string]int{"numerique": 1, "培训很": 1, "filler": 30, "formation utile": 1}
	check("as stored", first)
	waitIndexed()
	check("indexed", first)
	if n := rawCount(t, path, `SELECT count(*) FROM comment_fts WHERE comment_fts MATCH '"培训很"'`); n != 1 {
		t.Errorf("the index finds %d, want 1", n)
	}

	changing.Answers = forms.Answers{"comment": {Text: "Atelier trop court"}}
	save(changing)
	if err := db.DeleteResponse(ctx, removed); err != nil {
		t.Fatal(err)
	}
	after := map[string]int{"numerique": 0, "培训很": 0, "atelier": 1, "trop court": 1, "filler": 30}
	check("changed", after)
	waitIndexed()
	check("changed and indexed", after)
	if n := rawCount(t, path, `SELECT count(*) FROM comment_fts WHERE comment_fts MATCH '"培训很"'`); n != 0 {
		t.Errorf("the index still finds a removed comment %d times", n)
	}
}

// TestSearchAfterNewestChanged changes the newest comment once it is in the
// search index: its new text gets an id the index has not seen, and is found.
func TestSearchAfterNewestChanged(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newest.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en", Answers: forms.Answers{"comment": {Text: "first words"}}}
	if _, err := db.SaveResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	for i := 0; rawCount(t, path, `SELECT count(*) FROM desk_state WHERE key = 'fts' AND value > 0`) == 0; i++ {
		if i > 500 {
			t.Fatal("the writer never indexed the comment")
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.Answers = forms.Answers{"comment": {Text: "second thoughts"}}
	if _, err := db.SaveResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"second", "thoughts"} {
		p, err := db.Comments(ctx, store.CommentFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 {
			t.Errorf("%q finds %d comments, want the changed one", q, p.Total)
		}
	}
}
