package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"feedback/forms"
)

// ChangeLimit bounds how many times one response may be changed within a
// sliding window. A participant who comes back to correct an answer changes
// it once or twice; a script replaying a form with new answers every second
// is refused, whatever address it comes from.
type ChangeLimit struct {
	Window time.Duration
	Max    int
}

// ChangeLimits are the limits every store applies to changes of a stored
// response (a retry with the same answers is not a change and is never
// refused). They are counted in the database, so that replicas agree.
var ChangeLimits = []ChangeLimit{
	{Window: time.Minute, Max: 5},
	{Window: time.Hour, Max: 20},
}

// LimitError is wrapped in the ELIMIT error of a refused change; it says
// when the change would be accepted, for the Retry-After header.
type LimitError struct {
	RetryAfter time.Duration
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("too many changes; retry after %s", e.RetryAfter.Round(time.Second))
}

// longestWindow is how far back changes are kept.
func longestWindow() time.Duration {
	var w time.Duration
	for _, l := range ChangeLimits {
		w = max(w, l.Window)
	}
	return w
}

// changeHistory is one stored response's past changes, as a store keeps
// them, seen from inside the transaction that is about to change it.
type changeHistory interface {
	// since returns the times of the changes after t, newest first.
	since(ctx context.Context, t time.Time) ([]time.Time, error)
	// record forgets the changes at or before forget and records one at now.
	record(ctx context.Context, forget, now time.Time) error
}

// checkChange is called inside the transaction that replaces a stored
// response's answers, before it does: it refuses the change (ELIMIT) when a
// limit is reached and otherwise records it. It writes nothing when it
// refuses, so the refused change leaves the transaction as it found it. The
// ELIMIT carries no words for the participant: the app has those.
func checkChange(ctx context.Context, h changeHistory, now time.Time) error {
	keep := now.Add(-longestWindow())
	times, err := h.since(ctx, keep)
	if err != nil {
		return err
	}
	if wait := changeWait(times, now); wait > 0 {
		return &forms.Error{Code: forms.ELIMIT, Message: "change limit reached", Err: &LimitError{RetryAfter: wait}}
	}
	return h.record(ctx, keep, now)
}

// sqliteChanges is the change history of response rowID in the SQLite
// store, which keeps times as Unix milliseconds.
type sqliteChanges struct {
	tx    *sql.Tx
	rowID int64
}

func (c sqliteChanges) since(ctx context.Context, t time.Time) ([]time.Time, error) {
	rows, err := c.tx.QueryContext(ctx,
		`SELECT changed_at FROM response_changes WHERE response_id = ? AND changed_at > ? ORDER BY changed_at DESC`, c.rowID, t.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	defer rows.Close()
	var times []time.Time
	for rows.Next() {
		var ms int64
		if err := rows.Scan(&ms); err != nil {
			return nil, fmt.Errorf("read changes: %w", err)
		}
		times = append(times, time.UnixMilli(ms))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	return times, nil
}

func (c sqliteChanges) record(ctx context.Context, forget, now time.Time) error {
	if _, err := c.tx.ExecContext(ctx, `DELETE FROM response_changes WHERE response_id = ? AND changed_at <= ?`, c.rowID, forget.UnixMilli()); err != nil {
		return fmt.Errorf("forget old changes: %w", err)
	}
	if _, err := c.tx.ExecContext(ctx, `INSERT INTO response_changes (response_id, changed_at) VALUES (?, ?)`, c.rowID, now.UnixMilli()); err != nil {
		return fmt.Errorf("record change: %w", err)
	}
	return nil
}

// changeWait returns how long until one more change fits every limit, given
// the times of earlier changes, newest first; 0 means it fits now.
func changeWait(newestFirst []time.Time, now time.Time) time.Duration {
	var wait time.Duration
	for _, l := range ChangeLimits {
		n := 0
		for _, t := range newestFirst {
			if now.Sub(t) < l.Window {
				n++
			}
		}
		if n < l.Max || l.Max <= 0 {
			continue
		}
		// The change that must leave the window is the Max-th newest.
		oldest := newestFirst[l.Max-1]
		wait = max(wait, oldest.Add(l.Window).Sub(now))
	}
	return wait
}
