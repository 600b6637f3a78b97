package main

import (
	"github.com/gofiber/fiber/v2"
)

// adminPages registers the rapporteur's pages on the protected /admin group.
func (s *server) adminPages(adm fiber.Router) {
	adm.Get("/", s.handleDashboard)
}

func (s *server) handleDashboard(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, "admin", s.adminPage("Results", map[string]any{"CSRF": s.csrfToken(c)}))
}
