package store

import (
	"context"
	"strings"

	"feedback/forms"
)

// AnsweredQuestions returns, for each workshop, every question id that some
// stored response answers, with the type its stored answers have, as the
// SQLite store does: the app finds in it the questions a changed forms file
// no longer asks, whose answers must still reach the export.
func (p *Postgres) AnsweredQuestions(ctx context.Context) (map[string]map[string]forms.Type, error) {
	if err := p.checkOpen(); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, strings.NewReplacer("max(kind = 'o')", "bool_or(kind = 'o')", "max(kind = 't')", "bool_or(kind = 't')").Replace(answeredSQL))
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanAnswered, translatePG, "answered questions")
}
