// Command kbctl checks knowledge folders before they ship, and talks to a
// server's staff API (remote.go: versions, pull, diff, push, publish,
// rollback, export).
//
//	kbctl lint [DIR]
//
// lint loads DIR (default: the knowledge embedded in the binary) and prints
// each problem as file:line: field: message, exiting 1 when there is any,
// or a one-line summary and 0 when the folder is valid. Usage errors exit 2.
package main

import (
	"errors"
	"fmt"
	"io"
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
	load := knowledge.LoadEmbedded
	if len(args) == 2 {
		dir := args[1]
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			fmt.Fprintf(stderr, "kbctl: %s is not a folder\n%s\n", dir, usage)
			return 2
		}
		load = func() (*knowledge.KB, error) { return knowledge.LoadDir(dir) }
	}
	return lint(load, stdout, stderr)
}

// lint prints what load reports: each problem on its own line, or a summary.
func lint(load func() (*knowledge.KB, error), stdout, stderr io.Writer) int {
	kb, err := load()
	var ve *knowledge.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, p := range ve.Problems {
			fmt.Fprintln(stdout, p)
		}
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "kbctl: %v\n", err)
		return 1
	}
	rules, items := 0, 0
	for _, m := range kb.Municipalities {
		rules += len(m.Rules)
		items += len(m.Items)
	}
	fmt.Fprintf(stdout, "ok: %d municipalities, %d rules, %d items\n", len(kb.Municipalities), rules, items)
	return 0
}
