package main

import (
	"context"
	"math"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/store"
)

// The figures of the rapporteur's desk (the dashboard, summary.json, the deck
// and the facilitators' report) come from the store's kept counts, not from
// a scan of every response: reading them costs the same at ten responses or a
// million, on every replica and right after a restart.

// deskFigures are every workshop's figures and the themes.
type deskFigures struct {
	// Responses counts the responses to the forms file's workshops.
	Responses int
	// Comments counts their non-empty text answers.
	Comments  int
	Workshops []workshopFigures
	// Ratings are the Overview's rating columns: every rating question of
	// the forms file, in form order.
	Ratings []*forms.Question
	Themes  []store.ThemeCount
}

// workshopFigures is one workshop's summary and its coded comments.
type workshopFigures struct {
	W   *forms.Workshop
	Sum *forms.Summary
	// Themes counts the workshop's comments coded with each theme, by id.
	Themes map[string]int
}

// deskFigures reads the kept counts and the themes.
func (s *server) deskFigures(ctx context.Context) (*deskFigures, error) {
	counts, err := s.db.Counts(ctx)
	if err != nil {
		return nil, err
	}
	themes, err := s.db.Themes(ctx)
	if err != nil {
		return nil, err
	}
	d := &deskFigures{Themes: themes}
	for _, q := range s.forms.Questions() {
		if q.Type == forms.Rating {
			d.Ratings = append(d.Ratings, q)
		}
	}
	for _, w := range s.forms.Workshops {
		sum := forms.CountedSummary(w.Questions, counts.Responses[w.Slug], counts.Scores[w.Slug], counts.Texts[w.Slug])
		wf := workshopFigures{W: w, Sum: sum, Themes: map[string]int{}}
		for _, t := range themes {
			wf.Themes[t.ID] = t.Workshops[w.Slug]
		}
		d.Workshops = append(d.Workshops, wf)
		d.Responses += sum.Responses
		for _, q := range w.Questions {
			if q.Type == forms.FreeText {
				d.Comments += sum.Texts[q.ID]
			}
		}
	}
	return d, nil
}

// summaryJSON is GET /admin/summary.json: the Overview's figures for other
// tools. A figure that does not apply (a rating the workshop does not ask,
// or nobody answered) is null.
type summaryJSON struct {
	Responses int                   `json:"responses"`
	Workshops []workshopSummaryJSON `json:"workshops"`
}

type workshopSummaryJSON struct {
	Slug      string              `json:"slug"`
	Title     string              `json:"title"`
	Responses int                 `json:"responses"`
	Means     map[string]*float64 `json:"means"`
	NPS       *float64            `json:"nps"`
	Gain      *float64            `json:"gain"`
	Themes    map[string]int      `json:"themes"`
}

func (s *server) handleSummaryJSON(c *fiber.Ctx) error {
	d, err := s.deskFigures(c.UserContext())
	if err != nil {
		return err
	}
	out := summaryJSON{Responses: d.Responses, Workshops: []workshopSummaryJSON{}}
	for _, wf := range d.Workshops {
		ws := workshopSummaryJSON{Slug: wf.W.Slug, Title: wf.W.Title.Get(forms.DefaultLanguage), Responses: wf.Sum.Responses,
			Means: map[string]*float64{}, Themes: wf.Themes}
		for _, q := range d.Ratings {
			ws.Means[q.ID] = nil
			if m, ok := wf.Sum.Mean(q.ID); ok {
				ws.Means[q.ID] = rounded(m)
			}
		}
		if n, ok := wf.Sum.NPS(); ok {
			ws.NPS = rounded(n.Score)
		}
		if g, ok := wf.Sum.Gain(s.forms.Figures); ok {
			ws.Gain = rounded(g)
		}
		out.Workshops = append(out.Workshops, ws)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// rounded is v to four decimals (the Overview shows two), as a pointer for
// JSON's null.
func rounded(v float64) *float64 {
	r := math.Round(v*1e4) / 1e4
	return &r
}
