package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"feedback/forms"
)

// The SQLite store's desk (desk.go).

var _ Desk = (*DB)(nil)

// Counts reads the kept counts.
func (db *DB) Counts(ctx context.Context) (*Counts, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT workshop, question, kind, value, n FROM tallies WHERE n <> 0`)
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanTallies, translate, "read counts")
}

// tallyChunks are the row counts the kept counts' upserts are prepared for:
// a batch's delta is written with as few statements as they allow.
var tallyChunks = []int{64, 16, 4, 1}

func upsertTalliesSQL(rows int) string {
	return `INSERT INTO tallies (workshop, question, kind, value, n) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", rows), ", ") +
		` ON CONFLICT (workshop, question, kind, value) DO UPDATE SET n = n + excluded.n`
}

const insertSearchSQL = `INSERT INTO comment_search (response_id, question, workshop, lang, folded) VALUES (?, ?, ?, ?, ?)`

// prepareDesk prepares the writer's statements of the desk.
func (s *writeStmts) prepareDesk(ctx context.Context) error {
	if s.insertSearch != nil {
		return nil
	}
	p, err := s.db.PrepareContext(ctx, insertSearchSQL)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	s.insertSearch = p
	s.upsertTallies = map[int]*sql.Stmt{}
	for _, n := range tallyChunks {
		p, err := s.db.PrepareContext(ctx, upsertTalliesSQL(n))
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		s.upsertTallies[n] = p
	}
	return nil
}

// applyTallies adds the transaction's delta (st.delta) to the kept counts,
// with the writer's prepared statements if st has them.
func applyTallies(ctx context.Context, tx *sql.Tx, st *writeStmts) error {
	keys := st.delta.sorted()
	args := make([]any, 0, 5*tallyChunks[0])
	for len(keys) > 0 {
		n := tallyChunks[len(tallyChunks)-1]
		for _, c := range tallyChunks {
			if c <= len(keys) {
				n = c
				break
			}
		}
		args = args[:0]
		for _, k := range keys[:n] {
			args = append(args, k.workshop, k.question, k.kind, k.value, st.delta[k])
		}
		var err error
		if p := st.upsertTallies[n]; p != nil {
			_, err = st.inTxStmt(ctx, p).ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, upsertTalliesSQL(n), args...)
		}
		if err != nil {
			return fmt.Errorf("update counts: %w", err)
		}
		keys = keys[n:]
	}
	return nil
}

// insertSearch writes the search rows of a response's comments.
func insertSearch(ctx context.Context, st *writeStmts, rowID int64, r *forms.Response, workshop string) error {
	for q, a := range r.Answers {
		if len(a.Choices) > 0 || a.Text == "" {
			continue
		}
		if _, err := st.inTxStmt(ctx, st.insertSearch).ExecContext(ctx, rowID, q, workshop, r.Lang, forms.Fold(a.Text)); err != nil {
			return fmt.Errorf("index comment: %w", err)
		}
	}
	return nil
}

// deleteSearch removes a response's search rows and their index entries.
func deleteSearch(ctx context.Context, tx *sql.Tx, rowID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM comment_fts WHERE rowid IN (SELECT id FROM comment_search WHERE response_id = ?)`, rowID); err != nil {
		return fmt.Errorf("unindex comments: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM comment_search WHERE response_id = ?`, rowID); err != nil {
		return fmt.Errorf("unindex comments: %w", err)
	}
	return nil
}

// ftsIdle is how long the writer waits for a response before it indexes
// comments, and ftsChunk how many it indexes at a time: a burst of
// responses is stored first, and a search never waits for the index (it
// reads the newest comments' folded text instead).
const (
	ftsIdle  = 20 * time.Millisecond
	ftsChunk = 2000
)

// indexComments adds up to ftsChunk comments to the search index, on the
// writer goroutine; it leaves ftsBehind false when none are left.
func (db *DB) indexComments() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var indexed int64
	err := db.inWriteTx(ctx, "index comments", func(tx *sql.Tx) error {
		var from, to int64
		if err := tx.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM desk_state WHERE key = 'fts'`).Scan(&from); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), ?1) FROM (SELECT id FROM comment_search WHERE id > ?1 ORDER BY id LIMIT ?2)`, from, ftsChunk).Scan(&to); err != nil {
			return err
		}
		if to == from {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_fts (rowid, folded) SELECT id, folded FROM comment_search WHERE id > ? AND id <= ?`, from, to); err != nil {
			return err
		}
		indexed = to - from
		_, err := tx.ExecContext(ctx, `UPDATE desk_state SET value = ? WHERE key = 'fts'`, to)
		return err
	})
	if err != nil {
		db.log.Warn("store: indexing comments for search failed; searches read the comments instead", "err", err)
	}
	db.ftsBehind = err == nil && indexed > 0
}

// backfillSearch indexes the comments stored before the desk existed, once,
// a few thousand responses per transaction so that memory stays small.
func backfillSearch(ctx context.Context, db *sql.DB) error {
	var pending int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM desk_state WHERE key = 'search'`).Scan(&pending); err != nil {
		return fmt.Errorf("index comments: %w", err)
	}
	for after := int64(0); pending > 0; {
		next, err := backfillChunk(ctx, db, after)
		if err != nil {
			return fmt.Errorf("index comments: %w", err)
		}
		if next == after {
			break
		}
		after = next
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM desk_state WHERE key = 'search'`); err != nil {
		return fmt.Errorf("index comments: %w", err)
	}
	return nil
}

// backfillChunk indexes the comments of the responses after row id after,
// up to a few thousand, and returns the last row id it indexed.
func backfillChunk(ctx context.Context, db *sql.DB, after int64) (int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return after, err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS backfill (id INTEGER, question TEXT, text TEXT, workshop TEXT, lang TEXT)`)
	if err == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO backfill SELECT a.response_id, a.question, a.text, r.workshop, r.lang
			FROM answers a JOIN responses r ON r.id = a.response_id
			WHERE a.response_id IN (SELECT id FROM responses WHERE id > ? ORDER BY id LIMIT 5000) AND a.text IS NOT NULL AND a.text <> ''`, after)
	}
	if err != nil {
		return after, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, question, text, workshop, lang FROM backfill`)
	if err != nil {
		return after, err
	}
	var batch []any
	for rows.Next() {
		var (
			id                             int64
			question, text, workshop, lang string
		)
		if err := rows.Scan(&id, &question, &text, &workshop, &lang); err != nil {
			rows.Close()
			return after, err
		}
		batch = append(batch, id, question, workshop, lang, forms.Fold(text))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return after, err
	}
	for i := 0; i < len(batch); i += 5 {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO comment_search (response_id, question, workshop, lang, folded) VALUES (?, ?, ?, ?, ?)`, batch[i:i+5]...); err != nil {
			return after, err
		}
	}
	var more int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), ?) FROM (SELECT id FROM responses WHERE id > ? ORDER BY id LIMIT 5000)`, after, after).Scan(&more); err != nil {
		return after, err
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE backfill`); err != nil {
		return after, err
	}
	return more, tx.Commit()
}

// Comments reads one page of comments and their count.
func (db *DB) Comments(ctx context.Context, f CommentFilter) (CommentPage, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: read comments: %w", err))
	}
	defer tx.Rollback()
	var indexed int64 // the comments up to this id are in the index
	if err := tx.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM desk_state WHERE key = 'fts'`).Scan(&indexed); err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: read comments: %w", err))
	}
	arg, args := placeholders(false)
	where := commentSQL(f, arg, func(term string) string {
		if shortTerm(term) {
			return "instr(c.folded, " + arg(term) + ") > 0"
		}
		return "(c.id <= " + arg(indexed) + " AND c.id IN (SELECT rowid FROM comment_fts WHERE comment_fts MATCH " + arg(ftsPhrase(term)) + ")" +
			" OR c.id > " + arg(indexed) + " AND instr(c.folded, " + arg(term) + ") > 0)"
	})
	var page CommentPage
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM comment_search c WHERE `+where, *args...).Scan(&page.Total); err != nil {
		return CommentPage{}, translate(fmt.Errorf("store: count comments: %w", err))
	}
	query := commentPageSQL(where, arg, f)
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

// DeclareThemes adds the declared themes the store does not have.
func (db *DB) DeclareThemes(ctx context.Context, themes []forms.Theme) error {
	for _, t := range themes {
		if _, err := db.write.ExecContext(ctx, `INSERT OR IGNORE INTO themes (id, label, label_key, created_at) VALUES (?, ?, ?, ?)`,
			t.ID, t.Label, forms.Fold(t.Label), db.now().UnixMilli()); err != nil {
			return translate(fmt.Errorf("store: declare themes: %w", err))
		}
	}
	return nil
}

// inWriteTx runs fn in a transaction on the writing connection.
func (db *DB) inWriteTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("store: %s: %w", what, err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		var fe *forms.Error
		if errors.As(err, &fe) {
			return err
		}
		return translate(fmt.Errorf("store: %s: %w", what, err))
	}
	if err := tx.Commit(); err != nil {
		return translate(fmt.Errorf("store: %s: %w", what, err))
	}
	return nil
}

// labelTaken reports whether a live theme other than except has label.
func labelTaken(ctx context.Context, tx *sql.Tx, label, except string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM themes WHERE merged_into IS NULL AND label_key = ? AND id <> ?`, forms.Fold(label), except).Scan(&n)
	return n > 0, err
}

// AddTheme makes a theme.
func (db *DB) AddTheme(ctx context.Context, label string) (forms.Theme, error) {
	label, err := themeInput(label)
	if err != nil {
		return forms.Theme{}, err
	}
	var t forms.Theme
	err = db.inWriteTx(ctx, "add theme", func(tx *sql.Tx) error {
		if taken, err := labelTaken(ctx, tx, label, ""); err != nil || taken {
			if err == nil {
				err = errThemeTaken
			}
			return err
		}
		var qerr error
		id := forms.UniqueThemeID(forms.ThemeID(label), func(id string) bool {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM themes WHERE id = ?`, id).Scan(&n); err != nil {
				qerr = err
			}
			return n > 0
		})
		if qerr != nil {
			return qerr
		}
		t = forms.Theme{ID: id, Label: label}
		_, err := tx.ExecContext(ctx, `INSERT INTO themes (id, label, label_key, created_at) VALUES (?, ?, ?, ?)`, id, label, forms.Fold(label), db.now().UnixMilli())
		return err
	})
	return t, err
}

// RenameTheme relabels a live theme.
func (db *DB) RenameTheme(ctx context.Context, id, label string) error {
	label, err := themeInput(label)
	if err != nil {
		return err
	}
	return db.inWriteTx(ctx, "rename theme", func(tx *sql.Tx) error {
		if taken, err := labelTaken(ctx, tx, label, id); err != nil || taken {
			if err == nil {
				err = errThemeTaken
			}
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE themes SET label = ?, label_key = ? WHERE id = ? AND merged_into IS NULL`, label, forms.Fold(label), id)
		return oneRow(res, err, errNoTheme)
	})
}

// oneRow turns a statement that changed no row into notFound.
func oneRow(res sql.Result, err error, notFound error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// MergeTheme moves theme id's comments to into and retires id.
func (db *DB) MergeTheme(ctx context.Context, id, into string) error {
	if id == into {
		return errSelfMerge
	}
	return db.inWriteTx(ctx, "merge theme", func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM themes WHERE id IN (?, ?) AND merged_into IS NULL`, id, into).Scan(&n); err != nil {
			return err
		}
		if n != 2 {
			return errNoTheme
		}
		for _, q := range []string{
			`UPDATE themes SET merged_into = ?2 WHERE id = ?1 OR merged_into = ?1`,
			`INSERT OR IGNORE INTO comment_themes (response_id, question, theme, tagged_at) SELECT response_id, question, ?2, tagged_at FROM comment_themes WHERE theme = ?1`,
			`DELETE FROM comment_themes WHERE theme = ?1`,
		} {
			if _, err := tx.ExecContext(ctx, q, id, into); err != nil {
				return err
			}
		}
		return nil
	})
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
