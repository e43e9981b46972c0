package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/mfactl/mfactl/internal/diag"
	"github.com/mfactl/mfactl/internal/state"
)

// document is one YAML document of one file: its node tree (for positions)
// and the same content as plain JSON values (for the JSON Schema).
type document struct {
	file  string
	root  *yaml.Node // the document's content node
	value any        // map[string]any, []any, string, json.Number, bool or nil; see convert
	// faulty is set when the YAML layer reported an error inside the
	// document; its content is then not trusted for the desired state.
	faulty bool
	// bad holds nodes the YAML layer already reported; schema errors at
	// them would only repeat the same fault.
	bad map[*yaml.Node]bool
	// size is the file's length, which bounds the text aliases may add.
	size int
	// run is the alias budget of the whole load, shared by every document
	// of every file (nil: the document's own, for trees without aliases).
	run *aliasBudget
	// undescribed counts schema faults past MaxDiagnostics, not described.
	undescribed int
}

const (
	// maxDepth bounds nesting; real files are about six levels deep.
	maxDepth = 100
	// aliasAllowance is how many values aliases may add beyond four times
	// the document's own size, which stops "billion laughs" documents.
	aliasAllowance = 100_000
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16BOMBE = []byte{0xFE, 0xFF}
	utf16BOMLE = []byte{0xFF, 0xFE}
)

// aliasBudget bounds what aliases add over a whole load, not per document
// or per file: a 10 MB file of 190 documents each within its own budget
// took 5 min 27 s and 601 MiB to reject, 2,000 small files 80 s. Each
// document adds four values per value it holds, each file four bytes per
// byte; the allowances are counted once.
type aliasBudget struct {
	values, valuesUsed int
	text, textUsed     int
}

func newAliasBudget() *aliasBudget {
	return &aliasBudget{values: aliasAllowance, text: aliasByteAllowance}
}

// parseFile splits data into YAML documents and converts each to JSON
// values. It reports encoding problems, syntax errors (the first one ends
// the file: YAML cannot resynchronise after it), duplicate keys and the
// YAML features mfactl does not accept. Empty documents are skipped; a file
// with no document at all is an error.
//
// run, if not nil, is the alias budget of the load the file is part of.
func parseFile(name string, data []byte, run *aliasBudget) ([]*document, diag.List) {
	at := func(line, col int) state.Pos { return state.Pos{File: name, Line: line, Column: col} }
	if bytes.HasPrefix(data, utf16BOMBE) || bytes.HasPrefix(data, utf16BOMLE) {
		return nil, diag.List{{Severity: diag.Error, Code: "input-unreadable", Pos: at(1, 1),
			Summary: "file is UTF-16 encoded", Detail: "save it as UTF-8"}}
	}
	// yaml.v3 would skip a BOM too; stripping it here keeps columns on line 1 right.
	data = bytes.TrimPrefix(data, utf8BOM)
	if d, ok := checkText(name, data); !ok {
		return nil, diag.List{d}
	}

	if run == nil {
		run = newAliasBudget()
	}
	run.text += 4 * len(data)
	var docs []*document
	var diags diag.List
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var node yaml.Node
		err := decodeSafely(dec, &node)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			diags = append(diags, syntaxError(name, data, err))
			break
		}
		if isEmptyDocument(&node) {
			continue
		}
		doc := &document{file: name, root: node.Content[0], size: len(data), run: run}
		diags = append(diags, doc.convert()...)
		docs = append(docs, doc)
	}
	if len(docs) == 0 && len(diags) == 0 {
		diags = append(diags, diag.Diagnostic{Severity: diag.Error, Code: "input-unreadable", Pos: at(1, 1),
			Summary: "empty file", Detail: "expected a YAML document with Version and UserPools"})
	}
	return docs, diags
}

// convert makes doc.value from the node tree and reports what the YAML
// layer does not accept in it.
func (d *document) convert() diag.List {
	d.bad = map[*yaml.Node]bool{}
	c := converter{doc: d, memo: map[*yaml.Node]any{}, sizes: map[*yaml.Node]int{}, expanding: map[*yaml.Node]bool{}}
	nodes := countNodes(d.root)
	c.budget = 4*nodes + aliasAllowance
	c.text = newAliasBytes(d.size)
	if r := d.run; r != nil {
		r.values += 4 * nodes
		c.budget, c.text.budget = r.values-r.valuesUsed, r.text-r.textUsed
	}
	d.value = c.convert(d.root, "", 0)
	if r := d.run; r != nil {
		r.valuesUsed += c.values
		r.textUsed += c.text.used
	}
	return c.diags
}

// decodeSafely turns a panic inside the YAML library into an error, so that
// no input can crash mfactl.
func decodeSafely(dec *yaml.Decoder, node *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(node)
}

func isEmptyDocument(doc *yaml.Node) bool {
	if len(doc.Content) == 0 {
		return true
	}
	n := doc.Content[0]
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" && n.Style == 0
}

// checkText finds the first byte sequence YAML does not allow: invalid
// UTF-8 or a control character other than tab, line feed and carriage
// return. The YAML library reports these without a position.
func checkText(name string, data []byte) (d diag.Diagnostic, ok bool) {
	line, col := 1, 1
	for i := 0; i < len(data); {
		switch c := data[i]; {
		case c >= 0x20 && c < 0x7F: // printable ASCII, nearly all of a file
			col++
			i++
			continue
		case c == '\n':
			line, col = line+1, 1
			i++
			continue
		case c == '\t':
			col++
			i++
			continue
		case c == '\r':
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		var problem string
		switch {
		case r == utf8.RuneError && size == 1:
			problem = fmt.Sprintf("invalid UTF-8 byte 0x%02X", data[i])
		case r < 0x20,
			r == 0x7F,
			r >= 0x80 && r <= 0x9F && r != 0x85,
			r == 0xFFFE || r == 0xFFFF:
			problem = fmt.Sprintf("control character %U is not allowed in YAML", r)
		case r == 0x85, r == 0x2028, r == 0x2029:
			// YAML 1.1, which the parser follows here, breaks lines at
			// them: every later line number would be off by one.
			return diag.Diagnostic{Severity: diag.Error, Code: "input-unreadable",
				Pos:     state.Pos{File: name, Line: line, Column: col},
				Summary: fmt.Sprintf("%U (%s) is not allowed: YAML takes it for a line break, which would shift every later line number", r, lineBreakNames[r]),
				Detail:  "replace it with a newline, or remove it"}, false
		}
		if problem != "" {
			return diag.Diagnostic{Severity: diag.Error, Code: "input-unreadable",
				Pos:     state.Pos{File: name, Line: line, Column: col},
				Summary: problem, Detail: "save the file as UTF-8 text without control characters"}, false
		}
		col++
		i += size
	}
	return diag.Diagnostic{}, true
}

var lineBreakNames = map[rune]string{0x85: "next line, NEL", 0x2028: "line separator", 0x2029: "paragraph separator"}

var (
	yamlErrLine   = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)
	unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// findAlias returns the position of the first *name, which yaml.v3 does
// not report for an unknown anchor.
func findAlias(lines []string, name string) (line, col int) {
	alias := regexp.MustCompile(`\*` + regexp.QuoteMeta(name) + `(?:[\s,\]}]|$)`)
	for i, l := range lines {
		if loc := alias.FindStringIndex(l); loc != nil {
			return i + 1, utf8.RuneCountInString(l[:loc[0]]) + 1
		}
	}
	return 1, 1
}

// parserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner). For these the library reports a 0-based line number.
var parserProblems = map[string]bool{
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// syntaxError turns a yaml.v3 error into a diagnostic with the best
// position the library allows: its line (which for a construct that is not
// closed is where the construct starts) and the first non-blank column.
func syntaxError(name string, data []byte, err error) diag.Diagnostic {
	msg := err.Error()
	line := 1
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		msg = m[2]
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
			if parserProblems[msg] {
				line++
			}
		}
	}
	lines := strings.Split(string(data), "\n")
	line = max(1, min(line, len(lines)))
	col := firstNonBlank(lines[line-1])
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		line, col = findAlias(lines, m[1])
	}
	detail := syntaxHint(msg)
	// A tab in the indentation is the most common cause of a scanner error;
	// it may sit on the reported line or the next one.
	for l := line; l <= min(line+1, len(lines)); l++ {
		if tab := tabInIndent(lines[l-1]); tab > 0 {
			line, col = l, tab
			detail = "YAML does not allow tabs for indentation; indent with spaces"
			break
		}
	}
	return diag.Diagnostic{Severity: diag.Error, Code: "yaml-syntax", Pos: state.Pos{File: name, Line: line, Column: col},
		Summary: "invalid YAML: " + msg, Detail: detail}
}

func firstNonBlank(line string) int {
	col := 1
	for _, r := range strings.TrimRight(line, "\r") {
		if r != ' ' && r != '\t' {
			return col
		}
		col++
	}
	return 1
}

// tabInIndent returns the 1-based column of a tab in line's leading
// whitespace, or 0.
func tabInIndent(line string) int {
	for i, r := range line {
		switch r {
		case ' ':
		case '\t':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

func syntaxHint(msg string) string {
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		return `a value contains ": ": quote the value, or check the indentation`
	case strings.Contains(msg, "did not find expected key"),
		strings.Contains(msg, "did not find expected '-' indicator"),
		strings.Contains(msg, "did not find expected node content"):
		return "check the indentation: the keys of one mapping, and the entries of one list, must start in the same column"
	case strings.Contains(msg, "could not find expected ':'"):
		return `a key is missing its ":", or a quoted string is not closed`
	case strings.Contains(msg, "did not find expected ',' or ']'"):
		return "a [flow list] is not closed with ]"
	case strings.Contains(msg, "did not find expected ',' or '}'"):
		return "a {flow mapping} is not closed with }"
	case strings.Contains(msg, "found unexpected end of stream"):
		return "a quoted string is not closed"
	case strings.Contains(msg, "cannot start any token"):
		return "quote values that start with a special character such as @, ` or %"
	case strings.Contains(msg, "unknown anchor"):
		return "an alias (*name) must refer to an anchor (&name) defined earlier in the same document"
	}
	return "fix the YAML syntax"
}

// countNodes counts a tree's nodes without following aliases.
func countNodes(n *yaml.Node) int {
	count := 1
	for _, c := range n.Content {
		count += countNodes(c)
	}
	return count
}

// converter turns a node tree into JSON values, reporting duplicate keys,
// merge keys, custom tags, non-finite numbers and alias blow-ups. Anchored
// values are converted once and shared by their aliases, so aliases cost
// no memory; the budget bounds how many values they add for validation.
type converter struct {
	doc       *document
	diags     diag.List
	memo      map[*yaml.Node]any
	sizes     map[*yaml.Node]int
	expanding map[*yaml.Node]bool
	budget    int
	values    int
	exceeded  bool
	text      aliasBytes // the same budget in bytes of text
}

func (c *converter) fail(n *yaml.Node, path, summary, detail string) {
	c.doc.faulty = true
	c.doc.bad[n] = true
	c.diags = append(c.diags, diag.Diagnostic{Severity: diag.Error, Code: "yaml-unsupported",
		Pos: state.Pos{File: c.doc.file, Line: n.Line, Column: n.Column}, Path: path, Summary: summary, Detail: detail})
}

func (c *converter) convert(n *yaml.Node, path string, depth int) any {
	if depth > maxDepth {
		c.fail(n, path, fmt.Sprintf("nesting deeper than %d levels", maxDepth), "mfactl files are a few levels deep; check the indentation")
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return c.alias(n, path, depth)
	}
	if n.Anchor == "" {
		return c.convertNode(n, path, depth)
	}
	// Anchored values are converted once and shared by their aliases.
	c.expanding[n] = true
	before, textBefore := c.values, c.text.used
	v := c.convertNode(n, path, depth)
	delete(c.expanding, n)
	c.memo[n], c.sizes[n] = v, c.values-before
	c.text.anchored(n, textBefore)
	return v
}

func (c *converter) convertNode(n *yaml.Node, path string, depth int) any {
	c.values++
	if n.Style&yaml.TaggedStyle != 0 && !plainTags[n.ShortTag()] {
		c.fail(n, path, "unsupported YAML tag "+n.Tag, "remove the tag; mfactl reads plain YAML values")
	}
	switch n.Kind {
	case yaml.MappingNode:
		return c.mapping(n, path, depth)
	case yaml.SequenceNode:
		items := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			items = append(items, c.convert(item, path+"["+strconv.Itoa(i)+"]", depth+1))
		}
		return items
	case yaml.ScalarNode:
		c.text.scalar(n)
		return c.scalar(n, path)
	}
	c.fail(n, path, "unsupported YAML node", "")
	return nil
}

// alias expands *name to the anchored value, within the budget.
func (c *converter) alias(n *yaml.Node, path string, depth int) any {
	target := n.Alias
	if target == nil || c.expanding[target] {
		c.fail(n, path, "alias *"+n.Value+" refers to a value that contains it", "an alias must not refer to the value it is part of")
		return nil
	}
	if c.exceeded {
		c.doc.bad[n] = true
		return nil
	}
	v, ok := c.memo[target]
	if !ok { // not reached through its anchor first; yaml.v3 forbids this, but be safe
		return c.convert(target, path, depth+1)
	}
	c.values += c.sizes[target]
	if c.values > c.budget {
		c.exceeded = true
		c.fail(n, path, fmt.Sprintf("aliases expand this document to more than %d values", c.totalValues()),
			"use fewer aliases (*name); this limit, for all the files and documents of a run, stops documents that expand exponentially")
		return nil
	}
	if !c.text.alias(target) {
		c.exceeded = true
		c.fail(n, path, fmt.Sprintf("aliases expand this document to more than %s of text", mebibytes(int64(c.totalText()))),
			"use fewer aliases (*name) of long values; this limit, for all the files and documents of a run, keeps validation fast")
		return nil
	}
	return v
}

// totalValues and totalText are the run's limits, as messages state them.
func (c *converter) totalValues() int {
	if r := c.doc.run; r != nil {
		return r.values
	}
	return c.budget
}

func (c *converter) totalText() int {
	if r := c.doc.run; r != nil {
		return r.text
	}
	return c.text.budget
}

func (c *converter) mapping(n *yaml.Node, path string, depth int) map[string]any {
	m := make(map[string]any, len(n.Content)/2)
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		// A skipped key leaves the mapping incomplete: its missing fields
		// are a consequence, not a second fault.
		if k.Kind != yaml.ScalarNode {
			c.fail(k, path, "a key must be a plain name", "mfactl's keys are names such as UserPoolId; lists and mappings cannot be keys")
			c.doc.bad[n] = true
			continue
		}
		if k.Tag == "!!merge" {
			c.fail(k, joinPath(path, k.Value), "merge keys (<<) are not supported", "write the fields out, or use an alias (*name) for a whole value")
			c.doc.bad[n] = true
			continue
		}
		if first, dup := seen[k.Value]; dup {
			c.fail(k, joinPath(path, k.Value), fmt.Sprintf("duplicate key %s", k.Value),
				fmt.Sprintf("%s is already set at line %d; each key may appear once per mapping", k.Value, first.Line))
			continue
		}
		seen[k.Value] = k
		m[k.Value] = c.convert(v, joinPath(path, k.Value), depth+1)
	}
	return m
}

// scalar converts a scalar by its resolved YAML 1.2 tag: only true/false
// are booleans, so yes/no/on/off stay strings for the schema to reject
// with a hint rather than being coerced.
func (c *converter) scalar(n *yaml.Node, path string) any {
	switch n.ShortTag() {
	case "!!str", "!!timestamp": // YAML 1.2 has no timestamps: 2024-01-01 is text
		if n.Style == 0 && yamlFloat.MatchString(n.Value) {
			// A number too large for a float (1e999): YAML leaves it text,
			// but it is written as a number, and taken as one, as 1e3 is.
			return json.Number(n.Value)
		}
		return n.Value
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			c.fail(n, path, shown(n, path)+" is not a boolean", "write true or false without a tag")
			return n.Value
		}
		return b
	case "!!int", "!!float":
		var f any
		if err := n.Decode(&f); err != nil {
			c.fail(n, path, shown(n, path)+" is not a number", "remove the tag "+n.Tag)
			return n.Value
		}
		return c.number(n, path, f)
	}
	if !c.doc.bad[n] {
		c.fail(n, path, "unsupported YAML tag "+n.Tag, "remove the tag; mfactl reads plain YAML values")
	}
	return n.Value
}

// yamlFloat is how an unquoted number is written in YAML (decimal forms).
var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// plainTags are the tags a value may carry explicitly (!!str 123).
var plainTags = map[string]bool{"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true, "!!map": true, "!!seq": true}

func (c *converter) number(n *yaml.Node, path string, v any) any {
	switch v := v.(type) {
	case int:
		return json.Number(strconv.Itoa(v))
	case int64:
		return json.Number(strconv.FormatInt(v, 10))
	case uint64:
		return json.Number(strconv.FormatUint(v, 10))
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			c.fail(n, path, shownNumber(n, path)+" is not a finite number", "JSON, and so mfactl, has no infinity or NaN")
			return nil
		}
		return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
	}
	c.fail(n, path, shownNumber(n, path)+" is not a number mfactl can read", "write a smaller number, or quote it")
	return nil
}

// shown is a scalar as a message quotes it, unless it is a secret.
func shown(n *yaml.Node, path string) string {
	if isSecret(path[strings.LastIndex(path, ".")+1:]) {
		return "the value"
	}
	return strconv.Quote(shorten(n.Value, 40))
}

// shownNumber is shown for a number as written, such as .inf.
func shownNumber(n *yaml.Node, path string) string {
	if isSecret(path[strings.LastIndex(path, ".")+1:]) {
		return "the value"
	}
	return shorten(n.Value, 40)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
