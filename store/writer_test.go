package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
)

// These tests look at the writer's fast path from inside the package: the
// shapes of its prepared statements, a batch with one failing response, and
// the background checkpoints. What every store does is in storetest.

func openWriterDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feedback.db")
	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// shapedAnswers makes answers with the given numbers of score, choice and
// text rows, with question ids of its own (the store does not check them
// against a form).
func shapedAnswers(numbers, options, texts int) forms.Answers {
	a := forms.Answers{}
	for i := 0; i < numbers; i++ {
		a[fmt.Sprintf("n%03d", i)] = forms.Answer{Number: i % 11}
	}
	if options > 0 {
		// One multiple choice in reverse alphabetical order: it must come
		// back in the order given.
		var choices []string
		for i := options; i > 0; i-- {
			choices = append(choices, fmt.Sprintf("opt%02d", i))
		}
		a["m"] = forms.Answer{Choices: choices}
	}
	for i := 0; i < texts; i++ {
		a[fmt.Sprintf("t%d", i)] = forms.Answer{Text: fmt.Sprintf("=text %d, not a formula", i)}
	}
	return a
}

func TestAnswerShapes(t *testing.T) {
	db, _ := openWriterDB(t)
	ctx := context.Background()
	// More shapes than the writer keeps prepared: the last ones take the
	// unprepared path, and every one must read back exactly as given.
	type sent struct {
		id      string
		answers forms.Answers
	}
	var all []sent
	for n := 0; len(all) < maxPreparedShapes+40; n++ {
		for o := 0; o <= 3 && len(all) < maxPreparedShapes+40; o++ {
			for x := 0; x <= 2; x++ {
				all = append(all, sent{uuid.NewString(), shapedAnswers(n, o, x)})
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(all))
	for _, s := range all {
		wg.Add(1)
		go func(s sent) {
			defer wg.Done()
			r := &forms.Response{SubmissionID: s.id, Workshop: "w", Lang: "en", Answers: s.answers}
			if _, err := db.SaveResponse(ctx, r); err != nil {
				errs <- err
			}
		}(s)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(db.stmts.insertAnswers) > maxPreparedShapes {
		t.Errorf("%d prepared answer statements, want at most %d", len(db.stmts.insertAnswers), maxPreparedShapes)
	}
	for _, s := range all {
		got, err := db.ResponseBySubmission(ctx, s.id)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Answers.Equal(s.answers) {
			t.Fatalf("shape %v: stored %v, sent %v", shapeOf(s.answers), got.Answers, s.answers)
		}
	}
}

func TestBatchWithOneFailingResponse(t *testing.T) {
	db, path := openWriterDB(t)
	ctx := context.Background()
	bad := uuid.NewString()
	// A trigger stands in for any error inside the transaction (a full
	// disk, a constraint): it fails the answers of one response only.
	if _, err := rawDB(t, path).Exec(fmt.Sprintf(`CREATE TRIGGER fail_one BEFORE INSERT ON answers
		WHEN (SELECT submission_id FROM responses WHERE id = NEW.response_id) = '%s'
		BEGIN SELECT RAISE(ABORT, 'refused by test'); END`, bad)); err != nil {
		t.Fatal(err)
	}
	ids := []string{bad}
	for i := 0; i < 99; i++ {
		ids = append(ids, uuid.NewString())
	}
	results := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id string) {
			defer wg.Done()
			r := &forms.Response{SubmissionID: id, Workshop: "w", Lang: "en", Answers: shapedAnswers(3, 2, 1)}
			_, results[i] = db.SaveResponse(ctx, r)
		}(i, id)
	}
	wg.Wait()
	if results[0] == nil {
		t.Fatal("the refused response was acknowledged")
	}
	for i, err := range results[1:] {
		if err != nil {
			t.Fatalf("response %d beside the refused one failed: %v", i+1, err)
		}
	}
	raw := rawDB(t, path)
	var n, orphans int
	if err := raw.QueryRow(`SELECT count(*) FROM responses WHERE submission_id = ?`, bad).Scan(&n); err != nil || n != 0 {
		t.Errorf("refused response stored %d times (%v): its row must go with its answers", n, err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM responses`).Scan(&n); err != nil || n != len(ids)-1 {
		t.Errorf("%d responses stored (%v), want %d", n, err, len(ids)-1)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM answers WHERE response_id NOT IN (SELECT id FROM responses)`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d answers without a response (%v)", orphans, err)
	}
}

func TestCheckpointsOffTheWriter(t *testing.T) {
	db, path := openWriterDB(t)
	ctx := context.Background()
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "w", Lang: "en", Answers: shapedAnswers(10, 3, 3)}
			if _, err := db.SaveResponse(ctx, r); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// The writer's own automatic checkpoint waits for writerAutoCheckpoint
	// pages, far more than 200 responses fill: only the checkpointer moves
	// their pages into the database file this soon.
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > before.Size() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes 5 s after the writes: no checkpoint ran", st.Size())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
