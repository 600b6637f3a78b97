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

// The rapporteur's live dashboard: the figures of every workshop, the
// distribution of every rating as a bar chart drawn on the server (inline
// SVG, nothing from another host, no script), starred quotes first, then the
// latest comments, and the downloads. It reloads itself every 30 seconds.

// latestComments is how many of the newest comments the dashboard lists.
const latestComments = 30

type dashboardView struct {
	CSRF string
	// Forum is the forum's title, heading the page (may be empty).
	Forum     string
	Responses int
	Comments  int
	Updated   string
	Workshops []workshopCard
	Starred   []commentView
	Latest    []commentView
}

type workshopCard struct {
	Slug, Title string
	Responses   int
	// Headline and Gain are the figures the forms file declares, nil when
	// it declares none or the workshop's form does not ask them.
	Headline *headlineFigure
	Gain     *gainFigure
	// NPS is shown when the form has an NPS question.
	NPS                      string
	HasNPS                   bool
	Charts                   []barChart
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

// barChart is one rating's distribution, laid out for the SVG template.
type barChart struct {
	ID, Label, Mean, Summary string
	N                        int
	Width, Height, Base      int
	Bars                     []svgBar
}

type svgBar struct {
	X, Y, W, H     int
	TextX, CountY  int
	LabelY         int
	Score, Display string
}

type commentView struct {
	CSRF                   string
	ResponseID, Question   string
	Workshop, QuestionText string
	Text, Lang, At         string
	Starred                bool
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
	p.JS = s.assets.url("dashboard.js")
	return s.render(c, fiber.StatusOK, "admin", p)
}

// dashboard reads every response once, tallying the figures and keeping the
// starred comments and the newest ones.
func (s *server) dashboard(ctx context.Context) (*dashboardView, error) {
	stars, err := s.db.Stars(ctx)
	if err != nil {
		return nil, err
	}
	starRank := make(map[[2]string]int, len(stars))
	for i, st := range stars {
		starRank[[2]string{st.ResponseID, st.Question}] = i
	}
	tally := forms.NewTally(s.forms)
	starred := make([]commentView, len(stars))
	latest := make([]commentView, 0, latestComments)
	next, total := 0, 0
	err = s.db.EachResponse(ctx, store.Filter{}, func(r *forms.Response) error {
		tally.Add(r)
		w := s.forms.Workshop(r.Workshop)
		if w == nil {
			return nil
		}
		for _, q := range w.Questions {
			a, ok := r.Answers[q.ID]
			if q.Type != forms.FreeText || !ok || a.Text == "" {
				continue
			}
			total++
			cv := commentView{
				ResponseID: r.ID, Question: q.ID, Workshop: w.Title.Get(forms.DefaultLanguage),
				QuestionText: forms.CommentLabel(w.Questions, q, forms.DefaultLanguage), Text: a.Text, Lang: r.Lang,
				At: dashboardTime(s.forms.Location, r.SubmittedAt, "2006-01-02 15:04"),
			}
			if i, ok := starRank[[2]string{r.ID, q.ID}]; ok {
				cv.Starred = true
				starred[i] = cv
			}
			// A ring of the newest comments.
			if len(latest) < latestComments {
				latest = append(latest, cv)
			} else {
				latest[next] = cv
			}
			next = (next + 1) % latestComments
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v := &dashboardView{Forum: s.forms.Title.Get(forms.DefaultLanguage), Responses: tally.All.Responses, Comments: total,
		Updated: dashboardTime(s.forms.Location, s.now(), "15:04:05")}
	for _, st := range starred {
		if st.ResponseID != "" { // a star on a comment since emptied
			v.Starred = append(v.Starred, st)
		}
	}
	// Newest first.
	for i := 0; i < len(latest); i++ {
		v.Latest = append(v.Latest, latest[(next-1-i+2*len(latest))%len(latest)])
	}
	for _, w := range s.forms.Workshops {
		v.Workshops = append(v.Workshops, workshopCardOf(s.forms.Figures, w, tally.Workshops[w.Slug]))
	}
	return v, nil
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
// its form asks, the NPS, and a chart of every rating.
func workshopCardOf(fg forms.Figures, w *forms.Workshop, sum *forms.Summary) workshopCard {
	card := workshopCard{Slug: w.Slug, Title: w.Title.Get(forms.DefaultLanguage), Responses: sum.Responses, HasResponses: sum.Responses > 0}
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
	for _, q := range w.Questions {
		if q.Type == forms.Rating {
			card.Charts = append(card.Charts, barChartOf(q, sum.Scores[q.ID]))
		}
	}
	card.HasRatings = len(card.Charts) > 0
	return card
}

// barChartOf lays out a rating's distribution: one bar per score, its height
// in proportion to the people who gave it, the count above and the score
// below.
func barChartOf(q *forms.Question, t *forms.ScoreTally) barChart {
	const (
		barW, gap = 28, 8
		plotH     = 60
		top       = 14 // room for the counts
	)
	scores := q.Scores()
	ch := barChart{
		ID: q.ID, Label: q.Label.Get(forms.DefaultLanguage), N: t.N, Mean: "–",
		Width: len(scores)*(barW+gap) + gap, Height: top + plotH + 16, Base: top + plotH,
	}
	if m, ok := t.Mean(); ok {
		ch.Mean = strconv.FormatFloat(m, 'f', 2, 64)
	}
	// The most frequent score fills the plot; the others are to scale.
	most := 0
	for _, score := range scores {
		most = max(most, t.Count(score))
	}
	summary := ch.Label + ":"
	for i, score := range scores {
		n := t.Count(score)
		h := 0
		if most > 0 {
			h = int(float64(plotH)*float64(n)/float64(most) + 0.5)
		}
		x := gap + i*(barW+gap)
		ch.Bars = append(ch.Bars, svgBar{
			X: x, Y: ch.Base - h, W: barW, H: h,
			TextX: x + barW/2, CountY: ch.Base - h - 3, LabelY: ch.Base + 13,
			Score: strconv.Itoa(score), Display: strconv.Itoa(n),
		})
		summary += fmt.Sprintf(" %d: %d;", score, n)
	}
	ch.Summary = fmt.Sprintf("%s n = %d, mean %s.", summary, t.N, ch.Mean)
	return ch
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
