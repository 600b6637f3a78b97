// Command feedback serves the workshop feedback forms, stores every response
// (in an embedded SQLite file, or in PostgreSQL for replicas) and builds the
// rapporteur's workbook.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"feedback/forms"
	"feedback/store"
)

// config is everything the service can be told at start.
type config struct {
	Addr       string
	DB         string
	Forms      string
	AdminToken string
	// EntryToken opens the paper entry pages only (admin_entry.go), for the
	// volunteers who key sheets; empty: only the admin token opens them.
	EntryToken string
	PublicURL  string
	// MaxInFlight bounds the requests handled at once (0: defaultMaxInFlight).
	MaxInFlight int
	// TrustedProxies are the load balancers whose X-Forwarded-For is
	// believed (proxy.go); none by default, so the header is ignored.
	TrustedProxies []netip.Prefix
	// RequestTimeout bounds every request's work, store calls included
	// (0: defaultRequestTimeout).
	RequestTimeout time.Duration
	// LoginWait is the first wait imposed on a client after its free wrong
	// tokens (0: defaultLoginWait; below 0: none, for tests).
	LoginWait time.Duration
	// Locales is the organizer's folder of locale files (locales.go): the
	// interface's text for languages beyond the seven shipped.
	Locales string
	// Check and PrintLocale are jobs that start nothing (check.go): check
	// the forms file and report its translations; print a language's
	// interface strings to translate from.
	Check       bool
	PrintLocale string
}

// minAdminToken is the shortest -admin-token accepted: 16 characters from
// any keyboard are far beyond what a throttled guesser can try.
const minAdminToken = 16

// parseConfig reads flags, each with an environment variable as its default.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c config
	fs := flag.NewFlagSet("feedback", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("FEEDBACK_ADDR", ":8080"), "address to listen on (FEEDBACK_ADDR)")
	fs.StringVar(&c.DB, "db", env("FEEDBACK_DB", "data/feedback.db"), "SQLite database file, created on first start, or a postgres:// URL (FEEDBACK_DB)")
	fs.StringVar(&c.Forms, "forms", env("FEEDBACK_FORMS", ""), "forms file (YAML); empty means the embedded default (FEEDBACK_FORMS)")
	fs.StringVar(&c.AdminToken, "admin-token", env("FEEDBACK_ADMIN_TOKEN", ""), "rapporteur's token; empty means a random one printed at start (FEEDBACK_ADMIN_TOKEN)")
	fs.StringVar(&c.EntryToken, "entry-token", env("FEEDBACK_ENTRY_TOKEN", ""), "token that opens the paper entry pages (/admin/entry) only, for volunteers keying sheets; empty means none (FEEDBACK_ENTRY_TOKEN)")
	fs.StringVar(&c.PublicURL, "public-url", env("FEEDBACK_PUBLIC_URL", "http://localhost:8080"), "public base URL that QR codes point at (FEEDBACK_PUBLIC_URL)")
	fs.IntVar(&c.MaxInFlight, "max-in-flight", envInt(getenv, "FEEDBACK_MAX_IN_FLIGHT"), "requests handled at once before answering 503 + Retry-After; 0 means 256 (FEEDBACK_MAX_IN_FLIGHT)")
	fs.StringVar(&c.Locales, "locales", env("FEEDBACK_LOCALES", ""), "folder of <code>.yaml locale files: interface text for languages beyond the seven shipped, or changes to theirs (FEEDBACK_LOCALES)")
	fs.BoolVar(&c.Check, "check", false, "check the -forms file, report its translations and exit, starting nothing")
	fs.StringVar(&c.PrintLocale, "print-locale", "", "print a shipped language's interface strings (a locale file to translate from) and exit")
	proxies := fs.String("trusted-proxies", env("FEEDBACK_TRUSTED_PROXIES", ""), "comma-separated addresses or CIDR ranges of load balancers whose X-Forwarded-For is believed; empty means the header is ignored (FEEDBACK_TRUSTED_PROXIES)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	c.AdminToken = strings.TrimSpace(c.AdminToken)
	if n := utf8.RuneCountInString(c.AdminToken); n > 0 && n < minAdminToken {
		return c, fmt.Errorf("-admin-token is %d characters long: it must be at least %d, so that nobody can guess it. "+
			"Leave it unset to have a random 192-bit token made and printed at start, or make one with: openssl rand -hex 24", n, minAdminToken)
	}
	c.EntryToken = strings.TrimSpace(c.EntryToken)
	if n := utf8.RuneCountInString(c.EntryToken); n > 0 && n < minAdminToken {
		return c, fmt.Errorf("-entry-token is %d characters long: it must be at least %d, so that nobody can guess it. "+
			"Make one with: openssl rand -hex 24", n, minAdminToken)
	}
	if c.EntryToken != "" && c.EntryToken == c.AdminToken {
		return c, errors.New("-entry-token must differ from -admin-token: it opens the paper entry pages only")
	}
	var err error
	if c.TrustedProxies, err = parseProxies(*proxies); err != nil {
		return c, err
	}
	return c, nil
}

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stderr, log); err != nil {
		if errors.Is(err, flagErrHelp) {
			os.Exit(0)
		}
		var told toldError
		if errors.As(err, &told) {
			os.Exit(1) // already said, in words for the organizer
		}
		log.Error("feedback stopped", "err", err)
		os.Exit(1)
	}
}

var flagErrHelp = flag.ErrHelp

// toldError is an error run has already written to stderr as plain text
// (the problems -check finds), which main need not log again.
type toldError struct{ error }

func (e toldError) Unwrap() error { return e.error }

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, log *slog.Logger) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	if cfg.PrintLocale != "" {
		return printLocale(os.Stdout, cfg.PrintLocale)
	}
	f := forms.Default()
	formsName := forms.DefaultFileName
	if cfg.Forms != "" {
		if f, err = loadForms(cfg.Forms); err != nil { // an .xlsx is an XLSForm
			if cfg.Check {
				fmt.Fprintln(stderr, err)
				return toldError{err}
			}
			return err
		}
		formsName = cfg.Forms
	}
	if cfg.Check {
		return checkForms(os.Stdout, cfg, f, formsName)
	}
	if cfg.AdminToken == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("admin token: %w", err)
		}
		cfg.AdminToken = hex.EncodeToString(b)
		// Printed once, on the terminal, not in the structured log.
		fmt.Fprintf(stderr, "\nRapporteur's admin token (shown once): %s\n\n", cfg.AdminToken)
	}
	startDebugListener(getenv("FEEDBACK_PPROF"), log)
	db, err := openStore(ctx, cfg.DB, log)
	if err != nil {
		return err
	}
	defer db.Close()
	recordForms(ctx, db, f, time.Now(), log) // questionperiods.go

	srv, err := newServer(cfg, f, db, log)
	if err != nil {
		return err
	}
	// Reads every stored answer's question once (retired.go), before the
	// first participant's request rather than during it.
	if _, err := srv.retiredQuestions(ctx); err != nil {
		log.Error("could not list the questions stored answers are to; trying again on first use", "err", err)
	}
	app := srv.app()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	log.Info("feedback started", "addr", ln.Addr().String(), "db", redactDB(cfg.DB), "forms", formsName,
		"workshops", len(f.Workshops), "public_url", cfg.PublicURL)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	serveErr := make(chan error, 1)
	go func() { serveErr <- app.Listener(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	if err := app.ShutdownWithTimeout(20 * time.Second); err != nil {
		log.Error("shutdown", "err", err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	log.Info("stopped cleanly")
	return nil
}

// openStore picks the store from the -db setting: a postgres:// or
// postgresql:// URL is a PostgreSQL server that several replicas of the app
// can share; anything else is the path of a SQLite file for one machine.
func openStore(ctx context.Context, db string, log *slog.Logger) (store.Store, error) {
	if store.IsPostgresURL(db) {
		return store.OpenPostgres(ctx, db)
	}
	return store.Open(ctx, db, store.Options{Log: log})
}

// redactDB is the -db setting as it may be logged: a URL's password is not.
func redactDB(db string) string {
	if !store.IsPostgresURL(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}
