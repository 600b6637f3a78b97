package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"

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
