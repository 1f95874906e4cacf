# madoguchi: the commands a developer and CI run. `make test` and
# `make fault` are what .ci/run runs; they use the Redis at TEST_REDIS_URL
# when that is set in the environment, else an in-process one, and start
# Redis Cluster, Sentinel and restartable servers of their own from the
# redis-server binary (skipped when it is missing, failed under CI).
# `make test` also runs deploy/check, the deploy files' offline tests, a
# module of its own (kustomize's, the Kubernetes API's and compose-go's
# dependencies stay out of the server's go.mod).

GO ?= go

.PHONY: test fault run lint bench build soak

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	cd deploy/check && $(GO) vet ./... && $(GO) test -count=1 ./...

# The slow fault tests (Sentinel failover and Redis restarts under LINE
# load in webhook/line; eviction pressure on the whole server in
# cmd/server), which `make test` skips. They print their figures (-v).
fault:
	MADOGUCHI_FAULT=1 $(GO) test -race -count=1 -v -run '^TestFault' ./webhook/line/ ./cmd/server/

# The bounded soak test (not in `make test` nor .ci/run): two built
# cmd/server replicas on one Redis (a redis-server of its own, appendonly
# yes, or REDIS_URL under a prefix of its own) under cmd/loadtest and web
# chat turns for SOAK_DURATION (default 5m); fails when heap, goroutines,
# open fds or the LINE queue grow from the middle to the end, or a LINE
# event is lost or answered twice. See README, "Measured".
SOAK_DURATION ?= 5m
soak:
	SOAK_DURATION=$(SOAK_DURATION) $(GO) run ./cmd/soak

run:
	$(GO) run ./cmd/server

lint:
	$(GO) run ./cmd/kbctl lint $(DIR)

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ ./cmd/...
