package main

import (
	"strconv"
	"sync"
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
// The count is per client address and kept in this process: the forum's
// thousand participants share one address but never try a token, and an
// attacker spreading tries over several replicas only gains their number.
const (
	loginFreeFailures = 3                // wrong tokens allowed before any wait
	loginMaxWait      = 5 * time.Minute  // the longest wait
	loginForgetAfter  = 30 * time.Minute // a client quiet this long starts afresh
	loginMaxClients   = 10000            // bounds the memory an attacker can make us use
)

// loginThrottle remembers the failed token tries of each client.
type loginThrottle struct {
	mu      sync.Mutex
	clients map[string]*loginFailures
}

type loginFailures struct {
	count int
	last  time.Time
}

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

// check returns how long the client must still wait before its token is
// looked at; zero means now.
func (l *loginThrottle) check(client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.clients[client]
	if f == nil {
		return 0
	}
	if now.Sub(f.last) > loginForgetAfter {
		delete(l.clients, client)
		return 0
	}
	return max(0, f.last.Add(loginWait(f.count)).Sub(now))
}

// failed counts a wrong token and returns the client's count.
func (l *loginThrottle) failed(client string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients == nil {
		l.clients = map[string]*loginFailures{}
	}
	f := l.clients[client]
	if f == nil {
		if len(l.clients) >= loginMaxClients {
			l.forgetQuiet(now)
		}
		f = &loginFailures{}
		l.clients[client] = f
	}
	f.count++
	f.last = now
	return f.count
}

// forgetQuiet drops the clients that stopped failing; if all are recent, it
// drops them all rather than grow without bound.
func (l *loginThrottle) forgetQuiet(now time.Time) {
	for k, f := range l.clients {
		if now.Sub(f.last) > loginWait(f.count) {
			delete(l.clients, k)
		}
	}
	if len(l.clients) >= loginMaxClients {
		clear(l.clients)
	}
}

// succeeded forgets the client's failures.
func (l *loginThrottle) succeeded(client string) {
	l.mu.Lock()
	delete(l.clients, client)
	l.mu.Unlock()
}

// loginGate refuses a token try that comes before the client's wait is over:
// 429 with Retry-After, logged.
func (s *server) loginGate(c *fiber.Ctx) error {
	wait := s.logins.check(c.IP(), s.now())
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
	n := s.logins.failed(c.IP(), s.now())
	s.log.Warn("admin token refused", "client", c.IP(), "via", via, "failures", n, "next_wait_s", int(loginWait(n)/time.Second))
}

// loginSucceeded forgets the client's failures.
func (s *server) loginSucceeded(c *fiber.Ctx) { s.logins.succeeded(c.IP()) }

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
