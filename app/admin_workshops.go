package main

import (
	"github.com/gofiber/fiber/v2"

	"feedback/forms"
)

// The organizer's page for opening and closing workshops by hand, whatever
// the forms file's opens_at and closes_at say: a session that overruns stays
// open, one that is cancelled closes. The decision is stored (store
// SetWorkshopOpen), so it survives a restart; "follow the schedule" removes it.

// adminWorkshop is one row of the organizer's table.
type adminWorkshop struct {
	Slug, Title   string
	Open          bool
	Decided       bool // the organizer's decision overrides the schedule
	Opens, Closes string
	// Public says the results are published (results.go); PublicDecided,
	// that the organizer decided so over the forms file's results: key.
	Public, PublicDecided bool
}

func (s *server) handleAdminWorkshops(c *fiber.Ctx) error {
	ctx := c.UserContext()
	s.forgetOverrides()
	rows := make([]adminWorkshop, 0, len(s.forms.Workshops))
	for _, w := range s.forms.Workshops {
		open, err := s.openNow(ctx, w)
		if err != nil {
			return err
		}
		r := adminWorkshop{Slug: w.Slug, Title: w.Title.Get(forms.DefaultLanguage), Open: open, Decided: s.decided(w)}
		if r.Public, r.PublicDecided, err = s.published(ctx, w); err != nil {
			return err
		}
		if !w.OpensAt.IsZero() {
			r.Opens = s.localTime(w.OpensAt)
		}
		if !w.ClosesAt.IsZero() {
			r.Closes = s.localTime(w.ClosesAt)
		}
		rows = append(rows, r)
	}
	return s.render(c, fiber.StatusOK, "admin_workshops", s.adminPage("Open and close workshops", map[string]any{
		"Workshops": rows,
		"CSRF":      s.csrfToken(c),
	}))
}

// handleAdminWorkshopSet records the organizer's decision: action=open,
// close, or schedule (forget the decision and follow the forms file).
func (s *server) handleAdminWorkshopSet(c *fiber.Ctx) error {
	w, open, err := s.organizerDecision(c, "open", "close", "schedule")
	if err != nil {
		return err
	}
	if err := s.db.SetWorkshopOpen(c.UserContext(), w.Slug, open); err != nil {
		return err
	}
	s.forgetOverrides()
	s.log.Info("workshop state set by the organizer", "workshop", w.Slug, "action", c.FormValue("action"))
	return c.Redirect("/admin/workshops#w-"+w.Slug, fiber.StatusSeeOther)
}

// organizerDecision reads the workshop and action of a decision the
// organizer posts on /admin/workshops: yes and no set it (true, false),
// follow forgets it (nil: the forms file decides).
func (s *server) organizerDecision(c *fiber.Ctx, yes, no, follow string) (*forms.Workshop, *bool, error) {
	w := s.forms.Workshop(c.Params("slug"))
	if w == nil {
		return nil, nil, &forms.Error{Code: forms.ENOTFOUND, Message: "No workshop " + c.Params("slug") + "."}
	}
	var v bool
	switch c.FormValue("action") {
	case yes:
		v = true
	case no:
	case follow:
		return w, nil, nil
	default:
		return nil, nil, fiber.NewError(fiber.StatusBadRequest, "action must be "+yes+", "+no+" or "+follow)
	}
	return w, &v, nil
}
