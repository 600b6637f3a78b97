package main

import (
	"bytes"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"feedback/export"
	"feedback/forms"
)

// loadForms reads the -forms file: an XLSForm when it ends in .xlsx (issue
// 11), the YAML forms file otherwise.
func loadForms(path string) (*forms.Forms, error) {
	if strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		return export.LoadXLSForm(path)
	}
	return forms.LoadFile(path)
}

// handleFormXLSForm serves a workshop's form as an XLSForm, for a translator
// to add a language column or an organizer to take the form to KoboToolbox;
// the file loads back with -forms as the same form.
func (s *server) handleFormXLSForm(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if s.forms.Workshop(slug) == nil {
		return fiber.NewError(fiber.StatusNotFound, "No workshop has that slug.")
	}
	var b bytes.Buffer
	if err := export.WriteXLSForm(&b, s.forms, slug); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": slug + ".xlsx"}))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b.Bytes())
}
