package main

import (
	"context"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/store"
)

// The rapporteur's live dashboard: every workshop side by side (responses,
// the declared headline and gain, NPS, top themes), a chart comparing them
// on the headline, each rating's distribution as a diverging bar, the key
// quotes and the newest comments, and the downloads. Its figures are the
// store's kept counts (deskFigures), and its comments two small pages of the
// comment index, so a request costs the same at ten responses or a million
// and no request scans every response. Everything is drawn on the server;
// the script only reloads the page every 30 seconds, with a pause button.

const (
	// latestComments is how many of the newest comments the dashboard
	// lists; the rest are on /admin/comments.
	latestComments = 10
	// shownQuotes is how many key quotes it lists.
	shownQuotes = 20
	// topThemes is how many of a workshop's themes it names.
	topThemes = 3
)

type dashboardView struct {
	CSRF string
	// Forum is the forum's title, heading the page (may be empty).
	Forum string
	// Responses and Comments count everything stored, with thousands
	// separators; One* say whether the noun is singular.
	Responses, Comments       string
	OneResponse, OneComment   bool
	Updated                   string
	Headline                  *headlineFigure
	GainName, GainHow         string
	HasNPS, HasGain, HasTheme bool
	Compare                   *comparisonChart
	// Legends explain the bars' colours, one per scale the ratings use.
	Legends   []divergingBar
	Workshops []workshopCard
	Starred   []commentView
	// StarredTotal counts every key quote; MoreStarred says the list is
	// cut short.
	StarredTotal string
	MoreStarred  bool
	Latest       []commentView
	// AllComments counts the comments /admin/comments lists.
	AllComments string
}

func (s *server) handleDashboard(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	v, err := s.dashboard(ctx)
	if err != nil {
		return err
	}
	v.CSRF = s.csrfToken(c)
	for _, list := range [][]commentView{v.Starred, v.Latest} {
		for i := range list {
			list[i].CSRF = v.CSRF
		}
	}
	p := s.adminPage("Results", v)
	p.ExtraCSS = s.assets.url("dashboard.css")
	p.JS = s.assets.url("dashboard.js")
	return s.render(c, fiber.StatusOK, "admin", p)
}

// dashboard reads the kept counts, the themes and two pages of comments.
func (s *server) dashboard(ctx context.Context) (*dashboardView, error) {
	d, err := s.deskFigures(ctx)
	if err != nil {
		return nil, err
	}
	v := &dashboardView{Forum: s.forms.Title.Get(forms.DefaultLanguage),
		Responses: thousands(d.Responses), OneResponse: d.Responses == 1,
		Comments: thousands(d.Comments), OneComment: d.Comments == 1,
		Updated: dashboardTime(s.forms.Location, s.now(), "15:04:05"), HasTheme: len(d.Themes) > 0}
	var headline *forms.Question
	for _, q := range d.Ratings {
		if q.ID == s.forms.Figures.Headline {
			headline = q
		}
	}
	v.Compare = comparisonChartOf(headline, d.Workshops)
	for _, wf := range d.Workshops {
		card := workshopCardOf(s.forms.Figures, wf.W, wf.Sum)
		card.Themes = topThemesOf(d.Themes, wf.Themes, topThemes)
		if card.Headline != nil {
			v.Headline = &headlineFigure{Label: card.Headline.Label, Scale: card.Headline.Scale}
		}
		if card.Gain != nil {
			v.HasGain, v.GainName, v.GainHow = true, card.Gain.Name, card.Gain.How
		}
		v.HasNPS = v.HasNPS || card.HasNPS
		v.Workshops = append(v.Workshops, card)
	}
	v.Legends = scaleLegends(d.Ratings)
	if err := s.dashboardComments(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// dashboardComments reads the first key quotes and the newest comments.
func (s *server) dashboardComments(ctx context.Context, v *dashboardView) error {
	stars, err := s.db.Comments(ctx, store.CommentFilter{Starred: true, Limit: shownQuotes})
	if err != nil {
		return err
	}
	v.Starred, v.StarredTotal, v.MoreStarred = s.commentViews(stars.Comments), thousands(stars.Total), stars.Total > len(stars.Comments)
	latest, err := s.db.Comments(ctx, store.CommentFilter{Limit: latestComments})
	if err != nil {
		return err
	}
	v.Latest, v.AllComments = s.commentViews(latest.Comments), thousands(latest.Total)
	return nil
}

// commentViews names each comment's workshop and question as the forms file
// does; a comment of a workshop no longer in the file keeps its ids.
func (s *server) commentViews(cs []store.Comment) []commentView {
	out := make([]commentView, 0, len(cs))
	for _, cm := range cs {
		cv := commentView{ResponseID: cm.ResponseID, Question: cm.Question, Workshop: cm.Workshop, QuestionText: cm.Question,
			Text: cm.Text, Lang: cm.Lang, Translation: cm.Translation, Starred: cm.Starred,
			At: dashboardTime(s.forms.Location, cm.SubmittedAt, "2006-01-02 15:04")}
		if w := s.forms.Workshop(cm.Workshop); w != nil {
			cv.Workshop = w.Title.Get(forms.DefaultLanguage)
			if q := w.Question(cm.Question); q != nil {
				cv.QuestionText = forms.CommentLabel(w.Questions, q, forms.DefaultLanguage)
			}
		}
		out = append(out, cv)
	}
	return out
}

// topThemesOf returns the n themes that code the most of a workshop's
// comments (counts by theme id), most first, ties in the themes' order;
// themes that code none of them are left out.
func topThemesOf(themes []store.ThemeCount, counts map[string]int, n int) []themeFigure {
	type ranked struct {
		t store.ThemeCount
		n int
	}
	var rs []ranked
	for _, t := range themes {
		if counts[t.ID] > 0 {
			rs = append(rs, ranked{t, counts[t.ID]})
		}
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].n > rs[j].n })
	out := make([]themeFigure, 0, n)
	for i := 0; i < len(rs) && i < n; i++ {
		out = append(out, themeFigure{ID: rs[i].t.ID, Label: rs[i].t.Label, Count: thousands(rs[i].n)})
	}
	return out
}

// scaleLegends gives one empty bar for each scale the ratings use, in form
// order: its segments are the legend's colours.
func scaleLegends(ratings []*forms.Question) []divergingBar {
	var out []divergingBar
	seen := map[[2]int]bool{}
	for _, q := range ratings {
		key := [2]int{q.Min, q.Max}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, divergingBarOf(q, nil))
	}
	return out
}
