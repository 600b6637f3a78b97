package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"feedback/forms"
)

// The rapporteur's desk (issue 14): kept counts for a dashboard that does not
// scan every response, every comment searchable and filterable, themes to
// code comments with, and translations. Both stores keep them in tables of
// their own (migrations 0010_desk.sql), so replicas share them, and take a
// stored response into them after, in sets, off the path that stores it
// (sqlite_desk_update.go, postgres_take_in.go).

// Desk is the part of Store that serves the rapporteur's desk.
type Desk interface {
	// Counts returns the kept counts: responses, each number answered and
	// the comments, per workshop and question. The store keeps them as
	// responses are stored, changed or removed (SQLite's writer takes new
	// ones in, in sets, and a read first has it finish), so reading them
	// costs the same at ten responses or a million.
	Counts(ctx context.Context) (*Counts, error)
	// Comments returns one page of the comments f selects, newest first,
	// and how many it selects in all.
	Comments(ctx context.Context, f CommentFilter) (CommentPage, error)
	// Codings returns the themes and translation of every comment that has
	// any, for the workbook.
	Codings(ctx context.Context) (map[CommentKey]Coding, error)
	// Themes returns the live themes (not merged into another), in the
	// order they were made, with the comments coded with each.
	Themes(ctx context.Context) ([]ThemeCount, error)
	// DeclareThemes adds the forms file's themes that the store does not
	// have yet: it never renames one, and a merged one stays merged.
	DeclareThemes(ctx context.Context, themes []forms.Theme) error
	// AddTheme makes a theme with label, and an id from it (EINVALID for a
	// label that is not one, ECONFLICT when a theme has that label).
	AddTheme(ctx context.Context, label string) (forms.Theme, error)
	// RenameTheme gives theme id a new label (ENOTFOUND, EINVALID,
	// ECONFLICT as above).
	RenameTheme(ctx context.Context, id, label string) error
	// MergeTheme moves every comment of theme id to theme into and retires
	// id: a tag for id made afterwards lands on into.
	MergeTheme(ctx context.Context, id, into string) error
	// TagComment codes a comment with a theme (on) or takes it off
	// (ENOTFOUND when the comment or the theme does not exist).
	TagComment(ctx context.Context, responseID, question, theme string, on bool) error
	// SetTranslation keeps a colleague's rendering of a comment; an empty
	// text removes it (ENOTFOUND when the comment does not exist, EINVALID
	// when the text is too long).
	SetTranslation(ctx context.Context, responseID, question, text string) error
}

// MaxTranslation is the longest translation kept, in characters.
const MaxTranslation = 4000

// CommentsPerPage is how many comments one page of Comments holds unless the
// filter says otherwise.
const CommentsPerPage = 50

// Counts are the kept counts, by workshop slug and then question id.
type Counts struct {
	Responses map[string]int
	// Scores counts each number given: workshop → question → number → n.
	Scores map[string]map[string]map[int]int
	// Texts counts the non-empty text answers.
	Texts map[string]map[string]int
}

// CommentKey names a comment: the text answer to one question of one
// response (by its public id).
type CommentKey struct {
	ResponseID string
	Question   string
}

// Coding is what the rapporteur added to a comment.
type Coding struct {
	// Themes are theme ids, in the order the themes were made.
	Themes      []string
	Translation string
}

// ThemeCount is a theme with the comments coded with it.
type ThemeCount struct {
	forms.Theme
	Comments int
	// Workshops counts them by workshop slug.
	Workshops map[string]int
}

// ThemeNone as CommentFilter.Theme selects the comments not yet coded.
const ThemeNone = "none"

// CommentFilter selects comments; the zero value selects all, first page.
type CommentFilter struct {
	Workshop, Question, Lang string
	// Theme is a theme id, or ThemeNone.
	Theme   string
	Starred bool
	// Query is searched for in the comments' text: every word of it must
	// be there, in any case and with or without accents (forms.Fold).
	Query string
	// Offset and Limit page the result (Limit 0: CommentsPerPage).
	Offset, Limit int
}

// Comment is one comment as the desk shows it.
type Comment struct {
	CommentKey
	Workshop, Lang string
	SubmittedAt    time.Time
	Text           string
	Translation    string
	Themes         []string
	Starred        bool
}

// CommentPage is a page of comments and how many the filter selects.
type CommentPage struct {
	Comments []Comment
	Total    int
}

// searchTerms splits a query into folded words; at most eight are used.
func searchTerms(q string) []string {
	terms := strings.Fields(forms.Fold(q))
	if len(terms) > 8 {
		terms = terms[:8]
	}
	return terms
}

// commentSQL builds the WHERE clause of a comment query over comment_search
// c. arg adds an argument and returns its placeholder; search returns the
// condition that finds one folded term.
func commentSQL(f CommentFilter, arg func(any) string, search func(term string) string) string {
	conds := []string{"1 = 1"}
	for _, eq := range []struct{ col, v string }{{"c.workshop", f.Workshop}, {"c.question", f.Question}, {"c.lang", f.Lang}} {
		if eq.v != "" {
			conds = append(conds, eq.col+" = "+arg(eq.v))
		}
	}
	// Themes and stars are few beside the comments: the filters are driven
	// from them, so that a page of starred quotes does not look at every
	// comment.
	const tagged = `SELECT t.response_id, t.question FROM comment_themes t`
	switch f.Theme {
	case "":
	case ThemeNone:
		conds = append(conds, "(c.response_id, c.question) NOT IN ("+tagged+")")
	default:
		conds = append(conds, "(c.response_id, c.question) IN ("+tagged+" WHERE t.theme = "+arg(f.Theme)+")")
	}
	if f.Starred {
		conds = append(conds, `(c.response_id, c.question) IN (SELECT s.response_id, s.question FROM starred s)`)
	}
	for _, term := range searchTerms(f.Query) {
		conds = append(conds, search(term))
	}
	return strings.Join(conds, " AND ")
}

// countFromTallies says whether the kept counts give f's total: a filter
// by workshop or question alone, or none (the kept counts' comments are the
// search rows' own, taken in together), or those and not yet coded (the
// coded ones taken off: they are few).
func countFromTallies(f CommentFilter) bool {
	return f.Lang == "" && (f.Theme == "" || f.Theme == ThemeNone) && !f.Starred && strings.TrimSpace(f.Query) == ""
}

// talliedSQL and talliedPG are that total, given the workshop, the
// question ("" for any) and whether only comments not yet coded count.
const (
	talliedSQL = `SELECT coalesce((SELECT sum(n) FROM tallies WHERE kind = 't' AND (?1 = '' OR workshop = ?1) AND (?2 = '' OR question = ?2)), 0)
		- CASE WHEN ?3 THEN (SELECT count(*) FROM (SELECT DISTINCT t.response_id, t.question FROM comment_themes t
		      JOIN comment_search c ON c.response_id = t.response_id AND c.question = t.question
		      WHERE (?1 = '' OR c.workshop = ?1) AND (?2 = '' OR c.question = ?2))) ELSE 0 END`
	talliedPG = `SELECT coalesce((SELECT sum(n) FROM ` + pgTallies + ` t WHERE kind = 't' AND ($1 = '' OR workshop = $1) AND ($2 = '' OR question = $2)), 0)
		- CASE WHEN $3 THEN (SELECT count(*) FROM (SELECT DISTINCT t.response_id, t.question FROM comment_themes t
		      JOIN comment_search c ON c.response_id = t.response_id AND c.question = t.question
		      WHERE ($1 = '' OR c.workshop = $1) AND ($2 = '' OR c.question = $2)) coded) ELSE 0 END`
)

// commentPageSQL is the page query around a WHERE clause.
func commentPageSQL(where string, f CommentFilter) string {
	limit := f.Limit
	if limit <= 0 {
		limit = CommentsPerPage
	}
	// The page is chosen from comment_search alone, in its index's order,
	// and only its rows are joined: joined first, a planner may read every
	// answer to sort them. The order is the unique index's, backwards, and the
	// limit is written in, not bound: otherwise SQLite may plan to sort every
	// comment (a second at a million responses).
	return `SELECT p.response_id, r.public_id, p.question, p.workshop, p.lang, r.submitted_at, a.text,
	               coalesce(tr.text, ''),
	               EXISTS (SELECT 1 FROM starred s WHERE s.response_id = p.response_id AND s.question = p.question)
	        FROM (SELECT c.response_id, c.question, c.workshop, c.lang FROM comment_search c
	              WHERE ` + where + `
	              ORDER BY c.response_id DESC, c.question DESC
	              LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(max(f.Offset, 0)) + `) p
	        JOIN responses r ON r.id = p.response_id
	        JOIN answers a ON a.response_id = p.response_id AND a.question = p.question AND a.text IS NOT NULL
	        LEFT JOIN translations tr ON tr.response_id = p.response_id AND tr.question = p.question
	        ORDER BY p.response_id DESC, p.question DESC`
}

// placeholders makes arg functions for commentSQL: SQLite's ? or
// PostgreSQL's $n.
func placeholders(numbered bool) (arg func(any) string, args *[]any) {
	args = &[]any{}
	return func(v any) string {
		*args = append(*args, v)
		if numbered {
			return "$" + strconv.Itoa(len(*args))
		}
		return "?"
	}, args
}

// ftsPhrase quotes a term as an FTS5 string.
func ftsPhrase(term string) string { return `"` + strings.ReplaceAll(term, `"`, `""`) + `"` }

// trigramMin is the shortest term the trigram index can find; shorter ones
// (two Chinese characters make a word) are looked for in the folded text.
const trigramMin = 3

func shortTerm(term string) bool { return utf8.RuneCountInString(term) < trigramMin }

// themeInput checks a label for AddTheme and RenameTheme.
func themeInput(label string) (string, error) {
	l, ok := forms.CleanThemeLabel(label)
	if !ok {
		return "", &forms.Error{Code: forms.EINVALID, Message: fmt.Sprintf("a theme needs a label of 1 to %d characters", forms.MaxThemeLabel)}
	}
	return l, nil
}

// translationInput checks a translation's text.
func translationInput(text string) (string, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxTranslation || !utf8.ValidString(text) {
		return "", &forms.Error{Code: forms.EINVALID, Message: fmt.Sprintf("a translation may have at most %d characters", MaxTranslation)}
	}
	return text, nil
}

var (
	errNoComment  = &forms.Error{Code: forms.ENOTFOUND, Message: "no such comment"}
	errNoTheme    = &forms.Error{Code: forms.ENOTFOUND, Message: "no such theme"}
	errThemeTaken = &forms.Error{Code: forms.ECONFLICT, Message: "a theme has that label already"}
	errSelfMerge  = &forms.Error{Code: forms.EINVALID, Message: "a theme cannot be merged into itself"}
)

// tallyKey is one kept count.
type tallyKey struct {
	workshop, question, kind string
	value                    int
}

// tallyDelta is what a transaction adds to the kept counts.
type tallyDelta map[tallyKey]int

// response counts (sign 1) or takes off (-1) one response with answers.
func (d tallyDelta) response(workshop string, answers forms.Answers, sign int) {
	d[tallyKey{workshop: workshop, kind: "r"}] += sign
	d.answers(workshop, answers, sign)
}

// answers counts or takes off answers, as the stores write them: a number
// unless the answer has choices (one row each) or a text.
func (d tallyDelta) answers(workshop string, answers forms.Answers, sign int) {
	for q, a := range answers {
		switch {
		case len(a.Choices) > 0:
			d[tallyKey{workshop, q, "o", 0}] += sign * len(a.Choices)
		case a.Text != "":
			d[tallyKey{workshop, q, "t", 0}] += sign
		default:
			d[tallyKey{workshop, q, "n", a.Number}] += sign
		}
	}
}

// sorted returns the keys whose count changes, in a fixed order, so that
// the same delta always makes the same statement.
func (d tallyDelta) sorted() []tallyKey {
	keys := make([]tallyKey, 0, len(d))
	for k, n := range d {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.workshop != b.workshop {
			return a.workshop < b.workshop
		}
		if a.question != b.question {
			return a.question < b.question
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.value < b.value
	})
	return keys
}

// answeredSQL is AnsweredQuestions from the kept counts: (workshop,
// question, has options, has texts) of every question with stored answers.
const answeredSQL = `SELECT workshop, question, max(kind = 'o'), max(kind = 't') FROM tallies
	WHERE kind <> 'r' AND n > 0 GROUP BY workshop, question`

// scanTallies reads (workshop, question, kind, value, n) rows; the options'
// counts ('o') are AnsweredQuestions', not the figures'.
func scanTallies(rows rowsOf) (*Counts, error) {
	c := &Counts{Responses: map[string]int{}, Scores: map[string]map[string]map[int]int{}, Texts: map[string]map[string]int{}}
	for rows.Next() {
		var (
			k tallyKey
			n int64
		)
		if err := rows.Scan(&k.workshop, &k.question, &k.kind, &k.value, &n); err != nil {
			return nil, err
		}
		switch k.kind {
		case "r":
			c.Responses[k.workshop] += int(n)
		case "t":
			if c.Texts[k.workshop] == nil {
				c.Texts[k.workshop] = map[string]int{}
			}
			c.Texts[k.workshop][k.question] += int(n)
		case "n":
			qs := c.Scores[k.workshop]
			if qs == nil {
				qs = map[string]map[int]int{}
				c.Scores[k.workshop] = qs
			}
			if qs[k.question] == nil {
				qs[k.question] = map[int]int{}
			}
			qs[k.question][k.value] += int(n)
		}
	}
	return c, rows.Err()
}
