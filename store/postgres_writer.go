package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
)

// Group commit for PostgreSQL. Measured on the bench machine, one commit per
// response left the server's backends waiting on the WAL flush (LWLock
// WALWrite) most of the time: the disk's flushes, not the CPU, set the pace.
// So, as the SQLite store does, a few writer goroutines per replica each take
// whatever responses are waiting and store them with one statement, one
// transaction and one flush. A new submission_id, the usual case, goes this
// way; a retry or a change (the submission_id is stored already) and any
// response of a batch that failed as a whole go the one-by-one way.

// pgInsertBatch stores a batch of new responses and their answers in one
// statement. Responses are inserted in queue order, so ids keep the order of
// submission. A submission_id already stored, or twice in the batch, inserts
// nothing (the first of the batch wins): its job is told it was not created.
// Answers find their response through its public id, made for this insert.
const pgInsertBatch = `
WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $12::text[])
        WITH ORDINALITY AS i (public_id, submission_id, workshop, lang, submitted_at, source, n)
), r AS (
    INSERT INTO responses (public_id, submission_id, workshop, lang, submitted_at, updated_at, source)
    SELECT public_id, submission_id, workshop, lang,
           coalesce(submitted_at, date_trunc('milliseconds', now())), date_trunc('milliseconds', now()), source
    FROM input ORDER BY n
    ON CONFLICT (submission_id) DO NOTHING
    RETURNING id, public_id
), a AS (
    INSERT INTO answers (response_id, position, question, number, option, text)
    SELECT r.id, x.position, x.question, x.number, x.option, x.text
    FROM unnest($6::text[], $7::int[], $8::text[], $9::int[], $10::text[], $11::text[])
            AS x (public_id, position, question, number, option, text)
    JOIN r ON r.public_id = x.public_id
)
SELECT public_id FROM r`

const (
	// pgWriters is how many batches one replica may have in flight: while
	// one waits for its flush, the next fills.
	pgWriters = 4
	// pgMaxBatch bounds how many responses one statement stores.
	pgMaxBatch = 256
	// pgBatchTimeout bounds one batch; its jobs then go one by one, each
	// under its own request's deadline.
	pgBatchTimeout = 20 * time.Second
)

// pgJob is one response waiting for a writer.
type pgJob struct {
	ctx      context.Context
	r        *forms.Response
	cols     answerColumns
	at       *time.Time // nil: the database's clock
	publicID string
	done     chan pgResult
}

// pgResult is a writer's answer: created, or not (the submission_id was
// stored already), or err when the whole batch failed.
type pgResult struct {
	created bool
	err     error
}

func newPGJob(ctx context.Context, r *forms.Response) (*pgJob, error) {
	pub, err := uuid.NewV7() // time-ordered: appends to the index instead of splitting pages all over it
	if err != nil {
		return nil, fmt.Errorf("store: save response: new public id: %w", err)
	}
	j := &pgJob{ctx: ctx, r: r, cols: columnsOf(r.Answers), publicID: pub.String(), done: make(chan pgResult, 1)}
	if !r.SubmittedAt.IsZero() {
		t := r.SubmittedAt.UTC().Truncate(time.Millisecond)
		j.at = &t
	}
	return j, nil
}

// enqueue hands j to the writers and waits for its batch, or for ctx to end,
// whichever is first: a request never holds its slot past its deadline. The
// writers still store or fail a job whose caller left (done is buffered, so
// they never wait for it); a response stored that way is recognised as a
// retry when it is sent again.
func (p *Postgres) enqueue(ctx context.Context, j *pgJob) (pgResult, error) {
	p.mu.RLock()
	if p.closed.Load() {
		p.mu.RUnlock()
		return pgResult{}, errClosed
	}
	select {
	case p.jobs <- j:
		p.mu.RUnlock()
	case <-ctx.Done():
		p.mu.RUnlock()
		return pgResult{}, fmt.Errorf("store: save response: %w", ctx.Err())
	}
	select {
	case res := <-j.done:
		return res, nil
	case <-ctx.Done():
		select {
		case res := <-j.done: // it came at the same moment: tell it
			return res, nil
		default:
			return pgResult{}, fmt.Errorf("store: save response: not acknowledged: %w", ctx.Err())
		}
	}
}

// writer takes one job, then whatever else is queued up to pgMaxBatch, and
// stores them together. After Close it stores what is still queued, then
// returns.
func (p *Postgres) writer() {
	defer p.wg.Done()
	batch := make([]*pgJob, 0, pgMaxBatch)
	for {
		select {
		case j := <-p.jobs:
			batch = append(batch[:0], j)
		case <-p.stop:
			for {
				batch = p.fill(batch[:0])
				if len(batch) == 0 {
					return
				}
				p.insertBatch(batch)
			}
		}
		p.insertBatch(p.fill(batch))
	}
}

// fill adds queued jobs to batch without waiting, up to pgMaxBatch.
func (p *Postgres) fill(batch []*pgJob) []*pgJob {
	for len(batch) < pgMaxBatch {
		select {
		case j := <-p.jobs:
			batch = append(batch, j)
		default:
			return batch
		}
	}
	return batch
}

// insertBatch stores the batch's new responses and answers every job.
func (p *Postgres) insertBatch(batch []*pgJob) {
	live := batch[:0:0]
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			// Its request ended while the job was queued: nobody waits
			// for the answer, so an overloaded replica sheds it.
			j.done <- pgResult{err: fmt.Errorf("store: save response: %w", err)}
			continue
		}
		live = append(live, j)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgBatchTimeout)
	defer cancel()
	created, err := p.insertNew(ctx, live)
	for _, j := range live {
		if err != nil {
			j.done <- pgResult{err: err}
		} else {
			j.done <- pgResult{created: created[j.publicID]}
		}
	}
}

// insertNew stores jobs' responses with pgInsertBatch and returns the public
// ids of those it stored (a submission_id stored already stores nothing).
func (p *Postgres) insertNew(ctx context.Context, jobs []*pgJob) (map[string]bool, error) {
	var (
		pub, sid, workshop, lang []string
		source                   []string
		at                       []*time.Time
		aPub, aQuestion          []string
		aPos                     []int32
		aNumber                  []*int32
		aOption, aText           []*string
	)
	for _, j := range jobs {
		pub, sid = append(pub, j.publicID), append(sid, j.r.SubmissionID)
		workshop, lang, at = append(workshop, j.r.Workshop), append(lang, j.r.Lang), append(at, j.at)
		source = append(source, sourceOf(j.r))
		for i := range j.cols.question {
			aPub, aPos = append(aPub, j.publicID), append(aPos, int32(i+1))
			aQuestion, aNumber = append(aQuestion, j.cols.question[i]), append(aNumber, j.cols.number[i])
			aOption, aText = append(aOption, j.cols.option[i]), append(aText, j.cols.text[i])
		}
	}
	created := make(map[string]bool, len(jobs))
	rows, err := p.pool.Query(ctx, pgInsertBatch, pub, sid, workshop, lang, at,
		aPub, aPos, aQuestion, aNumber, aOption, aText, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		created[id] = true
	}
	return created, rows.Err()
}
