package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"feedback/forms"
)

// FormsChange is what RecordForms found different from the forms it last
// recorded, for the start's log line: the organizer sees at once that the
// summaries will count some questions over part of the responses.
type FormsChange struct {
	// Added and Removed name, as "workshop/question", the questions a
	// workshop's form began or stopped asking at this start. A workshop's
	// first record adds nothing: its questions count as asked all along.
	Added, Removed []string
}

// periodKey names one question of one workshop.
type periodKey struct{ workshop, question string }

func (k periodKey) String() string { return k.workshop + "/" + k.question }

// periodPlan is what RecordForms writes: the periods to open (from before the
// first record for a workshop seen for the first time) and to close.
type periodPlan struct {
	open      []periodKey
	fromStart map[string]bool // workshops recorded for the first time
	close     []periodKey
}

// planPeriods compares the forms with what is recorded: recorded holds the
// workshops with any period, open the questions with an open one. Both
// stores write the same plan, so they record the same history.
func planPeriods(f *forms.Forms, recorded map[string]bool, open map[periodKey]bool) (periodPlan, FormsChange) {
	plan := periodPlan{fromStart: map[string]bool{}}
	var change FormsChange
	asked := map[periodKey]bool{}
	for _, w := range f.Workshops {
		first := !recorded[w.Slug]
		if first {
			plan.fromStart[w.Slug] = true
		}
		for _, q := range w.Questions {
			k := periodKey{w.Slug, q.ID}
			asked[k] = true
			if open[k] {
				continue
			}
			plan.open = append(plan.open, k)
			if !first {
				change.Added = append(change.Added, k.String())
			}
		}
	}
	for k := range open {
		if !asked[k] {
			plan.close = append(plan.close, k)
			change.Removed = append(change.Removed, k.String())
		}
	}
	sort.Slice(plan.close, func(i, j int) bool { return plan.close[i].String() < plan.close[j].String() })
	sort.Strings(change.Removed)
	return plan, change
}

// RecordForms records that from now on each workshop asks the questions its
// form in f has: a period opens for each question with none open, and the
// open periods of questions the form no longer asks (or of workshops it no
// longer has) close at now. A workshop recorded for the first time gets
// periods from before the first record, so responses collected before this
// record existed count as asked its questions. Calling it again with the same
// forms changes nothing. The app calls it once at start, before it serves.
func (db *DB) RecordForms(ctx context.Context, f *forms.Forms, now time.Time) (FormsChange, error) {
	// The write connection begins IMMEDIATE: another process starting on
	// the same file waits for this one to finish before it reads.
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return FormsChange{}, translate(fmt.Errorf("store: record forms: %w", err))
	}
	defer tx.Rollback()
	recorded, open, err := readOpenPeriods(ctx, tx)
	if err != nil {
		return FormsChange{}, err
	}
	plan, change := planPeriods(f, recorded, open)
	at := now.UnixMilli()
	for _, k := range plan.open {
		var from any = at
		if plan.fromStart[k.workshop] {
			from = nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO question_periods (workshop, question, from_ms) VALUES (?, ?, ?)`,
			k.workshop, k.question, from); err != nil {
			return FormsChange{}, translate(fmt.Errorf("store: record forms: open %s: %w", k, err))
		}
	}
	for _, k := range plan.close {
		// A clock set back since the period opened closes it where it
		// opened instead of before.
		if _, err := tx.ExecContext(ctx,
			`UPDATE question_periods SET until_ms = max(?, coalesce(from_ms, ?))
			 WHERE workshop = ? AND question = ? AND until_ms IS NULL`,
			at, at, k.workshop, k.question); err != nil {
			return FormsChange{}, translate(fmt.Errorf("store: record forms: close %s: %w", k, err))
		}
	}
	if err := tx.Commit(); err != nil {
		return FormsChange{}, translate(fmt.Errorf("store: record forms: commit: %w", err))
	}
	return change, nil
}

func readOpenPeriods(ctx context.Context, tx *sql.Tx) (recorded map[string]bool, open map[periodKey]bool, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT workshop, question, until_ms IS NULL FROM question_periods`)
	if err != nil {
		return nil, nil, translate(fmt.Errorf("store: record forms: read periods: %w", err))
	}
	defer rows.Close()
	if recorded, open, err = scanOpenPeriods(rows); err != nil {
		return nil, nil, translate(fmt.Errorf("store: record forms: read periods: %w", err))
	}
	return recorded, open, nil
}

// QuestionPeriods returns which questions each workshop's form asked, and
// when, as RecordForms recorded it; the export counts from it of how many
// responses each question was asked. The table holds a row per question and
// change, a few hundred at most: it is read whole for each workbook.
func (db *DB) QuestionPeriods(ctx context.Context) (forms.QuestionPeriods, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT workshop, question, from_ms, until_ms FROM question_periods
		ORDER BY workshop, question, from_ms IS NOT NULL, from_ms`)
	if err != nil {
		return nil, translate(fmt.Errorf("store: question periods: %w", err))
	}
	defer rows.Close()
	out := forms.QuestionPeriods{}
	for rows.Next() {
		var (
			workshop, question string
			from, until        sql.NullInt64
		)
		if err := rows.Scan(&workshop, &question, &from, &until); err != nil {
			return nil, translate(fmt.Errorf("store: question periods: %w", err))
		}
		var p forms.Period
		if from.Valid {
			p.From = time.UnixMilli(from.Int64).UTC()
		}
		if until.Valid {
			p.Until = time.UnixMilli(until.Int64).UTC()
		}
		addPeriod(out, workshop, question, p)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(fmt.Errorf("store: question periods: %w", err))
	}
	return out, nil
}

// addPeriod appends p to the periods of one question of one workshop; rows
// come in time order, so the periods do too.
func addPeriod(qp forms.QuestionPeriods, workshop, question string, p forms.Period) {
	if qp[workshop] == nil {
		qp[workshop] = map[string][]forms.Period{}
	}
	qp[workshop][question] = append(qp[workshop][question], p)
}
