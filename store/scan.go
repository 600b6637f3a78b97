package store

import (
	"database/sql"
	"fmt"

	"feedback/forms"
)

// readRows reads the rows of a query (or its error) with scan, and wraps any
// error as the store's with tr (translate, translatePG), naming what was
// read. The caller closes the rows.
func readRows[T any](rows rowsOf, err error, scan func(rowsOf) (T, error), tr func(error) error, what string) (T, error) {
	var zero T
	if err == nil {
		var out T
		if out, err = scan(rows); err == nil {
			return out, nil
		}
	}
	return zero, tr(fmt.Errorf("store: %s: %w", what, err))
}

// rowsOf is what both drivers' result sets offer (database/sql's *sql.Rows
// and pgx's Rows), so that a query both stores run the same way is read by
// one loop. The caller closes the rows and wraps the error for its store.
type rowsOf interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanCounts reads (key, count) rows into a map.
func scanCounts(rows rowsOf) (map[string]int, error) {
	out := map[string]int{}
	for rows.Next() {
		var (
			key string
			n   int
		)
		if err := rows.Scan(&key, &n); err != nil {
			return nil, err
		}
		out[key] = n
	}
	return out, rows.Err()
}

// scanAnswered reads (workshop, question, has an option, has a text) rows
// into the type each stored question's answers have: options make a choice,
// texts a text, numbers alone a score.
func scanAnswered(rows rowsOf) (map[string]map[string]forms.Type, error) {
	out := map[string]map[string]forms.Type{}
	for rows.Next() {
		var (
			workshop, question string
			option, text       bool
		)
		if err := rows.Scan(&workshop, &question, &option, &text); err != nil {
			return nil, err
		}
		t := forms.Rating
		switch {
		case option:
			t = forms.Multi
		case text:
			t = forms.FreeText
		}
		if out[workshop] == nil {
			out[workshop] = map[string]forms.Type{}
		}
		out[workshop][question] = t
	}
	return out, rows.Err()
}

// scanOpenPeriods reads (workshop, question, still open) rows of the
// question_periods table: the workshops recorded at all, and the questions
// whose period is open.
func scanOpenPeriods(rows rowsOf) (recorded map[string]bool, open map[periodKey]bool, err error) {
	recorded, open = map[string]bool{}, map[periodKey]bool{}
	for rows.Next() {
		var (
			k      periodKey
			isOpen bool
		)
		if err := rows.Scan(&k.workshop, &k.question, &isOpen); err != nil {
			return nil, nil, err
		}
		recorded[k.workshop] = true
		if isOpen {
			open[k] = true
		}
	}
	return recorded, open, rows.Err()
}

// scanAnswers reads (question, number, option, text) rows, one response's
// answers, as both stores store them (pgx scans into the sql.Null types too).
func scanAnswers(rows rowsOf) (forms.Answers, error) {
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

// scanThemeRows reads (id, label) rows of live themes, in order.
func scanThemeRows(rows rowsOf) ([]ThemeCount, error) {
	var out []ThemeCount
	for rows.Next() {
		var t ThemeCount
		if err := rows.Scan(&t.ID, &t.Label); err != nil {
			return nil, err
		}
		t.Workshops = map[string]int{}
		out = append(out, t)
	}
	return out, rows.Err()
}

// addThemeCounts reads (theme, workshop, n) rows into themes.
func addThemeCounts(themes []ThemeCount, rows rowsOf) error {
	at := make(map[string]int, len(themes))
	for i, t := range themes {
		at[t.ID] = i
	}
	for rows.Next() {
		var (
			theme, workshop string
			n               int
		)
		if err := rows.Scan(&theme, &workshop, &n); err != nil {
			return err
		}
		if i, ok := at[theme]; ok {
			themes[i].Comments += n
			themes[i].Workshops[workshop] += n
		}
	}
	return rows.Err()
}
