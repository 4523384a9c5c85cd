# oncall: the two commands a new user needs are `make demo` and `make test`.
GO      ?= go
BIN     ?= oncall
PKGS    := ./...
FUZZTIME ?= 5s

.PHONY: all build demo test lint fuzz bench clean

all: lint test build

build:
	$(GO) build -o $(BIN) ./cmd/oncall

## demo: the dashboard on the embedded simulator (no token, no network)
demo:
	$(GO) run ./cmd/oncall demo

## test: every test, with the race detector
test:
	$(GO) test -race -count=1 -timeout 10m $(PKGS)

## lint: gofmt, go vet and staticcheck (pinned in go.mod as a tool) must be clean
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

## fuzz: a short run of each fuzz target (the sanitisers, the issue-page decoder, the config parser)
fuzz:
	$(GO) test ./sources/gitlab -run '^$$' -fuzz FuzzDecodePage -fuzztime $(FUZZTIME)
	$(GO) test ./sources/gitlab -run '^$$' -fuzz FuzzCleanLine -fuzztime $(FUZZTIME)
	$(GO) test ./model -run '^$$' -fuzz FuzzClean -fuzztime $(FUZZTIME)
	$(GO) test ./model -run '^$$' -fuzz FuzzParseLabels -fuzztime $(FUZZTIME)
	$(GO) test ./cmd/oncall/config -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)

## bench: the figures of issue 11 against the simulator (L=50ms); prints, never fails on a timing
##        (BENCHFLAGS='--profile DIR' adds CPU profiles; --help lists the flags)
bench:
	$(GO) run ./cmd/oncall-bench --go $(GO) $(BENCHFLAGS)

clean:
	rm -f $(BIN)
