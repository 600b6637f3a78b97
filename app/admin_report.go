package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/store"
)

// The facilitators' report (GET /admin/report/{slug}): one A4 page for the
// people who ran a workshop, with its figures, every rating's distribution,
// its comments per theme and its starred quotes. Like the deck it reads the
// kept counts, never the responses.

// reportQuotes is how many starred quotes the report prints at most.
const reportQuotes = 6

// reportQuoteRoom is the part of the A4 page the quotes may fill.
var reportQuoteRoom = quoteRoom{PerLine: 55, Lines: 18, Extra: 1}

type reportView struct {
	Forum, Title, Updated string
	Responses             string
	HasResponses          bool
	Figures               []reportFigure
	// Scores are the columns of the ratings' table, the lowest to the
	// highest score of any of them.
	Scores  []int
	Ratings []reportRating
	Themes  []barRow
	Quotes  []quoteView
	// More counts the starred quotes left off the page.
	More int
	// Slide is the workshop's slide in the deck.
	Slide int
}

// reportFigure is a figure with what it is and, for the gain and the NPS,
// how it is made.
type reportFigure struct {
	Label, Value, How string
}

// reportRating is a rating's row: its counts of each score ("" for a score
// outside its scale).
type reportRating struct {
	Label, Scale, N, Mean string
	Counts                []string
}

func (s *server) handleReport(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	w := s.forms.Workshop(c.Params("slug"))
	if w == nil {
		return fiber.ErrNotFound
	}
	d, err := s.deskFigures(ctx)
	if err != nil {
		return err
	}
	var wf workshopFigures
	slide := 0
	for i, f := range d.Workshops {
		if f.W == w {
			wf, slide = f, i+2 // after the title slide
		}
	}
	v, err := s.reportOf(ctx, wf, d.Themes)
	if err != nil {
		return err
	}
	v.Slide = slide
	p := s.adminPage("Facilitators’ report: "+v.Title, v)
	p.ExtraCSS = s.assets.url("report.css")
	return s.render(c, fiber.StatusOK, "report", p)
}

// reportOf gathers one workshop's page.
func (s *server) reportOf(ctx context.Context, wf workshopFigures, themes []store.ThemeCount) (*reportView, error) {
	card := workshopCardOf(s.forms.Figures, wf.W, wf.Sum)
	v := &reportView{Forum: s.forms.Title.Get(forms.DefaultLanguage), Title: card.Title, Responses: thousands(card.Responses),
		HasResponses: card.HasResponses, Updated: dashboardTime(s.forms.Location, s.now(), "2006-01-02 15:04")}
	if h := card.Headline; h != nil {
		v.Figures = append(v.Figures, reportFigure{Label: "Mean: " + h.Label + " (" + h.Scale + ")", Value: h.Mean})
	}
	if g := card.Gain; g != nil {
		v.Figures = append(v.Figures, reportFigure{Label: g.Name + " (after − before)", Value: g.Value, How: g.How})
	}
	if card.HasNPS {
		f := reportFigure{Label: "Net Promoter Score (−100 to 100)", Value: card.NPS}
		if n, ok := wf.Sum.NPS(); ok {
			f.How = fmt.Sprintf("%s promoters (9–10), %s passives (7–8), %s detractors (0–6)", thousands(n.Promoters), thousands(n.Passives), thousands(n.Detractors))
		}
		v.Figures = append(v.Figures, f)
	}
	v.Scores, v.Ratings = reportRatings(wf)
	for _, t := range themes {
		v.Themes = append(v.Themes, barRow{Name: t.Label, Value: thousands(wf.Themes[t.ID])})
	}
	page, err := s.db.Comments(ctx, store.CommentFilter{Starred: true, Workshop: wf.W.Slug, Limit: reportQuotes})
	if err != nil {
		return nil, fmt.Errorf("app: report quotes: %w", err)
	}
	for _, cm := range page.Comments {
		v.Quotes = append(v.Quotes, s.quoteOf(cm, false))
	}
	v.Quotes = fitQuotes(v.Quotes, reportQuoteRoom)
	v.More = page.Total - len(page.Comments)
	return v, nil
}

// reportRatings lays out the workshop's ratings in one table: a column for
// every score any of them has.
func reportRatings(wf workshopFigures) ([]int, []reportRating) {
	lo, hi, seen := 0, 0, false
	for _, q := range wf.W.Questions {
		if q.Type != forms.Rating {
			continue
		}
		if !seen || q.Min < lo {
			lo = q.Min
		}
		if !seen || q.Max > hi {
			hi = q.Max
		}
		seen = true
	}
	if !seen {
		return nil, nil
	}
	var scores []int
	for sc := lo; sc <= hi; sc++ {
		scores = append(scores, sc)
	}
	var rows []reportRating
	for _, q := range wf.W.Questions {
		if q.Type != forms.Rating {
			continue
		}
		t := wf.Sum.Scores[q.ID]
		r := reportRating{Label: q.Label.Get(forms.DefaultLanguage), Scale: fmt.Sprintf("%d–%d", q.Min, q.Max), N: "0", Mean: "–"}
		if t != nil {
			r.N = thousands(t.N)
		}
		if m, ok := t.Mean(); ok {
			r.Mean = strconv.FormatFloat(m, 'f', 2, 64)
		}
		for _, sc := range scores {
			cell := ""
			if sc >= q.Min && sc <= q.Max {
				cell = thousands(t.Count(sc))
			}
			r.Counts = append(r.Counts, cell)
		}
		rows = append(rows, r)
	}
	return scores, rows
}
