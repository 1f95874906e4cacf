// Command kbctl checks knowledge folders before they ship, and talks to a
// server's staff API (remote.go: versions, pull, diff, push, publish,
// rollback, export).
//
//	kbctl lint [DIR]
//
// lint loads DIR (default: the knowledge embedded in the binary) and prints
// each problem as file:line: field: message, and each file of the folder
// that loading does not read (knowledge.Unused: nerima.yml, a seed no file
// names), exiting 1 when there is any, or a one-line summary and 0 when
// the folder is valid. A valid folder's texts without their やさしい日本語 or
// English translation are listed first, each as "warning: …" (residents
// reading that language get the Japanese there): they do not fail the
// folder. Usage errors exit 2.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/madoguchi/madoguchi/knowledge"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = "usage: kbctl lint [DIR]"

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && remoteCommands[args[0]] {
		return remote(args, stdout, stderr, os.Getenv)
	}
	if len(args) == 0 || args[0] != "lint" || len(args) > 2 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	fsys := knowledge.Embedded()
	if len(args) == 2 {
		dir := args[1]
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			fmt.Fprintf(stderr, "kbctl: %s is not a folder\n%s\n", dir, usage)
			return 2
		}
		fsys = os.DirFS(dir)
	}
	return lint(fsys, stdout, stderr)
}

// lint prints what loading fsys reports: each problem and each unused file
// on its own line, or a summary.
func lint(fsys fs.FS, stdout, stderr io.Writer) int {
	unused, err := knowledge.Unused(fsys)
	if err != nil {
		fmt.Fprintf(stderr, "kbctl: %v\n", err)
		return 1
	}
	kb, err := knowledge.Load(fsys)
	var ve *knowledge.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, p := range ve.Problems {
			fmt.Fprintln(stdout, p)
		}
	case err != nil:
		fmt.Fprintf(stderr, "kbctl: %v\n", err)
		return 1
	}
	for _, u := range unused {
		fmt.Fprintln(stdout, "unused: "+u)
	}
	if err != nil || len(unused) > 0 {
		return 1
	}
	for _, p := range kb.MissingTranslations() {
		fmt.Fprintln(stdout, "warning: "+p.String())
	}
	rules, items := 0, 0
	for _, m := range kb.Municipalities {
		rules += len(m.Rules)
		items += len(m.Items)
	}
	fmt.Fprintf(stdout, "ok: %d municipalities, %d rules, %d items\n", len(kb.Municipalities), rules, items)
	return 0
}
