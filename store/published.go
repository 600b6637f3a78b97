package store

import (
	"context"
	"fmt"
)

// SetWorkshopPublished records the organizer's decision to publish (true) or
// not (false) a workshop's results, whatever the forms file says; nil goes
// back to the forms file. It is stored, so every replica and restart agree.
func (db *DB) SetWorkshopPublished(ctx context.Context, slug string, public *bool) error {
	var err error
	if public == nil {
		_, err = db.write.ExecContext(ctx, `DELETE FROM workshop_results WHERE slug = ?`, slug)
	} else {
		_, err = db.write.ExecContext(ctx,
			`INSERT INTO workshop_results (slug, public, updated_at) VALUES (?, ?, ?)
			 ON CONFLICT (slug) DO UPDATE SET public = excluded.public, updated_at = excluded.updated_at`,
			slug, boolInt(*public), db.now().UnixMilli())
	}
	if err != nil {
		return translate(fmt.Errorf("store: set workshop results: %w", err))
	}
	return nil
}

// WorkshopPublished returns the organizer's publishing decisions by slug.
func (db *DB) WorkshopPublished(ctx context.Context) (map[string]bool, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT slug, public FROM workshop_results`)
	if err != nil {
		return nil, translate(fmt.Errorf("store: read workshop results: %w", err))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var (
			slug   string
			public int
		)
		if err := rows.Scan(&slug, &public); err != nil {
			return nil, translate(fmt.Errorf("store: read workshop results: %w", err))
		}
		out[slug] = public == 1
	}
	if err := rows.Err(); err != nil {
		return nil, translate(fmt.Errorf("store: read workshop results: %w", err))
	}
	return out, nil
}
