package main

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// A slide read from the back of a hall has room for a few lines of quotes in
// 28 px type, and a comment may be a thousand characters long: the deck
// shows as much of each starred quote (and its translation) as its slide
// holds, cut at a word with "…"; the facilitators' report prints them whole.

// quoteRoom is the space a slide gives its quotes: a line's width in ems of
// the body text and the lines of it that fit.
type quoteRoom struct {
	PerLine float64
	Lines   int
	// Extra is the lines each quote takes besides its texts (the space
	// after it, a workshop's name under it).
	Extra int
}

var (
	workshopQuoteRoom = quoteRoom{PerLine: 23, Lines: 14, Extra: 1}
	themeQuoteRoom    = quoteRoom{PerLine: 21, Lines: 13, Extra: 2}
)

// wrapLoss is the share of a line that word wrapping leaves empty, roughly.
const wrapLoss = 0.85

// fitQuotes cuts the quotes' texts so that together they fill at most the
// room: short texts whole, the rest sharing what is left equally.
func fitQuotes(qs []quoteView, room quoteRoom) []quoteView {
	var texts []*string
	for i := range qs {
		texts = append(texts, &qs[i].Text)
		if qs[i].Translation != "" {
			texts = append(texts, &qs[i].Translation)
		}
	}
	per := room.PerLine * wrapLoss
	left := room.Lines - room.Extra*len(qs)
	need := func(t string) int { return max(1, int(math.Ceil(textWidth(t)/per))) }
	order := make([]int, len(texts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return need(*texts[order[a]]) < need(*texts[order[b]]) })
	cut := map[*string]bool{}
	for k, i := range order {
		share := max(1, left/(len(order)-k))
		if n := need(*texts[i]); n <= share {
			left -= n
			continue
		}
		*texts[i] = cutText(*texts[i], float64(share)*per-1)
		cut[texts[i]] = true
		left -= share
	}
	for i := range qs {
		qs[i].Cut = cut[&qs[i].Text] || cut[&qs[i].Translation]
	}
	return qs
}

// textWidth estimates a text's width in ems: a Chinese or Japanese
// character is a whole em, a letter a little over half of one.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) float64 {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef:
		return 1
	case unicode.IsSpace(r):
		return 0.3
	case unicode.IsUpper(r):
		return 0.72
	case unicode.In(r, unicode.Arabic):
		return 0.5
	default:
		return 0.6
	}
}

// cutText is the beginning of s that is at most ems wide, ending at a word
// when there is one near the end, then "…".
func cutText(s string, ems float64) string {
	w, end := 0.0, 0
	for i, r := range s {
		if w+runeWidth(r) > ems {
			break
		}
		w += runeWidth(r)
		end = i + len(string(r))
	}
	head := s[:end]
	if sp := strings.LastIndexFunc(head, unicode.IsSpace); sp > len(head)*3/4 {
		head = head[:sp]
	}
	return strings.TrimRightFunc(head, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}
