package main

import "github.com/gofiber/fiber/v2"

// routes registers every route of the service, in one place. Participants'
// pages and the API need nothing; every /admin route is on the one admin
// group, behind requireAdmin (admin_auth.go): the rapporteur's token as
// Bearer or her session cookie, and the CSRF token on every state change made
// with the cookie. A new route goes here, its handler in a file of its own
// noun (participant.go, api.go, admin_workshops.go …).
func (s *server) routes(app *fiber.App) {
	app.Get("/healthz", s.handleHealth)
	app.Get("/static/:name", s.handleAsset)

	// Participants.
	app.Get("/", s.handleIndex)
	app.Get("/w/:slug", s.handleForm)
	app.Post("/w/:slug", s.handleFormPost)
	app.Get("/w/:slug/thanks", s.handleThanks)
	app.Get("/w/:slug/qr.png", s.handleQRPNG)
	app.Get("/w/:slug/qr.svg", s.handleQRSVG)
	app.Get("/results/:slug.json", s.handleResultsJSON) // before /results/:slug, which would take "x.json" for a slug
	app.Get("/results/:slug", s.handleResults)
	app.Get("/w/:slug/paper", s.handlePaper)

	// The JSON API.
	api := app.Group("/api/v1")
	api.Get("/workshops", s.handleAPIWorkshops)
	api.Get("/workshops/:slug/form", s.handleAPIForm)
	api.Post("/workshops/:slug/responses", s.handleAPIResponse)

	// The rapporteur and the organizer. Logging in and out come before the
	// group's check, which lets them through too (isAdminPublic).
	app.Get(adminLoginPath, s.handleLoginPage)
	app.Post(adminLoginPath, s.handleLogin)
	app.Post(adminLogoutPath, s.handleLogout)
	adm := app.Group("/admin", s.requireAdmin)
	adm.Get("/", s.handleDashboard)
	adm.Get("/summary.json", s.handleSummaryJSON)
	adm.Get("/present", s.handlePresent)
	adm.Get("/report/:slug", s.handleReport)
	adm.Post("/comments/star", s.handleStar)
	adm.Get("/comments", s.handleComments)
	adm.Post("/comments/theme", s.handleCommentTheme)
	adm.Post("/comments/translation", s.handleCommentTranslation)
	adm.Get("/themes.json", s.handleThemesJSON)
	adm.Post("/themes", s.handleThemeAdd)
	adm.Post("/themes/:id", s.handleTheme)
	adm.Get("/export.xlsx", s.handleExportXLSX)
	adm.Get("/export.csv", s.handleExportCSV)
	adm.Get("/backup.db", s.handleBackup)
	adm.Get("/workshops", s.handleAdminWorkshops)
	adm.Post("/workshops/:slug", s.handleAdminWorkshopSet)
	adm.Post("/workshops/:slug/results", s.handleAdminResultsSet)
	adm.Get("/posters", s.handlePosters)
	adm.Get("/forms", s.handleAdminForms)
	adm.Get("/forms/:slug.xlsx", s.handleFormXLSForm)
	// Paper entry: the entry token opens these and nothing else.
	adm.Get("/entry", s.handleEntryIndex)
	adm.Get("/entry/:slug", s.handleEntry)
	adm.Post("/entry/:slug", s.handleEntryPost)
	adm.Post("/entry/:slug/remove", s.handleEntryRemove)
}
