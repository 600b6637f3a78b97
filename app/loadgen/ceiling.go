package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gofiber/fiber/v2"
)

// serveCeiling is the bench's ceiling: Fiber answering the same requests with
// a fixed small body and no work at all. It runs as its own process (this
// binary started again with -ceiling-addr), so it gets the same share of the
// machine as the real server does.
func serveCeiling(addr string) error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	fixed := []byte(`{"id":"00000000-0000-4000-8000-000000000000"}`)
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok\n") })
	app.Post("/api/v1/workshops/:slug/responses", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Status(fiber.StatusCreated).Send(fixed)
	})
	app.Post("/w/:slug", func(c *fiber.Ctx) error {
		return c.Redirect("/w/"+c.Params("slug")+"/thanks", fiber.StatusSeeOther)
	})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		_ = app.Shutdown()
	}()
	if err := app.Listen(addr); err != nil {
		return fmt.Errorf("loadgen: ceiling: %w", err)
	}
	return nil
}
