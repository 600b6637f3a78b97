package store

import (
	"context"
	"fmt"
)

// SetWorkshopOpen records the organizer's decision to open (true) or close
// (false) a workshop now, whatever its schedule; nil goes back to the schedule.
// It is stored, not held in memory, so every replica and every restart agree.
func (db *DB) SetWorkshopOpen(ctx context.Context, slug string, open *bool) error {
	var err error
	if open == nil {
		_, err = db.write.ExecContext(ctx, `DELETE FROM workshop_state WHERE slug = ?`, slug)
	} else {
		_, err = db.write.ExecContext(ctx,
			`INSERT INTO workshop_state (slug, open, updated_at) VALUES (?, ?, ?)
			 ON CONFLICT (slug) DO UPDATE SET open = excluded.open, updated_at = excluded.updated_at`,
			slug, boolInt(*open), db.now().UnixMilli())
	}
	if err != nil {
		return translate(fmt.Errorf("store: set workshop state: %w", err))
	}
	return nil
}

// WorkshopOverrides returns the organizer's open/close decisions by slug.
func (db *DB) WorkshopOverrides(ctx context.Context) (map[string]bool, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT slug, open FROM workshop_state`)
	if err != nil {
		return nil, translate(fmt.Errorf("store: read workshop state: %w", err))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var (
			slug string
			open int
		)
		if err := rows.Scan(&slug, &open); err != nil {
			return nil, translate(fmt.Errorf("store: read workshop state: %w", err))
		}
		out[slug] = open == 1
	}
	return out, translate(rows.Err())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
