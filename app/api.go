package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
)

type apiWorkshop struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
	Open  bool   `json:"open"`
}

func (s *server) handleAPIWorkshops(c *fiber.Ctx) error {
	lang := s.lang(c)
	states, err := s.states(c.UserContext(), lang)
	if err != nil {
		return err
	}
	out := make([]apiWorkshop, len(states))
	for i, st := range states {
		out[i] = apiWorkshop{Slug: st.Slug, Title: st.Title, Open: st.Open}
	}
	return c.JSON(fiber.Map{"workshops": out})
}

type apiOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

type apiQuestion struct {
	ID        string      `json:"id"`
	Type      string      `json:"type"`
	Required  bool        `json:"required"`
	Label     string      `json:"label"`
	Min       *int        `json:"min,omitempty"`
	Max       *int        `json:"max,omitempty"`
	MinLabel  string      `json:"min_label,omitempty"`
	MaxLabel  string      `json:"max_label,omitempty"`
	Options   []apiOption `json:"options,omitempty"`
	MaxLength int         `json:"max_length,omitempty"`
	Hint      string      `json:"hint,omitempty"`
	// Section is the heading the question is under.
	Section string `json:"section,omitempty"`
	// ShowIf is whether the question is asked (its own condition and its
	// section's, joined with all), for a client to apply as the server does.
	ShowIf *forms.Condition `json:"show_if,omitempty"`
}

type apiForm struct {
	Slug      string        `json:"slug"`
	Title     string        `json:"title"`
	Lang      string        `json:"lang"`
	Open      bool          `json:"open"`
	Questions []apiQuestion `json:"questions"`
}

func (s *server) handleAPIForm(c *fiber.Ctx) error {
	lang := s.lang(c)
	w, open, err := s.workshopNow(c)
	if err != nil {
		return err
	}
	f := apiForm{Slug: w.Slug, Title: w.Title.Get(lang), Lang: lang, Open: open, Questions: []apiQuestion{}}
	for _, q := range w.Questions {
		aq := apiQuestion{ID: q.ID, Type: string(q.Type), Required: q.Required, Label: s.questionLabel(q, lang),
			Hint: q.Hint.Get(lang), ShowIf: q.Condition()}
		if q.Section != nil {
			aq.Section = q.Section.Title.Get(lang)
		}
		switch {
		case q.IsScore():
			lo, hi := q.Min, q.Max
			aq.Min, aq.Max = &lo, &hi
			aq.MinLabel, aq.MaxLabel = q.MinLabel.Get(lang), q.MaxLabel.Get(lang)
		case q.IsChoice():
			aq.Options = make([]apiOption, len(q.Options))
			for i, o := range q.Options {
				aq.Options[i] = apiOption{ID: o.ID, Label: s.optionLabel(q, o, lang)}
			}
		default:
			aq.MaxLength = q.MaxLength
		}
		f.Questions = append(f.Questions, aq)
	}
	return c.JSON(f)
}

// apiResponse is the body of POST /api/v1/workshops/{slug}/responses.
type apiResponse struct {
	SubmissionID string                     `json:"submission_id"`
	Lang         string                     `json:"lang"`
	Answers      map[string]json.RawMessage `json:"answers"`
}

func (s *server) handleAPIResponse(c *fiber.Ctx) error {
	lang := s.lang(c)
	w, err := s.workshop(c)
	if err != nil {
		return err
	}
	var body apiResponse
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || dec.Decode(new(json.RawMessage)) != io.EOF {
		return invalid(map[string]forms.Problem{"body": {Key: forms.MsgBody}})
	}
	if body.Lang != "" {
		if !s.forms.HasLanguage(body.Lang) {
			offered := map[string]any{"languages": strings.Join(s.forms.Languages, ", ")}
			return invalid(map[string]forms.Problem{"lang": {Key: forms.MsgLanguage, Args: offered}})
		}
		lang = body.Lang
		c.Locals("lang", lang) // so that an error page further on speaks it too
	}
	// The body is decoded into fresh Go strings by encoding/json, so nothing
	// handed to the writer points into Fiber's reused request buffer.
	in, unread := w.InputFromJSON(body.Answers, lang)
	sid := strings.ToLower(body.SubmissionID)
	saved, err := s.submit(c.UserContext(), submission{Workshop: w, SubmissionID: sid, Lang: lang, Source: forms.SourceAPI, Input: in, Unread: unread})
	if forms.ErrorCode(err) == forms.ECONFLICT {
		// To a client, a submission_id already used elsewhere is a field of
		// its request that is wrong.
		return invalid(forms.FieldErrors(err))
	}
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if saved.Created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(fiber.Map{"id": saved.ID, "submission_id": sid})
}
