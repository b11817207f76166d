# LiveSolve: the two commands a fresh Debian machine needs are `make run` and `make test`.
# Each installs the system packages it needs first (as root, or through sudo).

SWIFT ?= swift
APT_PACKAGES := coinor-libclp-dev coinor-libcbc-dev pkg-config zlib1g-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STREAMS ?= ../shared/bench/streams
LADDER := afiro adlittle ship12l 80bau3b d2q06c dfl001

.PHONY: deps build release run test bench clean

## deps: install CLP, CBC, zlib and pkg-config from Debian when missing.
deps:
	@dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { \
		echo "installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(APT_PACKAGES); }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product livesolve

## run: until the server exists, solve the bundled refinery example and print it.
run: release
	.build/release/livesolve solve Examples/refinery.json --values

## test: every test, against the real CLP and real worker processes.
test: build
	$(SWIFT) test

## bench: `bench solver` on every ladder stream, through a worker and in-process.
bench: release
	@for m in $(LADDER); do \
		.build/release/livesolve bench solver --stream $(STREAMS)/$$m.jsonl.gz --json; \
		.build/release/livesolve bench solver --stream $(STREAMS)/$$m.jsonl.gz --json --in-process; \
	done

clean:
	rm -rf .build
