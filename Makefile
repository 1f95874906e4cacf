# madoguchi: the commands a developer and CI run. `make test` is what .ci/run
# runs; it uses the Redis at TEST_REDIS_URL when that is set in the
# environment, else an in-process one.

GO ?= go

.PHONY: test run lint bench build

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

run:
	$(GO) run ./cmd/server

lint:
	$(GO) run ./cmd/kbctl lint $(DIR)

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ ./cmd/...
