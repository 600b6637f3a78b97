package main

import (
	"bytes"
	"encoding/json"
	"errors"
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
	w, err := s.workshop(c)
	if err != nil {
		return err
	}
	open, err := s.openNow(c.UserContext(), w)
	if err != nil {
		return err
	}
	f := apiForm{Slug: w.Slug, Title: w.Title.Get(lang), Lang: lang, Open: open, Questions: []apiQuestion{}}
	for _, q := range w.Questions {
		aq := apiQuestion{ID: q.ID, Type: string(q.Type), Required: q.Required, Label: q.Label.Get(lang)}
		switch {
		case q.IsScore():
			lo, hi := q.Min, q.Max
			aq.Min, aq.Max = &lo, &hi
			aq.MinLabel, aq.MaxLabel = q.MinLabel.Get(lang), q.MaxLabel.Get(lang)
		case q.IsChoice():
			aq.Options = make([]apiOption, len(q.Options))
			for i, o := range q.Options {
				aq.Options[i] = apiOption{ID: o.ID, Label: o.Label.Get(lang)}
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

func invalid(lang string, fields map[string]string) error {
	return &forms.Error{Code: forms.EINVALID, Message: forms.Message(lang, forms.MsgInvalid), Fields: fields}
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
		return invalid(lang, map[string]string{"body": forms.Message(lang, forms.MsgBody)})
	}
	if body.Lang != "" {
		if !forms.IsLanguage(body.Lang) {
			return invalid(lang, map[string]string{"lang": forms.Message(lang, forms.MsgLanguage)})
		}
		lang = body.Lang
		c.Locals("lang", lang) // so that an error page further on speaks it too
	}
	open, err := s.openNow(c.UserContext(), w)
	if err != nil {
		return err
	}
	if !open {
		return &forms.Error{Code: forms.ECLOSED, Message: forms.Message(lang, forms.MsgClosed)}
	}
	fields := map[string]string{}
	if !forms.ValidSubmissionID(body.SubmissionID) {
		fields["submission_id"] = forms.Message(lang, forms.MsgSubmissionID)
	}
	in, typeErrs := w.InputFromJSON(body.Answers, lang)
	for k, v := range typeErrs {
		fields[k] = v
	}
	answers, err := w.Validate(in, lang)
	var fe *forms.Error
	if errors.As(err, &fe) {
		for k, v := range fe.Fields {
			if _, ok := fields[k]; !ok {
				fields[k] = v
			}
		}
	} else if err != nil {
		return err
	}
	if len(fields) > 0 {
		return invalid(lang, fields)
	}
	// The body is decoded into fresh Go strings by encoding/json, so nothing
	// handed to the writer points into Fiber's reused request buffer.
	sid := strings.ToLower(body.SubmissionID)
	r := &forms.Response{SubmissionID: sid, Workshop: w.Slug, Lang: lang, Answers: s.keepRetiredAnswers(c, w, sid, answers)}
	saved, err := s.db.SaveResponse(c.UserContext(), r)
	if err != nil {
		if forms.ErrorCode(err) == forms.ECONFLICT {
			return invalid(lang, map[string]string{"submission_id": forms.Message(lang, forms.MsgSubmissionTaken)})
		}
		return err
	}
	status := fiber.StatusOK
	if saved.Created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(fiber.Map{"id": saved.ID, "submission_id": r.SubmissionID})
}
