package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"feedback/forms"
	"feedback/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

// server holds what every handler needs.
type server struct {
	cfg    config
	forms  *forms.Forms
	db     store.Store
	log    *slog.Logger
	text   catalog
	pages  map[string]*template.Template
	assets *assets
	now    func() time.Time

	overrides overridesCache // the organizer's open/closed decisions (overrides.go)
	loginBase time.Duration  // the first wait after the free wrong tokens (limit_login.go)

	qr qrCodes // each workshop's QR code, built once

	healthDown atomic.Bool  // the last health check failed: log the recovery
	retired    retiredCache // stored answers' questions the forms file lacks
}

func newServer(cfg config, f *forms.Forms, db store.Store, log *slog.Logger) (*server, error) {
	text, err := loadLocales(cfg.Locales)
	if err != nil {
		return nil, err
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, forms: f, db: db, log: log, text: text, assets: a, now: func() time.Time { return time.Now().UTC() }}
	switch {
	case cfg.LoginWait == 0:
		s.loginBase = defaultLoginWait
	case cfg.LoginWait > 0:
		s.loginBase = cfg.LoginWait
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	// The forms file's themes join the store's; a failure does not stop the
	// start (the comments page can add them), and the next start tries again.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.DeclareThemes(ctx, f.Themes); err != nil {
		log.Error("could not add the forms file's themes", "err", err)
	}
	return s, nil
}

// app builds the Fiber app with every route; tests drive the same app.
func (s *server) app() *fiber.App {
	fc := fiber.Config{
		AppName: "feedback",
		// Bodies up to readBodyLimit are read whole, so that one over
		// bodyLimit gets its 413 page (limitBody) instead of a connection
		// reset while the client is still sending; beyond that the
		// connection is closed.
		BodyLimit:             readBodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		// X-Forwarded-* are believed from the -trusted-proxies only
		// (proxy.go), for c.Protocol and c.Hostname too.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          proxyStrings(s.cfg.TrustedProxies),
	}
	if len(s.cfg.TrustedProxies) > 0 {
		fc.ProxyHeader = fiber.HeaderXForwardedFor
		fc.EnableIPValidation = true
	}
	app := fiber.New(fc)
	app.Use(recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			s.log.Error("panic", "path", c.Path(), "panic", fmt.Sprint(e))
		},
	}))
	app.Use(serverTiming) // timing.go
	app.Use(s.securityHeaders)
	app.Use(limitBody)
	app.Use(s.limitInFlight(newInFlight(s.cfg.MaxInFlight, inFlightWait)))
	app.Use(s.deadline)
	app.Use(compress.New(compress.Config{Next: func(c *fiber.Ctx) bool {
		return strings.HasSuffix(c.Path(), ".xlsx") || strings.HasSuffix(c.Path(), ".db")
	}}))
	s.routes(app)
	return app
}

const (
	// bodyLimit is the largest body a request may have: a whole form with
	// every text answer at its longest fits many times over.
	bodyLimit = 64 * 1024
	// readBodyLimit is how much of a body over bodyLimit is still read and
	// discarded, so that its sender gets the 413 page.
	readBodyLimit = 1024 * 1024
	// defaultRequestTimeout bounds a request's work; a store call still
	// running then is cancelled, and the request answered 503.
	defaultRequestTimeout = 30 * time.Second
)

// limitBody answers 413 to a body over bodyLimit (fasthttp has read it, up to
// readBodyLimit).
func limitBody(c *fiber.Ctx) error {
	if len(c.Request().Body()) > bodyLimit {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}

// deadline gives every request a context with a deadline, which handlers
// pass to the store (c.UserContext()): a database that hangs holds a request
// slot for at most that long. Downloads set longer bounds of their own.
func (s *server) deadline(c *fiber.Ctx) error {
	d := s.cfg.RequestTimeout
	if d <= 0 {
		d = defaultRequestTimeout
	}
	if isDownload(c.Path()) {
		d = max(d, exportTimeout)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), d)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

func (s *server) securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders is called by the middleware and again by the error
// handler, which also answers errors met before any middleware ran (a body
// over the limit): every response carries them. Nothing may come from another
// host, no inline script or style runs, no page may be framed (X-Frame-Options
// for browsers older than frame-ancestors), and no address leaves the site in
// a Referer.
func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

func (s *server) handleHealth(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.healthDown.Store(true)
		s.log.Error("health check failed", "err", err)
		c.Set(fiber.HeaderRetryAfter, "5")
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable\n")
	}
	if s.healthDown.CompareAndSwap(true, false) {
		s.log.Info("health check ok again: the database answers")
	}
	return c.SendString("ok\n")
}

// statusOf maps the domain's error codes to HTTP statuses, in one place.
func statusOf(err error) int {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	if status, ok := statusByCode[forms.ErrorCode(err)]; ok {
		return status
	}
	return fiber.StatusInternalServerError
}

// statusByCode is the HTTP status of each domain error code.
var statusByCode = map[string]int{
	forms.EINVALID:     fiber.StatusUnprocessableEntity,
	forms.ENOTFOUND:    fiber.StatusNotFound,
	forms.ECLOSED:      fiber.StatusForbidden,
	forms.ECONFLICT:    fiber.StatusConflict,
	forms.EUNAVAILABLE: fiber.StatusServiceUnavailable,
	forms.ELIMIT:       fiber.StatusTooManyRequests,
}

// handleError is Fiber's ErrorHandler: handlers return errors and this turns
// them into a JSON body for the API and a page for people. Anything unexpected
// is logged and shown as a plain internal error.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status := statusOf(err)
	setSecurityHeaders(c)
	lang := s.lang(c)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "status", status, "err", err)
	}
	setRetryAfter(c, err)
	if (status == fiber.StatusServiceUnavailable || status == fiber.StatusTooManyRequests) &&
		len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	var fe *forms.Error
	msg, fields := "", map[string]string(nil)
	switch {
	case errors.As(err, &fe) && status < 500:
		msg, fields = s.text.Messages(lang, err)
	case status == fiber.StatusNotFound:
		msg = s.text.T(lang, forms.MsgNotFound)
	case status == fiber.StatusRequestEntityTooLarge:
		msg = s.text.T(lang, "too_large")
	case status == fiber.StatusMethodNotAllowed:
		msg = s.text.T(lang, "method_not_allowed")
	case status == fiber.StatusServiceUnavailable:
		msg = s.text.T(lang, forms.MsgUnavailable)
	case status < 500:
		var ferr *fiber.Error
		if errors.As(err, &ferr) {
			msg = ferr.Message
		}
	default:
		msg = "Internal error."
	}
	if isAPI(c) {
		body := fiber.Map{"error": msg}
		if len(fields) > 0 {
			body["errors"] = fields
		}
		return c.Status(status).JSON(body)
	}
	title, bodyKey := "error_title", "error_body"
	switch status {
	case fiber.StatusNotFound:
		title, bodyKey = "not_found_title", "not_found_body"
	case fiber.StatusServiceUnavailable:
		bodyKey = "unavailable_body"
	case fiber.StatusRequestEntityTooLarge:
		bodyKey = "too_large"
	case fiber.StatusMethodNotAllowed:
		bodyKey = "method_not_allowed"
	}
	return s.render(c, status, "message", s.page(c, lang, s.text.T(lang, title), map[string]any{
		"Heading": s.text.T(lang, title),
		"Body":    s.text.T(lang, bodyKey),
	}))
}

func isAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return len(p) >= 5 && p[:5] == "/api/"
}

// render executes a page template into a buffer first, so that a template
// error becomes a clean 500 instead of half a page.
func (s *server) render(c *fiber.Ctx, status int, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("render: no template %q", name)
	}
	if p, ok := data.(*page); ok && p.Admin {
		p.Path = c.Path() // the navigation marks where she is
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(buf.Bytes())
}
