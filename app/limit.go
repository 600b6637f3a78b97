package main

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/store"
)

// A thousand participants may share one NAT address, so no limit here looks at
// the client's address: one busy room must never lock itself out. The service
// protects itself instead by bounding how much work it takes on at once, and
// the store bounds what one submission_id can do (see store/limit.go).
const (
	// defaultMaxInFlight bounds the requests handled at once. Saving a
	// response takes a few milliseconds (group commit), so a few hundred in
	// flight already covers a whole room pressing "send" together; beyond it
	// memory and latency grow for nobody's benefit.
	defaultMaxInFlight = 256
	// inFlightWait is how long a request may wait for a slot before it is
	// refused: a burst is smoothed rather than refused outright.
	inFlightWait = 500 * time.Millisecond
)

// inFlight is the bound on requests in flight, shared by every route except
// the health check and the static assets (served from memory, and needed to
// show even the "try again" page properly).
type inFlight struct {
	slots chan struct{}
	wait  time.Duration

	mu         sync.Mutex
	refused    int // since the last log line
	lastLogged time.Time
}

func newInFlight(max int, wait time.Duration) *inFlight {
	if max <= 0 {
		max = defaultMaxInFlight
	}
	return &inFlight{slots: make(chan struct{}, max), wait: wait}
}

// exemptFromLimit names the paths that are never refused for load.
func exemptFromLimit(path string) bool {
	return path == "/healthz" || strings.HasPrefix(path, "/static/")
}

// limitInFlight is the middleware: it takes a slot, waiting up to the bound's
// wait, or answers 503 with Retry-After.
func (s *server) limitInFlight(l *inFlight) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if exemptFromLimit(c.Path()) {
			return c.Next()
		}
		select {
		case l.slots <- struct{}{}:
		default:
			t := time.NewTimer(l.wait)
			select {
			case l.slots <- struct{}{}:
				t.Stop()
			case <-t.C:
				return s.overloaded(c, l)
			}
		}
		defer func() { <-l.slots }()
		return c.Next()
	}
}

// retryAfterBusy spreads the retries of a refused burst over a few seconds,
// so that they do not all come back at the same instant.
func retryAfterBusy() string { return strconv.Itoa(2 + rand.IntN(5)) }

// overloaded answers a request refused for load: 503 with Retry-After, and a
// form post gets its form back with every answer, so nothing typed is lost
// even without the form's script.
func (s *server) overloaded(c *fiber.Ctx, l *inFlight) error {
	l.mu.Lock()
	l.refused++
	if now := time.Now(); now.Sub(l.lastLogged) >= 10*time.Second {
		// One line per ten seconds, however many are refused.
		s.log.Warn("busy: requests refused", "refused", l.refused, "max_in_flight", cap(l.slots))
		l.refused, l.lastLogged = 0, now
	}
	l.mu.Unlock()
	c.Set(fiber.HeaderRetryAfter, retryAfterBusy())
	lang := s.lang(c)
	if c.Method() == fiber.MethodPost && strings.HasPrefix(c.Path(), "/w/") {
		if w := s.forms.Workshop(strings.TrimPrefix(c.Path(), "/w/")); w != nil {
			submissionID, in := formInput(c)
			page, _ := strconv.Atoi(c.FormValue("page"))
			return s.renderFormAgain(c, w, lang, submissionID, in, nil, fiber.StatusServiceUnavailable, s.text.T(lang, forms.MsgUnavailable), page)
		}
	}
	if isAPI(c) && c.Method() == fiber.MethodPost {
		// The API's language is in its body: the error handler speaks it.
		var body struct{ Lang string }
		if json.Unmarshal(c.Body(), &body) == nil && s.forms.HasLanguage(body.Lang) {
			c.Locals("lang", body.Lang)
		}
	}
	return &forms.Error{Code: forms.EUNAVAILABLE, Key: forms.MsgUnavailable, Message: "too many requests in flight"}
}

// envInt reads a whole number from the environment for a flag's default; an
// unreadable value counts as unset, so the built-in default applies.
func envInt(getenv func(string) string, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(getenv(name)))
	return n
}

// setRetryAfter tells the client when a refused change would be accepted,
// rounded up to whole seconds, when err carries that (store.LimitError).
func setRetryAfter(c *fiber.Ctx, err error) {
	var le *store.LimitError
	if errors.As(err, &le) && le.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int((le.RetryAfter+time.Second-1)/time.Second)))
	}
}
