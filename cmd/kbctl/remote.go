package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi/madoguchi/internal/textdiff"
)

// The commands that talk to a server's admin API (docs/contract.md), with
// MADOGUCHI_URL (http://localhost:8080) and MADOGUCHI_TOKEN (a token from
// POST /admin/api/v1/login or the console's API tokens page):
//
//	kbctl versions ID              list ID's versions
//	kbctl pull ID DIR              write ID's published YAML and page into DIR
//	kbctl diff ID DIR              DIR's copy against the published one
//	kbctl push ID DIR              save DIR's copy as ID's draft: problems, or the situations it changes
//	kbctl publish ID BASE [COMMENT]  publish ID's open draft, made from version BASE
//	kbctl rollback ID VERSION [COMMENT]
//	kbctl export DIR               every published unit the token may read, as a knowledge folder
//
// ID is a municipality id or national. pull records the version it wrote in
// DIR/.versions.json; push sends it as the draft's base version.
const remoteUsage = `usage: kbctl versions ID | pull ID DIR | diff ID DIR | push ID DIR |
       publish ID BASE [COMMENT] | rollback ID VERSION [COMMENT] | export DIR
(with MADOGUCHI_URL and MADOGUCHI_TOKEN)`

var remoteCommands = map[string]bool{"versions": true, "pull": true, "diff": true, "push": true,
	"publish": true, "rollback": true, "export": true}

type client struct {
	base, token string
	http        *http.Client
}

// apiError is the admin API's error body.
type apiError struct {
	Error struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Current  int    `json:"current_version"`
		Problems []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"problems"`
	} `json:"error"`
}

// errProblems is a draft the server refused with problems (already printed).
var errProblems = errors.New("the draft does not validate")

func (c *client) call(method, path string, in, out any, stdout io.Writer) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+"/admin/api/v1"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		var e apiError
		if json.Unmarshal(raw, &e) != nil || e.Error.Code == "" {
			return fmt.Errorf("%s %s: HTTP %d", method, path, res.StatusCode)
		}
		if len(e.Error.Problems) > 0 {
			for _, p := range e.Error.Problems {
				loc := p.File
				if p.Line > 0 {
					loc += ":" + strconv.Itoa(p.Line)
				}
				if p.Field != "" {
					loc += ": " + p.Field
				}
				fmt.Fprintf(stdout, "%s: %s\n", loc, p.Message)
			}
			return errProblems
		}
		return fmt.Errorf("%s (%s, HTTP %d)", e.Error.Message, e.Error.Code, res.StatusCode)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

type unitKnowledge struct {
	Unit    string `json:"unit"`
	Version int    `json:"version"`
	YAML    string `json:"yaml"`
	Page    string `json:"page"`
}

func unitFiles(id string) (yamlFile, pageFile string) {
	if id == "national" {
		return "national.yaml", ""
	}
	return id + ".yaml", filepath.Join("seeds", id+".txt")
}

func writeUnit(dir string, k unitKnowledge) error {
	yf, pf := unitFiles(k.Unit)
	if err := os.MkdirAll(filepath.Join(dir, "seeds"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, yf), []byte(k.YAML), 0o644); err != nil {
		return err
	}
	if pf != "" {
		return os.WriteFile(filepath.Join(dir, pf), []byte(k.Page), 0o644)
	}
	return nil
}

func readUnit(dir, id string) (yamlText, page string, err error) {
	yf, pf := unitFiles(id)
	y, err := os.ReadFile(filepath.Join(dir, yf))
	if err != nil {
		return "", "", err
	}
	if pf != "" {
		p, err := os.ReadFile(filepath.Join(dir, pf))
		if err != nil {
			return "", "", err
		}
		page = string(p)
	}
	return string(y), page, nil
}

const versionsFile = ".versions.json"

func recordVersion(dir, id string, v int) error {
	m := map[string]int{}
	if b, err := os.ReadFile(filepath.Join(dir, versionsFile)); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	m[id] = v
	b, _ := json.MarshalIndent(m, "", "  ")
	return os.WriteFile(filepath.Join(dir, versionsFile), append(b, '\n'), 0o644)
}

func recordedVersion(dir, id string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, versionsFile))
	if err != nil {
		return 0, fmt.Errorf("%s: %w (pull first)", versionsFile, err)
	}
	m := map[string]int{}
	if err := json.Unmarshal(b, &m); err != nil || m[id] == 0 {
		return 0, fmt.Errorf("%s holds no version of %s (pull it first)", versionsFile, id)
	}
	return m[id], nil
}

// remote runs a server command and returns the exit status: 0, 1 on a
// failure the server or the folder reports, 2 on a usage error.
func remote(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	usageErr := func() int { fmt.Fprintln(stderr, remoteUsage); return 2 }
	base, token := strings.TrimRight(getenv("MADOGUCHI_URL"), "/"), getenv("MADOGUCHI_TOKEN")
	if base == "" || token == "" {
		fmt.Fprintln(stderr, "kbctl: set MADOGUCHI_URL (the server, such as http://localhost:8080) and MADOGUCHI_TOKEN")
		return 2
	}
	c := &client{base: base, token: token, http: &http.Client{Timeout: 30 * time.Second}}
	n := len(args)
	var err error
	switch cmd := args[0]; {
	case cmd == "versions" && n == 2:
		var out struct {
			Versions []struct {
				Version    int       `json:"version"`
				Author     string    `json:"author"`
				Time       time.Time `json:"time"`
				Comment    string    `json:"comment"`
				RollbackOf int       `json:"rollback_of"`
			} `json:"versions"`
		}
		if err = c.call("GET", "/municipalities/"+args[1]+"/versions", nil, &out, stdout); err == nil {
			for _, v := range out.Versions {
				when := "-"
				if !v.Time.IsZero() {
					when = v.Time.Format(time.RFC3339)
				}
				line := fmt.Sprintf("%d\t%s\t%s\t%s", v.Version, when, v.Author, v.Comment)
				if v.RollbackOf > 0 {
					line += fmt.Sprintf(" (rollback to %d)", v.RollbackOf)
				}
				fmt.Fprintln(stdout, line)
			}
		}
	case cmd == "pull" && n == 3:
		var k unitKnowledge
		if err = c.call("GET", "/municipalities/"+args[1]+"/knowledge", nil, &k, stdout); err == nil {
			if err = writeUnit(args[2], k); err == nil {
				err = recordVersion(args[2], k.Unit, k.Version)
				fmt.Fprintf(stdout, "pulled %s version %d into %s\n", k.Unit, k.Version, args[2])
			}
		}
	case cmd == "diff" && n == 3:
		var k unitKnowledge
		if err = c.call("GET", "/municipalities/"+args[1]+"/knowledge", nil, &k, stdout); err == nil {
			var y, p string
			if y, p, err = readUnit(args[2], args[1]); err == nil {
				yf, pf := unitFiles(args[1])
				printDiff(stdout, yf, k.Version, k.YAML, y)
				if pf != "" {
					printDiff(stdout, pf, k.Version, k.Page, p)
				}
			}
		}
	case cmd == "push" && n == 3:
		var y, p string
		var b int
		if y, p, err = readUnit(args[2], args[1]); err == nil {
			if b, err = recordedVersion(args[2], args[1]); err == nil {
				var out struct {
					Situations struct {
						Total   int `json:"total"`
						Changed []struct {
							Label   string `json:"label"`
							Changes []struct {
								Field string `json:"field"`
							} `json:"changes"`
						} `json:"changed"`
					} `json:"situations"`
				}
				if err = c.call("PUT", "/municipalities/"+args[1]+"/draft", map[string]any{"yaml": y, "page": p, "base_version": b}, &out, stdout); err == nil {
					s := out.Situations
					fmt.Fprintf(stdout, "saved the draft of %s on version %d: %d of %d situations change\n", args[1], b, len(s.Changed), s.Total)
					for _, ch := range s.Changed {
						var fs []string
						for _, f := range ch.Changes {
							fs = append(fs, f.Field)
						}
						fmt.Fprintf(stdout, "  %s: %s\n", ch.Label, strings.Join(fs, ", "))
					}
					fmt.Fprintf(stdout, "publish it with: kbctl publish %s %d \"comment\"\n", args[1], b)
				}
			}
		}
	case (cmd == "publish" || cmd == "rollback") && (n == 3 || n == 4):
		num, perr := strconv.Atoi(args[2])
		if perr != nil || num < 1 {
			return usageErr()
		}
		comment := ""
		if n == 4 {
			comment = args[3]
		}
		body := map[string]any{"base_version": num, "comment": comment}
		if cmd == "rollback" {
			body = map[string]any{"to_version": num, "comment": comment}
		}
		var out struct {
			Version int `json:"version"`
		}
		if err = c.call("POST", "/municipalities/"+args[1]+"/"+cmd, body, &out, stdout); err == nil {
			fmt.Fprintf(stdout, "published %s version %d\n", args[1], out.Version)
		}
	case cmd == "export" && n == 2:
		err = export(c, args[1], stdout)
	default:
		return usageErr()
	}
	if err != nil {
		if !errors.Is(err, errProblems) {
			fmt.Fprintf(stderr, "kbctl: %v\n", err)
		}
		return 1
	}
	return 0
}

// export writes every unit the token may read; with an admin's token that
// is the whole knowledge folder (national.yaml, <id>.yaml, seeds/<id>.txt),
// which KNOWLEDGE_DIR and kbctl lint accept.
func export(c *client, dir string, stdout io.Writer) error {
	var list struct {
		Municipalities []struct {
			ID string `json:"id"`
		} `json:"municipalities"`
	}
	if err := c.call("GET", "/municipalities", nil, &list, stdout); err != nil {
		return err
	}
	for _, u := range list.Municipalities {
		var k unitKnowledge
		if err := c.call("GET", "/municipalities/"+u.ID+"/knowledge", nil, &k, stdout); err != nil {
			return err
		}
		if err := writeUnit(dir, k); err != nil {
			return err
		}
		if err := recordVersion(dir, k.Unit, k.Version); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s version %d\n", k.Unit, k.Version)
	}
	return nil
}

func printDiff(w io.Writer, file string, version int, published, local string) {
	lines := textdiff.Lines(published, local)
	if lines == nil {
		return
	}
	fmt.Fprintf(w, "--- %s (published version %d)\n+++ %s (local)\n", file, version, file)
	for _, l := range lines {
		fmt.Fprintln(w, l.String())
	}
}
