package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads a QR code image with an independent decoder (a port of
// ZXing), so the test checks what a phone would read, not our own bitmap.
func decodeQR(tb testing.TB, img image.Image) string {
	tb.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatalf("qr bitmap: %v", err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		tb.Fatalf("qr decode: %v", err)
	}
	return res.GetText()
}

var svgRun = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// rasterSVG draws our SVG's path back into pixels, 4 per module: it reads
// only the SVG the server sent, so a wrong SVG fails to decode.
func rasterSVG(tb testing.TB, svg string) image.Image {
	tb.Helper()
	var n int
	if _, err := fmt.Sscanf(regexp.MustCompile(`viewBox="0 0 (\d+)`).FindString(svg), `viewBox="0 0 %d`, &n); err != nil || n < 21 {
		tb.Fatalf("svg viewBox: %v (n=%d)", err, n)
	}
	const px = 4
	img := image.NewGray(image.Rect(0, 0, n*px, n*px))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	runs := svgRun.FindAllStringSubmatch(svg, -1)
	if len(runs) == 0 {
		tb.Fatal("svg has no modules")
	}
	for _, m := range runs {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for yy := y * px; yy < (y+1)*px; yy++ {
			for xx := x * px; xx < (x+w)*px; xx++ {
				img.SetGray(xx, yy, color.Gray{})
			}
		}
	}
	return img
}

func TestQRCode(t *testing.T) {
	a := mustApp(t)
	for _, w := range a.srv.forms.Workshops {
		want := "https://feedback.example.org/w/" + w.Slug
		t.Run(w.Slug, func(t *testing.T) {
			res, body := a.do(t, get("/w/"+w.Slug+"/qr.png"))
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("png: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			img, err := png.Decode(bytes.NewReader([]byte(body)))
			if err != nil {
				t.Fatalf("png: %v", err)
			}
			if got := decodeQR(t, img); got != want {
				t.Errorf("png decodes to %q, want %q", got, want)
			}

			res, body = a.do(t, get("/w/"+w.Slug+"/qr.svg"))
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml; charset=utf-8" {
				t.Fatalf("svg: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if got := decodeQR(t, rasterSVG(t, body)); got != want {
				t.Errorf("svg decodes to %q, want %q", got, want)
			}
		})
	}

	t.Run("Revalidated", func(t *testing.T) {
		res, _ := a.do(t, get("/w/alpha/qr.png"))
		etag := res.Header.Get("ETag")
		if etag == "" || res.Header.Get("Cache-Control") == "" {
			t.Fatalf("no ETag or Cache-Control: %v", res.Header)
		}
		res, body := a.do(t, get("/w/alpha/qr.png", "If-None-Match", etag))
		if res.StatusCode != 304 || body != "" {
			t.Errorf("If-None-Match: %d with %d bytes, want 304 and nothing", res.StatusCode, len(body))
		}
	})

	t.Run("ErrUnknownWorkshop", func(t *testing.T) {
		for _, p := range []string{"/w/no-such-workshop/qr.png", "/w/no-such-workshop/qr.svg"} {
			if res, _ := a.do(t, get(p)); res.StatusCode != 404 {
				t.Errorf("%s: %d, want 404", p, res.StatusCode)
			}
		}
	})
}

func TestShortURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://feedback.example.org/w/x": "feedback.example.org/w/x",
		"http://localhost:8080/w/x":        "localhost:8080/w/x",
		"feedback.example.org/w/x":         "feedback.example.org/w/x",
	} {
		if got := shortURL(in); got != want {
			t.Errorf("shortURL(%q) = %q, want %q", in, got, want)
		}
	}
}
