package main

import (
	"bufio"
	"context"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"feedback/export"
	"feedback/forms"
	"feedback/store"
)

// exportTimeout bounds reading the database for one download; 100,000
// responses take a small part of it.
const exportTimeout = 10 * time.Minute

// isDownload names the routes that may take exportTimeout instead of the
// usual request deadline: the workbook, the raw data and the backup.
func isDownload(path string) bool {
	switch strings.TrimSuffix(path, "/") {
	case "/admin/export.xlsx", "/admin/export.csv", "/admin/backup.db":
		return true
	}
	return false
}

// responsesOf hands the export the store's stream of responses, filtered to
// one workshop when slug is set.
func (s *server) responsesOf(slug string) export.Source {
	return func(ctx context.Context, fn func(*forms.Response) error) error {
		return s.db.EachResponse(ctx, store.Filter{Workshop: slug}, fn)
	}
}

// exportWorkshop reads ?workshop= and checks it names a workshop.
func (s *server) exportWorkshop(c *fiber.Ctx) (string, error) {
	slug := c.Query("workshop")
	if slug != "" && s.forms.Workshop(slug) == nil {
		return "", fiber.NewError(fiber.StatusNotFound, "No workshop has that slug.")
	}
	return slug, nil
}

// attachment names a download: workshop-feedback-2025-06-25T1530Z.xlsx, with
// the workshop's slug after "feedback" for a one-workshop download.
func attachment(c *fiber.Ctx, slug string, at time.Time, ext string) {
	name := export.Filename(at, ext)
	if slug != "" {
		name = "workshop-feedback-" + slug + name[len("workshop-feedback"):]
	}
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "no-store")
}

// exportThemes reads the live themes and every comment's coding for the
// workbook, which counts the themes itself from the comments it exports.
func (s *server) exportThemes(ctx context.Context) ([]forms.Theme, map[export.QuoteKey]export.Coding, error) {
	counts, err := s.db.Themes(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("app: export themes: %w", err)
	}
	themes := make([]forms.Theme, len(counts))
	for i, t := range counts {
		themes[i] = t.Theme
	}
	stored, err := s.db.Codings(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("app: export codings: %w", err)
	}
	codings := make(map[export.QuoteKey]export.Coding, len(stored))
	for k, c := range stored {
		codings[export.QuoteKey{ResponseID: k.ResponseID, Question: k.Question}] = export.Coding{Themes: c.Themes, Translation: c.Translation}
	}
	return themes, codings, nil
}

// handleExportXLSX builds the workbook while the request waits (so a failure
// is a clean error page), then streams the file: its raw sheets come from
// temporary files, so memory stays flat whatever the number of responses.
func (s *server) handleExportXLSX(c *fiber.Ctx) error {
	slug, err := s.exportWorkshop(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), exportTimeout)
	defer cancel()
	stars, err := s.db.Stars(ctx)
	if err != nil {
		return err
	}
	quotes := make(map[export.QuoteKey]bool, len(stars))
	for _, st := range stars {
		quotes[export.QuoteKey{ResponseID: st.ResponseID, Question: st.Question}] = true
	}
	retired, err := s.retiredColumns(ctx, slug) // retired.go
	if err != nil {
		return err
	}
	periods, err := s.db.QuestionPeriods(ctx) // which questions each form asked when (questionperiods.go)
	if err != nil {
		return err
	}
	themes, codings, err := s.exportThemes(ctx) // the rapporteur's themes and translations
	if err != nil {
		return err
	}
	now := s.now()
	start := time.Now()
	wb, err := export.Build(ctx, s.forms, s.responsesOf(slug), export.Options{Workshop: slug, Now: now, KeyQuotes: quotes, Retired: retired, Periods: periods,
		Themes: themes, Codings: codings})
	if err != nil {
		return err
	}
	responses := wb.Tally().All.Responses
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	attachment(c, slug, now, "xlsx")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer wb.Close()
		n, err := wb.WriteTo(w)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			s.log.Error("export workbook", "err", err, "workshop", slug)
			return
		}
		s.log.Info("workbook exported", "workshop", slug, "responses", responses, "bytes", n, "ms", time.Since(start).Milliseconds())
	})
	return nil
}

// handleExportCSV streams the raw responses as they are read. An error half
// way can only cut the file short; it is logged.
func (s *server) handleExportCSV(c *fiber.Ctx) error {
	slug, err := s.exportWorkshop(c)
	if err != nil {
		return err
	}
	retired, err := s.retiredColumns(c.UserContext(), slug) // retired.go
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	attachment(c, slug, s.now(), "csv")
	src := s.responsesOf(slug)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		err := export.WriteCSV(ctx, w, s.forms, src, export.Options{Workshop: slug, Retired: retired})
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			s.log.Error("export csv", "err", err, "workshop", slug)
		}
	})
	return nil
}
