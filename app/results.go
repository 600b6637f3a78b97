package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/store"
)

// Results given back: once a workshop is published (the forms file's
// results: public, or the organizer's decision on /admin/workshops, which
// wins) and closed, /results/{slug} shows participants its figures in their
// language and /results/{slug}.json gives them as open data. Both show the
// aggregates of forms.NewResults only (every figure about fewer than five
// people hidden) and no comment but the starred key quotes. Before that,
// both are 404: nothing says whether a workshop will be published.

// published reports whether a workshop's results are public: the organizer's
// decision, or else the forms file's; decided says the organizer decided.
func (s *server) published(ctx context.Context, w *forms.Workshop) (public, decided bool, err error) {
	d, err := s.db.WorkshopPublished(ctx)
	if err != nil {
		return false, false, err
	}
	if p, ok := d[w.Slug]; ok {
		return p, true, nil
	}
	return w.ResultsPublic, false, nil
}

// resultsShown reports whether the results of w may be shown now: published
// and closed.
func (s *server) resultsShown(ctx context.Context, w *forms.Workshop) (bool, error) {
	public, _, err := s.published(ctx, w)
	if err != nil || !public {
		return false, err
	}
	open, err := s.openNow(ctx, w)
	return !open, err
}

// shownWorkshop is the request's workshop if its results may be shown, or
// ENOTFOUND.
func (s *server) shownWorkshop(c *fiber.Ctx) (*forms.Workshop, error) {
	w, err := s.workshop(c)
	if err != nil {
		return nil, err
	}
	shown, err := s.resultsShown(c.UserContext(), w)
	if err != nil {
		return nil, err
	}
	if !shown {
		return nil, &forms.Error{Code: forms.ENOTFOUND, Key: forms.MsgNotFound}
	}
	return w, nil
}

// keyQuote is a starred comment of the workshop, shown with its results.
type keyQuote struct {
	Text, Lang, Question string
}

// workshopResults tallies the workshop's responses as the workbook does and
// keeps the text of its starred comments, most recently starred first.
func (s *server) workshopResults(ctx context.Context, w *forms.Workshop, lang string) (*forms.Results, []keyQuote, error) {
	stars, err := s.db.Stars(ctx)
	if err != nil {
		return nil, nil, err
	}
	rank := make(map[[2]string]int, len(stars))
	for i, st := range stars {
		rank[[2]string{st.ResponseID, st.Question}] = i
	}
	quotes := make([]*keyQuote, len(stars))
	tally := forms.NewTally(s.forms)
	err = s.db.EachResponse(ctx, store.Filter{Workshop: w.Slug}, func(r *forms.Response) error {
		tally.Add(r)
		for _, q := range w.Questions {
			i, starred := rank[[2]string{r.ID, q.ID}]
			if a, ok := r.Answers[q.ID]; starred && ok && q.Type == forms.FreeText && a.Text != "" {
				quotes[i] = &keyQuote{Text: a.Text, Lang: r.Lang, Question: forms.CommentLabel(w.Questions, q, lang)}
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var kept []keyQuote
	for _, q := range quotes {
		if q != nil {
			kept = append(kept, *q)
		}
	}
	return forms.NewResults(w, tally.Workshops[w.Slug], s.forms.Figures.Profile), kept, nil
}

// resultsJSON is the open data of /results/{slug}.json.
type resultsJSON struct {
	Slug      string                             `json:"slug"`
	Title     string                             `json:"title"`
	Responses forms.Figure                       `json:"responses"`
	Questions map[string]questionJSON            `json:"questions"`
	Profile   map[string]map[string]forms.Figure `json:"profile"`
}

type questionJSON struct {
	N      forms.Figure            `json:"n"`
	Mean   *forms.Figure           `json:"mean,omitempty"`
	Counts map[string]forms.Figure `json:"counts"`
}

func groupMap(gs []forms.Group) map[string]forms.Figure {
	m := make(map[string]forms.Figure, len(gs))
	for _, g := range gs {
		m[g.ID] = g.People
	}
	return m
}

func (s *server) handleResultsJSON(c *fiber.Ctx) error {
	w, err := s.shownWorkshop(c)
	if err != nil {
		return err
	}
	res, _, err := s.workshopResults(c.UserContext(), w, forms.DefaultLanguage)
	if err != nil {
		return err
	}
	out := resultsJSON{Slug: w.Slug, Title: w.Title.Get(forms.DefaultLanguage), Responses: res.Responses,
		Questions: map[string]questionJSON{}, Profile: map[string]map[string]forms.Figure{}}
	for _, q := range res.Questions {
		out.Questions[q.Question.ID] = questionJSON{N: q.N, Mean: q.Mean, Counts: groupMap(q.Groups)}
	}
	for _, p := range res.Profiles {
		out.Profile[p.Question.ID] = groupMap(p.Groups)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<5" as written
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	return c.Send(b.Bytes())
}

// resultsView is the page of a workshop's results.
type resultsView struct {
	Slug, Title, Responses string
	Questions, Profiles    []resultsTable
	Quotes                 []keyQuote
}

// resultsTable is one question's figures: a row per score or option.
type resultsTable struct {
	Label, Summary string
	Rows           [][2]string // what was answered, how many people
}

func figureText(f forms.Figure, mean bool) string {
	switch {
	case f.Hidden:
		return forms.Hidden
	case mean:
		return strconv.FormatFloat(f.Value, 'f', 2, 64)
	}
	return strconv.FormatFloat(f.Value, 'f', 0, 64)
}

// groupLabel names a score (with the scale's end labels) or an option in lang.
func groupLabel(q *forms.Question, id, lang string) string {
	if !q.IsScore() {
		if o, ok := q.Option(id); ok {
			return o.Label.Get(lang)
		}
		return id
	}
	if n, _ := strconv.Atoi(id); n == q.Min && q.MinLabel != nil {
		return id + " — " + q.MinLabel.Get(lang)
	} else if n == q.Max && q.MaxLabel != nil {
		return id + " — " + q.MaxLabel.Get(lang)
	}
	return id
}

func resultsTableOf(q *forms.Question, groups []forms.Group, lang string) resultsTable {
	t := resultsTable{Label: q.Label.Get(lang)}
	for _, g := range groups {
		t.Rows = append(t.Rows, [2]string{groupLabel(q, g.ID, lang), figureText(g.People, false)})
	}
	return t
}

func (s *server) handleResults(c *fiber.Ctx) error {
	lang := s.lang(c)
	w, err := s.shownWorkshop(c)
	if err != nil {
		return err
	}
	res, quotes, err := s.workshopResults(c.UserContext(), w, lang)
	if err != nil {
		return err
	}
	v := resultsView{Slug: w.Slug, Title: w.Title.Get(lang), Responses: figureText(res.Responses, false), Quotes: quotes}
	for _, q := range res.Questions {
		t := resultsTableOf(q.Question, q.Groups, lang)
		t.Summary = s.text.Tf(lang, "results_n", "n", figureText(q.N, false))
		if q.Mean != nil {
			t.Summary = s.text.Tf(lang, "results_n_mean", "n", figureText(q.N, false), "mean", figureText(*q.Mean, true))
		}
		v.Questions = append(v.Questions, t)
	}
	for _, p := range res.Profiles {
		v.Profiles = append(v.Profiles, resultsTableOf(p.Question, p.Groups, lang))
	}
	title := s.text.T(lang, "results_title") + " · " + v.Title
	return s.render(c, fiber.StatusOK, "results", s.page(c, lang, title, v))
}

// handleAdminResultsSet records the organizer's decision on a workshop's
// results: action=publish, unpublish, or file (follow the forms file).
func (s *server) handleAdminResultsSet(c *fiber.Ctx) error {
	w, public, err := s.organizerDecision(c, "publish", "unpublish", "file")
	if err != nil {
		return err
	}
	if err := s.db.SetWorkshopPublished(c.UserContext(), w.Slug, public); err != nil {
		return err
	}
	s.log.Info("workshop results set by the organizer", "workshop", w.Slug, "action", c.FormValue("action"))
	return c.Redirect("/admin/workshops#w-"+w.Slug, fiber.StatusSeeOther)
}
