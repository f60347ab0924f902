# Configured state on a lab host, sourced by run.sh (uses ok/bad/expect/contains, $BIN, $work).
# A hardened one-member lab gets what other tools leave behind, each right now but wrong at the next
# boot or sshd reload: a later sysctl.d file, an sshd drop-in read before Bulwark's, the firewall's
# boot unit disabled, the masked debug shell enabled again (and stopped). Audit, drift and plan
# name each file; apply comments the lines out (the files kept) and masks the unit; after a power
# cycle the kernel, sshd and systemd run Bulwark's values and nothing drifts.
if [ "$(id -u)" -ne 0 ]; then bad "configured: needs root"; return 0; fi

C=bwcfg
cdir="$work/configured"
CLAB=(--name "$C")
con() { "$BIN" lab ssh "${CLAB[@]}" "${C}1" -- "$@"; }

expect "configured lab: up 1"              0 "$BIN" lab up 1 "${CLAB[@]}" --subnet 10.123.12 --out "$cdir"
cinv="$cdir/etcd.yaml"
{
  sed -n '/^apiVersion/,/^  hosts:/p' "$cdir/lab.yaml" | sed -e '/kubernetes\|containerd/d' -e '/^  endpoint:/,/^  sites:/{/^  sites:/!d}'
  echo "    - {name: ${C}1, address: 10.123.12.11, site: $C, roles: [etcd], ssh: {become: true}}"
} >"$cinv"
expect "configured: apply"                 0 "$BIN" apply -i "$cinv" --yes
expect "configured: audit passes"          0 "$BIN" audit -i "$cinv"
contains "the boot unit is audited"        "pass         FW2"
expect "configured: no drift"              0 "$BIN" drift -i "$cinv"

# What other tools leave: nothing changes now (no sysctl -w, no sshd reload, the unit keeps running).
con "printf '# tuning\nnet.ipv4.conf.all.send_redirects = 1\nvm.swappiness = 10\n' | sudo tee /etc/sysctl.d/99-foreign.conf >/dev/null"
con "printf 'PermitRootLogin yes\n' | sudo tee /etc/ssh/sshd_config.d/00-aaa-foreign.conf >/dev/null"
con "sudo systemctl disable --quiet bulwark-firewall.service"
con "sudo systemctl unmask --quiet debug-shell.service && sudo systemctl enable --quiet debug-shell.service"
expect "the live value is still right"     0 con "cat /proc/sys/net/ipv4/conf/all/send_redirects"
if [ "$(tail -1 <<<"$out")" = 0 ]; then ok "live send_redirects is still 0"; else bad "live send_redirects is still 0" "$out"; fi

expect "audit finds the configured state"  2 "$BIN" audit -i "$cinv"
contains "the sysctl file is named"        "net.ipv4.conf.all.send_redirects = 0: is live 0, next boot 1 from /etc/sysctl.d/99-foreign.conf (overrides /etc/sysctl.d/90-bulwark-hardening.conf)"
contains "the sshd drop-in is named"       "PermitRootLogin no: is yes from /etc/ssh/sshd_config.d/00-aaa-foreign.conf (read before /etc/ssh/sshd_config.d/00-bulwark-hardening.conf)"
contains "the unit is judged at boot"      "bulwark-firewall.service enabled: the table is loaded at every boot: is disabled at boot (active now)"
contains "a masked unit enabled again"      "debug-shell.service masked: no unauthenticated root shell on tty9: is enabled at boot (inactive now), wants masked"
contains "exactly those four"              "4 failed"

expect "drift finds the configured state"  2 "$BIN" drift -i "$cinv"
contains "drift: the sysctl check"         "~ hardening/SY4: is live 0, next boot 1 from /etc/sysctl.d/99-foreign.conf"
contains "drift: the sysctl conflict"      "~ harden/${C}1/sysctl-conflicts: /etc/sysctl.d/99-foreign.conf sets net.ipv4.conf.all.send_redirects = 1 at boot, Bulwark wants 0"
contains "drift: the sshd check"           "~ hardening/H20: is yes from /etc/ssh/sshd_config.d/00-aaa-foreign.conf"
contains "drift: the sshd conflict"        "~ harden/${C}1/sshd-conflicts: /etc/ssh/sshd_config.d/00-aaa-foreign.conf:1 sets PermitRootLogin yes before Bulwark's drop-in, Bulwark wants no"
contains "drift: the boot unit"            "~ firewall/${C}1/firewall-unit: disabled -> enabled"
contains "drift: FW2"                      "~ hardening/FW2: is disabled at boot (active now)"
contains "drift: the masked unit"          "~ harden/${C}1/units: debug-shell.service is enabled at boot (inactive now), wants masked"
contains "drift: U1"                       "~ hardening/U1: is enabled at boot (inactive now)"

expect "plan shows the remedies"           2 "$BIN" plan -i "$cinv"
contains "plan: the sysctl file"           "/etc/sysctl.d/99-foreign.conf sets net.ipv4.conf.all.send_redirects = 1 at boot, Bulwark wants 0"
contains "plan: the sshd drop-in"          "/etc/ssh/sshd_config.d/00-aaa-foreign.conf:1 sets PermitRootLogin yes before Bulwark's drop-in"
contains "plan: the boot unit"             "disabled -> enabled"

expect "apply remedies"                    0 "$BIN" apply -i "$cinv" --yes
contains "four steps change"               "Applied: 4 changed,"
expect "the foreign sysctl file is kept"   0 con "cat /etc/sysctl.d/99-foreign.conf; echo ===; cat /etc/sysctl.d/99-foreign.conf.bulwark-disabled"
contains "its line is commented out"       "# bulwark-disabled: net.ipv4.conf.all.send_redirects = 1"
contains "its other settings stay"         $'\nvm.swappiness = 10\n==='
contains "it says when and why"            "the lines marked bulwark-disabled set kernel parameters against Bulwark's hardening (/etc/sysctl.d/90-bulwark-hardening.conf)"
contains "the original is kept"            $'===\n# tuning\nnet.ipv4.conf.all.send_redirects = 1'
expect "the foreign sshd drop-in is kept"  0 con "cat /etc/ssh/sshd_config.d/00-aaa-foreign.conf /etc/ssh/sshd_config.d/00-aaa-foreign.conf.bulwark-disabled"
contains "its line is commented out"       "# bulwark-disabled: PermitRootLogin yes"
expect "sshd reads Bulwark's value"        0 con "sudo sshd -T | grep -i '^permitrootlogin'"
contains "permitrootlogin no"              "permitrootlogin no"
expect "apply again"                       0 "$BIN" apply -i "$cinv" --yes
contains "nothing left to do"              "Applied: 0 changed,"
expect "audit passes after the remedy"     0 "$BIN" audit -i "$cinv"
expect "no drift after the remedy"         0 "$BIN" drift -i "$cinv"

# A power cycle: the next boot's values are the live ones now.
expect "power off"                         0 "$BIN" lab stop "${C}1" "${CLAB[@]}"
expect "power on"                          0 "$BIN" lab start "${C}1" "${CLAB[@]}"
expect "after boot: the kernel value"      0 con "cat /proc/sys/net/ipv4/conf/all/send_redirects"
if [ "$(tail -1 <<<"$out")" = 0 ]; then ok "after boot: send_redirects is Bulwark's 0"; else bad "after boot: send_redirects is Bulwark's 0" "$out"; fi
expect "after boot: sshd"                  0 con "sudo sshd -T | grep -i '^permitrootlogin'"
contains "after boot: no root login"       "permitrootlogin no"
expect "after boot: the units"             0 con "systemctl is-enabled debug-shell.service; systemctl is-enabled bulwark-firewall.service; sudo nft list table inet bulwark | head -1"
contains "after boot: debug-shell masked"  "masked"
contains "after boot: the table is loaded" "table inet bulwark"
expect "after boot: no drift"              0 "$BIN" drift -i "$cinv"
expect "after boot: audit passes"          0 "$BIN" audit -i "$cinv"

expect "configured lab down"               0 "$BIN" lab down "${CLAB[@]}"
