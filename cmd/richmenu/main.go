// Command richmenu draws the bot's LINE rich menus, one per language
// (Japanese, やさしい日本語, English), and registers the menus of
// deploy/richmenu with a channel through the Messaging API.
//
//	richmenu image [-font path] [-family name] [-menu menu.json] [-o menu.png]
//	richmenu register (-municipality id | -all) [-menu menu.json] [-image menu.png]
//
// image localizes the layout (menu.json) with the knowledge's texts
// (KNOWLEDGE_DIR, default the embedded knowledge) and writes every
// language's menu and image: menu.json and menu.png (Japanese),
// menu.<lang>.json and menu.<lang>.png beside them.
//
// register reads LINE_CHANNEL_ACCESS_TOKEN_<ID> (else
// LINE_CHANNEL_ACCESS_TOKEN), LINE_API_ENDPOINT (default
// https://api.line.me), LINE_API_DATA_ENDPOINT (default
// https://api-data.line.me) and KNOWLEDGE_DIR (default: the embedded
// knowledge, which names the municipalities). It creates every language's
// menu and uploads its image, makes the Japanese one the channel's
// default, points each language's alias (madoguchi-<lang>) at its menu,
// then prints one "<lang>\t<rich menu id>" line per language. Exit
// status: 0 done, 1 the API or a file failed, 2 bad usage or
// configuration (no access token, unknown municipality).
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `usage:
  richmenu image [-font path] [-family name] [-menu menu.json] [-o menu.png]
  richmenu register (-municipality id | -all) [-menu menu.json] [-image menu.png]
`

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// run is the whole command with its environment as arguments.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "image":
		return runImage(args[1:], getenv, stdout, stderr)
	case "register":
		return runRegister(args[1:], getenv, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "richmenu: unknown command %q\n%s", args[0], usage)
	return exitUsage
}
