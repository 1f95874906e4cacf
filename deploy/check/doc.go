// Package check holds the offline tests of madoguchi's deploy files: the
// Kubernetes manifests (built with kustomize, decoded strictly into the
// Kubernetes API types), the docker-compose file (loaded with the
// compose-spec loader) and the Prometheus rules (promtool). It is a module
// of its own so that kustomize's, the Kubernetes API's and compose-go's
// dependencies stay out of the server's go.mod; `make test` runs it.
package check
