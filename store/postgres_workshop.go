package store

import (
	"context"
	"fmt"

	"feedback/forms"
)

// SetWorkshopOpen records the organizer's decision to open (true) or close
// (false) a workshop now, whatever its schedule; nil goes back to the schedule.
// Every replica reads it from the database.
func (p *Postgres) SetWorkshopOpen(ctx context.Context, slug string, open *bool) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	var err error
	if open == nil {
		_, err = p.pool.Exec(ctx, `DELETE FROM workshop_state WHERE slug = $1`, slug)
	} else {
		_, err = p.pool.Exec(ctx,
			`INSERT INTO workshop_state (slug, open, updated_at) VALUES ($1, $2, date_trunc('milliseconds', now()))
			 ON CONFLICT (slug) DO UPDATE SET open = excluded.open, updated_at = excluded.updated_at`,
			slug, *open)
	}
	if err != nil {
		return translatePG(fmt.Errorf("store: set workshop state: %w", err))
	}
	return nil
}

// WorkshopOverrides returns the organizer's open/close decisions by slug.
func (p *Postgres) WorkshopOverrides(ctx context.Context) (map[string]bool, error) {
	if err := p.checkOpen(); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `SELECT slug, open FROM workshop_state`)
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: read workshop state: %w", err))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var (
			slug string
			open bool
		)
		if err := rows.Scan(&slug, &open); err != nil {
			return nil, translatePG(fmt.Errorf("store: read workshop state: %w", err))
		}
		out[slug] = open
	}
	if err := rows.Err(); err != nil {
		return nil, translatePG(fmt.Errorf("store: read workshop state: %w", err))
	}
	return out, nil
}

// StarComment stars (starred true) or unstars the text answer to question in
// the response with public id responseID, with the SQLite store's rules:
// starring twice or unstarring what is not starred changes nothing; starring
// an answer that is not a non-empty text is ENOTFOUND.
func (p *Postgres) StarComment(ctx context.Context, responseID, question string, starred bool) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	if !starred {
		_, err := p.pool.Exec(ctx,
			`DELETE FROM starred WHERE question = $1 AND response_id = (SELECT id FROM responses WHERE public_id = $2)`,
			question, responseID)
		if err != nil {
			return translatePG(fmt.Errorf("store: unstar comment: %w", err))
		}
		return nil
	}
	// One statement: the star is taken if the comment exists, and the answer
	// says whether it exists and whether it is starred, whichever replica or
	// request starred it.
	var exists, isStarred bool
	err := p.pool.QueryRow(ctx,
		`WITH c AS (
		     SELECT r.id FROM responses r
		     WHERE r.public_id = $1 AND EXISTS (
		         SELECT 1 FROM answers a WHERE a.response_id = r.id AND a.question = $2 AND a.text IS NOT NULL AND a.text <> '')
		 ), ins AS (
		     INSERT INTO starred (response_id, question, starred_at)
		     SELECT c.id, $2, date_trunc('milliseconds', now()) FROM c
		     ON CONFLICT (response_id, question) DO NOTHING
		     RETURNING 1
		 )
		 SELECT EXISTS (SELECT 1 FROM c),
		        EXISTS (SELECT 1 FROM ins) OR EXISTS (
		            SELECT 1 FROM starred s JOIN responses r ON r.id = s.response_id WHERE r.public_id = $1 AND s.question = $2)`,
		responseID, question).Scan(&exists, &isStarred)
	if err != nil {
		return translatePG(fmt.Errorf("store: star comment: %w", err))
	}
	if !exists && !isStarred {
		return &forms.Error{Code: forms.ENOTFOUND, Message: "no such comment"}
	}
	return nil
}

// Stars returns every starred comment, the most recently starred first.
func (p *Postgres) Stars(ctx context.Context) ([]Star, error) {
	if err := p.checkOpen(); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx,
		`SELECT r.public_id, s.question, s.starred_at FROM starred s JOIN responses r ON r.id = s.response_id
		 ORDER BY s.starred_at DESC, s.seq DESC`)
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: read stars: %w", err))
	}
	defer rows.Close()
	var out []Star
	for rows.Next() {
		var st Star
		if err := rows.Scan(&st.ResponseID, &st.Question, &st.StarredAt); err != nil {
			return nil, translatePG(fmt.Errorf("store: read stars: %w", err))
		}
		st.StarredAt = st.StarredAt.UTC()
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, translatePG(fmt.Errorf("store: read stars: %w", err))
	}
	return out, nil
}
