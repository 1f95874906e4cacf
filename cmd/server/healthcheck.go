package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// healthcheck is `server -healthcheck`, for a container's HEALTHCHECK
// (docker-compose) in an image without a shell or curl: it asks this
// host's server on PORT (getenv, default 8080) for /readyz and exits 0 when
// it answers 200, 1 otherwise, printing why on stderr.
func healthcheck(getenv func(string) string, stderr io.Writer) int {
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	client := http.Client{Timeout: 2 * time.Second}
	res, err := client.Get("http://127.0.0.1:" + port + "/readyz")
	if err != nil {
		fmt.Fprintf(stderr, "server -healthcheck: %v\n", err)
		return 1
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "server -healthcheck: /readyz answered %d\n", res.StatusCode)
		return 1
	}
	return 0
}

// osHealthcheck is healthcheck on the process's environment.
func osHealthcheck() int { return healthcheck(os.Getenv, os.Stderr) }
