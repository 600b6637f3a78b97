package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The SQLite store's desk (desk.go).

var _ Desk = (*DB)(nil)

// Counts reads the kept counts.
func (db *DB) Counts(ctx context.Context) (*Counts, error) {
	if err := db.upToDate(ctx); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT workshop, question, kind, value, n FROM tallies WHERE n <> 0`)
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanTallies, translate, "read counts")
}

// Comments reads one page of comments and their count.
func (db *DB) Comments(ctx context.Context, f CommentFilter) (CommentPage, error) {
	if err := db.upToDate(ctx); err != nil {
		return CommentPage{}, err
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: read comments: %w", err))
	}
	defer tx.Rollback()
	var indexed int64 // the comments up to this id are in the search index
	if err := tx.QueryRowContext(ctx, `SELECT value FROM desk_state WHERE key = 'fts'`).Scan(&indexed); err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: read comments: %w", err))
	}
	arg, args := placeholders(false)
	where := commentSQL(f, arg, func(term string) string {
		if shortTerm(term) {
			return "instr(c.folded, " + arg(term) + ") > 0"
		}
		// The index for the comments it has, their folded text for the newer.
		return "(c.id <= " + arg(indexed) + " AND c.id IN (SELECT rowid FROM comment_fts WHERE comment_fts MATCH " + arg(ftsPhrase(term)) + ")" +
			" OR c.id > " + arg(indexed) + " AND instr(c.folded, " + arg(term) + ") > 0)"
	})
	var page CommentPage
	count, countArgs := `SELECT count(*) FROM comment_search c WHERE `+where, *args
	if countFromTallies(f) {
		count, countArgs = talliedSQL, []any{f.Workshop, f.Question, f.Theme == ThemeNone}
	}
	if err := tx.QueryRowContext(ctx, count, countArgs...).Scan(&page.Total); err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: count comments: %w", err))
	}
	query := commentPageSQL(where, f)
	rows, err := tx.QueryContext(ctx, query, *args...)
	if err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: read comments: %w", err))
	}
	var rowIDs []int64
	for rows.Next() {
		var (
			c      Comment
			rowID  int64
			millis int64
		)
		if err := rows.Scan(&rowID, &c.ResponseID, &c.Question, &c.Workshop, &c.Lang, &millis, &c.Text, &c.Translation, &c.Starred); err != nil {
			rows.Close()
			return CommentPage{}, translate(fmt.Errorf("store: read comments: %w", err))
		}
		c.SubmittedAt = time.UnixMilli(millis).UTC()
		page.Comments = append(page.Comments, c)
		rowIDs = append(rowIDs, rowID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: read comments: %w", err))
	}
	if err := db.attachThemes(ctx, tx, page.Comments, rowIDs); err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: read comments: %w", err))
	}
	return page, nil
}

// attachThemes fills in the themes of a page of comments (rowIDs are their
// responses' row ids).
func (db *DB) attachThemes(ctx context.Context, tx *sql.Tx, comments []Comment, rowIDs []int64) error {
	if len(comments) == 0 {
		return nil
	}
	ids := make([]any, len(rowIDs))
	marks := make([]string, len(rowIDs))
	for i, id := range rowIDs {
		ids[i], marks[i] = id, "?"
	}
	rows, err := tx.QueryContext(ctx, `SELECT t.response_id, t.question, t.theme FROM comment_themes t JOIN themes th ON th.id = t.theme
		WHERE t.response_id IN (`+strings.Join(marks, ", ")+`) ORDER BY th.rowid`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return attachThemeRows(comments, rowIDs, rows)
}

// attachThemeRows reads (response row id, question, theme) rows onto the
// comments they belong to.
func attachThemeRows(comments []Comment, rowIDs []int64, rows rowsOf) error {
	at := make(map[struct {
		id int64
		q  string
	}]int, len(comments))
	for i := range comments {
		at[struct {
			id int64
			q  string
		}{rowIDs[i], comments[i].Question}] = i
	}
	for rows.Next() {
		var (
			id            int64
			question, thm string
		)
		if err := rows.Scan(&id, &question, &thm); err != nil {
			return err
		}
		if i, ok := at[struct {
			id int64
			q  string
		}{id, question}]; ok {
			comments[i].Themes = append(comments[i].Themes, thm)
		}
	}
	return rows.Err()
}

// Codings reads every coded or translated comment's themes and translation.
func (db *DB) Codings(ctx context.Context) (map[CommentKey]Coding, error) {
	if err := db.upToDate(ctx); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, codingsSQL)
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanCodings, translate, "read codings")
}

// codingsSQL lists (public id, question, theme or NULL, translation or NULL)
// of comments that still exist, themes in the order they were made.
const codingsSQL = `
SELECT r.public_id, t.question, t.theme, th.rowid, NULL FROM comment_themes t
    JOIN themes th ON th.id = t.theme
    JOIN comment_search c ON c.response_id = t.response_id AND c.question = t.question
    JOIN responses r ON r.id = t.response_id
UNION ALL
SELECT r.public_id, tr.question, NULL, NULL, tr.text FROM translations tr
    JOIN comment_search c ON c.response_id = tr.response_id AND c.question = tr.question
    JOIN responses r ON r.id = tr.response_id`

func scanCodings(rows rowsOf) (map[CommentKey]Coding, error) {
	out := map[CommentKey]Coding{}
	ranks := map[string]int64{}
	for rows.Next() {
		var (
			k            CommentKey
			theme, trans *string
			rank         *int64
		)
		if err := rows.Scan(&k.ResponseID, &k.Question, &theme, &rank, &trans); err != nil {
			return nil, err
		}
		c := out[k]
		if theme != nil {
			c.Themes = append(c.Themes, *theme)
			ranks[*theme] = *rank
		}
		if trans != nil {
			c.Translation = *trans
		}
		out[k] = c
	}
	for _, c := range out {
		sort.SliceStable(c.Themes, func(i, j int) bool { return ranks[c.Themes[i]] < ranks[c.Themes[j]] })
	}
	return out, rows.Err()
}

// Themes reads the live themes and their counts.
func (db *DB) Themes(ctx context.Context) ([]ThemeCount, error) {
	if err := db.upToDate(ctx); err != nil {
		return nil, err
	}
	themes, err := db.themes(ctx, db.read)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, themeCountsSQL)
	if err != nil {
		return nil, translate(fmt.Errorf("store: count themes: %w", err))
	}
	defer rows.Close()
	if err := addThemeCounts(themes, rows); err != nil {
		return nil, translate(fmt.Errorf("store: count themes: %w", err))
	}
	return themes, nil
}

// themeCountsSQL counts the coded comments that still exist, by theme and
// workshop.
const themeCountsSQL = `SELECT t.theme, c.workshop, count(*) FROM comment_themes t
    JOIN comment_search c ON c.response_id = t.response_id AND c.question = t.question
    GROUP BY t.theme, c.workshop`

func (db *DB) themes(ctx context.Context, q queryer) ([]ThemeCount, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, label FROM themes WHERE merged_into IS NULL ORDER BY rowid`)
	if err == nil {
		defer rows.Close()
	}
	themes, err := readRows(rows, err, scanThemeRows, translate, "read themes")
	if err != nil {
		return nil, err
	}
	return themes, nil
}

// commentRow finds a comment's response row id (errNoComment if none).
func commentRow(ctx context.Context, tx *sql.Tx, responseID, question string) (int64, error) {
	var rowID int64
	err := tx.QueryRowContext(ctx, `SELECT c.response_id FROM comment_search c JOIN responses r ON r.id = c.response_id WHERE r.public_id = ? AND c.question = ?`,
		responseID, question).Scan(&rowID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoComment
	}
	return rowID, err
}

// TagComment codes a comment with a theme, or takes the theme off.
func (db *DB) TagComment(ctx context.Context, responseID, question, theme string, on bool) error {
	if err := db.upToDate(ctx); err != nil {
		return err
	}
	return db.inWriteTx(ctx, "tag comment", func(tx *sql.Tx) error {
		rowID, err := commentRow(ctx, tx, responseID, question)
		if err != nil {
			return err
		}
		var live string
		err = tx.QueryRowContext(ctx, `SELECT coalesce(merged_into, id) FROM themes WHERE id = ?`, theme).Scan(&live)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoTheme
		} else if err != nil {
			return err
		}
		if !on {
			_, err = tx.ExecContext(ctx, `DELETE FROM comment_themes WHERE response_id = ? AND question = ? AND theme = ?`, rowID, question, live)
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO comment_themes (response_id, question, theme, tagged_at) VALUES (?, ?, ?, ?)`,
			rowID, question, live, db.now().UnixMilli())
		return err
	})
}

// SetTranslation keeps or removes a comment's translation.
func (db *DB) SetTranslation(ctx context.Context, responseID, question, text string) error {
	text, err := translationInput(text)
	if err != nil {
		return err
	}
	if err := db.upToDate(ctx); err != nil {
		return err
	}
	return db.inWriteTx(ctx, "set translation", func(tx *sql.Tx) error {
		rowID, err := commentRow(ctx, tx, responseID, question)
		if err != nil {
			return err
		}
		if text == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM translations WHERE response_id = ? AND question = ?`, rowID, question)
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO translations (response_id, question, text, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (response_id, question) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
			rowID, question, text, db.now().UnixMilli())
		return err
	})
}
