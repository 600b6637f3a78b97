package main

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"feedback/forms/formstest"
	"feedback/store"
	"feedback/store/storetest"
)

// TestPostgresReadOnly runs the app on a PostgreSQL role that turns
// read-only under it, as a replica left on a standby after a failover would
// find: the participant gets 503 with every answer kept, /healthz says so,
// nothing half-stored; once the role can write again, the same form sent
// again is stored once, without a restart.
func TestPostgresReadOnly(t *testing.T) {
	ctx := context.Background()
	dbURL := storetest.PostgresURL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	role, password := "feedback_ro_"+strings.ReplaceAll(uuid.NewString()[:8], "-", ""), uuid.NewString()
	admin := func(stmts ...string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		for _, stmt := range stmts {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	admin("CREATE ROLE "+role+" LOGIN PASSWORD '"+password+"'", "GRANT ALL ON SCHEMA "+schema+" TO "+role)
	t.Cleanup(func() { admin("DROP OWNED BY "+role+" CASCADE", "DROP ROLE "+role) })
	// The role's connections end, so that the new setting reaches new ones.
	reconnect := "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '" + role + "'"

	u.User = url.UserPassword(role, password)
	db, err := store.OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := config{Addr: "127.0.0.1:0", DB: "postgres", AdminToken: testToken, PublicURL: "https://feedback.example.org"}
	srv, err := newServer(cfg, formstest.Small(t), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a := &testApp{App: srv.app(), srv: srv}

	if res, body := a.do(t, postForm("/w/alpha", validForm(uuid.NewString()))); res.StatusCode != 303 {
		t.Fatalf("before: %d %.300s", res.StatusCode, body)
	}

	admin("ALTER ROLE "+role+" SET default_transaction_read_only = on", reconnect)
	sid := uuid.NewString()
	form := validForm(sid)
	form.Set("comment", "Kept through the failover")
	res, body := a.do(t, postForm("/w/alpha", form))
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" {
		t.Errorf("read-only: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, "Kept through the failover") || !strings.Contains(body, sid) {
		t.Errorf("the form did not come back with the answers: %.500s", body)
	}
	if res, _ := a.do(t, get("/healthz")); res.StatusCode != 503 {
		t.Errorf("healthz on a read-only database: %d", res.StatusCode)
	}

	admin("ALTER ROLE "+role+" RESET default_transaction_read_only", reconnect)
	// The participant sends the same form again until it goes through; a
	// connection the server ended may fail one try, never store twice.
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, body := a.do(t, postForm("/w/alpha", form))
		if res.StatusCode == 303 {
			break
		}
		if res.StatusCode != 503 || time.Now().After(deadline) {
			t.Fatalf("after: %d %.300s", res.StatusCode, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if res, _ := a.do(t, get("/healthz")); res.StatusCode != 200 {
		t.Errorf("healthz after: %d", res.StatusCode)
	}
	got, err := db.ResponseBySubmission(ctx, sid)
	if err != nil || got.Answers["comment"].Text != "Kept through the failover" {
		t.Errorf("stored = %+v, %v", got, err)
	}
	if n := storetest.PostgresCount(t, dbURL, `SELECT count(*) FROM responses`); n != 2 {
		t.Errorf("responses = %d, want 2", n)
	}
}
