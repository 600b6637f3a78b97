package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"feedback/forms"
)

// Saved says what SaveResponse did.
type Saved struct {
	// ID is the stored response's public id, the same for every retry.
	ID string
	// Created is true when this call stored a new response; false when the
	// submission_id was already stored (a retry, or a change of answers).
	Created bool
	// Changed is true when an existing response's answers were replaced.
	Changed bool
}

// SaveResponse stores r, keyed by its SubmissionID: the first call stores it,
// a retry with the same answers changes nothing, and a call with other answers
// replaces them (a participant changing their mind). It returns once the
// transaction holding r is committed to disk, or once ctx ends, whichever is
// first: a request never holds its slot past its deadline. An error wrapping
// ctx.Err() then says only that the caller was not told; the writer still
// commits or fails the queued job, so the response may be stored after all,
// and sending it again with the same submission_id is recognised as a retry.
// r must not be changed by the caller afterwards: the writer goroutine reads
// it.
func (db *DB) SaveResponse(ctx context.Context, r *forms.Response) (Saved, error) {
	job := &saveJob{ctx: ctx, r: r, done: make(chan saveResult, 1)}
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		return Saved{}, &forms.Error{Code: forms.EUNAVAILABLE, Message: "store closed"}
	}
	select {
	case db.jobs <- job:
		db.mu.RUnlock()
	case <-ctx.Done():
		db.mu.RUnlock()
		return Saved{}, fmt.Errorf("store: save response: %w", ctx.Err())
	}
	// done is buffered: the writer never waits for a caller that left.
	select {
	case res := <-job.done:
		return res.saved, res.err
	case <-ctx.Done():
		select {
		case res := <-job.done: // it came at the same moment: tell it
			return res.saved, res.err
		default:
			return Saved{}, fmt.Errorf("store: save response: not acknowledged: %w", ctx.Err())
		}
	}
}

// sourceOf is the source stored for r: a response that names none came from
// the form, as every response did before sources were stored.
func sourceOf(r *forms.Response) string {
	if r.Source == "" {
		return forms.SourceWeb
	}
	return r.Source
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func answersOf(ctx context.Context, q queryer, rowID int64) (forms.Answers, error) {
	rows, err := q.QueryContext(ctx, `SELECT question, number, option, text FROM answers WHERE response_id = ? ORDER BY rowid`, rowID)
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	defer rows.Close()
	return scanAnswers(rows)
}

func addAnswer(out forms.Answers, question string, number sql.NullInt64, option, text sql.NullString) {
	a := out[question]
	switch {
	case option.Valid:
		a.Choices = append(a.Choices, option.String)
	case text.Valid:
		a.Text = text.String
	case number.Valid:
		a.Number = int(number.Int64)
	}
	out[question] = a
}

// ResponseBySubmission returns the stored response with that submission_id, to
// fill the form in again for a participant who comes back to change it.
func (db *DB) ResponseBySubmission(ctx context.Context, submissionID string) (*forms.Response, error) {
	var (
		rowID  int64
		r      forms.Response
		millis int64
	)
	err := db.read.QueryRowContext(ctx,
		`SELECT id, public_id, submission_id, workshop, lang, submitted_at, source FROM responses WHERE submission_id = ?`, submissionID).
		Scan(&rowID, &r.ID, &r.SubmissionID, &r.Workshop, &r.Lang, &millis, &r.Source)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &forms.Error{Code: forms.ENOTFOUND, Message: "no such response"}
	}
	if err != nil {
		return nil, translate(fmt.Errorf("store: find response: %w", err))
	}
	r.SubmittedAt = time.UnixMilli(millis).UTC()
	if r.Answers, err = answersOf(ctx, db.read, rowID); err != nil {
		return nil, translate(fmt.Errorf("store: find response: %w", err))
	}
	return &r, nil
}

// Filter narrows EachResponse; the zero value means every response.
type Filter struct {
	Workshop string
}

// EachResponse calls fn for every stored response in the order they were
// first submitted, reading them as a stream: memory does not grow with the
// number of responses. fn must not keep r after it returns.
func (db *DB) EachResponse(ctx context.Context, f Filter, fn func(r *forms.Response) error) error {
	// Two cursors merged by response id instead of one join: the join repeats
	// a response's four strings on every one of its answer rows, and making
	// those strings was most of the time a large export spent reading.
	respQuery := `SELECT id, public_id, submission_id, workshop, lang, submitted_at, source FROM responses`
	ansQuery := `SELECT response_id, question, number, option, text FROM answers ORDER BY response_id, rowid`
	var args []any
	if f.Workshop != "" {
		respQuery += ` WHERE workshop = ?`
		ansQuery = `SELECT a.response_id, a.question, a.number, a.option, a.text
		            FROM answers a JOIN responses r ON r.id = a.response_id
		            WHERE r.workshop = ? ORDER BY a.response_id, a.rowid`
		args = append(args, f.Workshop)
	}
	respQuery += ` ORDER BY id`
	// One read transaction gives a consistent snapshot while writes go on.
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return translate(fmt.Errorf("store: read responses: %w", err))
	}
	defer tx.Rollback()
	resps, err := tx.QueryContext(ctx, respQuery, args...)
	if err != nil {
		return translate(fmt.Errorf("store: read responses: %w", err))
	}
	defer resps.Close()
	answers, err := tx.QueryContext(ctx, ansQuery, args...)
	if err != nil {
		return translate(fmt.Errorf("store: read answers: %w", err))
	}
	defer answers.Close()
	var (
		a    answerRow
		have bool // a holds the next answer row, not yet used
	)
	for resps.Next() {
		var (
			rowID, millis int64
			r             forms.Response
		)
		if err := resps.Scan(&rowID, &r.ID, &r.SubmissionID, &r.Workshop, &r.Lang, &millis, &r.Source); err != nil {
			return translate(fmt.Errorf("store: read responses: %w", err))
		}
		r.SubmittedAt = time.UnixMilli(millis).UTC()
		r.Answers = forms.Answers{}
		for {
			if !have {
				if !answers.Next() {
					break
				}
				if err := answers.Scan(&a.responseID, &a.question, &a.number, &a.option, &a.text); err != nil {
					return translate(fmt.Errorf("store: read answers: %w", err))
				}
				have = true
			}
			if a.responseID > rowID {
				break // the next response's
			}
			if a.responseID == rowID {
				addAnswer(r.Answers, a.question, a.number, a.option, a.text)
			}
			have = false
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := resps.Err(); err != nil {
		return translate(fmt.Errorf("store: read responses: %w", err))
	}
	if err := answers.Err(); err != nil {
		return translate(fmt.Errorf("store: read answers: %w", err))
	}
	return nil
}

// DeleteResponse removes the response with public id id, with its answers,
// stars and changes (the foreign keys cascade): a paper sheet keyed twice is
// taken out again. ENOTFOUND when there is no such response.
func (db *DB) DeleteResponse(ctx context.Context, id string) error {
	return db.inWriteTx(ctx, "delete response", func(tx *sql.Tx) error {
		var (
			rowID    int64
			workshop string
		)
		err := tx.QueryRowContext(ctx, `SELECT id, workshop FROM responses WHERE public_id = ?`, id).Scan(&rowID, &workshop)
		if errors.Is(err, sql.ErrNoRows) {
			return &forms.Error{Code: forms.ENOTFOUND, Message: "no such response"}
		} else if err != nil {
			return err
		}
		answers, err := answersOf(ctx, tx, rowID)
		if err != nil {
			return err
		}
		in, err := takenIn(ctx, tx, rowID)
		if err != nil {
			return err
		}
		if in {
			if err := deleteSearch(ctx, tx, rowID); err != nil {
				return err
			}
			d := tallyDelta{}
			d.response(workshop, answers, -1)
			if err := applyTallies(ctx, tx, d); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM responses WHERE id = ?`, rowID)
		return err
	})
}

// answerRow is one row of the answers table as EachResponse reads it.
type answerRow struct {
	responseID   int64
	question     string
	number       sql.NullInt64
	option, text sql.NullString
}

// CountResponses returns the number of responses per workshop slug.
func (db *DB) CountResponses(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT workshop, count(*) FROM responses GROUP BY workshop`)
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanCounts, translate, "count responses")
}

func sortedKeys(a forms.Answers) []string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	// Insertion sort: a dozen keys, and no allocation from sort.Strings' interface.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
