package main

import (
	"encoding/hex"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The rapporteur's door is the one place where guessing could pay, so wrong
// tokens are slowed down; the right one never is. A token is checked first
// (in constant time, which is cheap), and a right token is let in at once,
// whatever was guessed before and from wherever: a thousand participants
// share the venue's NAT address with the rapporteur, and one of them typing
// wrong tokens in a loop must not keep her out.
//
// Every wrong token, through the login form or a Bearer header, is counted
// per client. After a few free failures the client must wait before its next
// wrong token is even counted: the first wait is the server's loginWait base,
// then it doubles up to five minutes. A wrong token that comes early is
// answered 429 at once (no sleep holds a request slot), so guessing in
// parallel gains nothing. A client quiet for half an hour starts afresh. With
// the 16-character minimum of -admin-token (and the 192-bit default) a
// guesser gets at most a few hundred tries a day: hopeless.
//
// The count is kept in the database, so that every replica slows the same
// guesser down; the client is a keyed hash of its address (the forwarded
// client's behind a trusted proxy: proxy.go), so no address is stored.
const (
	loginFreeFailures = 3                // wrong tokens allowed before any wait
	loginMaxWait      = 5 * time.Minute  // the longest wait
	loginForgetAfter  = 30 * time.Minute // a client quiet this long starts afresh
	// defaultLoginWait is the first wait after the free failures.
	defaultLoginWait = 1400 * time.Millisecond
)

// loginWait is how long a client with n failures waits after the last one,
// growing from base (0 or less: no throttle, as some tests want).
func loginWait(base time.Duration, n int) time.Duration {
	if n < loginFreeFailures || base <= 0 {
		return 0
	}
	d := base
	for i := loginFreeFailures; i < n && d < loginMaxWait; i++ {
		d *= 2
	}
	return min(d, loginMaxWait)
}

// loginClient names a client for the throttle without storing its address.
func (s *server) loginClient(c *fiber.Ctx) string {
	return hex.EncodeToString(mac(s.adminKey("login-client"), s.clientIP(c))[:16])
}

// loginGate refuses a wrong token that comes before the client's wait is
// over: 429 with Retry-After. Call it only once the token is known wrong.
func (s *server) loginGate(c *fiber.Ctx) error {
	n, last, err := s.db.LoginFailures(c.UserContext(), s.loginClient(c))
	if err != nil {
		return err
	}
	now := s.now()
	if n == 0 || now.Sub(last) > loginForgetAfter {
		return nil
	}
	wait := last.Add(loginWait(s.loginBase, n)).Sub(now)
	if wait <= 0 {
		return nil
	}
	// Not logged nor counted: the failures that led here were, and an
	// attacker's refused tries would only flood the log.
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
		s.log.Error("admin token refused, not counted", "client", s.clientIP(c), "via", via, "err", err)
		return
	}
	s.log.Warn("admin token refused", "client", s.clientIP(c), "via", via, "failures", n, "next_wait_s", int(loginWait(s.loginBase, n)/time.Second))
}

// checkToken is the one door for a token (the admin or the entry token),
// from the login form or a Bearer header: a right one is accepted at once,
// with its role; a wrong one is counted, or refused with the 429 of
// loginGate while the client must wait.
func (s *server) checkToken(c *fiber.Ctx, token, via string) (string, error) {
	if role := s.tokenRole(token); role != "" {
		return role, nil
	}
	if err := s.loginGate(c); err != nil {
		return "", err
	}
	s.loginFailed(c, via)
	return "", nil
}

// localLoginThrottled holds the 429 of a wrong Bearer token refused by
// loginGate, for unauthorized to answer it instead of a plain 401.
const localLoginThrottled = "login_throttled"

// bearerRole checks a Bearer token through checkToken.
func (s *server) bearerRole(c *fiber.Ctx, token string) string {
	role, err := s.checkToken(c, token, "bearer")
	if err != nil {
		c.Locals(localLoginThrottled, err)
	}
	return role
}

// throttledError is the 429 for a request whose wrong Bearer token came
// before the client's wait was over.
func throttledError(c *fiber.Ctx) error {
	err, _ := c.Locals(localLoginThrottled).(error)
	return err
}
