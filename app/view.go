package main

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
)

// page is what the layout needs on every page; Data is the page's own.
type page struct {
	Lang      string
	Dir       string
	Title     string
	CSS       string
	JS        string
	Languages []languageLink
	Data      any
	text      catalog
}

// languageLink is one entry of the language switcher.
type languageLink struct {
	Code, Name, Href, Dir string
	Current               bool
}

// T returns a user-interface string in the page's language.
func (p *page) T(key string) string { return p.text.T(p.Lang, key) }

// Tf returns a string with {placeholders} filled from name, value pairs.
func (p *page) Tf(key string, pairs ...any) string { return p.text.Tf(p.Lang, key, pairs...) }

func (s *server) page(c *fiber.Ctx, lang, title string, data any) *page {
	p := &page{
		Lang:  lang,
		Dir:   s.text.Dir(lang),
		Title: title,
		CSS:   s.assets.url("style.css"),
		JS:    s.assets.url("form.js"),
		Data:  data,
		text:  s.text,
	}
	here := string(c.Request().URI().Path())
	for _, l := range s.forms.Languages {
		q := url.Values{"lang": {l}}
		p.Languages = append(p.Languages, languageLink{
			Code: l, Name: s.text.T(l, "lang_name"), Dir: s.text.Dir(l),
			Href: here + "?" + q.Encode(), Current: l == lang,
		})
	}
	return p
}

// lang picks the request's language and remembers an explicit choice in a
// cookie, so a participant chooses once for every page.
func (s *server) lang(c *fiber.Ctx) string {
	if v, ok := c.Locals("lang").(string); ok {
		return v
	}
	explicit := c.Query("lang")
	if explicit == "" && c.Method() == fiber.MethodPost && !isAPI(c) {
		explicit = c.FormValue("lang")
	}
	lang := negotiate(explicit, c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))
	if explicit == lang && c.Cookies("lang") != lang {
		c.Cookie(&fiber.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax", HTTPOnly: true})
	}
	c.Locals("lang", lang)
	return lang
}

func (s *server) parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"seq": func(lo, hi int) []int {
			var out []int
			for i := lo; i <= hi; i++ {
				out = append(out, i)
			}
			return out
		},
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

// formView is a workshop's form as the template shows it: every question with
// the participant's answers and the message for it, if any.
type formView struct {
	Slug         string
	Title        string
	Action       string
	SubmissionID string
	Lang         string
	Questions    []questionView
	Errors       []fieldError
	Notice       string // a problem that is no one field's: not saved, closed
	Returning    bool   // this phone already answered and may change it
}

type fieldError struct {
	ID, Label, Message string
}

type questionView struct {
	ID, Type, Label, Error, Hint string
	Required                     bool
	MinLabel, MaxLabel           string
	Choices                      []choiceView
	Text                         string
	MaxLength                    int
}

type choiceView struct {
	Value, Label, ID string
	Checked          bool
}

func (s *server) formView(w *forms.Workshop, lang, submissionID string, values map[string][]string, errs map[string]string) *formView {
	v := &formView{
		Slug:         w.Slug,
		Title:        w.Title.Get(lang),
		Action:       "/w/" + w.Slug,
		SubmissionID: submissionID,
		Lang:         lang,
	}
	for _, q := range w.Questions {
		qv := questionView{
			ID: q.ID, Type: string(q.Type), Label: q.Label.Get(lang), Required: q.Required,
			Error: errs[q.ID],
		}
		given := values[q.ID]
		checked := func(val string) bool {
			for _, g := range given {
				if g == val {
					return true
				}
			}
			return false
		}
		switch q.Type {
		case forms.Rating, forms.NPS:
			qv.MinLabel, qv.MaxLabel = q.MinLabel.Get(lang), q.MaxLabel.Get(lang)
			if qv.MinLabel != "" && qv.MaxLabel != "" {
				qv.Hint = s.text.Tf(lang, "rating_scale", "min", q.Min, "low", qv.MinLabel, "max", q.Max, "high", qv.MaxLabel)
			}
			for _, n := range q.Scores() {
				val := strconv.Itoa(n)
				qv.Choices = append(qv.Choices, choiceView{Value: val, Label: val, ID: q.ID + "-" + val, Checked: checked(val)})
			}
		case forms.Single, forms.Multi:
			qv.Hint = s.text.T(lang, "choose_one")
			if q.Type == forms.Multi {
				qv.Hint = s.text.T(lang, "choose_any")
			}
			for _, o := range q.Options {
				qv.Choices = append(qv.Choices, choiceView{Value: o.ID, Label: o.Label.Get(lang), ID: q.ID + "-" + o.ID, Checked: checked(o.ID)})
			}
		default:
			qv.MaxLength = q.MaxLength
			qv.Hint = s.text.Tf(lang, "max_chars", "max", q.MaxLength)
			if len(given) > 0 {
				qv.Text = given[0]
			}
		}
		v.Questions = append(v.Questions, qv)
		if msg, ok := errs[q.ID]; ok {
			v.Errors = append(v.Errors, fieldError{ID: q.ID, Label: qv.Label, Message: msg})
		}
	}
	// Errors about fields the form does not have (a tampered or outdated
	// form) still reach the summary, so nothing is refused silently.
	for id, msg := range errs {
		if w.Question(id) == nil {
			v.Errors = append(v.Errors, fieldError{ID: "", Label: id, Message: msg})
		}
	}
	return v
}

// formatTime shows a time to a participant in UTC, unambiguous in any language.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}
