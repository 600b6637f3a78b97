package main

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// serverTiming tells every response how long the server spent making it
// (Server-Timing: app;dur=1.23, in milliseconds), so that the rapporteur's
// browser tools and make bench read the server's time, not the network's. A
// download streamed after its handler returns counts its handler only.
func serverTiming(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	ms := float64(time.Since(start).Microseconds()) / 1000
	c.Set("Server-Timing", "app;dur="+strconv.FormatFloat(ms, 'f', 2, 64))
	return err
}
