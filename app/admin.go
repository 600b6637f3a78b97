package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
)

// The rapporteur's dashboard (admin_dashboard.go) and what it shares with
// the other pages of her desk: a workshop's card of declared figures, the
// comments as she sees them, and the key-quote star.

// workshopCard is a workshop's figures as the rapporteur's pages show them.
type workshopCard struct {
	Slug, Title string
	Responses   int
	// ResponsesText is Responses with thousands separators.
	ResponsesText string
	// Headline and Gain are the figures the forms file declares, nil when
	// it declares none or the workshop's form does not ask them.
	Headline *headlineFigure
	Gain     *gainFigure
	// NPS is shown when the form has an NPS question.
	NPS    string
	HasNPS bool
	// Bars are the distributions of the workshop's ratings, on one axis.
	Bars []divergingBar
	// Themes are the workshop's most coded themes (the dashboard fills
	// them in).
	Themes                   []themeFigure
	HasResponses, HasRatings bool
}

// headlineFigure is the declared headline's mean, named by its question.
type headlineFigure struct {
	Label, Scale, Mean string
}

// gainFigure is the declared gain, named from its two ids and explained by
// the two questions' texts.
type gainFigure struct {
	Name, How, Value string
}

// themeFigure is a theme and how many of a workshop's comments it codes.
type themeFigure struct {
	ID, Label, Count string
}

type commentView struct {
	CSRF                   string
	ResponseID, Question   string
	Workshop, QuestionText string
	Text, Lang, At         string
	// Translation is a colleague's English rendering, shown under it.
	Translation string
	Starred     bool
}

// dashboardTime is t on the forum's clock, labelled with its zone, as in
// "2026-06-25 15:30 (Asia/Tbilisi)"; a forum on UTC reads "… UTC".
func dashboardTime(loc *time.Location, t time.Time, layout string) string {
	if loc == nil || loc == time.UTC {
		return t.UTC().Format(layout) + " UTC"
	}
	return t.In(loc).Format(layout) + " (" + loc.String() + ")"
}

// workshopCardOf gives a workshop's figures: the declared headline and gain
// its form asks, the NPS, and the distribution of every rating.
func workshopCardOf(fg forms.Figures, w *forms.Workshop, sum *forms.Summary) workshopCard {
	card := workshopCard{Slug: w.Slug, Title: w.Title.Get(forms.DefaultLanguage), Responses: sum.Responses,
		ResponsesText: thousands(sum.Responses), HasResponses: sum.Responses > 0}
	if q := w.Question(fg.Headline); q != nil && q.IsScore() {
		card.Headline = &headlineFigure{Label: q.Label.Get(forms.DefaultLanguage), Scale: fmt.Sprintf("%d–%d", q.Min, q.Max), Mean: "–"}
		if m, ok := sum.Mean(q.ID); ok {
			card.Headline.Mean = strconv.FormatFloat(m, 'f', 2, 64)
		}
	}
	if id1, id2, ok := fg.GainPair(); ok && w.Question(id1) != nil && w.Question(id2) != nil {
		before, after := w.Question(id1).Label.Get(forms.DefaultLanguage), w.Question(id2).Label.Get(forms.DefaultLanguage)
		card.Gain = &gainFigure{Name: fg.GainName(), How: "mean of “" + after + "” − mean of “" + before + "”", Value: "–"}
		if g, ok := sum.Gain(fg); ok {
			card.Gain.Value = fmt.Sprintf("%+.2f", g)
		}
	}
	card.HasNPS, card.NPS = sum.NPSQuestion() != nil, "–"
	if n, ok := sum.NPS(); ok {
		card.NPS = strconv.FormatFloat(n.Score, 'f', 0, 64)
	}
	var ratings []*forms.Question
	for _, q := range w.Questions {
		if q.Type == forms.Rating {
			ratings = append(ratings, q)
		}
	}
	card.Bars = divergingBars(ratings, sum)
	card.HasRatings = len(card.Bars) > 0
	return card
}

// handleStar stars or unstars a comment as a key quote, then goes back to
// the dashboard (POST, CSRF-checked by the admin group).
func (s *server) handleStar(c *fiber.Ctx) error {
	response, question := c.FormValue("response"), c.FormValue("question")
	star := c.FormValue("star") == "1"
	if response == "" || question == "" {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "Which comment? The form sent no response or question.")
	}
	if err := s.db.StarComment(c.UserContext(), response, question, star); err != nil {
		if forms.ErrorCode(err) == forms.ENOTFOUND {
			return fiber.NewError(fiber.StatusNotFound, "That comment no longer exists.")
		}
		return err
	}
	if !wantsHTML(c) {
		return c.JSON(fiber.Map{"response": response, "question": question, "starred": star})
	}
	if back := c.FormValue("back"); commentsBack(back) { // from the comments page
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	return c.Redirect("/admin#comments", fiber.StatusSeeOther)
}
