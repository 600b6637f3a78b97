package main

import (
	"encoding/hex"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The rapporteur's door is the one place where guessing pays: a weak token
// chosen with -admin-token could be found by trying. Every wrong token,
// through the login form or a Bearer header, makes the client wait longer
// before its next try is even checked: after a few free failures, twice the
// pause of admin_auth.go's loginFailDelay, then doubling up to five minutes. A try that comes early is refused (429) without
// looking at the token, so guessing in parallel gains nothing. Only failures
// count, and only tries of a token: the rapporteur's signed session cookie is
// never slowed down, and a right token resets the count.
//
// The count is per client and kept in the database, so that every replica
// slows the same guesser down; the client is a keyed hash of its address, so
// no address is stored. The forum's thousand participants share one address
// but never try a token.
const (
	loginFreeFailures = 3                // wrong tokens allowed before any wait
	loginMaxWait      = 5 * time.Minute  // the longest wait
	loginForgetAfter  = 30 * time.Minute // a client quiet this long starts afresh
)

// loginWait is how long a client with n failures waits after the last one.
// It grows from loginFailDelay, the pause every wrong token costs anyway (so
// tests that set that to zero turn the throttle off too).
func loginWait(n int) time.Duration {
	if n < loginFreeFailures || loginFailDelay <= 0 {
		return 0
	}
	d := 2 * loginFailDelay
	for i := loginFreeFailures; i < n && d < loginMaxWait; i++ {
		d *= 2
	}
	return min(d, loginMaxWait)
}

// loginClient names a client for the throttle without storing its address.
func (s *server) loginClient(c *fiber.Ctx) string {
	return hex.EncodeToString(mac(s.adminKey("login-client"), c.IP())[:16])
}

// loginGate refuses a token try that comes before the client's wait is over:
// 429 with Retry-After, logged.
func (s *server) loginGate(c *fiber.Ctx) error {
	n, last, err := s.db.LoginFailures(c.UserContext(), s.loginClient(c))
	if err != nil {
		return err
	}
	now := s.now()
	if n == 0 || now.Sub(last) > loginForgetAfter {
		return nil
	}
	wait := last.Add(loginWait(n)).Sub(now)
	if wait <= 0 {
		return nil
	}
	// Not logged: the failures that led here were, and an attacker's
	// refused tries would only flood the log.
	secs := int((wait + time.Second - 1) / time.Second)
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	unit := " seconds"
	if secs == 1 {
		unit = " second"
	}
	return fiber.NewError(fiber.StatusTooManyRequests,
		"Too many wrong tokens from this address. Wait "+strconv.Itoa(secs)+unit+" before trying again.")
}

// loginFailed records and logs a wrong token.
func (s *server) loginFailed(c *fiber.Ctx, via string) {
	n, err := s.db.RecordLoginFailure(c.UserContext(), s.loginClient(c), s.now(), loginForgetAfter)
	if err != nil {
		s.log.Error("admin token refused, not counted", "client", c.IP(), "via", via, "err", err)
		return
	}
	s.log.Warn("admin token refused", "client", c.IP(), "via", via, "failures", n, "next_wait_s", int(loginWait(n)/time.Second))
}

// loginSucceeded forgets the client's failures.
func (s *server) loginSucceeded(c *fiber.Ctx) {
	if err := s.db.ForgetLoginFailures(c.UserContext(), s.loginClient(c)); err != nil {
		s.log.Error("forget admin token failures", "err", err)
	}
}

// localLoginThrottled holds the 429 of a Bearer try refused by loginGate, for
// unauthorized to answer it instead of a plain 401.
const localLoginThrottled = "login_throttled"

// bearerMatches checks a Bearer token through the throttle: a client still
// waiting gets false without its token being looked at.
func (s *server) bearerMatches(c *fiber.Ctx, token string) bool {
	if err := s.loginGate(c); err != nil {
		c.Locals(localLoginThrottled, err)
		return false
	}
	if s.tokenMatches(token) {
		return true
	}
	s.loginFailed(c, "bearer")
	return false
}

// throttledError is the 429 for a request whose Bearer try was refused.
func throttledError(c *fiber.Ctx) error {
	err, _ := c.Locals(localLoginThrottled).(error)
	return err
}
