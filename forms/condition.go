package forms

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Condition decides whether a question is asked, from the answers given to
// questions before it: the forms file's show_if. It is one of
//
//	{question: ID, in: [values]}   // a score in the list, a single choice's option, or any chosen option of a multi
//	{question: ID, answered: true} // any answer at all
//	{any: [conditions]}            // at least one holds
//	{all: [conditions]}            // every one holds
//
// Conditions are evaluated on the server, so a form without JavaScript asks
// the same questions as one with it.
type Condition struct {
	Question string
	In       []string // option ids, or scores written in decimal
	Answered bool
	Any, All []*Condition

	numeric bool // In holds scores: JSON gives them as numbers
}

// fileCondition is a show_if as written in the forms file.
type fileCondition struct {
	Question string      `yaml:"question"`
	In       []yaml.Node `yaml:"in"`
	Answered *bool       `yaml:"answered"`
	Any      []yaml.Node `yaml:"any"`
	All      []yaml.Node `yaml:"all"`
}

// Holds reports whether the condition is met by answers.
func (c *Condition) Holds(answers Answers) bool {
	if c == nil {
		return true
	}
	switch {
	case c.Any != nil:
		for _, s := range c.Any {
			if s.Holds(answers) {
				return true
			}
		}
		return false
	case c.All != nil:
		for _, s := range c.All {
			if !s.Holds(answers) {
				return false
			}
		}
		return true
	}
	a, ok := answers[c.Question]
	if !ok {
		return false
	}
	if c.Answered {
		return true
	}
	if c.numeric {
		return slices.Contains(c.In, strconv.Itoa(a.Number))
	}
	for _, o := range a.Choices {
		if slices.Contains(c.In, o) {
			return true
		}
	}
	return false
}

// Questions lists the question ids the condition reads, each once.
func (c *Condition) Questions() []string {
	var out []string
	var walk func(*Condition)
	walk = func(c *Condition) {
		if c == nil {
			return
		}
		if c.Question != "" && !slices.Contains(out, c.Question) {
			out = append(out, c.Question)
		}
		for _, s := range c.Any {
			walk(s)
		}
		for _, s := range c.All {
			walk(s)
		}
	}
	walk(c)
	return out
}

// and joins conditions with all, leaving out the nil ones: a question's own
// condition and its section's.
func and(cs ...*Condition) *Condition {
	var kept []*Condition
	for _, c := range cs {
		if c != nil {
			kept = append(kept, c)
		}
	}
	switch len(kept) {
	case 0:
		return nil
	case 1:
		return kept[0]
	}
	return &Condition{All: kept}
}

// MarshalJSON writes the condition in the forms file's notation, scores as
// numbers, so that a client can apply it as the server does.
func (c *Condition) MarshalJSON() ([]byte, error) {
	switch {
	case c.Any != nil:
		return json.Marshal(map[string]any{"any": c.Any})
	case c.All != nil:
		return json.Marshal(map[string]any{"all": c.All})
	case c.Answered:
		return json.Marshal(map[string]any{"question": c.Question, "answered": true})
	case c.numeric:
		in := make([]int, len(c.In))
		for i, s := range c.In {
			in[i], _ = strconv.Atoi(s)
		}
		return json.Marshal(map[string]any{"question": c.Question, "in": in})
	}
	return json.Marshal(map[string]any{"question": c.Question, "in": c.In})
}

// condition reads a show_if node. asked holds the questions asked before it
// in the same form, by id; a condition may name only those.
func (p *parser) condition(n *yaml.Node, path []any, asked map[string]*Question) (*Condition, error) {
	var fc fileCondition
	if n.Kind != yaml.MappingNode {
		return nil, p.failAt(n, "show_if must be {question: ID, in: [values]}, {question: ID, answered: true}, or any:/all: lists of those")
	}
	if err := p.knownKeys(n, "show_if", "question", "in", "answered", "any", "all"); err != nil {
		return nil, err
	}
	if err := n.Decode(&fc); err != nil {
		return nil, p.failAt(n, "show_if: %v", err)
	}
	kinds := 0
	for _, set := range []bool{fc.Question != "", fc.Any != nil, fc.All != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, p.failAt(n, "show_if needs exactly one of question:, any: or all:")
	}
	if fc.Any != nil || fc.All != nil {
		list, key := fc.Any, "any"
		if fc.All != nil {
			list, key = fc.All, "all"
		}
		if len(list) == 0 {
			return nil, p.failAt(n, "show_if: %s: needs at least one condition", key)
		}
		c := &Condition{}
		for i := range list {
			sub, err := p.condition(&list[i], path, asked)
			if err != nil {
				return nil, err
			}
			if key == "any" {
				c.Any = append(c.Any, sub)
			} else {
				c.All = append(c.All, sub)
			}
		}
		return c, nil
	}
	q := asked[fc.Question]
	if q == nil {
		return nil, p.failAt(n, "show_if: question %q is not asked before this one in the same form (a condition may only name an earlier question)", fc.Question)
	}
	c := &Condition{Question: fc.Question}
	switch {
	case fc.Answered != nil && fc.In != nil:
		return nil, p.failAt(n, "show_if: give either in: or answered:, not both")
	case fc.Answered != nil:
		if !*fc.Answered {
			return nil, p.failAt(n, "show_if: answered: must be true (to ask only when %q is not answered is not supported)", fc.Question)
		}
		c.Answered = true
		return c, nil
	case len(fc.In) == 0:
		return nil, p.failAt(n, "show_if: question %q needs in: [values] or answered: true", fc.Question)
	}
	if err := p.inValues(c, q, fc.In, n); err != nil {
		return nil, err
	}
	return c, nil
}

// failAt returns an error at the line of node n.
func (p *parser) failAt(n *yaml.Node, format string, args ...any) error {
	line := n.Line
	if line == 0 {
		line = 1
	}
	return fmt.Errorf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...))
}

// knownKeys refuses a mapping node with a key not in keys.
func (p *parser) knownKeys(n *yaml.Node, what string, keys ...string) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(keys, k.Value) {
			return p.failAt(k, "%s: unknown field %q (known: %s)", what, k.Value, strings.Join(keys, ", "))
		}
	}
	return nil
}

// inValues reads the in: list of a condition on question q: scores on its
// scale, or its options.
func (p *parser) inValues(c *Condition, q *Question, in []yaml.Node, n *yaml.Node) error {
	switch {
	case q.IsScore():
		c.numeric = true
		for i := range in {
			v, err := strconv.Atoi(in[i].Value)
			if err != nil || in[i].Kind != yaml.ScalarNode || v < q.Min || v > q.Max {
				return p.failAt(&in[i], "show_if: %q is not a score of question %q (%d to %d)", in[i].Value, q.ID, q.Min, q.Max)
			}
			c.In = append(c.In, strconv.Itoa(v))
		}
	case q.IsChoice():
		for i := range in {
			if _, ok := q.Option(in[i].Value); !ok || in[i].Kind != yaml.ScalarNode {
				return p.failAt(&in[i], "show_if: %q is not an option of question %q (%s)", in[i].Value, q.ID, strings.ReplaceAll(optionList(q), " ", ", "))
			}
			c.In = append(c.In, in[i].Value)
		}
	default:
		return p.failAt(n, "show_if: question %q is a text: only answered: true can be asked of it", q.ID)
	}
	return nil
}
