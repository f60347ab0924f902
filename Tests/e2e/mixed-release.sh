# Debian 12 and 13 side by side, sourced by run.sh and one.sh (uses ok/bad/expect/contains, $BIN, $work).
# A 3-host lab, bookworm, trixie, bookworm (`--release bookworm,trixie` repeats over the hosts), all
# etcd members: etcd bootstrap and hardening by one apply; audit and drift clean on both releases;
# each host's sshd throttles connections as its OpenSSH allows (PerSourcePenalties on trixie's 10.0
# only); an outside audit (ssh-audit, from PyPI) finds no failure on either, and Bulwark's own client
# still gets in to both.
if [ "$(id -u)" -ne 0 ]; then bad "mixed-release: needs root"; return 0; fi

M=bwmix
mdir="$work/mixed"
MLAB=(--name "$M")
mip() { echo "10.123.13.$((10 + $1))"; }
mon() { local h=$1; shift; "$BIN" lab ssh "${MLAB[@]}" "$M$h" -- "$@"; }
mssh() {
  ssh -q -i "$mdir/id_ed25519" -o IdentitiesOnly=yes -o UserKnownHostsFile="$mdir/known_hosts" -o StrictHostKeyChecking=yes \
    -o BatchMode=yes -o ConnectTimeout=3 "bulwark@$(mip "$1")" true
}

expect "an unknown release is refused"     1 "$BIN" lab up 1 --name bwbad --release buster
contains "the refusal names it"            "unknown Debian release 'buster' (known: bookworm, trixie)"
expect "the rootfs of each release"        0 "$BIN" lab rootfs --release bookworm,trixie
if grep -q '/rootfs-bookworm-[0-9a-f]*$' <<<"$out" && grep -q '/rootfs-trixie-[0-9a-f]*$' <<<"$out"; then
  ok "one cached rootfs per release"; else bad "one cached rootfs per release" "$out"; fi
expect "mixed lab: up 3, releases repeat"  0 "$BIN" lab up 3 "${MLAB[@]}" --subnet 10.123.13 --out "$mdir" --release bookworm,trixie
contains "which host runs which release"   "bookworm: ${M}1 ${M}3; trixie: ${M}2"
expect "status of the mixed lab"           0 "$BIN" lab status "${MLAB[@]}"
if grep -qE "^${M}1 +10\.123\.13\.11 +bookworm " <<<"$out" && grep -qE "^${M}2 +10\.123\.13\.12 +trixie " <<<"$out"; then
  ok "status shows each host's release"; else bad "status shows each host's release" "$out"; fi
expect "lab2 runs Debian 13"               0 mon 2 cat /etc/debian_version
if [[ $out == 13.* ]]; then ok "trixie is Debian 13 ($out)"; else bad "trixie is Debian 13" "$out"; fi
expect "lab1 runs Debian 12"               0 mon 1 cat /etc/debian_version
if [[ $out == 12.* ]]; then ok "bookworm is Debian 12 ($out)"; else bad "bookworm is Debian 12" "$out"; fi

minv="$mdir/etcd.yaml"
etcd_lab_inventory "$minv" "$M" 10.123.13 3.5.30 3
expect "apply: etcd and hardening on both" 0 "$BIN" apply -i "$minv" --yes
contains "the plan asked each sshd"        "PerSourcePenalties left out: OpenSSH 9.2 has none"
expect "apply again"                       0 "$BIN" apply -i "$minv" --yes
contains "both releases: nothing to do"    "Applied: 0 changed,"
expect "a plan with nothing to do"         0 "$BIN" plan -i "$minv"
expect "audit is clean on both"            0 "$BIN" audit -i "$minv"
contains "every host scores 100%"          "on 3 hosts; score 100%"
expect "drift is clean on both"            0 "$BIN" drift -i "$minv"
contains "the trixie host is compared"     "${M}2: no drift"
"$BIN" audit -i "$minv" -o json >"$work/mixed-audit.json" 2>&1
if python3 - "$work/mixed-audit.json" "$M" <<'PY'
import json, sys
report, M = json.load(open(sys.argv[1])), sys.argv[2]
h28 = {h["host"]: [r["status"] for r in h["results"] if r["id"] == "H28"] for h in report["hosts"]}
assert h28 == {M + "1": [], M + "2": ["pass"], M + "3": []}, h28
PY
then ok "PerSourcePenalties audited on trixie only (H28)"; else bad "PerSourcePenalties audited on trixie only (H28)" "$(cat "$work/mixed-audit.json")"; fi
expect "etcd is healthy across releases"   0 env ETCDCTL_API=3 cache/artifacts/etcd/v3.5.30/etcdctl --endpoints="https://$(mip 1):2379" \
  --cacert="$mdir/$M.state/pki/etcd/ca.crt" --cert="$mdir/$M.state/pki/etcd/clients/bulwark.crt" \
  --key="$mdir/$M.state/pki/etcd/clients/bulwark.key" endpoint health --cluster
if [ "$(grep -c 'is healthy' <<<"$out")" -eq 3 ]; then ok "3 healthy members, 2 releases"; else bad "3 healthy members, 2 releases" "$out"; fi

# What each sshd runs with, as sshd -T prints it: the same throttling on both, penalties on 10.0.
for i in 1 2; do
  expect "sshd -T on $M$i"                 0 mon "$i" "sudo sshd -T"
  contains "$M$i: MaxStartups 10:30:60"    "maxstartups 10:30:60"
  contains "$M$i: LoginGraceTime 30"       "logingracetime 30"
  contains "$M$i: no finite-field DH"      "kexalgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org"
done
contains "${M}2: PerSourcePenalties"       "persourcepenalties crash:90 authfail:10 noauth:2 grace-exceeded:20"
expect "${M}1's drop-in has no penalties"  1 mon 1 "sudo grep -q PerSourcePenalties /etc/ssh/sshd_config.d/00-bulwark-hardening.conf"
expect "${M}1: sshd -t accepts it"         0 mon 1 "sudo sshd -t"
expect "${M}2: sshd -t accepts it"         0 mon 2 "sudo sshd -t"

# Loosened throttling is found by audit and drift on either release, and apply puts it back.
mon 1 "sudo sed -i 's/^MaxStartups .*/MaxStartups 100:30:200/' /etc/ssh/sshd_config.d/00-bulwark-hardening.conf && sudo systemctl reload ssh"
mon 2 "sudo sed -i 's/^PerSourcePenalties .*/PerSourcePenalties authfail:1s noauth:1s/' /etc/ssh/sshd_config.d/00-bulwark-hardening.conf && sudo systemctl reload ssh"
expect "audit finds loosened throttling"   2 "$BIN" audit -i "$minv"
if grep -qE "^${M}1: [0-9]+ passed, 1 failed" <<<"$out" && grep -qE "^${M}2: [0-9]+ passed, 1 failed" <<<"$out" && grep -qE "^${M}3: [0-9]+ passed, 0 failed" <<<"$out"; then
  ok "one failure on each tampered host, none on the other"; else bad "one failure on each tampered host, none on the other" "$out"; fi
contains "the MaxStartups check"           "FAIL         H18 (U24 5.1.18)    MaxStartups 10:30:60: is 100:30:200"
contains "the PerSourcePenalties check"    "min:15: is crash:90 authfail:1 noauth:1 "
expect "drift finds it too"                2 "$BIN" drift -i "$minv"
contains "the bookworm drop-in differs"    "~ harden/${M}1/sshd"
contains "the trixie drop-in differs"      "~ harden/${M}2/sshd"
contains "the penalties check"             "~ hardening/H28"
expect "apply heals both"                  0 "$BIN" apply -i "$minv" --yes
contains "the two drop-ins are changed"    "Applied: 2 changed,"
expect "audit is clean again"              0 "$BIN" audit -i "$minv"

# A host powered off and on keeps its release and its hardening.
expect "stop the trixie host"              0 "$BIN" lab stop "${MLAB[@]}" "${M}2"
expect "start it again"                    0 "$BIN" lab start "${MLAB[@]}" "${M}2"
expect "it is still Debian 13"             0 mon 2 cat /etc/debian_version
if [[ $out == 13.* ]]; then ok "trixie after a power cycle"; else bad "trixie after a power cycle" "$out"; fi
expect "drift is clean after the cycle"    0 "$BIN" drift -i "$minv"

# Bulwark's own client gets in to both (libssh2 1.10 against OpenSSH 9.2 and 10.0).
expect "Bulwark's client gets in"          0 "$BIN" ping -i "$minv"
contains "to Debian 12"                    "Debian GNU/Linux 12 (bookworm)"
contains "to Debian 13"                    "Debian GNU/Linux 13 (trixie)"
contains "over curve25519 and ed25519"     "curve25519-sha256, ssh-ed25519"
expect "OpenSSH's client gets in to 12"    0 mssh 1
expect "OpenSSH's client gets in to 13"    0 mssh 2

# The issue's burst: connections from one source that leave before logging in. Trixie's sshd then
# refuses that source until its charge runs out (12 x noauth:2 = 24 s, past min:15); bookworm's 9.2
# has no such thing.
burst() { local n; for n in $(seq 12); do timeout 2 bash -c "exec 3<>/dev/tcp/$(mip "$1")/22 && head -c 8 <&3 >/dev/null" 2>/dev/null; done; }
burst 1; burst 2
expect "after a burst, 9.2 still admits"   0 mssh 1
expect "after a burst, 10.0 refuses"       255 mssh 2
waited=0
until mssh 2 || [ "$waited" -ge 90 ]; do sleep 3; waited=$((waited + 3)); done
if [ "$waited" -lt 90 ]; then ok "the penalty ends by itself (admitted again after about $waited s)"; else bad "the penalty ends by itself (still refused after 90 s)"; fi


# The outside audit: ssh-audit from PyPI, in a venv of its own (made once), against each host from
# the controller, across the lab bridge. Warnings are allowed (curve25519 is not post-quantum;
# libssh2 needs the non-EtM SHA-2 MACs); a failure is not. Its connections leave before logging
# in, which trixie's penalties charge (it is refused afterwards), so it comes last.
SSH_AUDIT_VENV=${BULWARK_SSH_AUDIT_VENV:-/var/cache/bulwark-ssh-audit} SSH_AUDIT_VERSION=3.9.0
if ! "$SSH_AUDIT_VENV/bin/pip" show ssh-audit 2>/dev/null | grep -qx "Version: $SSH_AUDIT_VERSION"; then
  python3 -m venv "$SSH_AUDIT_VENV" && "$SSH_AUDIT_VENV/bin/pip" install -q "ssh-audit==$SSH_AUDIT_VERSION" >/dev/null 2>&1
fi
if [ -x "$SSH_AUDIT_VENV/bin/ssh-audit" ]; then
  ok "ssh-audit $SSH_AUDIT_VERSION is installed"
  for i in 1 3 2; do
    out=$("$SSH_AUDIT_VENV/bin/ssh-audit" -n "$(mip "$i")" 2>&1); rc=$?
    fails=$(grep -c '\[fail\]' <<<"$out"); warns=$(grep -c '\[warn\]' <<<"$out")
    warned=$(sed -n 's/^([a-z]*) \([^ ]*\) .*\[warn\].*/\1/p' <<<"$out" | sort -u | paste -sd, -)
    software=$(sed -n 's/^(gen) software: //p' <<<"$out")
    # ssh-audit's exit codes: 0 good, 2 warnings, 3 failures, 1 could not connect.
    if { [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ]; } && [ "$fails" -eq 0 ] && [ -n "$software" ]; then
      ok "ssh-audit $M$i ($software): 0 failures, $warns warnings ($warned)"
    else
      bad "ssh-audit $M$i ($software): exit $rc, $fails failures" "$out"
    fi
  done
else
  bad "ssh-audit $SSH_AUDIT_VERSION is installed (pip install into $SSH_AUDIT_VENV)"
fi

# A rebuilt machine gets a new disk of its own release.
expect "stop the trixie host again"        0 "$BIN" lab stop "${MLAB[@]}" "${M}2"
expect "start it on a fresh disk"          0 "$BIN" lab start "${MLAB[@]}" "${M}2" --fresh
expect "the fresh disk is Debian 13"       0 mon 2 cat /etc/debian_version
if [[ $out == 13.* ]]; then ok "a fresh trixie disk is trixie"; else bad "a fresh trixie disk is trixie" "$out"; fi

expect "mixed lab down"                    0 "$BIN" lab down "${MLAB[@]}"
