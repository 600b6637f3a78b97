package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

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

type saveJob struct {
	ctx  context.Context
	r    *forms.Response
	done chan saveResult
}

type saveResult struct {
	saved Saved
	err   error
}

// SaveResponse stores r, keyed by its SubmissionID: the first call stores it,
// a retry with the same answers changes nothing, and a call with other answers
// replaces them (a participant changing their mind). It returns once the
// transaction holding r is committed to disk. r must not be changed by the
// caller afterwards: the writer goroutine reads it.
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
	// Once queued the job is committed or failed by the writer; waiting for
	// it even if ctx ends keeps "acknowledged" and "stored" the same thing.
	res := <-job.done
	return res.saved, res.err
}

// writer owns the writing connection. It takes one job, then whatever else is
// already queued up to maxBatch, and commits them in one transaction; each job
// runs inside a savepoint so that one bad response fails alone.
func (db *DB) writer() {
	defer db.wg.Done()
	batch := make([]*saveJob, 0, db.maxBatch)
	for {
		var first *saveJob
		select {
		case first = <-db.jobs:
		case <-db.stop:
			// Drain what was queued before Close, then leave.
			for {
				select {
				case j := <-db.jobs:
					db.commit([]*saveJob{j})
				default:
					return
				}
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
	}
}

func (db *DB) commit(batch []*saveJob) {
	results := make([]saveResult, len(batch))
	err := db.commitBatch(batch, results)
	for i, j := range batch {
		if err != nil {
			results[i] = saveResult{err: translate(fmt.Errorf("store: save response: %w", err))}
		}
		j.done <- results[i]
	}
}

func (db *DB) commitBatch(batch []*saveJob, results []saveResult) error {
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	now := db.now()
	for i, j := range batch {
		if j.ctx.Err() != nil {
			// Nobody waits for the answer any more (the client went away
			// before the job was queued long); storing it would be harmless,
			// but skipping keeps "stored" equal to "someone was told".
			results[i] = saveResult{err: fmt.Errorf("store: save response: %w", j.ctx.Err())}
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT job"); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		saved, err := saveOne(ctx, tx, j.r, now)
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO job"); rerr != nil {
				return fmt.Errorf("rollback to savepoint: %w (after %v)", rerr, err)
			}
			results[i] = saveResult{err: translate(fmt.Errorf("store: save response: %w", err))}
		} else {
			results[i] = saveResult{saved: saved}
		}
		if _, err := tx.ExecContext(ctx, "RELEASE job"); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func saveOne(ctx context.Context, tx *sql.Tx, r *forms.Response, now time.Time) (Saved, error) {
	var (
		rowID    int64
		publicID string
		workshop string
	)
	err := tx.QueryRowContext(ctx, `SELECT id, public_id, workshop FROM responses WHERE submission_id = ?`, r.SubmissionID).
		Scan(&rowID, &publicID, &workshop)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		publicID = uuid.NewString()
		at := r.SubmittedAt
		if at.IsZero() {
			at = now
		}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO responses (public_id, submission_id, workshop, lang, submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			publicID, r.SubmissionID, r.Workshop, r.Lang, at.UnixMilli(), now.UnixMilli())
		if err != nil {
			return Saved{}, fmt.Errorf("insert response: %w", err)
		}
		if rowID, err = res.LastInsertId(); err != nil {
			return Saved{}, fmt.Errorf("insert response: %w", err)
		}
		if err := insertAnswers(ctx, tx, rowID, r.Answers); err != nil {
			return Saved{}, err
		}
		return Saved{ID: publicID, Created: true}, nil
	case err != nil:
		return Saved{}, fmt.Errorf("find submission: %w", err)
	}
	if workshop != r.Workshop {
		return Saved{}, &forms.Error{Code: forms.ECONFLICT, Message: "submission_id already used for another workshop",
			Fields: map[string]string{"submission_id": forms.Message(r.Lang, forms.MsgSubmissionTaken)}}
	}
	old, err := answersOf(ctx, tx, rowID)
	if err != nil {
		return Saved{}, err
	}
	if old.Equal(r.Answers) {
		return Saved{ID: publicID}, nil
	}
	if err := checkChange(ctx, tx, rowID, r.Lang, now); err != nil {
		return Saved{}, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM answers WHERE response_id = ?`, rowID); err != nil {
		return Saved{}, fmt.Errorf("replace answers: %w", err)
	}
	if err := insertAnswers(ctx, tx, rowID, r.Answers); err != nil {
		return Saved{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE responses SET lang = ?, updated_at = ? WHERE id = ?`, r.Lang, now.UnixMilli(), rowID); err != nil {
		return Saved{}, fmt.Errorf("update response: %w", err)
	}
	return Saved{ID: publicID, Changed: true}, nil
}

func insertAnswers(ctx context.Context, tx *sql.Tx, rowID int64, answers forms.Answers) error {
	if len(answers) == 0 {
		return nil
	}
	// One multi-row INSERT per response: a dozen answers cost one statement.
	var (
		sb   strings.Builder
		args = make([]any, 0, 5*len(answers)+8)
	)
	sb.WriteString(`INSERT INTO answers (response_id, question, number, option, text) VALUES `)
	n := 0
	add := func(q string, number, option, text any) {
		if n > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, rowID, q, number, option, text)
		n++
	}
	for _, q := range sortedKeys(answers) {
		a := answers[q]
		switch {
		case len(a.Choices) > 0:
			for _, c := range a.Choices {
				add(q, nil, c, nil)
			}
		case a.Text != "":
			add(q, nil, nil, a.Text)
		default:
			add(q, a.Number, nil, nil)
		}
	}
	if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
		return fmt.Errorf("insert answers: %w", err)
	}
	return nil
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
	out := forms.Answers{}
	for rows.Next() {
		var (
			question     string
			number       sql.NullInt64
			option, text sql.NullString
		)
		if err := rows.Scan(&question, &number, &option, &text); err != nil {
			return nil, fmt.Errorf("read answers: %w", err)
		}
		addAnswer(out, question, number, option, text)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	return out, nil
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
		`SELECT id, public_id, submission_id, workshop, lang, submitted_at FROM responses WHERE submission_id = ?`, submissionID).
		Scan(&rowID, &r.ID, &r.SubmissionID, &r.Workshop, &r.Lang, &millis)
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
	query := `SELECT r.id, r.public_id, r.submission_id, r.workshop, r.lang, r.submitted_at,
	                 a.question, a.number, a.option, a.text
	          FROM responses r LEFT JOIN answers a ON a.response_id = r.id`
	var args []any
	if f.Workshop != "" {
		query += ` WHERE r.workshop = ?`
		args = append(args, f.Workshop)
	}
	query += ` ORDER BY r.id, a.rowid`
	// One read transaction gives a consistent snapshot while writes go on.
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return translate(fmt.Errorf("store: read responses: %w", err))
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return translate(fmt.Errorf("store: read responses: %w", err))
	}
	defer rows.Close()
	var (
		cur   *forms.Response
		curID int64 = -1
	)
	for rows.Next() {
		var (
			rowID, millis int64
			r             forms.Response
			question      sql.NullString
			number        sql.NullInt64
			option, text  sql.NullString
		)
		if err := rows.Scan(&rowID, &r.ID, &r.SubmissionID, &r.Workshop, &r.Lang, &millis, &question, &number, &option, &text); err != nil {
			return translate(fmt.Errorf("store: read responses: %w", err))
		}
		if rowID != curID {
			if cur != nil {
				if err := fn(cur); err != nil {
					return err
				}
			}
			r.SubmittedAt = time.UnixMilli(millis).UTC()
			r.Answers = forms.Answers{}
			cur, curID = &r, rowID
		}
		if question.Valid {
			addAnswer(cur.Answers, question.String, number, option, text)
		}
	}
	if err := rows.Err(); err != nil {
		return translate(fmt.Errorf("store: read responses: %w", err))
	}
	if cur != nil {
		return fn(cur)
	}
	return nil
}

// CountResponses returns the number of responses per workshop slug.
func (db *DB) CountResponses(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT workshop, count(*) FROM responses GROUP BY workshop`)
	if err != nil {
		return nil, translate(fmt.Errorf("store: count responses: %w", err))
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			slug string
			n    int
		)
		if err := rows.Scan(&slug, &n); err != nil {
			return nil, translate(fmt.Errorf("store: count responses: %w", err))
		}
		out[slug] = n
	}
	return out, translate(rows.Err())
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
