package main

import (
	"context"
	"database/sql"
	"fmt"

	_ "modernc.org/sqlite" // the same driver the server uses
)

// audit is what the database holds after a run, set against what the
// server acknowledged.
type audit struct {
	acked     int // distinct acknowledged submission_ids
	missing   int // acknowledged but not stored: a lost response
	stored    int // rows in responses
	duplicate int // rows beyond one per submission_id
	integrity string
}

func (a audit) ok() bool {
	return a.missing == 0 && a.duplicate == 0 && a.integrity == "ok"
}

func (a audit) String() string {
	s := fmt.Sprintf("stored %d/%d", a.acked-a.missing, a.acked)
	if a.duplicate > 0 {
		s += fmt.Sprintf(" %d dup", a.duplicate)
	}
	if a.integrity != "ok" {
		s += " integrity: " + a.integrity
	}
	return s
}

// auditDB opens the database file of a stopped server and checks that every
// acknowledged submission_id is stored exactly once and that the file is
// sound.
func auditDB(ctx context.Context, path string, acked []string) (audit, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return audit{}, fmt.Errorf("loadgen: open %s: %w", path, err)
	}
	defer db.Close()
	var a audit
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&a.integrity); err != nil {
		return a, fmt.Errorf("loadgen: integrity check: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) - count(DISTINCT submission_id) FROM responses`).
		Scan(&a.stored, &a.duplicate); err != nil {
		return a, fmt.Errorf("loadgen: count responses: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT submission_id FROM responses`)
	if err != nil {
		return a, fmt.Errorf("loadgen: read responses: %w", err)
	}
	defer rows.Close()
	stored := make(map[string]struct{}, a.stored)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return a, fmt.Errorf("loadgen: read responses: %w", err)
		}
		stored[id] = struct{}{}
	}
	if err := rows.Err(); err != nil {
		return a, fmt.Errorf("loadgen: read responses: %w", err)
	}
	a.acked, a.missing = missingOf(acked, stored)
	return a, nil
}

// missingOf counts the distinct acknowledged submission_ids, and those of them
// not among the stored ones: the same audit whichever store was loaded.
func missingOf(acked []string, stored map[string]struct{}) (distinct, missing int) {
	seen := make(map[string]struct{}, len(acked))
	for _, id := range acked {
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		if _, ok := stored[id]; !ok {
			missing++
		}
	}
	return len(seen), missing
}
