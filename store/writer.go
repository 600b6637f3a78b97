package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
)

// The write path: SaveResponse queues a saveJob, and the one writer goroutine
// commits queued jobs in batches on the one writing connection.

// saveJob is one response waiting for the writer, and where its result goes.
type saveJob struct {
	ctx  context.Context
	r    *forms.Response
	done chan saveResult
}

type saveResult struct {
	saved Saved
	err   error
}

// writer owns the writing connection. It takes one job, then whatever else is
// already queued up to maxBatch, and commits them in one transaction: while
// one batch waits for its fsync, the next one queues up, so the busier the
// service, the more responses share each fsync.
func (db *DB) writer() {
	defer db.wg.Done()
	defer db.stmts.close()
	batch := make([]*saveJob, 0, db.maxBatch)
	// The search index may lack comments taken in before the last stop.
	db.ftsBehind = true
	for {
		var (
			first *saveJob
			idle  <-chan time.Time
		)
		if db.deskBehind || db.ftsBehind {
			idle = time.After(deskIdle)
		}
		select {
		case first = <-db.jobs:
		case req := <-db.deskReq:
			req <- db.catchUp(deskReadChunks, deskChunk, false)
			continue
		case <-idle:
			_ = db.catchUp(1, deskIdleChunk, true) // logged; the next try picks up
			continue
		case <-db.stop:
			// Commit what was queued before Close, then leave.
			for {
				batch = batch[:0]
			drain:
				for len(batch) < db.maxBatch {
					select {
					case j := <-db.jobs:
						batch = append(batch, j)
					default:
						break drain
					}
				}
				if len(batch) == 0 {
					return
				}
				db.commit(batch)
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < db.maxBatch {
			select {
			case j := <-db.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		db.commit(batch)
		if db.deskBehind && time.Since(db.deskSince) >= deskMaxLag {
			_ = db.catchUp(1, deskChunk, false)
		}
	}
}

// commit commits a batch and answers every job in it. The batch runs without
// savepoints (they cost a sub-journal write per page); if a statement fails,
// the whole transaction is rolled back and each job is tried again alone, so
// that one bad response fails alone and the others are still stored.
func (db *DB) commit(batch []*saveJob) {
	results := make([]saveResult, len(batch))
	err := db.commitBatch(batch, results)
	if err != nil && len(batch) > 1 {
		for _, j := range batch {
			db.commit([]*saveJob{j})
		}
		return
	}
	for i, j := range batch {
		if err != nil {
			results[i] = saveResult{err: translate(fmt.Errorf("store: save response: %w", err))}
		}
		j.done <- results[i]
	}
}

// commitBatch stores the batch's responses in one transaction, putting each
// job's result in results; an error means the transaction failed as a whole.
func (db *DB) commitBatch(batch []*saveJob, results []saveResult) error {
	ctx := context.Background()
	live := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			// Its request ended while the job was queued: nobody waits for
			// the answer, so an overloaded writer sheds it. One whose
			// request ends later, during its batch, is stored all the same
			// (see SaveResponse).
			results[i] = saveResult{err: fmt.Errorf("store: save response: %w", err)}
			continue
		}
		live++
	}
	if live == 0 {
		return nil
	}
	// Statements are prepared before the transaction takes the one writing
	// connection: preparing on the pool inside it would wait for itself.
	if err := db.stmts.prepare(ctx, batch); err != nil {
		return err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	st := db.stmts.begin(tx)
	now := db.now()
	for i, j := range batch {
		if results[i].err != nil {
			continue
		}
		saved, err := saveOne(ctx, tx, st, j.r, now)
		var fe *forms.Error
		switch {
		case errors.As(err, &fe):
			// Refused before anything was written: this job alone fails.
			results[i] = saveResult{err: err}
		case err != nil:
			return err
		default:
			results[i] = saveResult{saved: saved}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if !db.deskBehind {
		db.deskBehind, db.deskSince = true, time.Now()
	}
	db.ftsBehind = true
	db.kickCheckpoint()
	return nil
}

// saveOne saves one response inside the writer's transaction.
func saveOne(ctx context.Context, tx *sql.Tx, st *writeStmts, r *forms.Response, now time.Time) (Saved, error) {
	// A new submission_id, the usual case, costs one statement; a retry falls
	// through to read what was stored.
	pub, err := uuid.NewV7() // time-ordered: appends to the index instead of splitting pages all over it
	if err != nil {
		return Saved{}, fmt.Errorf("new public id: %w", err)
	}
	publicID := pub.String()
	at := r.SubmittedAt
	if at.IsZero() {
		at = now
	}
	res, err := st.inTxStmt(ctx, st.insertResponse).ExecContext(ctx, publicID, r.SubmissionID, r.Workshop, r.Lang, at.UnixMilli(), now.UnixMilli(), sourceOf(r))
	if err != nil {
		return Saved{}, fmt.Errorf("insert response: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Saved{}, fmt.Errorf("insert response: %w", err)
	} else if n == 1 {
		rowID, err := res.LastInsertId()
		if err != nil {
			return Saved{}, fmt.Errorf("insert response: %w", err)
		}
		if err := insertAnswers(ctx, tx, st, rowID, r.Answers); err != nil {
			return Saved{}, err
		}
		return Saved{ID: publicID, Created: true}, nil
	}
	return saveAgain(ctx, tx, st, r, now)
}

// saveAgain saves r, whose submission_id is stored already, as decide says:
// a retry writes nothing, a change replaces the answers under the change
// limits.
func saveAgain(ctx context.Context, tx *sql.Tx, st *writeStmts, r *forms.Response, now time.Time) (Saved, error) {
	var (
		rowID int64
		prev  existing
	)
	err := tx.QueryRowContext(ctx, `SELECT id, public_id, workshop FROM responses WHERE submission_id = ?`, r.SubmissionID).
		Scan(&rowID, &prev.publicID, &prev.workshop)
	if err != nil {
		return Saved{}, fmt.Errorf("find submission: %w", err)
	}
	if prev.answers, err = answersOf(ctx, tx, rowID); err != nil {
		return Saved{}, err
	}
	o := decide(prev, r)
	if !o.replace {
		return o.saved, o.err
	}
	if err := checkChange(ctx, sqliteChanges{tx: tx, rowID: rowID}, now); err != nil {
		return Saved{}, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM answers WHERE response_id = ?`, rowID); err != nil {
		return Saved{}, fmt.Errorf("replace answers: %w", err)
	}
	if err := insertAnswers(ctx, tx, st, rowID, r.Answers); err != nil {
		return Saved{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE responses SET lang = ?, updated_at = ? WHERE id = ?`, r.Lang, now.UnixMilli(), rowID); err != nil {
		return Saved{}, fmt.Errorf("update response: %w", err)
	}
	// The desk's tables hold the old answers if they took the response in.
	if in, err := takenIn(ctx, tx, rowID); err != nil || !in {
		return o.saved, err
	}
	d := tallyDelta{}
	d.answers(prev.workshop, prev.answers, -1)
	d.answers(prev.workshop, r.Answers, 1)
	if err := applyTallies(ctx, tx, d); err != nil {
		return Saved{}, err
	}
	if err := reindex(ctx, tx, rowID); err != nil {
		return Saved{}, err
	}
	return o.saved, nil
}

// insertAnswers writes a response's answers with one multi-row INSERT: a
// dozen answers cost one statement, prepared once per shape. Numbers come
// first, then chosen options, then texts, each group in question order; a
// multiple choice keeps its options' order, which is all that reading back
// (ORDER BY rowid) relies on.
func insertAnswers(ctx context.Context, tx *sql.Tx, st *writeStmts, rowID int64, answers forms.Answers) error {
	if len(answers) == 0 {
		return nil
	}
	keys := sortedKeys(answers)
	sh := shapeOf(answers)
	args := append(st.scratch[:0], rowID)
	for _, q := range keys {
		if a := answers[q]; len(a.Choices) == 0 && a.Text == "" {
			args = append(args, q, a.Number)
		}
	}
	for _, q := range keys {
		for _, c := range answers[q].Choices {
			args = append(args, q, c)
		}
	}
	for _, q := range keys {
		if a := answers[q]; len(a.Choices) == 0 && a.Text != "" {
			args = append(args, q, a.Text)
		}
	}
	st.scratch = args[:0]
	var err error
	if p := st.insertAnswers[sh]; p != nil {
		_, err = st.inTxStmt(ctx, p).ExecContext(ctx, args...)
	} else {
		_, err = tx.ExecContext(ctx, answersSQL(sh), args...)
	}
	clear(args)
	if err != nil {
		return fmt.Errorf("insert answers: %w", err)
	}
	return nil
}
