package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"feedback/forms"
)

// RecordForms records, as the SQLite store does, that from now on each
// workshop asks the questions its form in f has. Replicas starting together
// take turns through a transaction-scoped advisory lock, so each reads what
// the one before wrote and a question never gets two open periods.
func (p *Postgres) RecordForms(ctx context.Context, f *forms.Forms, now time.Time) (FormsChange, error) {
	if err := p.checkOpen(); err != nil {
		return FormsChange{}, err
	}
	var change FormsChange
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('feedback question periods ' || current_schema()))`); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		recorded, open, err := readOpenPeriodsPG(ctx, tx)
		if err != nil {
			return err
		}
		var plan periodPlan
		plan, change = planPeriods(f, recorded, open)
		at := now.UTC().Truncate(time.Millisecond)
		for _, k := range plan.open {
			from := &at
			if plan.fromStart[k.workshop] {
				from = nil
			}
			if _, err := tx.Exec(ctx, `INSERT INTO question_periods (workshop, question, from_at) VALUES ($1, $2, $3)`,
				k.workshop, k.question, from); err != nil {
				return fmt.Errorf("open %s: %w", k, err)
			}
		}
		for _, k := range plan.close {
			if _, err := tx.Exec(ctx,
				`UPDATE question_periods SET until_at = greatest($1, coalesce(from_at, $1))
				 WHERE workshop = $2 AND question = $3 AND until_at IS NULL`,
				at, k.workshop, k.question); err != nil {
				return fmt.Errorf("close %s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return FormsChange{}, translatePG(fmt.Errorf("store: record forms: %w", err))
	}
	return change, nil
}

func readOpenPeriodsPG(ctx context.Context, tx pgx.Tx) (recorded map[string]bool, open map[periodKey]bool, err error) {
	rows, err := tx.Query(ctx, `SELECT workshop, question, until_at IS NULL FROM question_periods`)
	if err != nil {
		return nil, nil, fmt.Errorf("read periods: %w", err)
	}
	defer rows.Close()
	if recorded, open, err = scanOpenPeriods(rows); err != nil {
		return nil, nil, fmt.Errorf("read periods: %w", err)
	}
	return recorded, open, nil
}

// QuestionPeriods returns which questions each workshop's form asked, and
// when, as the SQLite store does.
func (p *Postgres) QuestionPeriods(ctx context.Context) (forms.QuestionPeriods, error) {
	if err := p.checkOpen(); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `
		SELECT workshop, question, from_at, until_at FROM question_periods
		ORDER BY workshop, question, from_at NULLS FIRST`)
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: question periods: %w", err))
	}
	defer rows.Close()
	out := forms.QuestionPeriods{}
	for rows.Next() {
		var (
			workshop, question string
			from, until        *time.Time
		)
		if err := rows.Scan(&workshop, &question, &from, &until); err != nil {
			return nil, translatePG(fmt.Errorf("store: question periods: %w", err))
		}
		var per forms.Period
		if from != nil {
			per.From = from.UTC()
		}
		if until != nil {
			per.Until = until.UTC()
		}
		addPeriod(out, workshop, question, per)
	}
	if err := rows.Err(); err != nil {
		return nil, translatePG(fmt.Errorf("store: question periods: %w", err))
	}
	return out, nil
}
