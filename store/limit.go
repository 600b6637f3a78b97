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

// checkChange is called by the writer, inside its transaction, before the
// answers of response rowID are replaced: it refuses the change (ELIMIT) when
// a limit is reached and otherwise records it. It writes nothing when it
// refuses, so the refused job leaves the transaction as it found it.
func checkChange(ctx context.Context, tx *sql.Tx, rowID int64, lang string, now time.Time) error {
	keep := now.Add(-longestWindow()).UnixMilli()
	rows, err := tx.QueryContext(ctx,
		`SELECT changed_at FROM response_changes WHERE response_id = ? AND changed_at > ? ORDER BY changed_at DESC`, rowID, keep)
	if err != nil {
		return fmt.Errorf("read changes: %w", err)
	}
	var times []time.Time
	for rows.Next() {
		var ms int64
		if err := rows.Scan(&ms); err != nil {
			rows.Close()
			return fmt.Errorf("read changes: %w", err)
		}
		times = append(times, time.UnixMilli(ms))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read changes: %w", err)
	}
	if wait := changeWait(times, now); wait > 0 {
		return &forms.Error{Code: forms.ELIMIT, Message: forms.Message(lang, forms.MsgTooManyChanges), Err: &LimitError{RetryAfter: wait}}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM response_changes WHERE response_id = ? AND changed_at <= ?`, rowID, keep); err != nil {
		return fmt.Errorf("forget old changes: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO response_changes (response_id, changed_at) VALUES (?, ?)`, rowID, now.UnixMilli()); err != nil {
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
