# syntax=docker/dockerfile:1
# madoguchi server: a static binary on distroless (CA certificates and
# tzdata, no shell), run as non-root. The knowledge base is embedded; mount
# a folder and set KNOWLEDGE_DIR to replace it. Without REDIS_URL the server
# uses an in-memory Redis. Configuration: `docker run --rm madoguchi -h`.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server \
 && CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/kbctl ./cmd/kbctl

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /out/kbctl /usr/local/bin/
USER nonroot:nonroot
ENV PORT=8080
EXPOSE 8080
# For docker and compose (Kubernetes ignores it and uses its own probes):
# the server asks its own /readyz, since the image has no shell or curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["/usr/local/bin/server", "-healthcheck"]
ENTRYPOINT ["/usr/local/bin/server"]
