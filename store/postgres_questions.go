package store

import (
	"context"

	"feedback/forms"
)

// AnsweredQuestions returns, for each workshop, every question id that some
// stored response answers, with the type its stored answers have, as the
// SQLite store does: the app finds in it the questions a changed forms file
// no longer asks, whose answers must still reach the export.
func (p *Postgres) AnsweredQuestions(ctx context.Context) (map[string]map[string]forms.Type, error) {
	if err := p.upToDate(ctx); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `SELECT workshop, question, bool_or(kind = 'o'), bool_or(kind = 't') FROM `+pgTallies+` t
		WHERE kind <> 'r' AND n > 0 GROUP BY workshop, question`)
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanAnswered, translatePG, "answered questions")
}
