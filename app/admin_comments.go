package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/store"
)

// The comments page (issue 14): every comment, filtered, searched and paged
// by the store, with its themes, its star and a colleague's translation.
// Every action is a small form that POSTs and comes back (303) to the same
// page at the same comment, so the page needs no script; API clients get
// JSON instead.

// commentsPath is the page; a back field must lead to it.
const commentsPath = "/admin/comments"

// maxQuery is the longest search kept, in characters.
const maxQuery = 200

// commentsQuery is the page's filters as its URL carries them.
type commentsQuery struct {
	Workshop, Question, Lang string
	// Theme is a theme id, store.ThemeNone, or "" for any.
	Theme   string
	Starred bool
	Q       string
	Page    int
}

// parseCommentsQuery reads the filters through get (a request's query, or a
// back field's); a page that is not a positive number is the first.
func parseCommentsQuery(get func(string) string) commentsQuery {
	q := commentsQuery{
		Workshop: strings.TrimSpace(get("workshop")), Question: strings.TrimSpace(get("question")),
		Lang: strings.TrimSpace(get("lang")), Theme: strings.TrimSpace(get("theme")),
		Starred: get("starred") == "1", Q: strings.TrimSpace(get("q")), Page: 1,
	}
	if utf8.RuneCountInString(q.Q) > maxQuery {
		q.Q = string([]rune(q.Q)[:maxQuery])
	}
	if n, err := strconv.Atoi(get("page")); err == nil && n > 1 {
		q.Page = n
	}
	return q
}

// url is the page with these filters, at page (1 is left out).
func (q commentsQuery) url(page int) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"workshop", q.Workshop}, {"question", q.Question}, {"lang", q.Lang}, {"theme", q.Theme}, {"q", q.Q}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if q.Starred {
		v.Set("starred", "1")
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return commentsPath
	}
	return commentsPath + "?" + v.Encode()
}

// filtered says whether any filter is set.
func (q commentsQuery) filtered() bool {
	return q.Workshop != "" || q.Question != "" || q.Lang != "" || q.Theme != "" || q.Starred || q.Q != ""
}

// commentsBack reports whether back may be followed after a POST: a path on
// the comments page, never another site.
func commentsBack(back string) bool {
	if back == "" || strings.HasPrefix(back, "//") || strings.Contains(back, `\`) {
		return false
	}
	u, err := url.Parse(back)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == "" && u.Path == commentsPath
}

// backTo is where an HTML form goes after its POST: its back field if it
// may be followed, else the comments page at anchor.
func backTo(c *fiber.Ctx, anchor string) string {
	if back := c.FormValue("back"); commentsBack(back) {
		return back
	}
	if anchor != "" {
		return commentsPath + "#" + anchor
	}
	return commentsPath
}

// backQuery is the filters of a POST's back field, for a page re-rendered
// with an error.
func backQuery(c *fiber.Ctx) commentsQuery {
	back := c.FormValue("back")
	if !commentsBack(back) {
		return parseCommentsQuery(func(string) string { return "" })
	}
	u, _ := url.Parse(back)
	v := u.Query()
	return parseCommentsQuery(v.Get)
}

// commentAnchor is the id of a comment's article on the page.
func commentAnchor(responseID, question string) string { return "c-" + responseID + "-" + question }

func (s *server) handleComments(c *fiber.Ctx) error {
	return s.renderComments(c, fiber.StatusOK, parseCommentsQuery(func(k string) string { return c.Query(k) }), commentsState{Notice: noticeOf(c.Query("done"))})
}

// commentsState is what a POST leaves on the page it re-renders or comes
// back to: an error, with the add form's input, or a notice.
type commentsState struct {
	Error, Notice, AddLabel string
}

// renderComments builds the page for q and writes it with status.
func (s *server) renderComments(c *fiber.Ctx, status int, q commentsQuery, st commentsState) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	v, err := s.commentsPage(ctx, q)
	if err != nil {
		return err
	}
	v.CSRF, v.commentsState = s.csrfToken(c), st
	for i := range v.Comments {
		v.Comments[i].CSRF = v.CSRF
	}
	p := s.adminPage("Comments", v)
	p.ExtraCSS = s.assets.url("comments.css")
	return s.render(c, status, "admin_comments", p)
}

// handleCommentTheme codes a comment with a theme (on=1) or takes the theme
// off (on=0).
func (s *server) handleCommentTheme(c *fiber.Ctx) error {
	response, question, theme, on := c.FormValue("response"), c.FormValue("question"), strings.TrimSpace(c.FormValue("theme")), c.FormValue("on")
	switch {
	case response == "" || question == "":
		return s.deskError(c, fiber.StatusUnprocessableEntity, "Which comment? The form sent no response or question.")
	case theme == "":
		return s.deskError(c, fiber.StatusUnprocessableEntity, "Which theme? The form sent none.")
	case on != "1" && on != "0":
		return s.deskError(c, fiber.StatusUnprocessableEntity, "Tag or untag? Send on=1 to tag the comment, on=0 to untag it.")
	}
	ctx := c.UserContext()
	if err := s.db.TagComment(ctx, response, question, theme, on == "1"); err != nil {
		if forms.ErrorCode(err) != forms.ENOTFOUND {
			return err
		}
		if _, ok, lerr := s.liveTheme(ctx, theme); lerr != nil {
			return lerr
		} else if !ok {
			return s.deskError(c, fiber.StatusNotFound, fmt.Sprintf("There is no theme %q. Add it first, or reload the page: it may have been merged.", theme))
		}
		return s.deskError(c, fiber.StatusNotFound, "That comment does not exist: it may have been changed or removed.")
	}
	if !wantsHTML(c) {
		return c.JSON(fiber.Map{"response": response, "question": question, "theme": theme, "on": on == "1"})
	}
	return c.Redirect(backTo(c, commentAnchor(response, question)), fiber.StatusSeeOther)
}

// handleCommentTranslation keeps a colleague's English rendering of a
// comment; an empty text removes it.
func (s *server) handleCommentTranslation(c *fiber.Ctx) error {
	response, question, text := c.FormValue("response"), c.FormValue("question"), c.FormValue("text")
	if response == "" || question == "" {
		return s.deskError(c, fiber.StatusUnprocessableEntity, "Which comment? The form sent no response or question.")
	}
	if err := s.db.SetTranslation(c.UserContext(), response, question, text); err != nil {
		switch forms.ErrorCode(err) {
		case forms.ENOTFOUND:
			return s.deskError(c, fiber.StatusNotFound, "That comment does not exist: it may have been changed or removed.")
		case forms.EINVALID:
			return s.deskError(c, fiber.StatusUnprocessableEntity,
				fmt.Sprintf("A translation may have at most %s characters; this one has %s.", thousands(store.MaxTranslation), thousands(utf8.RuneCountInString(strings.TrimSpace(text)))))
		}
		return err
	}
	if !wantsHTML(c) {
		return c.JSON(fiber.Map{"response": response, "question": question, "translation": strings.TrimSpace(text)})
	}
	return c.Redirect(backTo(c, commentAnchor(response, question)), fiber.StatusSeeOther)
}

// deskError answers a refused action: JSON {"error"} for API clients, and
// for the browser the page it came from, again, with the message on top.
// Nothing was changed.
func (s *server) deskError(c *fiber.Ctx, status int, msg string) error {
	if !wantsHTML(c) {
		return c.Status(status).JSON(fiber.Map{"error": msg})
	}
	st := commentsState{Error: msg}
	if strings.HasPrefix(c.Path(), "/admin/themes") && c.Params("id") == "" {
		st.AddLabel = c.FormValue("label")
	}
	return s.renderComments(c, status, backQuery(c), st)
}

// liveTheme finds a theme that is not merged into another.
func (s *server) liveTheme(ctx context.Context, id string) (store.ThemeCount, bool, error) {
	themes, err := s.db.Themes(ctx)
	if err != nil {
		return store.ThemeCount{}, false, fmt.Errorf("app: themes: %w", err)
	}
	for _, t := range themes {
		if t.ID == id {
			return t, true, nil
		}
	}
	return store.ThemeCount{}, false, nil
}
