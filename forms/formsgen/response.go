package formsgen

import (
	"encoding/hex"
	"math/rand/v2"
	"time"

	"feedback/forms"
)

// Response draws one participant's response submitted at at: a workshop of f
// and a language of f at random, answers as c says, and a submission_id from
// rng, so that the same rng state makes the same response again.
func Response(f *forms.Forms, rng *rand.Rand, c Crowd, at time.Time) *forms.Response {
	w := f.Workshops[rng.IntN(len(f.Workshops))]
	return &forms.Response{
		SubmissionID: SubmissionID(rng),
		Workshop:     w.Slug,
		Lang:         f.Languages[rng.IntN(len(f.Languages))],
		SubmittedAt:  at,
		Answers:      Answers(w, rng, c),
	}
}

// SubmissionID makes a random version-4 UUID, as a form carries, from rng: a
// program that sends thousands a second takes no lock and makes no system
// call per id, and a seeded rng makes the same ids again.
func SubmissionID(rng *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
