package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/store"
)

// The reporting-back deck (GET /admin/present): what the rapporteur shows
// the hall on the last day. A title slide, one slide per workshop (its key
// figures, one chart, its starred quotes), a slide comparing the workshops,
// and one per theme. Every slide is in the page; the screen shows the one
// ?slide=N names, with Previous and Next links, so it works without script;
// present.js moves between them with the keyboard and goes full screen;
// printed (or with ?print=1) every slide is a landscape page of its own.
// The figures are the kept counts (deskFigures), never a scan.

// deckQuotes is how many starred quotes a slide shows.
const deckQuotes = 3

// deckView is the whole deck; Current is the slide on screen, 1-based.
type deckView struct {
	Title, Forum   string
	CSS, JS        string
	Slides         []deckSlide
	Current, Total int
	// Prev and Next are the links to the slides either side ("" at the
	// ends); Print shows every slide on screen too.
	Prev, Next string
	Print      bool
}

// deckSlide is one slide: exactly one of its kinds is set.
type deckSlide struct {
	N int
	// Kind is cover, workshop, compare or theme, for the stylesheet.
	Kind     string
	Title    string
	Current  bool
	Cover    *coverSlide
	Workshop *workshopSlide
	Compare  *compareSlide
	Theme    *themeSlide
}

type coverSlide struct {
	Responses, Comments string
	Workshops           int
	Themes              []string
}

type workshopSlide struct {
	Slug         string
	HasResponses bool
	Figures      []keyFigure
	// Chart is the distribution of the rating the slide leads with (nil
	// before anyone answered, or for a form without ratings).
	Chart  *divergingBar
	Quotes []quoteView
}

// keyFigure is a number in large type and what it is.
type keyFigure struct {
	Value, Label string
}

// compareSlide compares the workshops on the declared headline's mean
// (Chart); with none declared, on their responses (Rows).
type compareSlide struct {
	Chart *comparisonChart
	Rows  []barRow
}

type themeSlide struct {
	Comments string
	Rows     []barRow
	Quotes   []quoteView
}

// barRow is one row of a table drawn as bars: its name, its value and the
// bar's length in pixels.
type barRow struct {
	Name, Value string
	Width       int
}

// quoteView is a starred comment as the hall reads it: in its own language,
// with its English translation under it when it has one.
type quoteView struct {
	Text, Lang, Dir string
	Translation     string
	// Workshop names the workshop under a theme's quotes.
	Workshop string
	// Cut is set when the slide shows only the beginning of the text.
	Cut bool
}

func (s *server) handlePresent(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	d, err := s.deskFigures(ctx)
	if err != nil {
		return err
	}
	slides, err := s.deckSlides(ctx, d)
	if err != nil {
		return err
	}
	forum := s.forms.Title.Get(forms.DefaultLanguage)
	v := &deckView{Title: "Reporting back", Forum: forum, CSS: s.assets.url("present.css"), JS: s.assets.url("present.js"),
		Slides: slides, Total: len(slides), Print: c.Query("print") == "1"}
	if forum != "" {
		v.Title += " · " + forum
	}
	v.Current = slideNumber(c.Query("slide"), v.Total)
	v.Slides[v.Current-1].Current = true
	if v.Current > 1 {
		v.Prev = "/admin/present?slide=" + strconv.Itoa(v.Current-1)
	}
	if v.Current < v.Total {
		v.Next = "/admin/present?slide=" + strconv.Itoa(v.Current+1)
	}
	return s.renderOwn(c, "present", "deck", v)
}

// slideNumber reads ?slide=: a number past either end is the first or last
// slide, and anything but a number the first.
func slideNumber(q string, total int) int {
	n, err := strconv.Atoi(q)
	if err != nil {
		return 1
	}
	return min(max(n, 1), total)
}

// deckSlides builds the slides in their order: title, workshops, the
// comparison, themes.
func (s *server) deckSlides(ctx context.Context, d *deskFigures) ([]deckSlide, error) {
	forum := s.forms.Title.Get(forms.DefaultLanguage)
	cover := &coverSlide{Responses: thousands(d.Responses), Comments: thousands(d.Comments), Workshops: len(d.Workshops)}
	for _, t := range d.Themes {
		cover.Themes = append(cover.Themes, t.Label)
	}
	title := "Reporting back"
	if forum != "" {
		title = forum
	}
	slides := []deckSlide{{Kind: "cover", Title: title, Cover: cover}}
	for _, wf := range d.Workshops {
		ws, err := s.workshopSlideOf(ctx, wf)
		if err != nil {
			return nil, err
		}
		slides = append(slides, deckSlide{Kind: "workshop", Title: wf.W.Title.Get(forms.DefaultLanguage), Workshop: ws})
	}
	slides = append(slides, deckSlide{Kind: "compare", Title: "The workshops side by side", Compare: s.compareSlideOf(d)})
	for _, t := range d.Themes {
		ts, err := s.themeSlideOf(ctx, d, t)
		if err != nil {
			return nil, err
		}
		slides = append(slides, deckSlide{Kind: "theme", Title: t.Label, Theme: ts})
	}
	for i := range slides {
		slides[i].N = i + 1
	}
	return slides, nil
}

// workshopSlideOf gives a workshop's slide: the figures the forms file
// declares (as the dashboard names them), the NPS, a chart and its quotes.
func (s *server) workshopSlideOf(ctx context.Context, wf workshopFigures) (*workshopSlide, error) {
	card := workshopCardOf(s.forms.Figures, wf.W, wf.Sum)
	ws := &workshopSlide{Slug: wf.W.Slug, HasResponses: card.HasResponses}
	noun := "responses"
	if card.Responses == 1 {
		noun = "response"
	}
	ws.Figures = append(ws.Figures, keyFigure{Value: thousands(card.Responses), Label: noun})
	if h := card.Headline; h != nil {
		// The chart under the figures is of the same question, and
		// names it.
		ws.Figures = append(ws.Figures, keyFigure{Value: h.Mean, Label: "mean (" + h.Scale + ")"})
	}
	if g := card.Gain; g != nil {
		ws.Figures = append(ws.Figures, keyFigure{Value: g.Value, Label: g.Name})
	}
	if card.HasNPS {
		ws.Figures = append(ws.Figures, keyFigure{Value: card.NPS, Label: "Net Promoter Score"})
	}
	if q := slideRating(s.forms.Figures, wf.W); q != nil && card.HasResponses {
		b := divergingBarOf(q, wf.Sum.Scores[q.ID])
		ws.Chart = &b
	}
	quotes, err := s.starredQuotes(ctx, store.CommentFilter{Workshop: wf.W.Slug}, false)
	if err != nil {
		return nil, err
	}
	ws.Quotes = fitQuotes(quotes, workshopQuoteRoom)
	return ws, nil
}

// slideRating is the rating a workshop slide charts: the declared headline
// when the workshop asks it, else its first rating.
func slideRating(fg forms.Figures, w *forms.Workshop) *forms.Question {
	if q := w.Question(fg.Headline); q != nil && q.Type == forms.Rating {
		return q
	}
	for _, q := range w.Questions {
		if q.Type == forms.Rating {
			return q
		}
	}
	return nil
}

// compareSlideOf compares the workshops on the declared headline's mean, or
// on their responses when none is declared.
func (s *server) compareSlideOf(d *deskFigures) *compareSlide {
	for _, q := range d.Ratings {
		if q.ID == s.forms.Figures.Headline {
			return &compareSlide{Chart: comparisonChartOf(q, d.Workshops)}
		}
	}
	cs := &compareSlide{}
	top := 0
	for _, wf := range d.Workshops {
		top = max(top, wf.Sum.Responses)
	}
	for _, wf := range d.Workshops {
		n := wf.Sum.Responses
		cs.Rows = append(cs.Rows, barRow{Name: wf.W.Title.Get(forms.DefaultLanguage), Value: thousands(n), Width: barWidth(float64(n), float64(top), compareBar)})
	}
	return cs
}

// themeSlideOf gives a theme's slide: its coded comments per workshop and
// up to three starred quotes coded with it.
func (s *server) themeSlideOf(ctx context.Context, d *deskFigures, t store.ThemeCount) (*themeSlide, error) {
	ts := &themeSlide{Comments: thousands(t.Comments)}
	top := 0
	for _, wf := range d.Workshops {
		top = max(top, wf.Themes[t.ID])
	}
	for _, wf := range d.Workshops {
		n := wf.Themes[t.ID]
		ts.Rows = append(ts.Rows, barRow{Name: wf.W.Title.Get(forms.DefaultLanguage), Value: thousands(n), Width: barWidth(float64(n), float64(top), themeBar)})
	}
	quotes, err := s.starredQuotes(ctx, store.CommentFilter{Theme: t.ID}, true)
	if err != nil {
		return nil, err
	}
	ts.Quotes = fitQuotes(quotes, themeQuoteRoom)
	return ts, nil
}

// The longest bar of a slide's table, in pixels at 1280 × 720.
const (
	compareBar = 440
	themeBar   = 160
)

// barWidth is v's bar when top's is longest pixels long.
func barWidth(v, top float64, longest int) int {
	if top <= 0 || v <= 0 {
		return 0
	}
	return max(2, int(float64(longest)*v/top+0.5))
}

// starredQuotes reads the first starred comments f selects, as quotes, each
// named by its workshop if named.
func (s *server) starredQuotes(ctx context.Context, f store.CommentFilter, named bool) ([]quoteView, error) {
	f.Starred, f.Limit = true, deckQuotes
	page, err := s.db.Comments(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("app: starred quotes: %w", err)
	}
	out := make([]quoteView, 0, len(page.Comments))
	for _, cm := range page.Comments {
		out = append(out, s.quoteOf(cm, named))
	}
	return out, nil
}

// quoteOf shows a comment as a quote: in its language and direction, with
// its translation, named by its workshop if named.
func (s *server) quoteOf(cm store.Comment, named bool) quoteView {
	q := quoteView{Text: cm.Text, Lang: cm.Lang, Dir: s.text.Dir(cm.Lang), Translation: cm.Translation}
	if w := s.forms.Workshop(cm.Workshop); w != nil && named {
		q.Workshop = w.Title.Get(forms.DefaultLanguage)
	}
	return q
}

// renderOwn renders a page whose template is a whole document of its own
// (root), not the shared layout.
func (s *server) renderOwn(c *fiber.Ctx, name, root string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("render: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, root, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusOK).Send(buf.Bytes())
}
