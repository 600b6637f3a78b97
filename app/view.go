package main

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// page is what the layout needs on every page; Data is the page's own.
type page struct {
	Lang  string
	Dir   string
	Title string
	CSS   string
	// ExtraCSS is a page's own stylesheet after the shared one (may be
	// empty); Admin pages get the rapporteur's navigation.
	ExtraCSS string
	Admin    bool
	// Path is an admin page's path, for the navigation (Current).
	Path      string
	JS        string
	Languages []languageLink
	// Forum is the forum's title from the forms file, heading every page
	// ("" when the file has none: the service's name instead).
	Forum string
	Data  any
	text  catalog
}

// languageLink is one entry of the language switcher.
type languageLink struct {
	Code, Name, Href, Dir string
	Current               bool
}

// Current reports whether the admin navigation's link to href is the page
// shown (or its section: /admin/comments for a filtered page of comments).
func (p *page) Current(href string) bool {
	path := strings.TrimSuffix(p.Path, "/")
	return path == href || href != "/admin" && strings.HasPrefix(path, href+"/")
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
		Forum: s.forms.Title.Get(lang),
	}
	here := string(c.Request().URI().Path())
	for _, l := range s.forms.Languages {
		q := url.Values{"lang": {l}}
		p.Languages = append(p.Languages, languageLink{
			Code: l, Name: s.text.Name(l), Dir: s.text.Dir(l),
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
	lang := negotiateAmong(s.forms.Languages, explicit, c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))
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

// formatTime shows a time in UTC, unambiguous in any language.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// localTime shows a time to people in the forum's time zone, labelled with
// it ("2026-06-25 09:00 Asia/Tbilisi"); in UTC when the forms file names no
// zone.
func (s *server) localTime(t time.Time) string {
	loc := s.forms.Location
	if loc == nil || loc == time.UTC {
		return formatTime(t)
	}
	return t.In(loc).Format("2006-01-02 15:04") + " " + loc.String()
}
