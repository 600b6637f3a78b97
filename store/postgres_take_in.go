package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"feedback/forms"
)

// How the PostgreSQL store keeps the desk's tables up to date. As with
// SQLite, a response is stored as before (writing the desk's rows with it
// cost a third of the submit rate): it is stored with desk = false, and
// taken in later, in sets, by whichever replica gets to it: each take-in
// locks the responses it takes (FOR UPDATE SKIP LOCKED), so replicas never
// take one twice, and a change or removal of a response (which locks it too)
// is applied to the desk's tables in its own transaction once it is taken
// in. Ids commit out of order across replicas, which is why a flag, not a
// mark, says what is taken in. Responses are taken in by every read of the
// desk (upToDate), and by each replica every compactEvery when its own
// writers are idle, or when the oldest response waiting is deskMaxLag old.

// upToDate takes in what waits, up to deskReadChunks sets of deskChunk,
// for at most deskWait; the read then goes on with the tables as they are.
func (p *Postgres) upToDate(ctx context.Context) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, deskWait)
	defer cancel()
	for i := 0; i < deskReadChunks; i++ {
		n, err := p.takeIn(wait, deskChunk)
		if err != nil {
			if ctx.Err() == nil && wait.Err() != nil {
				return nil // behind, but the page shows
			}
			return err
		}
		if n < deskChunk {
			break
		}
	}
	return nil
}

// takeIn takes in up to limit responses in one transaction and returns how
// many.
func (p *Postgres) takeIn(ctx context.Context, limit int) (int, error) {
	var ids []int64
	err := p.inTx(ctx, "bring the desk up to date", func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `WITH c AS (SELECT id FROM responses WHERE NOT desk ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
			UPDATE responses r SET desk = true FROM c WHERE r.id = c.id RETURNING r.id`, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, pgTakeInCounts, ids); err != nil {
			return err
		}
		return pgIndexResponses(ctx, tx, ids)
	})
	return len(ids), err
}

// pgTakeInCounts appends the counts of the responses with ids $1.
const pgTakeInCounts = `
INSERT INTO tally_deltas (workshop, question, kind, value, n)
SELECT workshop, '', 'r', 0, count(*) FROM responses WHERE id = ANY ($1) GROUP BY workshop
UNION ALL
SELECT r.workshop, a.question, 'n', a.number, count(*) FROM responses r JOIN answers a ON a.response_id = r.id
WHERE r.id = ANY ($1) AND a.number IS NOT NULL GROUP BY r.workshop, a.question, a.number
UNION ALL
SELECT r.workshop, a.question, 'o', 0, count(*) FROM responses r JOIN answers a ON a.response_id = r.id
WHERE r.id = ANY ($1) AND a.option IS NOT NULL GROUP BY r.workshop, a.question
UNION ALL
SELECT r.workshop, a.question, 't', 0, count(*) FROM responses r JOIN answers a ON a.response_id = r.id
WHERE r.id = ANY ($1) AND a.text IS NOT NULL AND a.text <> '' GROUP BY r.workshop, a.question`

// pgIndexResponses writes the search rows of the comments of the
// responses with ids, folded in Go (forms.Fold).
func pgIndexResponses(ctx context.Context, tx pgx.Tx, ids []int64) error {
	rows, err := tx.Query(ctx, `SELECT a.response_id, a.question, a.text, r.workshop, r.lang FROM responses r JOIN answers a ON a.response_id = r.id
		WHERE r.id = ANY ($1) AND a.text IS NOT NULL AND a.text <> ''`, ids)
	if err != nil {
		return err
	}
	var rid []int64
	var qs, folded, ws, langs []string
	for rows.Next() {
		var (
			id                   int64
			q, text, w, language string
		)
		if err := rows.Scan(&id, &q, &text, &w, &language); err != nil {
			rows.Close()
			return err
		}
		rid, qs, folded, ws, langs = append(rid, id), append(qs, q), append(folded, forms.Fold(text)), append(ws, w), append(langs, language)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(rid) == 0 {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO comment_search (response_id, question, folded, workshop, lang)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING`,
		rid, qs, folded, ws, langs)
	return err
}

// idleTakeIn takes in what waits when this replica's writers have nothing
// queued, or when the oldest response waiting is deskMaxLag old, a set of
// deskIdleChunk at a time while that lasts.
func (p *Postgres) idleTakeIn(ctx context.Context) error {
	for {
		if len(p.jobs) > 0 && !p.lagging(ctx) {
			return nil
		}
		n, err := p.takeIn(ctx, deskIdleChunk)
		if err != nil {
			return fmt.Errorf("store: bring the desk up to date: %w", err)
		}
		if n < deskIdleChunk {
			return nil
		}
	}
}

// lagging reports whether the oldest response waiting to be taken in was
// stored deskMaxLag ago or more.
func (p *Postgres) lagging(ctx context.Context) bool {
	var at time.Time
	err := p.pool.QueryRow(ctx, `SELECT submitted_at FROM responses WHERE NOT desk ORDER BY id LIMIT 1`).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) || err != nil {
		return false
	}
	return time.Since(at) >= deskMaxLag
}
