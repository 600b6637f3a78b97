package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LoginFailures returns how many wrong admin tokens client sent, and when the
// last one came; zero and the zero time if none is remembered.
func (p *Postgres) LoginFailures(ctx context.Context, client string) (int, time.Time, error) {
	if err := p.checkOpen(); err != nil {
		return 0, time.Time{}, err
	}
	var n int
	var last int64
	err := p.pool.QueryRow(ctx, `SELECT failures, last_at FROM login_failures WHERE client = $1`, client).Scan(&n, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, translatePG(fmt.Errorf("store: read login failures: %w", err))
	}
	return n, time.UnixMilli(last).UTC(), nil
}

// RecordLoginFailure counts one more wrong token from client at now, in one
// statement, so that replicas counting at once never lose a failure.
func (p *Postgres) RecordLoginFailure(ctx context.Context, client string, now time.Time, forget time.Duration) (int, error) {
	if err := p.checkOpen(); err != nil {
		return 0, err
	}
	cutoff := now.Add(-forget).UnixMilli()
	var n int
	err := p.pool.QueryRow(ctx, fmt.Sprintf(loginFailureSQL, "$1", "$2", "$3"), client, now.UnixMilli(), cutoff).Scan(&n)
	if err != nil {
		return 0, translatePG(fmt.Errorf("store: record login failure: %w", err))
	}
	if _, err := p.pool.Exec(ctx, `DELETE FROM login_failures WHERE last_at < $1`, cutoff); err != nil {
		return 0, translatePG(fmt.Errorf("store: forget old login failures: %w", err))
	}
	return n, nil
}

// ForgetLoginFailures clears client's count after a right token.
func (p *Postgres) ForgetLoginFailures(ctx context.Context, client string) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	if _, err := p.pool.Exec(ctx, `DELETE FROM login_failures WHERE client = $1`, client); err != nil {
		return translatePG(fmt.Errorf("store: forget login failures: %w", err))
	}
	return nil
}
