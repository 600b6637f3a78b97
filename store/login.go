package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// loginFailureSQL counts a wrong token: a client quiet since before the
// forget time starts again from one. The same statement serves both stores
// (placeholders aside), so replicas on either agree on the count.
const loginFailureSQL = `INSERT INTO login_failures (client, failures, last_at) VALUES (%[1]s, 1, %[2]s)
	ON CONFLICT (client) DO UPDATE SET
		failures = CASE WHEN login_failures.last_at < %[3]s THEN 1 ELSE login_failures.failures + 1 END,
		last_at = excluded.last_at
	RETURNING failures`

// LoginFailures returns how many wrong admin tokens client sent, and when the
// last one came; zero and the zero time if none is remembered.
func (db *DB) LoginFailures(ctx context.Context, client string) (int, time.Time, error) {
	var n int
	var last int64
	err := db.read.QueryRowContext(ctx, `SELECT failures, last_at FROM login_failures WHERE client = ?`, client).Scan(&n, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, translate(fmt.Errorf("store: read login failures: %w", err))
	}
	return n, time.UnixMilli(last).UTC(), nil
}

// RecordLoginFailure counts one more wrong token from client at now and
// returns the count; failures older than forget no longer count, and rows
// that old are removed so the table stays small.
func (db *DB) RecordLoginFailure(ctx context.Context, client string, now time.Time, forget time.Duration) (int, error) {
	cutoff := now.Add(-forget).UnixMilli()
	var n int
	err := db.write.QueryRowContext(ctx, fmt.Sprintf(loginFailureSQL, "?", "?", "?"), client, now.UnixMilli(), cutoff).Scan(&n)
	if err != nil {
		return 0, translate(fmt.Errorf("store: record login failure: %w", err))
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE last_at < ?`, cutoff); err != nil {
		return 0, translate(fmt.Errorf("store: forget old login failures: %w", err))
	}
	return n, nil
}

// ForgetLoginFailures clears client's count after a right token.
func (db *DB) ForgetLoginFailures(ctx context.Context, client string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE client = ?`, client); err != nil {
		return translate(fmt.Errorf("store: forget login failures: %w", err))
	}
	return nil
}
