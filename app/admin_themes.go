package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
)

// The rapporteur's themes (issue 14): added, renamed and merged on the
// comments page or by a script, kept by the store so that every replica
// codes with the same ones.

// The notices a theme action leaves on the page it comes back to (?done=).
var themeNotices = map[string]string{
	"added":   "Theme added: tag comments with it below.",
	"renamed": "Theme renamed.",
	"merged":  "Themes merged: every comment of the old theme now has the one it was merged into.",
}

// noticeOf is the notice of a done code, or "".
func noticeOf(done string) string { return themeNotices[done] }

// themeBack is where a theme action goes: its back field (or the comments
// page) with the notice done, at the themes panel; a filter by theme from
// becomes a filter by theme to (a merge).
func themeBack(c *fiber.Ctx, done, from, to string) string {
	back := commentsPath
	if b := c.FormValue("back"); commentsBack(b) {
		back = b
	}
	u, _ := url.Parse(back)
	v := u.Query()
	if from != "" && v.Get("theme") == from {
		v.Set("theme", to)
	}
	v.Set("done", done)
	u.RawQuery, u.Fragment = v.Encode(), "themes"
	return u.String()
}

// themeError answers a theme's refused label with a message that says why.
func (s *server) themeError(c *fiber.Ctx, err error, label string) error {
	switch forms.ErrorCode(err) {
	case forms.EINVALID:
		return s.deskError(c, fiber.StatusUnprocessableEntity, fmt.Sprintf("A theme needs a label of 1 to %d characters on one line.", forms.MaxThemeLabel))
	case forms.ECONFLICT:
		return s.deskError(c, fiber.StatusConflict, fmt.Sprintf("A theme is already called %q: choose another label, or merge into that theme.", strings.TrimSpace(label)))
	case forms.ENOTFOUND:
		return s.deskError(c, fiber.StatusNotFound, fmt.Sprintf("There is no theme %q: reload the page, it may have been merged.", c.Params("id")))
	}
	return err
}

// handleThemeAdd makes a theme from its label: 201 with its id for a
// script, back to the page for the browser.
func (s *server) handleThemeAdd(c *fiber.Ctx) error {
	label := c.FormValue("label")
	t, err := s.db.AddTheme(c.UserContext(), label)
	if err != nil {
		return s.themeError(c, err, label)
	}
	if !wantsHTML(c) {
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": t.ID, "label": t.Label})
	}
	return c.Redirect(themeBack(c, "added", "", ""), fiber.StatusSeeOther)
}

// handleTheme renames theme {id} (label) or merges it into another (into).
func (s *server) handleTheme(c *fiber.Ctx) error {
	id := c.Params("id")
	label, into := c.FormValue("label"), strings.TrimSpace(c.FormValue("into"))
	hasLabel := c.Request().PostArgs().Has("label") || strings.TrimSpace(label) != ""
	switch {
	case hasLabel && into != "":
		return s.deskError(c, fiber.StatusUnprocessableEntity, "Rename or merge, not both: send label to rename the theme, or into to merge it.")
	case !hasLabel && into == "":
		return s.deskError(c, fiber.StatusUnprocessableEntity, "Send label to rename the theme, or into=<theme id> to merge it into another.")
	case into != "":
		return s.mergeTheme(c, id, into)
	}
	ctx := c.UserContext()
	if err := s.db.RenameTheme(ctx, id, label); err != nil {
		return s.themeError(c, err, label)
	}
	t, _, err := s.liveTheme(ctx, id)
	if err != nil {
		return err
	}
	if !wantsHTML(c) {
		return c.JSON(fiber.Map{"id": id, "label": t.Label})
	}
	return c.Redirect(themeBack(c, "renamed", "", ""), fiber.StatusSeeOther)
}

// mergeTheme moves every comment of theme id to theme into and retires id.
func (s *server) mergeTheme(c *fiber.Ctx, id, into string) error {
	ctx := c.UserContext()
	if id == into {
		return s.deskError(c, fiber.StatusUnprocessableEntity, "A theme cannot be merged into itself: choose another theme.")
	}
	for _, t := range []string{id, into} {
		if _, ok, err := s.liveTheme(ctx, t); err != nil {
			return err
		} else if !ok {
			return s.deskError(c, fiber.StatusNotFound, fmt.Sprintf("There is no theme %q: reload the page, it may have been merged.", t))
		}
	}
	if err := s.db.MergeTheme(ctx, id, into); err != nil {
		return s.themeError(c, err, "")
	}
	t, _, err := s.liveTheme(ctx, into)
	if err != nil {
		return err
	}
	if !wantsHTML(c) {
		return c.JSON(fiber.Map{"id": into, "label": t.Label, "merged": id, "comments": t.Comments})
	}
	return c.Redirect(themeBack(c, "merged", id, into), fiber.StatusSeeOther)
}

// themeJSON is one theme of GET /admin/themes.json.
type themeJSON struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Comments int    `json:"comments"`
}

// handleThemesJSON lists the live themes, in the order they were made, with
// the comments coded with each.
func (s *server) handleThemesJSON(c *fiber.Ctx) error {
	themes, err := s.db.Themes(c.UserContext())
	if err != nil {
		return fmt.Errorf("app: themes.json: %w", err)
	}
	out := make([]themeJSON, 0, len(themes))
	for _, t := range themes {
		out = append(out, themeJSON{ID: t.ID, Label: t.Label, Comments: t.Comments})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"themes": out})
}
