package schema

import (
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// parsePlain reads the plain YAML that desired-state files are written in
// and returns the content node of each document: block mappings and
// sequences indented with spaces, one-line flow mappings and sequences,
// plain and quoted one-line scalars, comments and "---" between documents.
// It builds the node tree yaml.v3 builds for the same text (FuzzPlainYAML
// holds it to that) four to five times faster, with the nodes in slabs
// (see nodeSlabs) and the values sharing one copy of the file. Anything
// else (anchors, aliases, tags, block scalars, values over several lines,
// tabs, empty values, duplicate keys, numbers other than small integers)
// and anything that is not YAML at all make it give up (ok false), and the
// file is read with yaml.v3, which reports what is wrong. So a tree it returns
// is also one the converter finds nothing wrong with.
//
// data must be text that checkText found plain: parsePlain does not look
// for tabs, carriage returns or Unicode line breaks.
func parsePlain(data []byte, slabs *nodeSlabs) (roots []*yaml.Node, ok bool) {
	if slabs == nil {
		slabs = &nodeSlabs{}
	}
	p := &plainParser{src: string(data), line: 1, slabs: slabs, children: slabs.children[:0]}
	defer func() { slabs.children = p.children[:0] }()
	p.end = p.lineEnd()
	for {
		if !p.skipBlank() {
			return roots, len(roots) > 0
		}
		if p.documentMarker() {
			continue
		}
		col := p.indent()
		at := p.off + col
		if p.dash(at) || !p.keyAhead(at) {
			return nil, false // a document that is not a mapping: yaml.v3 says what it is
		}
		root, ok := p.blockMapping(at, col)
		if !ok {
			return nil, false
		}
		roots = append(roots, root)
		if p.skipBlank() && !p.documentMarker() {
			return nil, false // more text after the mapping, not indented like it
		}
	}
}

// plainDepth bounds nesting; desired-state files are about six levels deep.
const plainDepth = 20

// plainParser reads one file. off and end are where the current line
// starts and ends (its '\n', or the end of the file); lines are numbered
// from 1 and columns count characters from 1, as in yaml.v3.
type plainParser struct {
	src      string
	off, end int
	line     int
	depth    int

	slabs    *nodeSlabs
	nodes    []yaml.Node  // slab the nodes are taken from
	children []*yaml.Node // the entries of the collections being read
	contents []*yaml.Node // slab their Content slices are taken from
}

// nodeSlabs is the memory parsePlain builds trees in, reused from file to
// file by a loader: a file's nodes are only used while it is merged (what
// is kept, names and positions, is copied out), and recycle hands them out
// again for the next file. That spares the garbage collector most of what
// reading a file allocates.
type nodeSlabs struct {
	free, used           [][]yaml.Node
	freeLists, usedLists [][]*yaml.Node
	children             []*yaml.Node
}

const (
	nodeSlab = 1024 // nodes
	listSlab = 4096 // Content entries
)

func (s *nodeSlabs) nodes() []yaml.Node {
	var slab []yaml.Node
	if n := len(s.free); n > 0 {
		slab, s.free = s.free[n-1][:0], s.free[:n-1]
	} else {
		slab = make([]yaml.Node, 0, nodeSlab)
	}
	s.used = append(s.used, slab)
	return slab
}

func (s *nodeSlabs) lists(n int) []*yaml.Node {
	if n > listSlab {
		return make([]*yaml.Node, 0, n) // a long list: its own
	}
	var slab []*yaml.Node
	if k := len(s.freeLists); k > 0 {
		slab, s.freeLists = s.freeLists[k-1][:0], s.freeLists[:k-1]
	} else {
		slab = make([]*yaml.Node, 0, listSlab)
	}
	s.usedLists = append(s.usedLists, slab)
	return slab
}

// recycle makes every slab handed out so far free again: the trees built
// in them must no longer be used.
func (s *nodeSlabs) recycle() {
	s.free, s.used = append(s.free, s.used...), s.used[:0]
	s.freeLists, s.usedLists = append(s.freeLists, s.usedLists...), s.usedLists[:0]
}

func (p *plainParser) lineEnd() int {
	if i := strings.IndexByte(p.src[p.off:], '\n'); i >= 0 {
		return p.off + i
	}
	return len(p.src)
}

func (p *plainParser) nextLine() {
	p.off, p.line = min(p.end+1, len(p.src)), p.line+1
	p.end = p.lineEnd()
}

// skipBlank moves to the next line with content other than a comment, and
// reports whether there is one.
func (p *plainParser) skipBlank() bool {
	for p.off < len(p.src) {
		i := p.off + p.indent()
		if i < len(p.src) && p.src[i] != '\n' && p.src[i] != '#' {
			return true
		}
		p.nextLine()
	}
	return false
}

// indent counts the current line's leading spaces.
func (p *plainParser) indent() int {
	i := p.off
	for i < len(p.src) && p.src[i] == ' ' {
		i++
	}
	return i - p.off
}

// atMarker reports whether the current line is "---", which starts a new
// document.
func (p *plainParser) atMarker() bool {
	return strings.HasPrefix(p.src[p.off:], "---") && p.restBlank(p.off+3)
}

// documentMarker consumes a "---" line.
func (p *plainParser) documentMarker() bool {
	if !p.atMarker() {
		return false
	}
	p.nextLine()
	return true
}

// restBlank reports whether only spaces and a comment follow i on its line.
func (p *plainParser) restBlank(i int) bool {
	start := i
	for i < len(p.src) && p.src[i] == ' ' {
		i++
	}
	return i == len(p.src) || p.src[i] == '\n' || p.src[i] == '#' && i > start
}

// dash reports whether a block sequence entry ("- ") starts at i.
func (p *plainParser) dash(i int) bool {
	return i < len(p.src) && p.src[i] == '-' && (i+1 == len(p.src) || p.src[i+1] == ' ' || p.src[i+1] == '\n')
}

// column is the 1-based character column of offset i on the current line.
func (p *plainParser) column(i int) int {
	return utf8.RuneCountInString(p.src[p.off:i]) + 1
}

func (p *plainParser) node(kind yaml.Kind, tag, value string, line, column int) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = p.slabs.nodes()
	}
	p.nodes = append(p.nodes, yaml.Node{Kind: kind, Tag: tag, Value: value, Line: line, Column: column})
	return &p.nodes[len(p.nodes)-1]
}

// content moves the children read since base into n.Content.
func (p *plainParser) content(n *yaml.Node, base int) {
	kids := p.children[base:]
	if len(kids) == 0 {
		return // yaml.v3 leaves an empty collection's Content nil
	}
	if len(kids) > cap(p.contents)-len(p.contents) {
		p.contents = p.slabs.lists(len(kids))
	}
	start := len(p.contents)
	p.contents = append(p.contents, kids...)
	n.Content = p.contents[start:len(p.contents):len(p.contents)]
	clear(kids)
	p.children = p.children[:base]
}

func (p *plainParser) enter() bool {
	p.depth++
	return p.depth <= plainDepth
}

// blockMapping reads a block mapping whose first key starts at offset at on
// the current line, in column col (0-based; only spaces and "- " precede it,
// so bytes and characters agree), and its further keys on the lines below,
// at the same column.
func (p *plainParser) blockMapping(at, col int) (*yaml.Node, bool) {
	if !p.enter() {
		return nil, false
	}
	defer func() { p.depth-- }()
	m := p.node(yaml.MappingNode, "!!map", "", p.line, col+1)
	base := len(p.children)
	for first := true; ; first = false {
		if !first {
			if !p.skipBlank() {
				break
			}
			ind := p.indent()
			if ind < col || p.atMarker() {
				break
			}
			if ind > col || p.dash(p.off+ind) {
				return nil, false
			}
			at = p.off + ind
		}
		key, i, ok := p.key(at, false)
		if !ok || p.duplicate(base, key.Value) {
			return nil, false
		}
		p.children = append(p.children, key)
		var value *yaml.Node
		if p.restBlank(i) {
			// The value is on the lines below: more indented, or a
			// sequence at the key's own column.
			p.nextLine()
			if !p.skipBlank() {
				return nil, false
			}
			switch ind := p.indent(); {
			case ind > col && p.dash(p.off+ind):
				value, ok = p.blockSequence(ind)
			case ind > col && p.keyAhead(p.off+ind):
				value, ok = p.blockMapping(p.off+ind, ind)
			case ind == col && p.dash(p.off+ind):
				value, ok = p.blockSequence(col)
			default:
				ok = false // an empty value, or a scalar on a line of its own
			}
		} else {
			value, ok = p.lineValue(p.spaces(i), col)
		}
		if !ok {
			return nil, false
		}
		p.children = append(p.children, value)
	}
	p.content(m, base)
	return m, true
}

// blockSequence reads the block sequence whose entries start in column col.
func (p *plainParser) blockSequence(col int) (*yaml.Node, bool) {
	if !p.enter() {
		return nil, false
	}
	defer func() { p.depth-- }()
	s := p.node(yaml.SequenceNode, "!!seq", "", p.line, col+1)
	base := len(p.children)
	for p.skipBlank() {
		ind := p.indent()
		if ind < col || ind == col && !p.dash(p.off+col) || p.atMarker() {
			break
		}
		if ind > col {
			return nil, false
		}
		i := p.off + col + 1
		for i < len(p.src) && p.src[i] == ' ' {
			i++
		}
		var item *yaml.Node
		var ok bool
		switch {
		case p.restBlank(i) || p.dash(i):
			ok = false // an entry on the lines below, or a sequence in a sequence
		case p.keyAhead(i):
			item, ok = p.blockMapping(i, i-p.off)
		default:
			item, ok = p.lineValue(i, col)
		}
		if !ok {
			return nil, false
		}
		p.children = append(p.children, item)
	}
	p.content(s, base)
	return s, true
}

// lineValue reads the value at i, which ends its line, and moves to the
// next line. A more indented line after it than the column col of its key
// (or sequence entry) would continue or break it: that is left to yaml.v3.
func (p *plainParser) lineValue(i, col int) (*yaml.Node, bool) {
	v, end, ok := p.flowValue(i, false)
	if !ok || !p.restBlank(end) {
		return nil, false
	}
	p.nextLine()
	if p.skipBlank() && p.indent() > col {
		return nil, false
	}
	return v, true
}

// keyAhead reports whether a mapping key ("name:" followed by a space or
// the line's end) starts at i.
func (p *plainParser) keyAhead(i int) bool {
	_, _, _, end, ok := p.scanScalar(i, false, true)
	return ok && p.keyEnds(i, end)
}

// keyEnds reports whether the key scalar src[i:end] is followed by ':' and
// a space or the line's end, and is short enough for yaml.v3 (an implicit
// key has at most 1024 characters).
func (p *plainParser) keyEnds(i, end int) bool {
	if end >= len(p.src) || p.src[end] != ':' || end-i > 1000 {
		return false
	}
	return end+1 == len(p.src) || p.src[end+1] == ' ' || p.src[end+1] == '\n'
}

// key reads a mapping key at i and its ':'; it returns the offset after it.
func (p *plainParser) key(i int, flow bool) (*yaml.Node, int, bool) {
	k, end, ok := p.scalar(i, flow, true)
	if !ok || !p.keyEnds(i, end) {
		return nil, 0, false
	}
	return k, end + 1, true
}

// duplicate reports whether the mapping being read since base already has key.
func (p *plainParser) duplicate(base int, key string) bool {
	for j := base; j < len(p.children); j += 2 {
		if p.children[j].Value == key {
			return true
		}
	}
	return false
}

// flowValue reads a value that is written on one line: a flow mapping, a
// flow sequence or a scalar. It returns the offset after it.
func (p *plainParser) flowValue(i int, flow bool) (*yaml.Node, int, bool) {
	if i >= len(p.src) {
		return nil, 0, false
	}
	switch p.src[i] {
	case '{':
		return p.flowCollection(i, yaml.MappingNode)
	case '[':
		return p.flowCollection(i, yaml.SequenceNode)
	}
	return p.scalar(i, flow, false)
}

// flowCollection reads {key: value, ...} or [value, ...] on one line.
func (p *plainParser) flowCollection(i int, kind yaml.Kind) (*yaml.Node, int, bool) {
	if !p.enter() {
		return nil, 0, false
	}
	defer func() { p.depth-- }()
	tag, closing := "!!map", byte('}')
	if kind == yaml.SequenceNode {
		tag, closing = "!!seq", ']'
	}
	n := p.node(kind, tag, "", p.line, p.column(i))
	n.Style = yaml.FlowStyle
	base := len(p.children)
	i = p.spaces(i + 1)
	for first := true; i < len(p.src) && p.src[i] != closing; first = false {
		if !first {
			if p.src[i] != ',' {
				return nil, 0, false
			}
			if i = p.spaces(i + 1); i < len(p.src) && p.src[i] == closing {
				return nil, 0, false // a trailing comma
			}
		}
		if kind == yaml.MappingNode {
			k, after, ok := p.key(i, true)
			if !ok || p.duplicate(base, k.Value) {
				return nil, 0, false
			}
			p.children = append(p.children, k)
			i = p.spaces(after)
		}
		v, end, ok := p.flowValue(i, true)
		if !ok {
			return nil, 0, false
		}
		p.children = append(p.children, v)
		i = p.spaces(end)
	}
	if i >= len(p.src) {
		return nil, 0, false
	}
	p.content(n, base)
	return n, i + 1, true
}

// spaces skips spaces from i.
func (p *plainParser) spaces(i int) int {
	for i < len(p.src) && p.src[i] == ' ' {
		i++
	}
	return i
}

// scalar reads a one-line scalar at i and returns the offset after it.
func (p *plainParser) scalar(i int, flow, key bool) (*yaml.Node, int, bool) {
	value, tag, style, end, ok := p.scanScalar(i, flow, key)
	if !ok {
		return nil, 0, false
	}
	n := p.node(yaml.ScalarNode, tag, value, p.line, p.column(i))
	n.Style = style
	return n, end, true
}

// scanScalar reads a one-line scalar at i: plain, 'single' or "double"
// quoted (without escapes). A key ends at its ':'; in a flow collection a
// plain scalar also ends at ',', ']' or '}'. It gives yaml.v3's tag.
func (p *plainParser) scanScalar(i int, flow, key bool) (value, tag string, style yaml.Style, end int, ok bool) {
	if i >= len(p.src) {
		return "", "", 0, 0, false
	}
	switch c := p.src[i]; c {
	case '\'', '"':
		stops, style := "'\n", yaml.SingleQuotedStyle
		if c == '"' {
			stops, style = "\"\n\\", yaml.DoubleQuotedStyle
		}
		var b []byte // only for a value with '' in it
		j := i + 1
		for {
			k := strings.IndexAny(p.src[j:], stops)
			if k < 0 || p.src[j+k] != c {
				return "", "", 0, 0, false // over several lines, or an escape
			}
			if c == '\'' && j+k+1 < len(p.src) && p.src[j+k+1] == '\'' { // '' is a quote
				b = append(b, p.src[j:j+k+1]...)
				j += k + 2
				continue
			}
			value = p.src[j : j+k]
			if b != nil {
				value = string(append(b, value...))
			}
			return value, "!!str", style, j + k + 1, true
		}
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '<', '.', '+', '~', ' ', '\n':
		return "", "", 0, 0, false // an indicator, or a value yaml.v3 may read as something else
	}
	end = i
scan:
	for j := i; j < len(p.src); j++ {
		switch p.src[j] {
		case '\n':
			break scan
		case ' ':
			if j+1 < len(p.src) && p.src[j+1] == '#' {
				break scan // a comment
			}
			continue
		case ':':
			if j+1 == len(p.src) || p.src[j+1] == ' ' || p.src[j+1] == '\n' {
				if !key {
					return "", "", 0, 0, false // a key where a value was expected
				}
				break scan
			}
			if flow {
				return "", "", 0, 0, false
			}
		case ',', ']', '}':
			if !flow {
				return "", "", 0, 0, false
			}
			break scan
		case '[', '{', '#':
			return "", "", 0, 0, false
		case '?':
			if flow { // an indicator to yaml.v3 inside flow collections
				return "", "", 0, 0, false
			}
		}
		end = j + 1
	}
	value = p.src[i:end]
	tag, ok = plainTag(value)
	return value, tag, 0, end, ok
}

// plainTag is yaml.v3's tag for a plain scalar: a boolean, a small decimal
// integer or a string. Whatever yaml.v3 would read as anything else (null,
// floats, other integers, timestamps) is left to it (ok false).
func plainTag(value string) (tag string, ok bool) {
	switch value {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool", true
	case "null", "Null", "NULL":
		return "", false
	}
	if c := value[0]; c >= '0' && c <= '9' {
		return "!!int", smallDecimal(value)
	}
	return "!!str", true
}

// smallDecimal reports whether s is a decimal integer yaml.v3 reads as
// itself: no sign, no leading zero, no underscores, well inside int64.
func smallDecimal(s string) bool {
	if len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
