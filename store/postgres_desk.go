package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"feedback/forms"
)

// The PostgreSQL store's desk (desk.go), with the SQLite store's rules.

var _ Desk = (*Postgres)(nil)

// inTx runs fn in a transaction.
func (p *Postgres) inTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	if err := p.checkOpen(); err != nil {
		return err
	}
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return translatePG(fmt.Errorf("store: %s: %w", what, err))
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		var fe *forms.Error
		if errors.As(err, &fe) {
			return err
		}
		return translatePG(fmt.Errorf("store: %s: %w", what, err))
	}
	if err := tx.Commit(ctx); err != nil {
		return translatePG(fmt.Errorf("store: %s: %w", what, err))
	}
	return nil
}

// Counts reads the kept counts.
func (p *Postgres) Counts(ctx context.Context) (*Counts, error) {
	if err := p.upToDate(ctx); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `SELECT workshop, question, kind, value, n FROM `+pgTallies+` t WHERE n <> 0`)
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanTallies, translatePG, "read counts")
}

// pgApplyTallies adds a transaction's delta to the kept counts.
func pgApplyTallies(ctx context.Context, tx pgx.Tx, d tallyDelta) error {
	keys := d.sorted()
	if len(keys) == 0 {
		return nil
	}
	var (
		workshop, question, kind []string
		value                    []int32
		n                        []int64
	)
	for _, k := range keys {
		workshop, question, kind = append(workshop, k.workshop), append(question, k.question), append(kind, k.kind)
		value, n = append(value, int32(k.value)), append(n, int64(d[k]))
	}
	_, err := tx.Exec(ctx, `INSERT INTO tally_deltas (workshop, question, kind, value, n)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[])`,
		workshop, question, kind, value, n)
	if err != nil {
		return fmt.Errorf("update counts: %w", err)
	}
	return nil
}

// pgReplaceSearch rewrites the search rows of a changed response.
func pgReplaceSearch(ctx context.Context, tx pgx.Tx, rowID int64, workshop, lang string, cols answerColumns) error {
	if _, err := tx.Exec(ctx, `DELETE FROM comment_search WHERE response_id = $1`, rowID); err != nil {
		return fmt.Errorf("index comments: %w", err)
	}
	for i, q := range cols.question {
		if cols.folded[i] == nil {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO comment_search (response_id, question, workshop, lang, folded) VALUES ($1, $2, $3, $4, $5)`,
			rowID, q, workshop, lang, *cols.folded[i]); err != nil {
			return fmt.Errorf("index comments: %w", err)
		}
	}
	return nil
}

// Comments reads one page of comments and their count.
func (p *Postgres) Comments(ctx context.Context, f CommentFilter) (CommentPage, error) {
	if err := p.upToDate(ctx); err != nil {
		return CommentPage{}, err
	}
	var page CommentPage
	err := p.inTx(ctx, "read comments", func(tx pgx.Tx) error {
		arg, args := placeholders(true)
		where := commentSQL(f, arg, func(term string) string { return "strpos(c.folded, " + arg(term) + ") > 0" })
		count, countArgs := `SELECT count(*) FROM comment_search c WHERE `+where, *args
		if countFromTallies(f) {
			count, countArgs = talliedPG, []any{f.Workshop, f.Question, f.Theme == ThemeNone}
		}
		if err := tx.QueryRow(ctx, count, countArgs...).Scan(&page.Total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, commentPageSQL(where, f), *args...)
		if err != nil {
			return err
		}
		var rowIDs []int64
		for rows.Next() {
			var (
				c     Comment
				rowID int64
			)
			if err := rows.Scan(&rowID, &c.ResponseID, &c.Question, &c.Workshop, &c.Lang, &c.SubmittedAt, &c.Text, &c.Translation, &c.Starred); err != nil {
				rows.Close()
				return err
			}
			c.SubmittedAt = c.SubmittedAt.UTC()
			page.Comments = append(page.Comments, c)
			rowIDs = append(rowIDs, rowID)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(rowIDs) == 0 {
			return err
		}
		trows, err := tx.Query(ctx, `SELECT t.response_id, t.question, t.theme FROM comment_themes t JOIN themes th ON th.id = t.theme
			WHERE t.response_id = ANY ($1) ORDER BY th.seq`, rowIDs)
		if err != nil {
			return err
		}
		defer trows.Close()
		return attachThemeRows(page.Comments, rowIDs, trows)
	})
	return page, err
}

// Codings reads every coded or translated comment's themes and translation.
func (p *Postgres) Codings(ctx context.Context) (map[CommentKey]Coding, error) {
	if err := p.upToDate(ctx); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, strings.ReplaceAll(codingsSQL, "th.rowid", "th.seq"))
	if err == nil {
		defer rows.Close()
	}
	return readRows(rows, err, scanCodings, translatePG, "read codings")
}

// Themes reads the live themes and their counts.
func (p *Postgres) Themes(ctx context.Context) ([]ThemeCount, error) {
	if err := p.upToDate(ctx); err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `SELECT id, label FROM themes WHERE merged_into IS NULL ORDER BY seq`)
	if err == nil {
		defer rows.Close()
	}
	themes, err := readRows(rows, err, scanThemeRows, translatePG, "read themes")
	if err != nil {
		return nil, err
	}
	crows, err := p.pool.Query(ctx, themeCountsSQL)
	if err != nil {
		return nil, translatePG(fmt.Errorf("store: count themes: %w", err))
	}
	defer crows.Close()
	if err := addThemeCounts(themes, crows); err != nil {
		return nil, translatePG(fmt.Errorf("store: count themes: %w", err))
	}
	return themes, nil
}

// pgCommentRow finds a comment's response row id (errNoComment if none).
func pgCommentRow(ctx context.Context, tx pgx.Tx, responseID, question string) (int64, error) {
	var rowID int64
	err := tx.QueryRow(ctx, `SELECT c.response_id FROM comment_search c JOIN responses r ON r.id = c.response_id WHERE r.public_id = $1 AND c.question = $2`,
		responseID, question).Scan(&rowID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, errNoComment
	}
	return rowID, err
}

// TagComment codes a comment with a theme, or takes the theme off.
func (p *Postgres) TagComment(ctx context.Context, responseID, question, theme string, on bool) error {
	if err := p.upToDate(ctx); err != nil {
		return err
	}
	return p.inTx(ctx, "tag comment", func(tx pgx.Tx) error {
		rowID, err := pgCommentRow(ctx, tx, responseID, question)
		if err != nil {
			return err
		}
		var live string
		// FOR SHARE: a merge of this theme waits for the tag, or the tag
		// for the merge, so that no tag lands on a retired theme.
		err = tx.QueryRow(ctx, `SELECT coalesce(merged_into, id) FROM themes WHERE id = $1 FOR SHARE`, theme).Scan(&live)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoTheme
		} else if err != nil {
			return err
		}
		if !on {
			_, err = tx.Exec(ctx, `DELETE FROM comment_themes WHERE response_id = $1 AND question = $2 AND theme = $3`, rowID, question, live)
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO comment_themes (response_id, question, theme, tagged_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`,
			rowID, question, live)
		return err
	})
}

// SetTranslation keeps or removes a comment's translation.
func (p *Postgres) SetTranslation(ctx context.Context, responseID, question, text string) error {
	text, err := translationInput(text)
	if err != nil {
		return err
	}
	if err := p.upToDate(ctx); err != nil {
		return err
	}
	return p.inTx(ctx, "set translation", func(tx pgx.Tx) error {
		rowID, err := pgCommentRow(ctx, tx, responseID, question)
		if err != nil {
			return err
		}
		if text == "" {
			_, err = tx.Exec(ctx, `DELETE FROM translations WHERE response_id = $1 AND question = $2`, rowID, question)
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO translations (response_id, question, text, updated_at) VALUES ($1, $2, $3, now())
			ON CONFLICT (response_id, question) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
			rowID, question, text)
		return err
	})
}
