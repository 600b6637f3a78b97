package export

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"feedback/forms"
)

// xlsCond is a relevant read as the forms file's show_if.
type xlsCond struct {
	question string
	in       []string
	numeric  bool
	answered bool
	any, all []*xlsCond
}

// yaml writes the condition as a flow map on one line.
func (c *xlsCond) yaml() string {
	list := func(key string, cs []*xlsCond) string {
		parts := make([]string, len(cs))
		for i, s := range cs {
			parts[i] = s.yaml()
		}
		return `{"` + key + `": [` + strings.Join(parts, ", ") + "]}"
	}
	switch {
	case c.any != nil:
		return list("any", c.any)
	case c.all != nil:
		return list("all", c.all)
	case c.answered:
		return `{"question": ` + xlsQuote(c.question) + `, "answered": true}`
	}
	vals := make([]string, len(c.in))
	for i, v := range c.in {
		vals[i] = v
		if !c.numeric {
			vals[i] = xlsQuote(v)
		}
	}
	return `{"question": ` + xlsQuote(c.question) + `, "in": [` + strings.Join(vals, ", ") + "]}"
}

// The relevant expressions read, and what a refusal suggests instead.
const xlsRelevantHelp = "use ${q} = 'x', ${q} = 3, ${q} < 3 (<=, >, >= on a range), ${q} != '', selected(${q}, 'x'), joined by and or by or"

type xlsToken struct {
	kind byte // r ${ref}, s 'string', n number, o operator, w word, ( ) ,
	text string
}

// xlsTokens splits a relevant into tokens, refusing what it cannot read.
func xlsTokens(s string) ([]xlsToken, error) {
	var toks []xlsToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(s[i:], "${"):
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, errors.New("${ without its }")
			}
			toks = append(toks, xlsToken{'r', strings.TrimSpace(s[i+2 : i+end])})
			i += end + 1
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, errors.New("a text without its closing quote")
			}
			toks = append(toks, xlsToken{'s', s[i+1 : i+1+end]})
			i += end + 2
		case c >= '0' && c <= '9' || c == '-' || c == '.':
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			toks = append(toks, xlsToken{'n', s[i:j]})
			i = j
		case strings.ContainsRune("!<>=", rune(c)):
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			toks = append(toks, xlsToken{'o', s[i:j]})
			i = j
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, xlsToken{c, string(c)})
			i++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] == '-' || s[j] == '_' || s[j] == ':') {
				j++
			}
			toks = append(toks, xlsToken{'w', s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("%q is not supported: %s", s[i:], xlsRelevantHelp)
		}
	}
	return toks, nil
}

// xlsExpr parses tokens: terms joined by and or by or, in parentheses when
// both are used.
type xlsExpr struct {
	x    *xlsReader
	toks []xlsToken
	pos  int
}

func (p *xlsExpr) peek() xlsToken {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return xlsToken{}
}

func (p *xlsExpr) take(kind byte) (xlsToken, error) {
	t := p.peek()
	if t.kind != kind {
		return t, fmt.Errorf("this expression is not supported: %s", xlsRelevantHelp)
	}
	p.pos++
	return t, nil
}

// relevant reads a relevant expression.
func (x *xlsReader) relevant(s string) (*xlsCond, error) {
	toks, err := xlsTokens(s)
	if err != nil {
		return nil, err
	}
	p := &xlsExpr{x: x, toks: toks}
	c, err := p.expr(0)
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("this expression is not supported: %s", xlsRelevantHelp)
	}
	return c, err
}

func (p *xlsExpr) expr(depth int) (*xlsCond, error) {
	if depth > 20 {
		return nil, errors.New("too many parentheses")
	}
	var terms []*xlsCond
	conj := ""
	for {
		t, err := p.term(depth)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
		w := p.peek()
		if w.kind != 'w' || w.text != "and" && w.text != "or" {
			break
		}
		if conj != "" && w.text != conj {
			return nil, errors.New("and and or are mixed: add parentheses, as in (${a} = 'x' and ${b} = 'y') or ${c} > 3")
		}
		conj = w.text
		p.pos++
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	if conj == "or" {
		return xlsAny(terms), nil
	}
	return xlsAll(terms)
}

func (p *xlsExpr) term(depth int) (*xlsCond, error) {
	switch t := p.peek(); {
	case t.kind == '(':
		p.pos++
		c, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		_, err = p.take(')')
		return c, err
	case t.kind == 'w' && t.text == "selected":
		p.pos++
		var ref, val xlsToken
		_, err := p.take('(')
		if err == nil {
			ref, err = p.take('r')
		}
		if err == nil {
			_, err = p.take(',')
		}
		if err == nil {
			val = p.peek()
			if val.kind != 's' && val.kind != 'n' {
				err = fmt.Errorf("selected(${%s}, …) needs a choice's name in quotes", ref.text)
			}
			p.pos++
		}
		if err == nil {
			_, err = p.take(')')
		}
		if err != nil {
			return nil, err
		}
		return p.x.selected(ref.text, val.text)
	case t.kind == 'r':
		p.pos++
		op, err := p.take('o')
		if err != nil {
			return nil, err
		}
		val := p.peek()
		if val.kind != 's' && val.kind != 'n' {
			return nil, fmt.Errorf("${%s} %s … needs a number or a text in quotes", t.text, op.text)
		}
		p.pos++
		return p.x.compare(t.text, op.text, val)
	}
	return nil, fmt.Errorf("this expression is not supported: %s", xlsRelevantHelp)
}

// earlier finds the question a relevant names.
func (x *xlsReader) earlier(name string) (*xlsAsked, error) {
	if q := x.asked[name]; q != nil {
		return q, nil
	}
	return nil, fmt.Errorf("${%s} is not a question of an earlier row (a condition may only name an earlier question)", name)
}

func (x *xlsReader) selected(name, val string) (*xlsCond, error) {
	q, err := x.earlier(name)
	if err != nil {
		return nil, err
	}
	if q.typ != forms.Single && q.typ != forms.Multi {
		return nil, fmt.Errorf("selected(${%s}, …) is for select_one and select_multiple questions", name)
	}
	return &xlsCond{question: name, in: []string{val}}, nil
}

// compare reads ${q} op value: on a range, the set of scores that satisfy it.
func (x *xlsReader) compare(name, op string, val xlsToken) (*xlsCond, error) {
	q, err := x.earlier(name)
	if err != nil {
		return nil, err
	}
	switch {
	case op == "!=" && val.kind == 's' && val.text == "":
		return &xlsCond{question: name, answered: true}, nil
	case op == "=" && val.kind == 's' && val.text == "":
		return nil, fmt.Errorf("asking only when ${%s} is not answered is not supported", name)
	case q.typ == forms.FreeText:
		return nil, fmt.Errorf("${%s} is a text: only ${%[1]s} != '' (answered) can be asked of it", name)
	case q.typ == forms.Multi:
		return nil, fmt.Errorf("${%s} is a select_multiple: use selected(${%[1]s}, '%s')", name, val.text)
	case q.typ == forms.Single && op != "=":
		return nil, fmt.Errorf("${%s} %s … is not supported on a select_one: use ${%[1]s} = 'x', or several joined by or", name, op)
	case q.typ == forms.Single:
		return &xlsCond{question: name, in: []string{val.text}}, nil
	}
	v, err := strconv.Atoi(val.text)
	if err != nil {
		return nil, fmt.Errorf("${%s} is a range: compare it with a whole number", name)
	}
	c := &xlsCond{question: name, numeric: true}
	for s := q.lo; s <= q.hi; s++ {
		if op == "=" && s == v || op == "<" && s < v || op == "<=" && s <= v || op == ">" && s > v || op == ">=" && s >= v {
			c.in = append(c.in, strconv.Itoa(s))
		}
	}
	switch {
	case op == "!=":
		return nil, fmt.Errorf("${%s} != %s also holds when it is not answered: list the scores that count, as in ${%[1]s} < %[2]s or ${%[1]s} > %[2]s", name, val.text)
	case len(c.in) == 0:
		return nil, fmt.Errorf("${%s} %s %s holds for no score of %s (%d to %d)", name, op, val.text, name, q.lo, q.hi)
	}
	return c, nil
}

// xlsAny joins terms with or: the values asked of one question in one list.
func xlsAny(terms []*xlsCond) *xlsCond {
	var out []*xlsCond
	for _, t := range terms {
		if t.any != nil {
			out = append(out, t.any...)
			continue
		}
		out = append(out, t)
	}
	var merged []*xlsCond
	for _, t := range out {
		i := slices.IndexFunc(merged, func(m *xlsCond) bool {
			return m.question != "" && m.question == t.question && !m.answered && !t.answered
		})
		if i < 0 {
			cp := *t
			cp.in = slices.Clone(t.in)
			merged = append(merged, &cp)
			continue
		}
		for _, v := range t.in {
			if !slices.Contains(merged[i].in, v) {
				merged[i].in = append(merged[i].in, v)
			}
		}
		if merged[i].numeric {
			slices.SortFunc(merged[i].in, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
		}
	}
	if len(merged) == 1 {
		return merged[0]
	}
	return &xlsCond{any: merged}
}

// xlsAll joins terms with and: scores asked of one range are intersected.
func xlsAll(terms []*xlsCond) (*xlsCond, error) {
	var merged []*xlsCond
	for _, t := range terms {
		if t.all != nil {
			merged = append(merged, t.all...)
			continue
		}
		i := slices.IndexFunc(merged, func(m *xlsCond) bool { return m.numeric && t.numeric && m.question == t.question })
		if i < 0 {
			merged = append(merged, t)
			continue
		}
		var both []string
		for _, v := range merged[i].in {
			if slices.Contains(t.in, v) {
				both = append(both, v)
			}
		}
		if len(both) == 0 {
			return nil, fmt.Errorf("the conditions on ${%s} never hold together", t.question)
		}
		merged[i] = &xlsCond{question: t.question, numeric: true, in: both}
	}
	if len(merged) == 1 {
		return merged[0], nil
	}
	return &xlsCond{all: merged}, nil
}
