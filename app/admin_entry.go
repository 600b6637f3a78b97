package main

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// Paper entry: staff key the paper sheets of a workshop, one after the other,
// from the keyboard. Every answer is a one-line text field: a score is typed
// as its number, a choice as the number of its option (a multiple choice as
// several, "1 3" or "13"), a comment as it is; Tab moves on, Enter sends the
// sheet and brings a blank one with a fresh submission_id. The page needs no
// JavaScript. A sheet goes through submit like any response, marked paper; the
// latest keyed sheets are listed with a Remove button, so one keyed twice can
// be taken out. The entry token (-entry-token) opens these pages and nothing
// else (admin_auth.go).

// entryRecentSheets is how many of the latest keyed sheets the page lists.
const entryRecentSheets = 20

// entryQuestion is one field of the entry form.
type entryQuestion struct {
	ID, Label string
	// Key says what to type: the scale, or the number of each option.
	Key       string
	Value     string
	Error     string
	MaxLength int
}

// entrySheet is one keyed sheet in the list of the latest.
type entrySheet struct {
	ID, At, Lang, Summary string
}

// entryView is what the entry page shows: the list of workshops (no
// workshop chosen), or a workshop's blank sheet and its latest keyed sheets.
type entryView struct {
	Workshops    []adminWorkshop
	Slug, Title  string
	SubmissionID string
	Lang         string
	Langs        []string
	Questions    []entryQuestion
	Notice       string
	Saved        bool
	Recent       []entrySheet
	CSRF         string
}

// handleEntryIndex lists the workshops whose sheets can be keyed.
func (s *server) handleEntryIndex(c *fiber.Ctx) error {
	v := entryView{CSRF: s.csrfToken(c)}
	for _, w := range s.forms.Workshops {
		v.Workshops = append(v.Workshops, adminWorkshop{Slug: w.Slug, Title: w.Title.Get(forms.DefaultLanguage)})
	}
	return s.render(c, fiber.StatusOK, "admin_entry", s.adminPage("Paper entry", v))
}

// handleEntry shows a blank sheet of the workshop, in the language of the
// last sheet keyed (?lang=).
func (s *server) handleEntry(c *fiber.Ctx) error {
	w, err := s.entryWorkshop(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	v, err := s.entryView(c, w, s.entryLang(c.Query("lang")), uuid.NewString(), nil, nil)
	if err != nil {
		return err
	}
	v.Saved = c.Query("saved") != ""
	return s.render(c, fiber.StatusOK, "admin_entry", s.adminPage("Paper entry: "+v.Title, v))
}

// handleEntryPost stores one keyed sheet through submit, as paper, and
// brings the next blank sheet (303); a sheet with a mistake comes back as
// typed, with the messages (422).
func (s *server) handleEntryPost(c *fiber.Ctx) error {
	w, err := s.entryWorkshop(c)
	if err != nil {
		return err
	}
	lang := s.entryLang(c.FormValue("lang"))
	sid, typed := formInput(c)
	in := w.Asked(entryInput(w, typed))
	_, err = s.submit(c.UserContext(), submission{Workshop: w, SubmissionID: sid, Lang: lang, Source: forms.SourcePaper, Input: in})
	msg, errs := s.text.Messages(forms.DefaultLanguage, err)
	status := fiber.StatusUnprocessableEntity
	switch forms.ErrorCode(err) {
	case "":
		return c.Redirect("/admin/entry/"+w.Slug+"?saved=1&lang="+lang, fiber.StatusSeeOther)
	case forms.EINVALID, forms.ECONFLICT:
		if m, ok := errs["submission_id"]; ok {
			msg, sid = m, "" // not the keyer's doing: a fresh id
		}
	case forms.EUNAVAILABLE:
		status = fiber.StatusServiceUnavailable
	case forms.ELIMIT:
		status = fiber.StatusTooManyRequests
	default:
		return err
	}
	if !forms.ValidSubmissionID(sid) {
		sid = uuid.NewString()
	}
	v, err := s.entryView(c, w, lang, sid, typed, errs)
	if err != nil {
		return err
	}
	v.Notice = msg
	return s.render(c, status, "admin_entry", s.adminPage("Paper entry: "+v.Title, v))
}

// handleEntryRemove removes one keyed sheet of the workshop: only a paper
// response of this workshop, so that the entry token cannot remove answers
// given online.
func (s *server) handleEntryRemove(c *fiber.Ctx) error {
	w, err := s.entryWorkshop(c)
	if err != nil {
		return err
	}
	id := c.FormValue("id")
	found := false
	err = s.db.EachResponse(c.UserContext(), store.Filter{Workshop: w.Slug}, func(r *forms.Response) error {
		found = found || r.ID == id && r.Source == forms.SourcePaper
		return nil
	})
	if err != nil {
		return err
	}
	if !found {
		return &forms.Error{Code: forms.ENOTFOUND, Message: "No keyed sheet " + id + " in " + w.Slug + "."}
	}
	if err := s.db.DeleteResponse(c.UserContext(), id); err != nil {
		return err
	}
	s.log.Info("keyed sheet removed", "workshop", w.Slug, "response", id)
	return c.Redirect("/admin/entry/"+w.Slug+"?lang="+s.entryLang(c.FormValue("lang")), fiber.StatusSeeOther)
}

func (s *server) entryWorkshop(c *fiber.Ctx) (*forms.Workshop, error) {
	w := s.forms.Workshop(c.Params("slug"))
	if w == nil {
		return nil, &forms.Error{Code: forms.ENOTFOUND, Message: "No workshop " + c.Params("slug") + "."}
	}
	return w, nil
}

// entryLang is the sheet's language if the forum has it, else the default.
func (s *server) entryLang(lang string) string {
	if slices.Contains(s.forms.Languages, lang) {
		return lang
	}
	return forms.DefaultLanguage
}

// entryView builds the page of workshop w: its fields with what was typed
// and the messages, and its latest keyed sheets.
func (s *server) entryView(c *fiber.Ctx, w *forms.Workshop, lang, sid string, typed forms.Input, errs map[string]string) (entryView, error) {
	v := entryView{Slug: w.Slug, Title: w.Title.Get(forms.DefaultLanguage), SubmissionID: sid, Lang: lang,
		Langs: s.forms.Languages, CSRF: s.csrfToken(c)}
	for _, q := range w.Questions {
		eq := entryQuestion{ID: q.ID, Label: q.Label.Get(forms.DefaultLanguage), Key: entryKey(q),
			Value: strings.Join(typed[q.ID], " "), Error: errs[q.ID]}
		if q.Type == forms.FreeText {
			eq.MaxLength = q.MaxLength
		}
		v.Questions = append(v.Questions, eq)
	}
	recent, err := s.recentSheets(c, w)
	v.Recent = recent
	return v, err
}

// entryKey says what to type for q.
func entryKey(q *forms.Question) string {
	switch {
	case q.IsScore():
		return strconv.Itoa(q.Min) + "–" + strconv.Itoa(q.Max)
	case q.IsChoice():
		keys := make([]string, len(q.Options))
		for i, o := range q.Options {
			keys[i] = strconv.Itoa(i+1) + " " + o.Label.Get(forms.DefaultLanguage)
		}
		if q.Type == forms.Multi {
			return "any of " + strings.Join(keys, " · ")
		}
		return strings.Join(keys, " · ")
	}
	return "text"
}

// entryInput turns what was keyed into the form's input: the number of an
// option becomes its id (several for a multiple choice: "1 3", "1,3", or
// "13" when no option has a two-digit number). Anything else is passed on as
// typed, for Validate to refuse with its message.
func entryInput(w *forms.Workshop, typed forms.Input) forms.Input {
	in := forms.Input{}
	for _, q := range w.Questions {
		raw := strings.TrimSpace(strings.Join(typed[q.ID], " "))
		if raw == "" {
			continue
		}
		if !q.IsChoice() {
			in[q.ID] = []string{raw}
			continue
		}
		keys := strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == ',' || r == ';' })
		if q.Type == forms.Multi && len(keys) == 1 && len(q.Options) < 10 && isDigits(keys[0]) {
			keys = strings.Split(keys[0], "")
		}
		for _, k := range keys {
			if n, err := strconv.Atoi(k); err == nil && n >= 1 && n <= len(q.Options) {
				k = q.Options[n-1].ID
			}
			in[q.ID] = append(in[q.ID], k)
		}
	}
	return in
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// recentSheets lists the latest keyed sheets of w, newest first, each with
// its first answers so that the keyer can tell it from the sheet in hand.
func (s *server) recentSheets(c *fiber.Ctx, w *forms.Workshop) ([]entrySheet, error) {
	var ring []entrySheet
	err := s.db.EachResponse(c.UserContext(), store.Filter{Workshop: w.Slug}, func(r *forms.Response) error {
		if r.Source != forms.SourcePaper {
			return nil
		}
		if len(ring) == entryRecentSheets {
			ring = ring[1:]
		}
		ring = append(ring, entrySheet{ID: r.ID, At: r.SubmittedAt.UTC().Format(time.DateTime), Lang: r.Lang, Summary: firstAnswers(w, r.Answers)})
		return nil
	})
	slices.Reverse(ring)
	return ring, err
}

// firstAnswers is the first few answers of a sheet, as "id: answer".
func firstAnswers(w *forms.Workshop, a forms.Answers) string {
	var parts []string
	for _, q := range w.Questions {
		if ans, ok := a[q.ID]; ok && len(parts) < 4 {
			cell := []rune(ans.Cell(q))
			if len(cell) > 40 {
				cell = append(cell[:40], '…')
			}
			parts = append(parts, q.ID+": "+string(cell))
		}
	}
	return strings.Join(parts, " · ")
}
