package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	qrcode "github.com/skip2/go-qrcode"
)

// qrModulePixels is the size of one QR module in the PNG: whole pixels keep the
// edges sharp, and ten make a code a phone reads from across a room on screen.
const qrModulePixels = 10

// qrCode is a workshop's QR code, built once: the public URL does not change
// while the service runs.
type qrCode struct {
	url              string
	png, svg         []byte
	pngETag, svgETag string
}

// qrCodes caches the codes by workshop slug.
type qrCodes struct {
	mu     sync.Mutex
	bySlug map[string]*qrCode
}

// formURL is the address a poster sends a participant to.
func (s *server) formURL(slug string) string { return s.cfg.PublicURL + "/w/" + slug }

// shortURL is the form's address without its scheme, for the line printed
// under a QR code that a participant types by hand.
func shortURL(u string) string {
	for _, p := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(u, p); ok {
			return rest
		}
	}
	return u
}

// qrFor returns the workshop's QR code, building it on first use.
func (s *server) qrFor(slug string) (*qrCode, error) {
	s.qr.mu.Lock()
	defer s.qr.mu.Unlock()
	if q, ok := s.qr.bySlug[slug]; ok {
		return q, nil
	}
	u := s.formURL(slug)
	// Medium correction (15 %) survives a creased or smudged poster while
	// keeping the modules large enough to scan from a distance.
	code, err := qrcode.New(u, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr %s: %w", slug, err)
	}
	png, err := code.PNG(-qrModulePixels)
	if err != nil {
		return nil, fmt.Errorf("qr %s: png: %w", slug, err)
	}
	svg := qrSVG(code.Bitmap(), u)
	q := &qrCode{url: u, png: png, svg: svg, pngETag: etagOf(png), svgETag: etagOf(svg)}
	if s.qr.bySlug == nil {
		s.qr.bySlug = map[string]*qrCode{}
	}
	s.qr.bySlug[slug] = q
	return q, nil
}

// etagOf names a body by its content, so a cached code is revalidated cheaply.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// qrSVG draws the code's modules (the bitmap includes the quiet zone) as one
// path of unit squares, each row's dark runs merged, so the SVG stays small
// and prints sharp at any size. The title names the URL for screen readers.
func qrSVG(bitmap [][]bool, url string) []byte {
	n := len(bitmap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img">`, n, n)
	b.WriteString("<title>")
	b.WriteString(xmlEscape(url))
	b.WriteString("</title>")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bitmap {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String())
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func (s *server) handleQRPNG(c *fiber.Ctx) error { return s.sendQR(c, "image/png", false) }

func (s *server) handleQRSVG(c *fiber.Ctx) error {
	return s.sendQR(c, "image/svg+xml; charset=utf-8", true)
}

// workshopQR is the request's workshop and its QR code.
func (s *server) workshopQR(c *fiber.Ctx) (*forms.Workshop, *qrCode, error) {
	w, err := s.workshop(c)
	if err != nil {
		return nil, nil, err
	}
	q, err := s.qrFor(w.Slug)
	return w, q, err
}

func (s *server) sendQR(c *fiber.Ctx, ctype string, svg bool) error {
	_, q, err := s.workshopQR(c)
	if err != nil {
		return err
	}
	body, etag := q.png, q.pngETag
	if svg {
		body, etag = q.svg, q.svgETag
	}
	c.Set(fiber.HeaderETag, etag)
	// A day: a poster's code changes only if -public-url does.
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, ctype)
	return c.Send(body)
}
