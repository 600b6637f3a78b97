package forms

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// lineOf follows path (map keys and sequence indexes) from the document root
// as far as it goes and returns the line of the deepest node reached.
func lineOf(root *yaml.Node, path []any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, step := range path {
		var next *yaml.Node
		switch s := step.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == s {
						line = n.Content[i].Line
						next = n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && s < len(n.Content) {
				next = n.Content[s]
			}
		}
		if next == nil {
			break
		}
		n = next
		if n.Kind != yaml.ScalarNode || line == 0 {
			line = n.Line
		}
	}
	if line == 0 {
		line = 1
	}
	return line
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	cannotRead   = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// yamlError rewrites the YAML library's errors into "file:line: problem" lines
// an organizer can act on, without Go type names.
func yamlError(name string, err error) error {
	var lines []string
	if te, ok := err.(*yaml.TypeError); ok {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		l = strings.TrimSpace(l)
		m := yamlLine.FindStringSubmatch(l)
		if m == nil {
			out = append(out, fmt.Sprintf("%s: %s", name, strings.TrimPrefix(l, "yaml: ")))
			continue
		}
		msg := m[2]
		if f := unknownField.FindStringSubmatch(msg); f != nil {
			msg = fmt.Sprintf("unknown field %q", f[1])
		} else if c := cannotRead.FindStringSubmatch(msg); c != nil {
			msg = fmt.Sprintf("cannot read %q as %s", c[2], goTypeWord(c[3]))
		}
		out = append(out, fmt.Sprintf("%s:%s: %s", name, m[1], msg))
	}
	return errors.New(strings.Join(out, "\n"))
}

func goTypeWord(t string) string {
	switch {
	case strings.Contains(t, "int"):
		return "a whole number"
	case strings.Contains(t, "bool"):
		return "true or false"
	case strings.Contains(t, "Time"):
		return "a date and time (2025-06-25T09:00:00Z)"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.Contains(t, "string"):
		return "a text"
	}
	return "the expected kind of value"
}
