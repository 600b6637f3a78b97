package store

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"
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
