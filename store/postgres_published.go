package store

import (
	"context"
	"fmt"
)

// SetWorkshopPublished records the organizer's decision to publish (true) or
// not (false) a workshop's results; nil goes back to the forms file. Every
// replica reads it from the database.
func (p *Postgres) SetWorkshopPublished(ctx context.Context, slug string, public *bool) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	var err error
	if public == nil {
		_, err = p.pool.Exec(ctx, `DELETE FROM workshop_results WHERE slug = $1`, slug)
	} else {
		_, err = p.pool.Exec(ctx,
			`INSERT INTO workshop_results (slug, public, updated_at) VALUES ($1, $2, date_trunc('milliseconds', now()))
			 ON CONFLICT (slug) DO UPDATE SET public = excluded.public, updated_at = excluded.updated_at`,
			slug, *public)
	}
	if err != nil {
		return translatePG(fmt.Errorf("store: set workshop results: %w", err))
	}
	return nil
}

// WorkshopPublished returns the organizer's publishing decisions by slug.
func (p *Postgres) WorkshopPublished(ctx context.Context) (map[string]bool, error) {
	if err := p.checkOpen(); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `SELECT slug, public FROM workshop_results`)
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: read workshop results: %w", err))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var (
			slug   string
			public bool
		)
		if err := rows.Scan(&slug, &public); err != nil {
			return nil, translatePG(fmt.Errorf("store: read workshop results: %w", err))
		}
		out[slug] = public
	}
	if err := rows.Err(); err != nil {
		return nil, translatePG(fmt.Errorf("store: read workshop results: %w", err))
	}
	return out, nil
}
