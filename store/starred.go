package store

import (
	"context"
	"fmt"
	"time"

	"feedback/forms"
)

// Star marks one comment (the text answer to one question of one response) as
// a key quote the rapporteur wants to show first.
type Star struct {
	// ResponseID is the response's public id, as in forms.Response.ID.
	ResponseID string
	Question   string
	StarredAt  time.Time
}

// StarComment stars (starred true) or unstars the text answer to question in
// the response with public id responseID. Starring twice or unstarring what is
// not starred changes nothing; starring an answer that is not a non-empty
// text is ENOTFOUND, so a stale page cannot star what does not exist.
func (db *DB) StarComment(ctx context.Context, responseID, question string, starred bool) error {
	if !starred {
		_, err := db.write.ExecContext(ctx,
			`DELETE FROM starred WHERE question = ? AND response_id = (SELECT id FROM responses WHERE public_id = ?)`,
			question, responseID)
		if err != nil {
			return translate(fmt.Errorf("store: unstar comment: %w", err))
		}
		return nil
	}
	res, err := db.write.ExecContext(ctx,
		`INSERT INTO starred (response_id, question, starred_at)
		 SELECT r.id, ?, ? FROM responses r
		 WHERE r.public_id = ? AND EXISTS (
		     SELECT 1 FROM answers a WHERE a.response_id = r.id AND a.question = ? AND a.text IS NOT NULL AND a.text <> '')
		 ON CONFLICT (response_id, question) DO NOTHING`,
		question, db.now().UnixMilli(), responseID, question)
	if err != nil {
		return translate(fmt.Errorf("store: star comment: %w", err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate(fmt.Errorf("store: star comment: %w", err))
	} else if n == 0 {
		// Either already starred (fine) or no such comment.
		var exists int
		err := db.read.QueryRowContext(ctx,
			`SELECT count(*) FROM starred s JOIN responses r ON r.id = s.response_id WHERE r.public_id = ? AND s.question = ?`,
			responseID, question).Scan(&exists)
		if err != nil {
			return translate(fmt.Errorf("store: star comment: %w", err))
		}
		if exists == 0 {
			return &forms.Error{Code: forms.ENOTFOUND, Message: "no such comment"}
		}
	}
	return nil
}

// Stars returns every starred comment, the most recently starred first.
func (db *DB) Stars(ctx context.Context) ([]Star, error) {
	rows, err := db.read.QueryContext(ctx,
		`SELECT r.public_id, s.question, s.starred_at FROM starred s JOIN responses r ON r.id = s.response_id
		 ORDER BY s.starred_at DESC, s.rowid DESC`)
	if err != nil {
		return nil, translate(fmt.Errorf("store: read stars: %w", err))
	}
	defer rows.Close()
	var out []Star
	for rows.Next() {
		var (
			st     Star
			millis int64
		)
		if err := rows.Scan(&st.ResponseID, &st.Question, &millis); err != nil {
			return nil, translate(fmt.Errorf("store: read stars: %w", err))
		}
		st.StarredAt = time.UnixMilli(millis).UTC()
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(fmt.Errorf("store: read stars: %w", err))
	}
	return out, nil
}
