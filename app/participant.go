package main

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"feedback/forms"
)

// workshopState is a workshop as a participant sees it right now.
type workshopState struct {
	Slug, Title, Opens string
	Open               bool
}

// workshopNow is the request's workshop and whether it takes responses now.
func (s *server) workshopNow(c *fiber.Ctx) (*forms.Workshop, bool, error) {
	w, err := s.workshop(c)
	if err != nil {
		return nil, false, err
	}
	open, err := s.openNow(c.UserContext(), w)
	return w, open, err
}

func (s *server) workshop(c *fiber.Ctx) (*forms.Workshop, error) {
	w := s.forms.Workshop(c.Params("slug"))
	if w == nil {
		return nil, &forms.Error{Code: forms.ENOTFOUND, Key: forms.MsgNotFound}
	}
	return w, nil
}

func (s *server) states(ctx context.Context, lang string) ([]workshopState, error) {
	out := make([]workshopState, 0, len(s.forms.Workshops))
	for _, w := range s.forms.Workshops {
		open, err := s.openNow(ctx, w)
		if err != nil {
			return nil, err
		}
		st := workshopState{Slug: w.Slug, Title: w.Title.Get(lang), Open: open}
		if at := s.opensAt(w); !open && !at.IsZero() {
			st.Opens = s.localTime(at)
		}
		out = append(out, st)
	}
	return out, nil
}

func (s *server) handleIndex(c *fiber.Ctx) error {
	lang := s.lang(c)
	states, err := s.states(c.UserContext(), lang)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "index", s.page(c, lang, s.text.T(lang, "list_title"), states))
}

// submissionCookie names the cookie that remembers which submission this
// phone made for a workshop, so coming back edits it instead of adding one.
func submissionCookie(slug string) string { return "sub_" + strings.ReplaceAll(slug, "-", "_") }

func (s *server) handleForm(c *fiber.Ctx) error {
	lang := s.lang(c)
	w, open, err := s.workshopNow(c)
	if err != nil {
		return err
	}
	if !open {
		return s.renderClosed(c, w, lang, fiber.StatusOK)
	}
	submissionID, values, returning := uuid.NewString(), map[string][]string{}, false
	if prev := c.Cookies(submissionCookie(w.Slug)); forms.ValidSubmissionID(prev) {
		r, err := s.db.ResponseBySubmission(c.UserContext(), prev)
		switch {
		case err == nil && r.Workshop == w.Slug:
			submissionID, values, returning = r.SubmissionID, r.Answers.Values(w), true
		case err != nil && forms.ErrorCode(err) != forms.ENOTFOUND:
			return err
		}
	}
	v := s.formView(w, lang, submissionID, values, nil, 1)
	v.Returning = returning
	return s.render(c, fiber.StatusOK, "form", s.page(c, lang, v.Title, v))
}

func (s *server) renderClosed(c *fiber.Ctx, w *forms.Workshop, lang string, status int) error {
	data := map[string]any{
		"Heading": s.text.T(lang, "closed_title"),
		"Body":    s.text.Tf(lang, "closed_body", "title", w.Title.Get(lang)),
	}
	if at := s.opensAt(w); !at.IsZero() {
		data["Detail"] = s.text.Tf(lang, "closed_opens", "time", s.localTime(at))
	}
	if status != fiber.StatusOK {
		data["Body"] = s.text.T(lang, forms.MsgClosed)
	}
	// A closed workshop whose results are published links to them (results.go).
	if public, _, err := s.published(c.UserContext(), w); err != nil {
		s.log.Warn("closed page without its results link", "workshop", w.Slug, "err", err)
	} else if public {
		data["Results"] = "/results/" + w.Slug
	}
	return s.render(c, status, "message", s.page(c, lang, s.text.T(lang, "closed_title"), data))
}

// formInput collects the posted form, copying every string: Fiber reuses the
// request's memory once the handler returns, and the store's writer runs in
// another goroutine.
func formInput(c *fiber.Ctx) (submissionID string, in forms.Input) {
	in = forms.Input{}
	for k, v := range c.Request().PostArgs().All() {
		key := string(k)
		switch key {
		case "submission_id":
			submissionID = strings.ToLower(string(v))
		case "lang", "csrf", "page", "nav":
		default:
			in[key] = append(in[key], string(v))
		}
	}
	return submissionID, in
}

// handleFormPost reads the form into a submission for submit and answers:
// 303 to the thank-you page, or the same form again with every answer kept
// and the reason (422 invalid, 429 too many changes, 503 not saved).
func (s *server) handleFormPost(c *fiber.Ctx) error {
	lang := s.lang(c)
	w, err := s.workshop(c)
	if err != nil {
		return err
	}
	submissionID, in := formInput(c)
	// Answers to questions that stopped applying (an earlier answer was
	// changed) are dropped, not refused: the participant cannot see them.
	in = w.Asked(in)
	fp := pagesOf(w)
	page, _ := strconv.Atoi(c.FormValue("page")) // 0: the whole form at once (form.js, the API's way)
	if nav := c.FormValue("nav"); len(fp.pages) > 1 && (nav == "back" || (page > 0 && page < len(fp.pages))) {
		if done, err := s.turnPage(c, w, lang, submissionID, in, fp, page, nav == "back"); done || err != nil {
			return err
		}
	}
	_, err = s.submit(c.UserContext(), submission{Workshop: w, SubmissionID: submissionID, Lang: lang, Source: forms.SourceWeb, Input: in})
	msg, errs := s.text.Messages(lang, err)
	again := func(status int, errs map[string]string, notice string) error {
		return s.renderFormAgain(c, w, lang, submissionID, in, errs, status, notice, fp.firstPageOf(errs, page))
	}
	switch forms.ErrorCode(err) {
	case "":
	case forms.ECLOSED:
		return s.renderClosed(c, w, lang, fiber.StatusForbidden)
	case forms.EINVALID:
		if notice, ok := errs["submission_id"]; ok {
			// Not the participant's doing: the page was not ours.
			return again(fiber.StatusUnprocessableEntity, nil, notice)
		}
		return again(fiber.StatusUnprocessableEntity, errs, "")
	case forms.ECONFLICT:
		return again(fiber.StatusUnprocessableEntity, nil, msg)
	case forms.EUNAVAILABLE:
		c.Set(fiber.HeaderRetryAfter, "5")
		return again(fiber.StatusServiceUnavailable, nil, msg)
	case forms.ELIMIT:
		setRetryAfter(c, err)
		return again(fiber.StatusTooManyRequests, nil, msg)
	default:
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: submissionCookie(w.Slug), Value: submissionID, Path: "/w/" + w.Slug,
		MaxAge: 90 * 24 * 3600, HTTPOnly: true, SameSite: "Lax", Secure: c.Protocol() == "https",
	})
	return c.Redirect("/w/"+w.Slug+"/thanks", fiber.StatusSeeOther)
}

func (s *server) handleThanks(c *fiber.Ctx) error {
	lang := s.lang(c)
	w, err := s.workshop(c)
	if err != nil {
		return err
	}
	title := w.Title.Get(lang)
	data := map[string]any{
		"Slug":    w.Slug,
		"Body":    s.text.Tf(lang, "thanks_body", "title", title),
		"CanEdit": forms.ValidSubmissionID(c.Cookies(submissionCookie(w.Slug))),
	}
	return s.render(c, fiber.StatusOK, "thanks", s.page(c, lang, s.text.T(lang, "thanks_title"), data))
}

// renderFormAgain shows a workshop's form again with what the participant
// sent, the messages per question and a notice: the one way every refusal of
// a form post keeps the answers.
func (s *server) renderFormAgain(c *fiber.Ctx, w *forms.Workshop, lang, submissionID string, in forms.Input, errs map[string]string, status int, notice string, page int) error {
	if !forms.ValidSubmissionID(submissionID) {
		submissionID = uuid.NewString()
	}
	v := s.formView(w, lang, submissionID, in, errs, page)
	v.Notice = notice
	return s.render(c, status, "form", s.page(c, lang, v.Title, v))
}

// turnPage answers the post of a page that is not the last: back to the page
// before (answers kept, nothing checked), or on to the next page that asks
// something, once the answers so far are valid (422 with this page again if
// not). done is false when no later page asks anything: the response is
// then sent as it is.
func (s *server) turnPage(c *fiber.Ctx, w *forms.Workshop, lang, submissionID string, in forms.Input, fp formPages, page int, back bool) (done bool, err error) {
	page = min(max(page, 1), len(fp.pages))
	applies := w.Applying(in)
	asks := func(p int) bool {
		return slices.ContainsFunc(fp.pages[p-1], func(q *forms.Question) bool { return applies[q.ID] })
	}
	if back {
		for page--; page > 1 && !asks(page); page-- {
		}
		return true, s.renderFormAgain(c, w, lang, submissionID, in, nil, fiber.StatusOK, "", max(page, 1))
	}
	_, verr := w.Validate(in, lang)
	if _, errs := s.text.Messages(lang, verr); len(errs) > 0 {
		for id := range errs {
			if p, ok := fp.pageOf[id]; ok && p > page {
				delete(errs, id) // a later page's: not asked yet
			}
		}
		if len(errs) > 0 {
			return true, s.renderFormAgain(c, w, lang, submissionID, in, errs, fiber.StatusUnprocessableEntity, "", page)
		}
	}
	for page++; page <= len(fp.pages); page++ {
		if asks(page) {
			return true, s.renderFormAgain(c, w, lang, submissionID, in, nil, fiber.StatusOK, "", page)
		}
	}
	return false, nil
}
