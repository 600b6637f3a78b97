package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The rapporteur's access. Scripts send "Authorization: Bearer <token>"; a
// browser logs in once with the token and gets a session cookie. The cookie
// is signed with a key derived from the token (HMAC), so that the server keeps
// no session memory: any replica started with the same token accepts it, a
// restart keeps the rapporteur logged in, and changing the token logs every
// browser out.
//
// Every admin page is registered on the one /admin group of routes.go, behind
// requireAdmin; nothing else is needed.
//
// The volunteers who key paper sheets hold a second token, -entry-token,
// which opens the entry pages (under entryPath) and nothing else: its Bearer
// requests elsewhere are refused, and its session cookie is signed with a key
// of its own and sent only to entryPath.

const (
	// sessionCookie names the rapporteur's session cookie.
	sessionCookie = "feedback_admin"
	// sessionTTL is how long a login lasts: one forum day.
	sessionTTL = 12 * time.Hour
	// csrfField is the hidden form field (or X-CSRF-Token header) that every
	// state-changing admin request made with the cookie must carry.
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
	// adminLoginPath and adminLogoutPath stay reachable without a session.
	adminLoginPath  = "/admin/login"
	adminLogoutPath = "/admin/logout"
	// entryCookie names the entry token's session cookie, scoped to
	// entryPath, the pages the entry token opens.
	entryCookie = "feedback_entry"
	entryPath   = "/admin/entry"
)

// The roles a token or session gives: the rapporteur's, or the keyer's.
const (
	roleAdmin = "admin"
	roleEntry = "entry"
)

// Locals keys set by requireAdmin for the handlers after it.
const (
	localAdminVia     = "admin_via"     // "bearer" or "cookie"
	localAdminSession = "admin_session" // the session's nonce, for CSRF tokens
	localAdminRole    = "admin_role"    // roleAdmin or roleEntry
)

// adminKey derives a key for one purpose from the admin token, so the token
// itself never signs anything and a cookie's signature cannot serve as a CSRF
// token or the other way round.
func (s *server) adminKey(purpose string) []byte {
	m := hmac.New(sha256.New, []byte(s.cfg.AdminToken))
	m.Write([]byte("feedback/admin/" + purpose))
	return m.Sum(nil)
}

// roleKey is adminKey for roleAdmin, and for roleEntry the same derived from
// the entry token: changing either token ends only its own sessions.
func (s *server) roleKey(role, purpose string) []byte {
	if role != roleEntry {
		return s.adminKey(purpose)
	}
	m := hmac.New(sha256.New, []byte(s.cfg.EntryToken))
	m.Write([]byte("feedback/entry/" + purpose))
	return m.Sum(nil)
}

func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

var b64 = base64.RawURLEncoding

// tokenRole says whose token presented is: roleAdmin, roleEntry, or "" for
// neither. Both are compared in constant time; hashing first hides their
// length too. An empty token (a misconfigured server, or no entry token)
// matches nothing.
func (s *server) tokenRole(presented string) string {
	if presented == "" {
		return ""
	}
	a := sha256.Sum256([]byte(presented))
	match := func(token string) bool {
		b := sha256.Sum256([]byte(token))
		return token != "" && subtle.ConstantTimeCompare(a[:], b[:]) == 1
	}
	isAdmin, isEntry := match(s.cfg.AdminToken), match(s.cfg.EntryToken)
	switch {
	case isAdmin:
		return roleAdmin
	case isEntry:
		return roleEntry
	}
	return ""
}

// isEntryPath reports whether path is one of the pages the entry token opens.
func isEntryPath(path string) bool {
	p := strings.ToLower(path)
	return p == entryPath || strings.HasPrefix(p, entryPath+"/")
}

// newSession returns a cookie value "v1.<expiry>.<nonce>.<signature>" for a
// session of role.
func (s *server) newSession(role string, now time.Time) (string, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	exp := strconv.FormatInt(now.Add(sessionTTL).Unix(), 10)
	n := b64.EncodeToString(nonce)
	sig := b64.EncodeToString(mac(s.roleKey(role, "session"), "v1", exp, n))
	return "v1." + exp + "." + n + "." + sig, nil
}

// checkSession returns the session's nonce when value is a cookie of role
// this server (or a replica with the same token) signed and it has not
// expired.
func (s *server) checkSession(role, value string, now time.Time) (string, bool) {
	if s.cfg.AdminToken == "" || role == roleEntry && s.cfg.EntryToken == "" {
		return "", false
	}
	parts := strings.Split(value, ".")
	if len(parts) != 4 || parts[0] != "v1" {
		return "", false
	}
	sig, err := b64.DecodeString(parts[3])
	if err != nil || !hmac.Equal(sig, mac(s.roleKey(role, "session"), "v1", parts[1], parts[2])) {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !now.Before(time.Unix(exp, 0)) {
		return "", false
	}
	return parts[2], true
}

// adminVia says how the request proved it holds a token: "bearer",
// "cookie", or "" for neither. It also remembers the session for csrfToken,
// and the role (adminRole) for requireAdmin.
func (s *server) adminVia(c *fiber.Ctx) string {
	if via, ok := c.Locals(localAdminVia).(string); ok {
		return via
	}
	via, role := "", ""
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			if role = s.bearerRole(c, strings.TrimSpace(tok)); role != "" {
				via = "bearer"
			}
		}
	} else if nonce, ok := s.checkSession(roleAdmin, c.Cookies(sessionCookie), s.now()); ok {
		via, role = "cookie", roleAdmin
		c.Locals(localAdminSession, nonce)
	} else if nonce, ok := s.checkSession(roleEntry, c.Cookies(entryCookie), s.now()); ok {
		via, role = "cookie", roleEntry
		c.Locals(localAdminSession, nonce)
	}
	if via != "" {
		c.Locals(localAdminVia, via)
		c.Locals(localAdminRole, role)
	}
	return via
}

// adminRole is the role adminVia found: roleAdmin, roleEntry or "".
func (s *server) adminRole(c *fiber.Ctx) string {
	s.adminVia(c)
	role, _ := c.Locals(localAdminRole).(string)
	return role
}

// csrfToken returns the token that an admin form must send back in its hidden
// "csrf" field (or the X-CSRF-Token header): an HMAC of the session, so it
// needs no storage and changes with every login. Render it into every form
// that POSTs to an admin route:
//
//	<input type="hidden" name="csrf" value="{{.Data.CSRF}}">
//
// It is empty for a Bearer request, which needs none (a browser never adds
// that header on its own).
func (s *server) csrfToken(c *fiber.Ctx) string {
	s.adminVia(c)
	nonce, _ := c.Locals(localAdminSession).(string)
	if nonce == "" {
		return ""
	}
	return b64.EncodeToString(mac(s.roleKey(s.adminRole(c), "csrf"), nonce))
}

// checkCSRF refuses (403) a state-changing request authenticated by the
// session cookie unless it carries the session's CSRF token. Bearer requests
// pass: a cross-site page cannot make a browser send that header.
func (s *server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return nil
	}
	if s.adminVia(c) == "bearer" {
		return nil
	}
	want := s.csrfToken(c)
	got := c.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfField)
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "The form has expired or did not come from this site. Reload the page and try again.")
	}
	return nil
}

// isAdminPublic reports whether path is one of the admin pages that must be
// reachable without a session (logging in and out).
func isAdminPublic(path string) bool {
	p := strings.TrimSuffix(strings.ToLower(path), "/")
	return p == adminLoginPath || p == adminLogoutPath
}

// requireAdmin lets a request through only with the admin token (Bearer) or
// a valid session cookie, and checks the CSRF token of every state-changing
// request made with the cookie. Without either, a browser gets the login page
// and anything else a JSON 401.
func (s *server) requireAdmin(c *fiber.Ctx) error {
	if isAdminPublic(c.Path()) {
		return c.Next()
	}
	if s.adminVia(c) == "" {
		return s.unauthorized(c)
	}
	if s.adminRole(c) != roleAdmin && !isEntryPath(c.Path()) {
		return fiber.NewError(fiber.StatusForbidden, "The entry token opens the paper entry pages only.")
	}
	if err := s.checkCSRF(c); err != nil {
		return err
	}
	return c.Next()
}

// wantsHTML tells a browser from a script by what it accepts.
func wantsHTML(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}

func (s *server) unauthorized(c *fiber.Ctx) error {
	if err := throttledError(c); err != nil {
		return err // too many wrong tokens: 429 (limit_login.go)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if wantsHTML(c) {
		next := ""
		if c.Method() == fiber.MethodGet {
			next = c.OriginalURL()
		}
		return s.renderLogin(c, fiber.StatusUnauthorized, next, "")
	}
	c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="feedback admin"`)
	return c.Status(fiber.StatusUnauthorized).JSON(fiber.Map{"error": "admin token required: send Authorization: Bearer <token>"})
}

// loginView is what the login page shows.
type loginView struct {
	Next  string
	Error string
}

func (s *server) renderLogin(c *fiber.Ctx, status int, next, msg string) error {
	p := s.adminPage("Rapporteur login", loginView{Next: safeNext(next), Error: msg})
	p.Admin = false // nothing behind the links until she is in
	return s.render(c, status, "login", p)
}

// adminPage wraps an admin page's data for the layout. Admin pages are in
// English and offer no language switch.
func (s *server) adminPage(title string, data any) *page {
	return &page{Lang: "en", Dir: "ltr", Title: title, CSS: s.assets.url("style.css"), Admin: true, Data: data, text: s.text, Forum: s.forms.Title.Get("en")}
}

// safeNext keeps a post-login redirect inside /admin, so the login form
// cannot be used to send the rapporteur to another site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/admin"
	}
	p := path.Clean(u.Path)
	if p != "/admin" && !strings.HasPrefix(p, "/admin/") || isAdminPublic(p) {
		return "/admin"
	}
	u.Path, u.RawPath = p, ""
	return u.RequestURI()
}

// sameOrigin refuses a POST that a browser says came from another site, so a
// foreign page cannot log the rapporteur in or out.
func sameOrigin(c *fiber.Ctx) bool {
	if site := c.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return false
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || origin == "null" {
		return origin == ""
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, c.Hostname())
}

func (s *server) handleLoginPage(c *fiber.Ctx) error {
	if s.adminVia(c) != "" {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return s.renderLogin(c, fiber.StatusOK, c.Query("next"), "")
}

func (s *server) handleLogin(c *fiber.Ctx) error {
	if !sameOrigin(c) {
		return fiber.NewError(fiber.StatusForbidden, "Log in from this site's own login page.")
	}
	next := c.FormValue("next")
	role, err := s.checkToken(c, strings.TrimSpace(c.FormValue("token")), "login form")
	if err != nil { // a wrong token while the client must wait (limit_login.go)
		return s.renderLogin(c, fiber.StatusTooManyRequests, next, err.Error())
	}
	if role == "" {
		return s.renderLogin(c, fiber.StatusUnauthorized, next, "That token is not right. It was printed when the service started, or set with -admin-token.")
	}
	value, err := s.newSession(role, s.now())
	if err != nil {
		return err
	}
	name, scope, to := sessionCookie, "/admin", safeNext(next)
	if role == roleEntry {
		name, scope = entryCookie, entryPath
		if !isEntryPath(to) {
			to = entryPath
		}
	}
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: scope,
		MaxAge: int(sessionTTL / time.Second), Expires: s.now().Add(sessionTTL),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https",
	})
	return c.Redirect(to, fiber.StatusSeeOther)
}

// handleLogout forgets the session in this browser. The cookie is signed,
// not stored, so a copy taken before logout stays valid until it expires;
// changing the admin token ends every session at once.
func (s *server) handleLogout(c *fiber.Ctx) error {
	if !sameOrigin(c) {
		return fiber.NewError(fiber.StatusForbidden, "Log out from this site's own pages.")
	}
	for name, scope := range map[string]string{sessionCookie: "/admin", entryCookie: entryPath} {
		c.Cookie(&fiber.Cookie{
			Name: name, Value: "", Path: scope, MaxAge: -1, Expires: time.Unix(0, 0),
			HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https",
		})
	}
	return c.Redirect(adminLoginPath, fiber.StatusSeeOther)
}
