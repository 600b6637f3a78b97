package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"feedback/forms"
)

// The SQLite store's themes (desk.go): declared, added, renamed, merged.

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
