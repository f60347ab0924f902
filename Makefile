# Bulwark: every entry point a developer, CI or a new user needs.
# Run as root on Debian 12. Targets install what they need and are safe to run twice.

SWIFT      ?= swift
APT_PKGS   := libssh2-1-dev libyaml-dev libsqlite3-dev pkg-config openssh-client openssh-server sudo python3 python3-pip coreutils procps passwd bc \
              iproute2 util-linux systemd-container debootstrap haproxy openssl curl nftables chromium
BIN        := .build/debug/bulwark

.PHONY: all deps build artifacts test unit e2e demo bench-plan bench-lab goldens clean

all: build

# Installs the system packages the build and tests need, only when one is missing.
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# The SARIF schema test (Tests/CLITests/SarifSchemaTests.swift) validates with jsonschema, from PyPI.
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet --break-system-packages jsonschema

build: deps
	$(SWIFT) build

# The local artifact cache (cache/artifacts): etcd 3.4.23, 3.5.16 and 3.5.30 from Debian, 3.5.0 and 3.5.1 from PyPI,
# each file recorded in SHA256SUMS. A second run only verifies the checksums.
artifacts: build
	$(BIN) lab artifacts

# Every test: unit, medium and golden tests under swift test, then the end-to-end runner, which
# also brings up lab hosts (the first run builds the lab's Debian rootfs, about a minute).
test: deps artifacts
	$(SWIFT) build --build-tests
	$(SWIFT) test
	bash bench/netpol/run.sh $(BIN) --smoke
	bash bench/plan-scale/run.sh $(BIN) --smoke
	bash bench/lab/run.sh $(BIN) --smoke
	bash bench/cluster/run.sh $(BIN) --smoke
	bash bench/fanout/run.sh --smoke
	bash Tests/e2e/run.sh $(BIN)

unit: deps
	$(SWIFT) test

e2e: build artifacts
	bash Tests/e2e/run.sh $(BIN)

# A 3-host lab with an HA etcd cluster bootstrapped and hardened on it (TLS everywhere, sshd,
# kernel parameters, host firewall), checked over TLS, applied a second time to show nothing
# changes, its advisory summary (the pinned etcd, then the packages and etcd the hosts run),
# audited, and checked for drift. The lab is left running.
LAB_INV := .bulwark/lab/lab.yaml
LAB_PKI := .bulwark/lab/lab.state/pki/etcd
demo: build artifacts
	$(BIN) lab up 3
	$(BIN) validate -i $(LAB_INV)
	$(BIN) ping -i $(LAB_INV)
	-$(BIN) plan -i $(LAB_INV) | tail -25
	$(BIN) apply -i $(LAB_INV) --yes
	ETCDCTL_API=3 cache/artifacts/etcd/v3.5.30/etcdctl --endpoints=https://10.123.0.11:2379 \
	  --cacert=$(LAB_PKI)/ca.crt --cert=$(LAB_PKI)/clients/bulwark.crt --key=$(LAB_PKI)/clients/bulwark.key \
	  endpoint health --cluster -w table
	$(BIN) apply -i $(LAB_INV) --yes | tail -1
	$(BIN) certs -i $(LAB_INV)
	@echo "Advisory summary: the etcd the lab pins (advice when something refuses), then what its hosts run"
	-$(BIN) advisories list --component etcd --version $$(sed -n 's/^    etcd: //p' $(LAB_INV))
	$(BIN) audit -i $(LAB_INV) | grep -v "^  pass"
	$(BIN) drift -i $(LAB_INV)
	$(BIN) netpol hosts -i $(LAB_INV)
	$(BIN) netpol hosts -i $(LAB_INV) --verify >/dev/null
	$(BIN) plan -i $(LAB_INV) | tail -1
	$(BIN) report -i $(LAB_INV) --html .bulwark/lab/report.html
	$(BIN) lab status
	@echo
	@echo "The lab is still running, with etcd on lab1..lab3. Get in:  $(BIN) lab ssh lab1"
	@echo "Snapshot:    $(BIN) etcd snapshot -i $(LAB_INV)"
	@echo "Report:      .bulwark/lab/report.html"
	@echo "Tear down:   $(BIN) lab down"

# Not a test: times validate + plan on 1,000 / 5,000 / 10,000 generated hosts.
bench-plan: deps
	bash bench/plan-scale/run.sh

# Not a test: times lab up/down at 3 and 50 hosts and a cold rootfs build; memory per host.
bench-lab: deps
	bash bench/lab/run.sh --rootfs

# Rewrites golden files from the current output; review the diff before committing.
goldens: deps
	UPDATE_GOLDENS=1 $(SWIFT) test

clean:
	rm -rf .build bench/out
