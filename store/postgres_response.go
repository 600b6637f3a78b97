package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"feedback/forms"
)

// pgInsertAnswers writes the answers of an existing response, as above.
const pgInsertAnswers = `
INSERT INTO answers (response_id, position, question, number, option, text)
SELECT $1, x.position, x.question, x.number, x.option, x.text
FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) WITH ORDINALITY AS x (question, number, option, text, position)`

// answerColumns are a response's answers as the four parallel arrays the
// statements above unnest: one row per answer and per chosen option, in the
// same order as the SQLite store writes them.
type answerColumns struct {
	question []string
	number   []*int32
	option   []*string
	text     []*string
	// folded is a text's forms.Fold, for the comment's search row.
	folded []*string
}

func columnsOf(answers forms.Answers) answerColumns {
	var c answerColumns
	add := func(q string, number *int32, option, text *string) {
		c.question = append(c.question, q)
		c.number = append(c.number, number)
		c.option = append(c.option, option)
		c.text = append(c.text, text)
		var folded *string
		if text != nil {
			f := forms.Fold(*text)
			folded = &f
		}
		c.folded = append(c.folded, folded)
	}
	for _, q := range sortedKeys(answers) {
		a := answers[q]
		switch {
		case len(a.Choices) > 0:
			for i := range a.Choices {
				add(q, nil, &a.Choices[i], nil)
			}
		case a.Text != "":
			add(q, nil, nil, &a.Text)
		default:
			n := int32(a.Number)
			add(q, &n, nil, nil)
		}
	}
	return c
}

// errGone is returned by saveExisting when the row that made the insert
// conflict is no longer there; the save then tries again from the start.
var errGone = errors.New("stored response vanished")

// SaveResponse stores r, keyed by its SubmissionID, with the same rules as the
// SQLite store: the first call stores it, a retry with the same answers
// changes nothing, and other answers replace the stored ones. It returns once
// the transaction is committed (synchronous_commit is on), or once ctx ends,
// whichever is first; as with SQLite, a response whose caller was not told
// may be stored all the same, and is then a retry when sent again. Replicas may call
// it with the same submission_id at the same moment: the unique constraint
// and row locks make one of them store it and the others see it stored.
// r must not be changed by the caller afterwards: a writer goroutine reads it.
func (p *Postgres) SaveResponse(ctx context.Context, r *forms.Response) (Saved, error) {
	j, err := newPGJob(ctx, r)
	if err != nil {
		return Saved{}, err
	}
	res, err := p.enqueue(ctx, j)
	if err != nil {
		return Saved{}, err
	}
	if res.created {
		return Saved{ID: j.publicID, Created: true}, nil
	}
	if res.err == nil {
		// The batch went through without it: the submission_id is stored.
		saved, err := p.saveExisting(ctx, r, j.cols)
		if !errors.Is(err, errGone) {
			if err != nil {
				return Saved{}, translatePG(fmt.Errorf("store: save response: %w", err))
			}
			return saved, nil
		}
	}
	// The batch failed as a whole (or the stored row vanished): this
	// response alone, so that its own error, if any, is the one returned.
	return p.saveAlone(ctx, r, j.cols, j.at)
}

// saveAlone stores one response in a statement of its own, then, if its
// submission_id is stored already, as a retry or a change.
func (p *Postgres) saveAlone(ctx context.Context, r *forms.Response, cols answerColumns, at *time.Time) (Saved, error) {
	if err := p.checkOpen(); err != nil {
		return Saved{}, err
	}
	for attempt := 0; ; attempt++ {
		pub, err := uuid.NewV7()
		if err != nil {
			return Saved{}, fmt.Errorf("store: save response: new public id: %w", err)
		}
		j := &pgJob{r: r, cols: cols, at: at, publicID: pub.String()}
		created, err := p.insertNew(ctx, []*pgJob{j})
		if err != nil {
			return Saved{}, translatePG(fmt.Errorf("store: save response: %w", err))
		}
		if created[j.publicID] {
			return Saved{ID: j.publicID, Created: true}, nil
		}
		saved, err := p.saveExisting(ctx, r, cols)
		if errors.Is(err, errGone) && attempt < 2 {
			continue
		}
		if err != nil {
			return Saved{}, translatePG(fmt.Errorf("store: save response: %w", err))
		}
		return saved, nil
	}
}

// saveExisting handles a submission_id that is already stored: it locks the
// row, so that concurrent changes of the same response take turns, and does
// what decide says (a change replaces the answers, under the change limits).
func (p *Postgres) saveExisting(ctx context.Context, r *forms.Response, cols answerColumns) (Saved, error) {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return Saved{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	var (
		rowID int64
		prev  existing
		now   time.Time
		desk  bool // taken into the desk's tables (postgres_take_in.go)
	)
	// The database's clock, read once the row is locked, times the change:
	// replicas' clocks may disagree, the server's is one.
	err = tx.QueryRow(ctx, `SELECT id, public_id, workshop, clock_timestamp(), desk FROM responses WHERE submission_id = $1 FOR UPDATE`, r.SubmissionID).
		Scan(&rowID, &prev.publicID, &prev.workshop, &now, &desk)
	if errors.Is(err, pgx.ErrNoRows) {
		return Saved{}, errGone
	}
	if err != nil {
		return Saved{}, fmt.Errorf("find submission: %w", err)
	}
	if prev.answers, err = pgAnswersOf(ctx, tx, rowID); err != nil {
		return Saved{}, err
	}
	o := decide(prev, r)
	if !o.replace {
		return o.saved, o.err
	}
	if err := checkChange(ctx, pgChanges{tx: tx, rowID: rowID}, now.UTC().Truncate(time.Millisecond)); err != nil {
		return Saved{}, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM answers WHERE response_id = $1`, rowID); err != nil {
		return Saved{}, fmt.Errorf("replace answers: %w", err)
	}
	if len(cols.question) > 0 {
		if _, err := tx.Exec(ctx, pgInsertAnswers, rowID, cols.question, cols.number, cols.option, cols.text); err != nil {
			return Saved{}, fmt.Errorf("insert answers: %w", err)
		}
	}
	if desk { // the desk's tables hold the old answers: replace them
		if err := pgReplaceSearch(ctx, tx, rowID, prev.workshop, r.Lang, cols); err != nil {
			return Saved{}, err
		}
		d := tallyDelta{}
		d.answers(prev.workshop, prev.answers, -1)
		d.answers(prev.workshop, r.Answers, 1)
		if err := pgApplyTallies(ctx, tx, d); err != nil {
			return Saved{}, err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE responses SET lang = $1, updated_at = date_trunc('milliseconds', now()) WHERE id = $2`, r.Lang, rowID); err != nil {
		return Saved{}, fmt.Errorf("update response: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return Saved{}, fmt.Errorf("commit: %w", err)
	}
	return o.saved, nil
}

// pgChanges is the change history of response rowID in the PostgreSQL
// store, read and written inside the transaction that holds the response's
// row lock, so that replicas count the same changes one after the other.
type pgChanges struct {
	tx    pgx.Tx
	rowID int64
}

func (c pgChanges) since(ctx context.Context, t time.Time) ([]time.Time, error) {
	rows, err := c.tx.Query(ctx,
		`SELECT changed_at FROM response_changes WHERE response_id = $1 AND changed_at > $2 ORDER BY changed_at DESC`, c.rowID, t)
	if err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	times, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	return times, nil
}

func (c pgChanges) record(ctx context.Context, forget, now time.Time) error {
	if _, err := c.tx.Exec(ctx, `DELETE FROM response_changes WHERE response_id = $1 AND changed_at <= $2`, c.rowID, forget); err != nil {
		return fmt.Errorf("forget old changes: %w", err)
	}
	if _, err := c.tx.Exec(ctx, `INSERT INTO response_changes (response_id, changed_at) VALUES ($1, $2)`, c.rowID, now); err != nil {
		return fmt.Errorf("record change: %w", err)
	}
	return nil
}

func pgAnswersOf(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, rowID int64) (forms.Answers, error) {
	rows, err := q.Query(ctx, `SELECT question, number, option, text FROM answers WHERE response_id = $1 ORDER BY position`, rowID)
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	defer rows.Close()
	return scanAnswers(rows)
}

// addPGAnswer puts one answers row into out, as addAnswer does for SQLite.
func addPGAnswer(out forms.Answers, question string, number *int32, option, text *string) {
	a := out[question]
	switch {
	case option != nil:
		a.Choices = append(a.Choices, *option)
	case text != nil:
		a.Text = *text
	case number != nil:
		a.Number = int(*number)
	}
	out[question] = a
}

// ResponseBySubmission returns the stored response with that submission_id, to
// fill the form in again for a participant who comes back to change it.
func (p *Postgres) ResponseBySubmission(ctx context.Context, submissionID string) (*forms.Response, error) {
	if err := p.checkOpen(); err != nil {
		return nil, err
	}
	var (
		rowID int64
		r     forms.Response
	)
	err := p.pool.QueryRow(ctx,
		`SELECT id, public_id, submission_id, workshop, lang, submitted_at, source FROM responses WHERE submission_id = $1`, submissionID).
		Scan(&rowID, &r.ID, &r.SubmissionID, &r.Workshop, &r.Lang, &r.SubmittedAt, &r.Source)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &forms.Error{Code: forms.ENOTFOUND, Message: "no such response"}
	}
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: find response: %w", err))
	}
	r.SubmittedAt = r.SubmittedAt.UTC()
	if r.Answers, err = pgAnswersOf(ctx, p.pool, rowID); err != nil {
		return nil, translatePG(fmt.Errorf("store: find response: %w", err))
	}
	return &r, nil
}

// EachResponse calls fn for every stored response in the order they were
// first submitted, reading them as a stream (pgx reads rows off the socket as
// fn asks for them): memory does not grow with the number of responses. One
// statement sees one snapshot, so an export never counts a response half
// written. fn must not keep r after it returns.
func (p *Postgres) EachResponse(ctx context.Context, f Filter, fn func(r *forms.Response) error) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	query := `SELECT r.id, r.public_id, r.submission_id, r.workshop, r.lang, r.submitted_at, r.source,
	                 a.question, a.number, a.option, a.text
	          FROM responses r LEFT JOIN answers a ON a.response_id = r.id`
	var args []any
	if f.Workshop != "" {
		query += ` WHERE r.workshop = $1`
		args = append(args, f.Workshop)
	}
	query += ` ORDER BY r.id, a.position`
	rows, err := p.pool.Query(ctx, query, args...)
	if err != nil {
		return translatePG(fmt.Errorf("store: read responses: %w", err))
	}
	defer rows.Close()
	var (
		cur   *forms.Response
		curID int64 = -1
	)
	for rows.Next() {
		var (
			rowID        int64
			r            forms.Response
			question     *string
			number       *int32
			option, text *string
		)
		if err := rows.Scan(&rowID, &r.ID, &r.SubmissionID, &r.Workshop, &r.Lang, &r.SubmittedAt, &r.Source, &question, &number, &option, &text); err != nil {
			return translatePG(fmt.Errorf("store: read responses: %w", err))
		}
		if rowID != curID {
			if cur != nil {
				if err := fn(cur); err != nil {
					return err
				}
			}
			r.SubmittedAt = r.SubmittedAt.UTC()
			r.Answers = forms.Answers{}
			cur, curID = &r, rowID
		}
		if question != nil {
			addPGAnswer(cur.Answers, *question, number, option, text)
		}
	}
	if err := rows.Err(); err != nil {
		return translatePG(fmt.Errorf("store: read responses: %w", err))
	}
	if cur != nil {
		return fn(cur)
	}
	return nil
}

// DeleteResponse removes the response with public id id, with its answers,
// stars, changes and search rows, and takes it off the kept counts, as the
// SQLite store does. ENOTFOUND when there is no such response.
func (p *Postgres) DeleteResponse(ctx context.Context, id string) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	return p.inTx(ctx, "delete response", func(tx pgx.Tx) error {
		var (
			rowID    int64
			workshop string
			desk     bool
		)
		err := tx.QueryRow(ctx, `SELECT id, workshop, desk FROM responses WHERE public_id = $1 FOR UPDATE`, id).Scan(&rowID, &workshop, &desk)
		if errors.Is(err, pgx.ErrNoRows) {
			return &forms.Error{Code: forms.ENOTFOUND, Message: "no such response"}
		} else if err != nil {
			return err
		}
		answers, err := pgAnswersOf(ctx, tx, rowID)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM answers WHERE response_id = $1`, `DELETE FROM comment_search WHERE response_id = $1`, `DELETE FROM responses WHERE id = $1`} {
			if _, err := tx.Exec(ctx, q, rowID); err != nil {
				return err
			}
		}
		if !desk {
			return nil
		}
		d := tallyDelta{}
		d.response(workshop, answers, -1)
		return pgApplyTallies(ctx, tx, d)
	})
}

// CountResponses returns the number of responses per workshop slug.
func (p *Postgres) CountResponses(ctx context.Context) (map[string]int, error) {
	if err := p.checkOpen(); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `SELECT workshop, count(*) FROM responses GROUP BY workshop`)
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanCounts, translatePG, "count responses")
}
