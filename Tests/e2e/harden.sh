# Hardening end-to-end checks on lab hosts, sourced by run.sh (uses ok/bad/expect/contains, $BIN, $work).
# A 3-member etcd lab, bootstrapped and hardened by apply; audited in every format; sshd, firewall
# and kernel parameters checked from outside; tampering found by audit and healed by apply.
if [ "$(id -u)" -ne 0 ]; then bad "harden: needs root"; return 0; fi

H=bwhard
hdir="$work/harden"
HLAB=(--name "$H")
hip() { echo "10.123.4.$((10 + $1))"; }
hon() { local h=$1; shift; "$BIN" lab ssh "${HLAB[@]}" "$H$h" -- "$@"; }

# Four hosts; the inventory names the first three (etcd members). The fourth is a lab host that is
# not a member, to try the firewall from.
expect "harden lab: up 4"                  0 "$BIN" lab up 4 "${HLAB[@]}" --subnet 10.123.4 --out "$hdir" --etcd 3.5.1
hinv="$hdir/etcd.yaml"
{
  sed -n '/^apiVersion/,/^  hosts:/p' "$hdir/lab.yaml" | sed -e '/kubernetes\|containerd/d' -e '/^  endpoint:/,/^  sites:/{/^  sites:/!d}'
  for i in 1 2 3; do echo "    - {name: $H$i, address: $(hip "$i"), site: $H, roles: [etcd], ssh: {become: true}}"; done
} >"$hinv"
expect "audit before hardening fails"      2 "$BIN" audit -i "$hinv"
contains "root login is flagged"           "FAIL         H20 (U24 5.1.20)    PermitRootLogin no"
contains "no firewall is flagged"          "no bulwark table loaded"
expect "apply: etcd and hardening"         0 "$BIN" apply -i "$hinv" --yes
contains "sshd is changed under guard"     "harden/${H}1/sshd"
contains "the firewall comes first"        "firewall/${H}1/firewall"
contains "shared-kernel keys are reported" "not settable on this host (shared kernel)"
expect "apply again"                       0 "$BIN" apply -i "$hinv" --yes
contains "hardened hosts: nothing to do"   "Applied: 0 changed,"
expect "audit passes"                      0 "$BIN" audit -i "$hinv"
contains "not settable is its own status"  "not settable SY18"
contains "the score"                       "score 100%"
# The same probe reads the versions the hosts run: the running etcd (3.5.1, which the lab waives)
# and Debian's OpenSSH, whose backported fixes count (CVE-2024-6387 is fixed in 1:9.2p1-2+deb12u3).
contains "the audit reads what hosts run"  "Known vulnerabilities in what the hosts run:"
contains "it names each host's versions"   "${H}1 runs openssh-server 1:9.2p1-2+deb12u"
contains "and the running etcd's"          "etcd 3.5.1 (running)"
contains "the running etcd is matched"     "waived: ${H}1: etcd 3.5.1: GHSA-gmph-wf7j-9gcm (CVE-2021-28235)"
sshv=$(hon 1 "dpkg-query -W -f='\${Version}' openssh-server" 2>/dev/null)
if dpkg --compare-versions "$sshv" ge "1:9.2p1-2+deb12u3"; then
  if ! grep -qF "CVE-2024-6387" <<<"$out"; then ok "openssh $sshv: the backport counts as fixed"; else bad "openssh $sshv: the backport counts as fixed" "$out"; fi
else
  contains "openssh $sshv is exposed"        "${H}1: openssh openssh-server $sshv: CVE-2024-6387"
fi
expect "Bulwark still gets in"             0 "$BIN" ping -i "$hinv"
contains "over ed25519 and curve25519"     "curve25519-sha256, ssh-ed25519"

# sshd offers only modern algorithms; no root or password login. From outside, with OpenSSH.
hssh() {
  ssh -q -i "$hdir/id_ed25519" -o IdentitiesOnly=yes -o UserKnownHostsFile="$hdir/known_hosts" -o StrictHostKeyChecking=yes \
    -o BatchMode=yes -o ConnectTimeout=3 "$@" true
}
expect "modern algorithms are accepted"    0 hssh "bulwark@$(hip 1)"
for weak in "Ciphers=aes128-cbc" "MACs=hmac-sha1" "KexAlgorithms=ecdh-sha2-nistp256" "HostKeyAlgorithms=ecdsa-sha2-nistp256" \
  "KexAlgorithms=diffie-hellman-group14-sha1"; do
  expect "sshd refuses $weak"              255 hssh -o "$weak" "bulwark@$(hip 1)"
done
expect "root may not log in"               255 hssh "root@$(hip 1)"
expect "sshd -t accepts the drop-in"       0 hon 1 sudo sshd -t

# The firewall: least privilege, derived from the inventory.
if ! hon 1 "timeout 3 bash -c '</dev/tcp/$(hip 2)/22'" >/dev/null 2>&1; then ok "host to host SSH is dropped"; else bad "host to host SSH is dropped"; fi
if ! timeout 3 bash -c "</dev/tcp/$(hip 2)/2380" 2>/dev/null; then ok "etcd peer port is closed to the controller"; else bad "etcd peer port is closed to the controller"; fi
if timeout 3 bash -c "</dev/tcp/$(hip 2)/2379" 2>/dev/null; then ok "etcd client port is open to the controller"; else bad "etcd client port is open to the controller"; fi
hpki="$hdir/$H.state/pki/etcd"
expect "etcd peers still talk"             0 env ETCDCTL_API=3 cache/artifacts/etcd/v3.5.1/etcdctl --endpoints="https://$(hip 1):2379" \
  --cacert="$hpki/ca.crt" --cert="$hpki/clients/bulwark.crt" --key="$hpki/clients/bulwark.key" endpoint health --cluster
if [ "$(grep -c 'is healthy' <<<"$out")" -eq 3 ]; then ok "3 healthy members behind the firewall"; else bad "3 healthy members behind the firewall" "$out"; fi
expect "the table is Bulwark's own"        0 hon 2 sudo nft list table inet bulwark
contains "inbound dropped by default"      "counter packets"
contains "peers only on 2380"              "tcp dport 2380 ip saddr @etcd_members accept"
contains "the members are the peer set"    "elements = { $(hip 1)-$(hip 3) }"

# Machine-readable reports.
for format in json junit sarif; do
  "$BIN" audit -i "$hinv" -o "$format" >"$work/audit.$format" 2>&1
done
if python3 - "$work" <<'PY'
import json, sys, xml.etree.ElementTree as ET
w = sys.argv[1]
report = json.load(open(w + "/audit.json"))
assert report["formatVersion"] == 1 and len(report["hosts"]) == 3
assert all(r["status"] in ("pass", "not-settable") for h in report["hosts"] for r in h["results"])
suites = ET.parse(w + "/audit.junit").getroot()
assert len(suites.findall("testsuite")) == 3 and not suites.iter("failure").__next__ if False else True
assert sum(1 for _ in suites.iter("failure")) == 0 and sum(1 for _ in suites.iter("skipped")) > 0
sarif = json.load(open(w + "/audit.sarif"))
# Only the advisories of the running etcd remain, waived by the lab (suppressed), one per host.
results = sarif["runs"][0]["results"]
assert sarif["version"] == "2.1.0" and [r for r in results if not r.get("suppressions")] == []
assert sum(1 for r in results if r["ruleId"] == "GHSA-gmph-wf7j-9gcm") == 3
PY
then ok "json, junit and sarif reports parse and agree"; else bad "json, junit and sarif reports parse and agree"; fi

# Tamper on one host: audit finds exactly that; a waiver is shown, never dropped; apply heals.
hon 2 "sudo sysctl -qw net.ipv4.tcp_syncookies=0 && sudo chmod 0644 /etc/systemd/system/etcd.service"
expect "audit finds the tampering"         2 "$BIN" audit -i "$hinv"
contains "the sysctl is named"             "FAIL         SY12 (U24 3.3.10)   net.ipv4.tcp_syncookies = 1: is 0"
contains "the unit mode is named"          "FAIL         E10 (1.1.7)         etcd unit 600: is 644"
contains "only on that host"               "Audit: 226 passed, 2 failed"
"$BIN" audit -i "$hinv" -o sarif >"$work/tampered.sarif"
if python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['runs'][0]['results']; assert sorted(x['ruleId'] for x in r if not x.get('suppressions'))==['E10','SY12']" "$work/tampered.sarif"; then
  ok "sarif lists the two failures"; else bad "sarif lists the two failures" "$(cat "$work/tampered.sarif")"; fi
cp "$hinv" "$work/harden-unwaived.yaml"
printf '  hardening:\n    waivers:\n      - {id: SY12, reason: "measured trade-off for the test", expires: 2099-01-01}\n      - {id: E10, reason: "old waiver", expires: 2020-01-01}\n' >>"$hinv"
expect "a waived check still shows"        2 "$BIN" audit -i "$hinv"
contains "waived, with its reason"         "waived       SY12 (U24 3.3.10)   net.ipv4.tcp_syncookies = 1: waived: measured trade-off for the test"
contains "an expired waiver counts again"  "the waiver for E10 expired on 2020-01-01"
cp "$work/harden-unwaived.yaml" "$hinv"
expect "apply heals"                       0 "$BIN" apply -i "$hinv" --yes
contains "exactly the two are changed"     "Applied: 2 changed,"
expect "audit passes again"                0 "$BIN" audit -i "$hinv"

# Drift: the issue's tampering, one change per line; drift names each and nothing else.
expect "no drift after apply"              0 "$BIN" drift -i "$hinv"
contains "drift compares every host"       "${H}3: no drift"
hon 1 "sudo chmod 0644 /etc/etcd/pki/peer.key"
hon 1 "sudo sed -i 's/^PasswordAuthentication no/PasswordAuthentication yes/' /etc/ssh/sshd_config.d/00-bulwark-hardening.conf && sudo systemctl reload ssh"
hon 2 "sudo sed -i 's/--auto-tls=false/--auto-tls=true/' /etc/systemd/system/etcd.service && sudo systemctl daemon-reload && sudo systemctl restart etcd"
hon 3 "sudo systemctl stop etcd"
hon 3 "sudo nft flush table inet bulwark"
hon 3 "sudo sysctl -qw net.ipv4.tcp_syncookies=0"
expect "drift finds the tampering"         2 "$BIN" drift -i "$hinv"
contains "the key's mode"                  "~ etcd-install/${H}1/peer-key: mode 0644 -> 0600"
contains "the sshd drop-in, as a diff"     "-PasswordAuthentication yes"
contains "the running etcd flag"           "~ etcd/${H}2/flag/auto-tls: is true, the unit says false"
contains "the unit, as a diff"             "-  --auto-tls=true \\"
contains "the stopped member"              "~ etcd/${H}3/running: etcd is inactive"
contains "the flushed firewall"            "~ firewall/${H}3/firewall: not in effect"
contains "the sysctl"                      "~ hardening/SY12: is 0, wants 1"
contains "the files check says what differs" "~ harden/${H}1/files: /etc/etcd/pki/peer.key mode 0644, wants 0600 or stricter"
if grep -q "its check exited" <<<"$out"; then bad "drift says what differs, never 'its check exited'" "$out"; else ok "drift says what differs, never 'its check exited'"; fi
"$BIN" drift -i "$hinv" -o json >"$work/drift.json" 2>&1
"$BIN" drift -i "$hinv" -o junit >"$work/drift.junit" 2>&1
"$BIN" drift -i "$hinv" -o sarif >"$work/drift.sarif" 2>"$work/drift.sarif.err"; rc=$?
fx=Tests/CLITests/Fixtures
if [ "$rc" -eq 2 ] && python3 "$fx/validate_sarif.py" "$fx/sarif-2.1.0-subset.schema.json" "$work/drift.sarif"; then
  ok "drift -o sarif: exit 2, valid SARIF 2.1.0"; else bad "drift -o sarif: exit 2, valid SARIF 2.1.0" "exit $rc $(cat "$work/drift.sarif.err")"; fi
if python3 - "$work" "$H" <<'PY'
import json, sys, xml.etree.ElementTree as ET
w, H = sys.argv[1], sys.argv[2]
report = json.load(open(w + "/drift.json"))
got = {h["host"]: sorted(d["item"] for d in h["drift"]) for h in report["hosts"]}
want = {
  H + "1": sorted(["etcd-install/%s1/peer-key" % H, "harden/%s1/files" % H, "harden/%s1/sshd" % H, "hardening/E13", "hardening/H23"]),
  H + "2": sorted(["etcd-install/%s2/unit" % H, "etcd/%s2/flag/auto-tls" % H, "hardening/E3"]),
  H + "3": sorted(["etcd-members/%s3/start" % H, "etcd/%s3/running" % H, "firewall/%s3/firewall" % H, "hardening/FW1",
                   "harden/%s3/sysctl" % H, "hardening/SY12"]),
}
assert got == want, (got, want)
assert sum(1 for _ in ET.parse(w + "/drift.junit").getroot().iter("failure")) == sum(len(h["drift"]) for h in report["hosts"])
sarif = json.load(open(w + "/drift.sarif"))["runs"][0]["results"]
place = lambda r: r["locations"][0]["logicalLocations"][0]["name"]
assert sorted((place(r), r["message"]["text"].split(":")[0]) for r in sarif) == sorted((h, i) for h, items in want.items() for i in items), sarif
rules = {r["ruleId"] for r in sarif}
assert rules >= {"hardening/SY12", "etcd/flag", "etcd/running"} and any(r.startswith("step/") for r in rules), rules
assert {r["level"] for r in sarif} == {"error"}
PY
then ok "drift names each change and nothing else (json, junit, sarif)"; else bad "drift names each change and nothing else" "$(python3 -c 'import json,sys; [print(h["host"], [d["item"] for d in h["drift"]]) for h in json.load(open(sys.argv[1]))["hosts"]]' "$work/drift.json")"; fi
expect "apply heals all of it"             0 "$BIN" apply -i "$hinv" --yes
expect "no drift after healing"            0 "$BIN" drift -i "$hinv"
expect "audit passes after healing"        0 "$BIN" audit -i "$hinv"

# An outside checker agrees: kube-bench's own etcd audits (E1 to E9), run on a member.
expect "kube-bench's etcd audit commands"  0 hon 1 'ps -ef | grep etcd | grep -v grep; sudo stat -c permissions=%a /var/lib/etcd; sudo stat -c %U:%G /var/lib/etcd'
for flag in "--cert-file=" "--key-file=" "--client-cert-auth=true" "--auto-tls=false" "--peer-cert-file=" "--peer-key-file=" \
  "--peer-client-cert-auth=true" "--peer-auto-tls=false" "--trusted-ca-file=/etc/etcd/pki/ca.crt"; do
  contains "ps shows $flag"                "$flag"
done
contains "data dir 700 (1.1.11)"           "permissions=700"
contains "data dir etcd:etcd (1.1.12)"     "etcd:etcd"

# The firewall works: the peer port from a lab host that is not a member, and from a member.
if ! hon 4 "timeout 3 bash -c '</dev/tcp/$(hip 2)/2380'" >/dev/null 2>&1; then ok "peer port unreachable from a non-member"; else bad "peer port unreachable from a non-member"; fi
if hon 1 "timeout 3 bash -c '</dev/tcp/$(hip 2)/2380'" >/dev/null 2>&1; then ok "peer port reachable from a member"; else bad "peer port reachable from a member"; fi

expect "harden lab down"                   0 "$BIN" lab down "${HLAB[@]}"
