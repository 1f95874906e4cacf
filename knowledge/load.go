package knowledge

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed data
var embedded embed.FS

// Embedded returns the knowledge folder compiled into the binary.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		panic(err) // cannot happen: data is embedded above
	}
	return sub
}

// LoadDir loads and validates the knowledge folder dir.
func LoadDir(dir string) (*KB, error) { return Load(os.DirFS(dir)) }

// LoadEmbedded loads and validates the embedded knowledge.
func LoadEmbedded() (*KB, error) { return Load(Embedded()) }

// Problem is one thing wrong with a knowledge folder: the file, the line
// (0 when unknown), the field as a path (counters[2].phone) and what is wrong.
type Problem struct {
	File    string
	Line    int
	Field   string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	if p.Field != "" {
		b.WriteString(": " + p.Field)
	}
	b.WriteString(": " + p.Message)
	return b.String()
}

// ValidationError lists every Problem found in a knowledge folder.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("invalid knowledge (%d problems):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// document is one decoded YAML file with its node tree, for line look-ups.
type document struct {
	file string
	root *yaml.Node
}

// Load decodes and validates the knowledge folder fsys. On any problem it
// returns a *ValidationError listing them all, and no KB.
func Load(fsys fs.FS) (*KB, error) {
	l := loader{fsys: fsys, seeds: map[string]string{}}
	kb := l.load()
	if len(l.problems) == 0 {
		l.validate(kb)
	}
	if len(l.problems) > 0 {
		sort.SliceStable(l.problems, func(i, j int) bool {
			a, b := l.problems[i], l.problems[j]
			if a.File != b.File {
				return a.File < b.File
			}
			return a.Line < b.Line
		})
		return nil, &ValidationError{Problems: l.problems}
	}
	return kb, nil
}

type loader struct {
	fsys     fs.FS
	problems []Problem
	docs     map[string]*document // by file name
	seeds    map[string]string    // seed name → page text
}

func (l *loader) problem(file string, line int, field, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// decode reads file into v strictly (unknown fields are errors) and keeps
// its node tree. It reports false, after recording the problems, on failure.
func (l *loader) decode(file string, v any) bool {
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		l.problem(file, 0, "", "cannot read: %v", err)
		return false
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		l.yamlProblems(file, err)
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		l.yamlProblems(file, err)
		return false
	}
	if l.docs == nil {
		l.docs = map[string]*document{}
	}
	l.docs[file] = &document{file: file, root: &root}
	return true
}

// yamlProblems turns a yaml.v3 error (one or several "line N: …" messages)
// into Problems with their line numbers.
func (l *loader) yamlProblems(file string, err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, msg := range msgs {
		line := 0
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = strings.Replace(msg, m[0], "", 1)
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		l.problem(file, line, "", "%s", msg)
	}
}

// validID is what a municipality id may be: it names the file, the API's
// and the webhook's path segment and, upper-cased, environment variables
// (LINE_CHANNEL_SECRET_<ID>).
var validID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// MunicipalityFiles lists the municipality files of fsys: every <id>.yaml
// at the top level but national.yaml, sorted by name. The knowledge's
// municipalities are exactly these: a folder with one more file serves one
// more municipality.
func MunicipalityFiles(fsys fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if name := e.Name(); !e.IsDir() && strings.HasSuffix(name, ".yaml") && name != "national.yaml" {
			out = append(out, name)
		}
	}
	return out, nil
}

func (l *loader) load() *KB {
	kb := &KB{byID: map[string]*Municipality{}}
	l.decode("national.yaml", &kb.National)
	files, err := MunicipalityFiles(l.fsys)
	if err != nil {
		l.problem(".", 0, "", "cannot list the folder: %v", err)
	}
	if err == nil && len(files) == 0 {
		l.problem(".", 0, "", "no municipality: the folder holds no <id>.yaml beside national.yaml")
	}
	for _, file := range files {
		if id := strings.TrimSuffix(file, ".yaml"); !validID.MatchString(id) {
			l.problem(file, 0, "", "%q is not a municipality id: lower-case letters, digits and _, starting with a letter, at most 40 (it names the URL and the LINE_*_<ID> variables)", id)
			continue
		}
		m := &Municipality{file: file, kb: kb}
		if !l.decode(file, m) {
			continue
		}
		kb.Municipalities = append(kb.Municipalities, m)
		kb.byID[m.ID] = m
	}
	// Display order: by order:, then by id; those without order: last.
	sort.SliceStable(kb.Municipalities, func(i, j int) bool {
		a, b := kb.Municipalities[i], kb.Municipalities[j]
		if (a.Order == 0) != (b.Order == 0) {
			return a.Order != 0
		}
		if a.Order != b.Order {
			return a.Order < b.Order
		}
		return a.ID < b.ID
	})
	entries, _ := fs.ReadDir(l.fsys, "seeds")
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".txt")
		if !ok {
			continue
		}
		text, err := fs.ReadFile(l.fsys, "seeds/"+e.Name())
		if err != nil {
			l.problem("seeds/"+e.Name(), 0, "", "cannot read: %v", err)
			continue
		}
		l.seeds[name] = string(text)
	}
	return kb
}
