package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"feedback/forms"
)

// TestGuardedConnBeginTx: the guard begins transactions only through the
// driver's BeginTx, so the driver's connection must have it.
func TestGuardedConnBeginTx(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "feedback.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(c any) error {
		g, ok := c.(*guardedConn)
		if !ok {
			t.Fatalf("a pool connection is %T, not a guarded one", c)
		}
		if _, ok := g.Conn.(driver.ConnBeginTx); !ok {
			t.Errorf("%T has no BeginTx: every transaction would fail", g.Conn)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE guard_tx (x)`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestGuardRecoveryOutsideLock holds a recovery just before its copy and
// checks that meanwhile the guard's lock is free (its fields can be read,
// and Ping's disk check, which takes it on Linux, returns), that a new connection
// waits for the recovery and gives up when its context ends, and that once
// the copy goes on, the one recovery puts the file back with its data.
func TestGuardRecoveryOutsideLock(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "feedback.db"), Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE kept (x); INSERT INTO kept VALUES (42)`); err != nil {
		t.Fatal(err)
	}
	g := db.guard
	copying, copies, letGo := holdCopy(g)
	defer letGo() // before db.Close, should the test fail while the copy is held

	if err := os.Remove(db.path); err != nil {
		t.Fatal(err)
	}
	pinged := make(chan error, 1)
	go func() { pinged <- db.Ping(ctx) }()
	receive(t, copying, "the recovery to reach its copy")

	// The lock is free: the state says a recovery runs, and the disk check
	// returns while it does. Without the fix, both would wait for letGo.
	state := make(chan bool, 1)
	go func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		state <- g.rec != nil
	}()
	if !receive(t, state, "the guard's lock during the recovery") {
		t.Error("no recovery is marked as running while one holds its copy")
	}
	checked := make(chan error, 1)
	go func() { checked <- g.checkSpace() }()
	if err := receive(t, checked, "the disk check during the recovery"); err != nil {
		t.Errorf("disk check during the recovery: %v", err)
	}

	// A new connection waits for the recovery, and no longer than its context.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.settle(gone); forms.ErrorCode(err) != forms.EUNAVAILABLE || !errors.Is(err, context.Canceled) {
		t.Errorf("a connection whose context ended during the recovery got %v", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- g.settle(ctx) }()
	select {
	case err := <-waited:
		t.Fatalf("a new connection did not wait for the recovery: %v", err)
	case err := <-pinged:
		t.Fatalf("Ping returned during the recovery: %v", err)
	default:
	}

	letGo()
	if err := receive(t, pinged, "Ping after the recovery"); err != nil {
		t.Fatalf("Ping after the recovery: %v", err)
	}
	if err := receive(t, waited, "the waiting connection"); err != nil {
		t.Errorf("the connection that waited for the recovery got %v", err)
	}
	if n := copies.Load(); n != 1 {
		t.Errorf("%d recoveries copied the file, want 1", n)
	}
	var x int
	if err := db.read.QueryRowContext(ctx, `SELECT x FROM kept`).Scan(&x); err != nil || x != 42 {
		t.Errorf("after the recovery, kept holds %d, %v; want 42", x, err)
	}
}

// holdCopy makes every recovery of g wait just before its copy until letGo
// is called; copying is closed when the first gets there.
func holdCopy(g *guard) (copying chan struct{}, copies *atomic.Int32, letGo func()) {
	copying, release := make(chan struct{}), make(chan struct{})
	copies = new(atomic.Int32)
	g.mu.Lock()
	g.beforeCopy = func() {
		if copies.Add(1) == 1 {
			close(copying)
		}
		<-release
	}
	g.mu.Unlock()
	var once sync.Once
	return copying, copies, func() { once.Do(func() { close(release) }) }
}

// receive returns the next value from ch, or fails the test if none comes
// in a long while: a guard against hanging, not a measure of speed.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("waited 10s for %s", what)
	}
	var zero T
	return zero
}
