# syntax=docker/dockerfile:1
# madoguchi server: a static binary on distroless, run as non-root.
# The knowledge base is embedded; mount a folder and set KNOWLEDGE_DIR to
# replace it. Without REDIS_URL the server uses an in-memory Redis.

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
ENTRYPOINT ["/usr/local/bin/server"]
