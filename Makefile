# Bulwark: every entry point a developer, CI or a new user needs.
# Run as root on Debian 12. Targets install what they need and are safe to run twice.

SWIFT      ?= swift
APT_PKGS   := libssh2-1-dev libyaml-dev pkg-config openssh-client openssh-server sudo python3 coreutils procps passwd
BIN        := .build/debug/bulwark

.PHONY: all deps build test unit e2e demo bench-plan goldens clean

all: build

# Installs the system packages the build and tests need, only when one is missing.
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

# Every test: unit, medium and golden tests under swift test, then the CLI end-to-end runner.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	bash Tests/e2e/run.sh $(BIN)

unit: deps
	$(SWIFT) test

e2e: build
	bash Tests/e2e/run.sh $(BIN)

# The main job. Until the lab and etcd land, it validates and plans the hybrid sample.
demo: build
	$(BIN) validate -i inventories/hybrid.yaml
	$(BIN) plan -i inventories/hybrid.yaml || [ $$? -eq 2 ]
	$(BIN) plan -i inventories/hybrid.yaml --playbook upgrade || [ $$? -eq 2 ]

# Not a test: times validate + plan on 1,000 / 5,000 / 10,000 generated hosts.
bench-plan: deps
	bash bench/plan-scale/run.sh

# Rewrites golden files from the current output; review the diff before committing.
goldens: deps
	UPDATE_GOLDENS=1 $(SWIFT) test

clean:
	rm -rf .build bench/out
