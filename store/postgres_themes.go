package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"feedback/forms"
)

// The PostgreSQL store's themes (desk.go), with the SQLite store's rules.

// DeclareThemes adds the declared themes the store does not have.
func (p *Postgres) DeclareThemes(ctx context.Context, themes []forms.Theme) error {
	return p.inTx(ctx, "declare themes", func(tx pgx.Tx) error {
		for _, t := range themes {
			if _, err := tx.Exec(ctx, `INSERT INTO themes (id, label, label_key, created_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`,
				t.ID, t.Label, forms.Fold(t.Label)); err != nil {
				return err
			}
		}
		return nil
	})
}

// lockThemes makes theme changes take turns across replicas: an id or a
// label is checked and taken in one turn.
func lockThemes(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('feedback themes ' || current_schema()))`)
	return err
}

func pgLabelTaken(ctx context.Context, tx pgx.Tx, label, except string) error {
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM themes WHERE merged_into IS NULL AND label_key = $1 AND id <> $2)`,
		forms.Fold(label), except).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return errThemeTaken
	}
	return nil
}

// AddTheme makes a theme.
func (p *Postgres) AddTheme(ctx context.Context, label string) (forms.Theme, error) {
	label, err := themeInput(label)
	if err != nil {
		return forms.Theme{}, err
	}
	var t forms.Theme
	err = p.inTx(ctx, "add theme", func(tx pgx.Tx) error {
		if err := lockThemes(ctx, tx); err != nil {
			return err
		}
		if err := pgLabelTaken(ctx, tx, label, ""); err != nil {
			return err
		}
		var qerr error
		id := forms.UniqueThemeID(forms.ThemeID(label), func(id string) bool {
			var taken bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM themes WHERE id = $1)`, id).Scan(&taken); err != nil {
				qerr = err
			}
			return taken
		})
		if qerr != nil {
			return qerr
		}
		t = forms.Theme{ID: id, Label: label}
		_, err := tx.Exec(ctx, `INSERT INTO themes (id, label, label_key, created_at) VALUES ($1, $2, $3, now())`, id, label, forms.Fold(label))
		return err
	})
	return t, err
}

// RenameTheme relabels a live theme.
func (p *Postgres) RenameTheme(ctx context.Context, id, label string) error {
	label, err := themeInput(label)
	if err != nil {
		return err
	}
	return p.inTx(ctx, "rename theme", func(tx pgx.Tx) error {
		if err := lockThemes(ctx, tx); err != nil {
			return err
		}
		if err := pgLabelTaken(ctx, tx, label, id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE themes SET label = $1, label_key = $2 WHERE id = $3 AND merged_into IS NULL`, label, forms.Fold(label), id)
		if err == nil && tag.RowsAffected() == 0 {
			return errNoTheme
		}
		return err
	})
}

// MergeTheme moves theme id's comments to into and retires id.
func (p *Postgres) MergeTheme(ctx context.Context, id, into string) error {
	if id == into {
		return errSelfMerge
	}
	return p.inTx(ctx, "merge theme", func(tx pgx.Tx) error {
		if err := lockThemes(ctx, tx); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM themes WHERE id IN ($1, $2) AND merged_into IS NULL`, id, into).Scan(&n); err != nil {
			return err
		}
		if n != 2 {
			return errNoTheme
		}
		// Retired first: the row lock waits for a tag of it being made
		// (TagComment's FOR SHARE), and the move below then sees the tag.
		if _, err := tx.Exec(ctx, `UPDATE themes SET merged_into = $2 WHERE id = $1 OR merged_into = $1`, id, into); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO comment_themes (response_id, question, theme, tagged_at)
			SELECT response_id, question, $2, tagged_at FROM comment_themes WHERE theme = $1 ON CONFLICT DO NOTHING`, id, into); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM comment_themes WHERE theme = $1`, id)
		return err
	})
}
