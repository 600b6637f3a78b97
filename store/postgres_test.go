package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"feedback/forms"
	"feedback/store"
	"feedback/store/storetest"
)

func postgresBackend() storetest.Backend {
	return storetest.Backend{
		New: func(t *testing.T) string { return storetest.PostgresURL(t) },
		Open: func(t *testing.T, place string) (store.Store, error) {
			return store.OpenPostgres(context.Background(), place)
		},
		Count: func(t *testing.T, place, query string) int { return storetest.PostgresCount(t, place, query) },
	}
}

// TestPostgresSuite runs the shared store suite against PostgreSQL.
func TestPostgresSuite(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Run(t, postgresBackend())
}

func mustOpenPostgres(t *testing.T, dbURL string) *store.Postgres {
	t.Helper()
	db, err := store.OpenPostgres(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func withParam(t *testing.T, dbURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestPostgresSynchronousCommit checks that an acknowledged response is
// committed durably even on a server (here: a role) whose default is
// synchronous_commit=off, and that a URL asking for off is refused.
func TestPostgresSynchronousCommit(t *testing.T) {
	ctx := context.Background()
	dbURL := storetest.PostgresURL(t)
	u, _ := url.Parse(dbURL)
	schema := u.Query().Get("search_path")
	role, password := "feedback_"+strings.ReplaceAll(uuid.NewString()[:8], "-", ""), uuid.NewString()
	admin, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for _, stmt := range []string{
		"CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'",
		"ALTER ROLE " + role + " SET synchronous_commit = off",
		"GRANT ALL ON SCHEMA " + schema + " TO " + role,
	} {
		if _, err := admin.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		ctx := context.Background()
		admin, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close(ctx)
		for _, stmt := range []string{"DROP OWNED BY " + role + " CASCADE", "DROP ROLE " + role} {
			if _, err := admin.Exec(ctx, stmt); err != nil {
				t.Errorf("%s: %v", stmt, err)
			}
		}
	})
	u.User = url.UserPassword(role, password)
	asRole := u.String()

	t.Run("OKForcedOn", func(t *testing.T) {
		db := mustOpenPostgres(t, asRole)
		// Ping refuses a connection that would acknowledge before the flush.
		if err := db.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
		if _, err := db.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en",
			Answers: forms.Answers{"overall": {Number: 4}}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrAskedOff", func(t *testing.T) {
		db, err := store.OpenPostgres(ctx, withParam(t, dbURL, "synchronous_commit", "off"))
		if err == nil {
			db.Close()
			t.Fatal("a store that may lose acknowledged responses was opened")
		}
	})
}

func TestPostgresUnavailable(t *testing.T) {
	ctx := context.Background()
	t.Run("ErrConnectionRefused", func(t *testing.T) {
		// Nothing listens on port 1 of the loopback.
		_, err := store.OpenPostgres(ctx, "postgres://nobody@127.0.0.1:1/feedback?connect_timeout=2")
		if forms.ErrorCode(err) != forms.EUNAVAILABLE {
			t.Fatalf("err = %v, want unavailable", err)
		}
	})
	t.Run("ErrBadURLHidesPassword", func(t *testing.T) {
		_, err := store.OpenPostgres(ctx, "postgres://nobody:s3cret@127.0.0.1:5432/x?pool_max_conns=many")
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ErrAdminShutdown", func(t *testing.T) {
		// The server ends the store's connections, as on a restart or a
		// failover: a save fails as unavailable (never as an internal
		// error), and the next one gets a new connection.
		app := "feedback_test_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
		dbURL := storetest.PostgresURL(t)
		db := mustOpenPostgres(t, withParam(t, withParam(t, dbURL, "application_name", app), "pool_max_conns", "1"))
		save := func() error {
			_, err := db.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en",
				Answers: forms.Answers{"overall": {Number: 4}}})
			return err
		}
		if err := save(); err != nil {
			t.Fatal(err)
		}
		if n := storetest.PostgresCount(t, dbURL,
			`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '`+app+`' AND pid <> pg_backend_pid()`); n != 1 {
			t.Fatalf("terminated %d connections, want 1", n)
		}
		if err := save(); err != nil && forms.ErrorCode(err) != forms.EUNAVAILABLE {
			t.Errorf("after shutdown: err = %v, want unavailable", err)
		}
		if err := save(); err != nil {
			t.Errorf("after reconnecting: %v", err)
		}
	})
}

// TestPostgresBatchFallback sends responses at once, so that they share
// batches, with one the server refuses (text with a NUL byte, which the
// forms' validation never lets through): that one fails alone, and the
// others of its batch are stored.
func TestPostgresBatchFallback(t *testing.T) {
	ctx := context.Background()
	dbURL := storetest.PostgresURL(t)
	db := mustOpenPostgres(t, dbURL)
	const n = 60
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := fmt.Sprintf("comment %d", i)
			if i == n/2 {
				text = "bad\x00byte"
			}
			_, errs[i] = db.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en",
				Answers: forms.Answers{"overall": {Number: 3}, "comment": {Text: text}}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == n/2) {
			t.Errorf("response %d: err = %v", i, err)
		}
	}
	if got := storetest.PostgresCount(t, dbURL, `SELECT count(*) FROM responses`); got != n-1 {
		t.Errorf("responses = %d, want %d", got, n-1)
	}
}

// TestPostgresSaveHonoursContext is TestSaveResponseHonoursContext on
// PostgreSQL: while another connection's lock on the responses table keeps
// the batch from inserting, SaveResponse returns when its context ends; the
// batch stores the response once the lock goes, and sending it again is a
// retry.
func TestPostgresSaveHonoursContext(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	db := mustOpenPostgres(t, dbURL)
	bg := context.Background()
	locker, err := pgx.Connect(bg, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(bg)
	lock, err := locker.Begin(bg)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(bg)
	// SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE an INSERT takes.
	if _, err := lock.Exec(bg, `LOCK TABLE responses IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "en",
		Answers: forms.Answers{"overall": {Number: 4}, "comment": {Text: "sent once, told never"}}}

	ctx, cancel := context.WithTimeout(bg, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = db.SaveResponse(ctx, r)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("SaveResponse returned after %v, past its 200 ms deadline", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one wrapping context.DeadlineExceeded", err)
	}

	if err := lock.Rollback(bg); err != nil {
		t.Fatal(err)
	}
	query := `SELECT count(*) FROM responses WHERE submission_id = '` + r.SubmissionID + `'`
	for deadline := time.Now().Add(5 * time.Second); storetest.PostgresCount(t, dbURL, query) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the queued response was not stored once the lock went")
		}
	}
	again, err := db.SaveResponse(bg, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: r.Lang, Answers: r.Answers})
	if err != nil || again.Created || again.Changed || again.ID == "" {
		t.Errorf("sent again = %+v, %v; want a retry", again, err)
	}
	if n := storetest.PostgresCount(t, dbURL, query); n != 1 {
		t.Errorf("stored %d times, want once", n)
	}
}
