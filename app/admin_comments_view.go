package main

import (
	"context"
	"fmt"
	"time"

	"feedback/forms"
	"feedback/store"
)

// What the comments page shows, built from the store's page of comments and
// the forms file's names for workshops, questions and languages.

type commentsView struct {
	CSRF string
	commentsState
	Query commentsQuery
	// Here is this page's URL, the back field of every form on it.
	Here string
	// Notes say which filters in the URL were not understood and dropped.
	Notes                           []string
	Workshops, Questions, Languages []option
	Themes                          []themeView
	Uncoded                         string
	UncodedHref                     string
	Total                           int
	Showing                         string
	Comments                        []deskComment
	Pages                           []pageLink
	Prev, Next                      string
	Filtered                        bool
}

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

// themeView is a theme in the themes panel and the filter.
type themeView struct {
	ID, Label, Count string
	Href             string
	Selected         bool
	// Others are the themes it can be merged into.
	Others []option
}

// deskComment is one comment on the page.
type deskComment struct {
	CSRF, Anchor, Back     string
	ResponseID, Question   string
	Workshop, QuestionText string
	Lang, LangName, Dir    string
	At, ISO                string
	Text, Translation      string
	Starred                bool
	Themes                 []commentTheme
}

// commentTheme is one theme's toggle on a comment.
type commentTheme struct {
	ID, Label string
	On        bool
}

// pageLink is one link of the pager; Gap stands for the pages left out.
type pageLink struct {
	Number       int
	Href         string
	Current, Gap bool
}

// commentsPage reads one page of the comments q selects, and the themes.
func (s *server) commentsPage(ctx context.Context, q commentsQuery) (*commentsView, error) {
	themes, err := s.db.Themes(ctx)
	if err != nil {
		return nil, fmt.Errorf("app: comments page: %w", err)
	}
	v := &commentsView{}
	q = s.knownFilters(q, themes, v)
	f := store.CommentFilter{Workshop: q.Workshop, Question: q.Question, Lang: q.Lang, Theme: q.Theme, Starred: q.Starred, Query: q.Q,
		Offset: (q.Page - 1) * store.CommentsPerPage, Limit: store.CommentsPerPage}
	page, err := s.db.Comments(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("app: comments page: %w", err)
	}
	if last := (page.Total + store.CommentsPerPage - 1) / store.CommentsPerPage; page.Total > 0 && q.Page > last {
		// Past the end (the last comment of a page untagged): the last page.
		q.Page, f.Offset = last, (last-1)*store.CommentsPerPage
		if page, err = s.db.Comments(ctx, f); err != nil {
			return nil, fmt.Errorf("app: comments page: %w", err)
		}
	}
	uncoded, err := s.db.Comments(ctx, store.CommentFilter{Theme: store.ThemeNone, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("app: comments page: %w", err)
	}
	v.Query, v.Here, v.Filtered, v.Total = q, q.url(q.Page), q.filtered(), page.Total
	v.Uncoded, v.UncodedHref = thousands(uncoded.Total), commentsQuery{Theme: store.ThemeNone}.url(1)
	s.filterOptions(v, q)
	v.Themes = themeViews(themes, q.Theme)
	for _, cm := range page.Comments {
		v.Comments = append(v.Comments, s.deskCommentOf(cm, themes, v.Here))
	}
	v.Showing = showing(q.Page, len(page.Comments), page.Total)
	v.Pages, v.Prev, v.Next = pager(q, page.Total)
	return v, nil
}

// knownFilters drops the filters that name nothing the forms file or the
// store has, noting each, so the page never pretends to filter by them.
func (s *server) knownFilters(q commentsQuery, themes []store.ThemeCount, v *commentsView) commentsQuery {
	if q.Workshop != "" && s.forms.Workshop(q.Workshop) == nil {
		v.Notes = append(v.Notes, fmt.Sprintf("There is no workshop %q: showing every workshop.", q.Workshop))
		q.Workshop = ""
	}
	if q.Question != "" && s.textQuestion(q.Question) == nil {
		v.Notes = append(v.Notes, fmt.Sprintf("There is no text question %q: showing every question.", q.Question))
		q.Question = ""
	}
	known := false
	for _, l := range s.forms.Languages {
		known = known || l == q.Lang
	}
	if q.Lang != "" && !known {
		v.Notes = append(v.Notes, fmt.Sprintf("The forms are not in %q: showing every language.", q.Lang))
		q.Lang = ""
	}
	known = q.Theme == "" || q.Theme == store.ThemeNone
	for _, t := range themes {
		known = known || t.ID == q.Theme
	}
	if !known {
		v.Notes = append(v.Notes, fmt.Sprintf("There is no theme %q (it may have been merged into another): showing every theme.", q.Theme))
		q.Theme = ""
	}
	return q
}

// textQuestion is the first text question with id in the forms file, and
// the workshop's questions around it (for its label).
func (s *server) textQuestion(id string) *forms.Question {
	for _, w := range s.forms.Workshops {
		if q := w.Question(id); q != nil && q.Type == forms.FreeText {
			return q
		}
	}
	return nil
}

// commentQuestion names a comment's question as the workbook does.
func (s *server) commentQuestion(workshop, id string) string {
	w := s.forms.Workshop(workshop)
	if w == nil || w.Question(id) == nil {
		for _, w := range s.forms.Workshops {
			if q := w.Question(id); q != nil {
				return forms.CommentLabel(w.Questions, q, forms.DefaultLanguage)
			}
		}
		return id
	}
	return forms.CommentLabel(w.Questions, w.Question(id), forms.DefaultLanguage)
}

// languageName is a language's name in English, for the rapporteur.
func (s *server) languageName(lang string) string {
	if n := forms.EnglishName(lang); n != "" {
		return n
	}
	return s.text.Name(lang)
}

// filterOptions fills the selects of the filter form.
func (s *server) filterOptions(v *commentsView, q commentsQuery) {
	v.Workshops = []option{{Value: "", Label: "Every workshop"}}
	for _, w := range s.forms.Workshops {
		v.Workshops = append(v.Workshops, option{Value: w.Slug, Label: w.Title.Get(forms.DefaultLanguage), Selected: w.Slug == q.Workshop})
	}
	v.Questions = []option{{Value: "", Label: "Every question"}}
	seen := map[string]bool{}
	for _, w := range s.forms.Workshops {
		for _, qu := range w.Questions {
			if qu.Type != forms.FreeText || seen[qu.ID] {
				continue
			}
			seen[qu.ID] = true
			v.Questions = append(v.Questions, option{Value: qu.ID, Label: forms.CommentLabel(w.Questions, qu, forms.DefaultLanguage), Selected: qu.ID == q.Question})
		}
	}
	v.Languages = []option{{Value: "", Label: "Every language"}}
	for _, l := range s.forms.Languages {
		v.Languages = append(v.Languages, option{Value: l, Label: s.languageName(l), Selected: l == q.Lang})
	}
}

// themeViews are the themes for the panel and the filter, with the ones
// each can be merged into.
func themeViews(themes []store.ThemeCount, selected string) []themeView {
	out := make([]themeView, 0, len(themes))
	for _, t := range themes {
		tv := themeView{ID: t.ID, Label: t.Label, Count: thousands(t.Comments), Href: commentsQuery{Theme: t.ID}.url(1), Selected: t.ID == selected}
		for _, o := range themes {
			if o.ID != t.ID {
				tv.Others = append(tv.Others, option{Value: o.ID, Label: o.Label})
			}
		}
		out = append(out, tv)
	}
	return out
}

// deskCommentOf lays out one comment, with a toggle for every theme.
func (s *server) deskCommentOf(cm store.Comment, themes []store.ThemeCount, here string) deskComment {
	dc := deskComment{
		Anchor: commentAnchor(cm.ResponseID, cm.Question), ResponseID: cm.ResponseID, Question: cm.Question,
		Workshop: cm.Workshop, QuestionText: s.commentQuestion(cm.Workshop, cm.Question),
		Lang: cm.Lang, LangName: s.languageName(cm.Lang), Dir: s.text.Dir(cm.Lang),
		At: dashboardTime(s.forms.Location, cm.SubmittedAt, "2006-01-02 15:04"), ISO: cm.SubmittedAt.UTC().Format(time.RFC3339),
		Text: cm.Text, Translation: cm.Translation, Starred: cm.Starred,
	}
	dc.Back = here + "#" + dc.Anchor
	if w := s.forms.Workshop(cm.Workshop); w != nil {
		dc.Workshop = w.Title.Get(forms.DefaultLanguage)
	}
	on := map[string]bool{}
	for _, id := range cm.Themes {
		on[id] = true
	}
	for _, t := range themes {
		dc.Themes = append(dc.Themes, commentTheme{ID: t.ID, Label: t.Label, On: on[t.ID]})
	}
	return dc
}

// showing says which comments the page shows: "Showing 51–100 of 1,234
// comments".
func showing(page, n, total int) string {
	switch {
	case total == 0:
		return ""
	case total == 1:
		return "Showing the only comment."
	case n == 1:
		return fmt.Sprintf("Showing comment %s of %s.", thousands((page-1)*store.CommentsPerPage+1), thousands(total))
	}
	from := (page-1)*store.CommentsPerPage + 1
	return fmt.Sprintf("Showing %s–%s of %s comments.", thousands(from), thousands(from+n-1), thousands(total))
}

// pager links every page near the current one, the first and the last,
// with the filters kept.
func pager(q commentsQuery, total int) (links []pageLink, prev, next string) {
	last := (total + store.CommentsPerPage - 1) / store.CommentsPerPage
	if last <= 1 {
		return nil, "", ""
	}
	if q.Page > 1 {
		prev = q.url(q.Page - 1)
	}
	if q.Page < last {
		next = q.url(q.Page + 1)
	}
	for n := 1; n <= last; n++ {
		switch {
		case n == 1 || n == last || n >= q.Page-2 && n <= q.Page+2:
			links = append(links, pageLink{Number: n, Href: q.url(n), Current: n == q.Page})
		case len(links) > 0 && !links[len(links)-1].Gap:
			links = append(links, pageLink{Gap: true})
		}
	}
	return links, prev, next
}
