package store

import (
	"context"

	"feedback/forms"
)

// AnsweredQuestions returns, for each workshop, every question id that some
// stored response answers, with the type its stored answers have (Rating for
// numbers, Multi for options, FreeText for texts). The app compares it with
// the forms file: a question removed or renamed mid-forum still has answers
// here, and they must reach the export and survive a participant's change.
//
// It reads the kept counts (desk.go), not the answers: at a million
// responses a scan of the answers held the start for twenty seconds. The
// app asks at start, not per request (answers to a question the forms file
// lacks cannot be added while it runs: validation refuses them).
func (db *DB) AnsweredQuestions(ctx context.Context) (map[string]map[string]forms.Type, error) {
	if err := db.upToDate(ctx); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, answeredSQL)
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanAnswered, translate, "answered questions")
}
