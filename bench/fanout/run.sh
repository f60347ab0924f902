#!/usr/bin/env bash
# Side-by-side SSH fan-out: Bulwark's executor, an OpenSSH loop, OpenSSH with ControlMaster,
# parallel-ssh and ansible-playbook (defaults and tuned), against the same 10 and 50 sshd hosts on
# 127.0.3.x. Not a test. Needs root. Prints a markdown table of medians and ratios.
# --smoke (make test): 2 hosts, one run, Bulwark and the OpenSSH loop only, a debug build; it checks
# the benchmark still works, not its timing.
set -euo pipefail
cd "$(dirname "$0")"
SMOKE=no; [ "${1:-}" = --smoke ] && SMOKE=yes
RUNS=${RUNS:-5} ANSIBLE_RUNS=${ANSIBLE_RUNS:-3} SIZES=${SIZES:-"10 50"} SCENARIOS=${SCENARIOS:-"one ten copy1m"}
[ "$SMOKE" = yes ] && RUNS=1 SIZES=2
out=$(cd ../.. && pwd)/bench/out/fanout
rm -rf "$out"; mkdir -p "$out"; chmod 755 "$out" "$(dirname "$out")"
venv=$(cd ../.. && pwd)/bench/out/venv
if [ "$SMOKE" = no ]; then
  [ -x "$venv/bin/python" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q parallel-ssh ansible-core; }
fi
mode=release; [ "$SMOKE" = yes ] && mode=debug
swift build -c "$mode" >/dev/null
fanout=$(swift build -c "$mode" --show-bin-path)/fanout
export FANOUT_PORT=22022
fleet="$out/fleet"
bash ../../Tests/e2e/sshd-fleet.sh up 50 "$fleet" >/dev/null
masters=()
trap 'bash ../../Tests/e2e/sshd-fleet.sh down "$fleet"; for p in "${masters[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
user=bulwark-e2e key="$fleet/id_ed25519" kh="$fleet/known_hosts"
head -c 1048576 /dev/urandom > "$out/payload.bin"
PORT=22022
SSH=(ssh -q -p $PORT -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$kh" -i "$key" -l "$user")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# timeit RUNS CMD...: median wall seconds; fails loudly if the command fails.
timeit() {
  local runs=$1; shift
  for _ in $(seq "$runs"); do
    local t0 t1; t0=$(date +%s.%N)
    "$@" >/dev/null 2>"$out/last.err" || { echo "FAILED: $*" >&2; cat "$out/last.err" >&2; exit 1; }
    t1=$(date +%s.%N); echo "$t1 - $t0" | bc
  done | median
}

openssh() {  # SCENARIO HOSTS [control]
  local sc=$1 hosts=$2 ctl=${3:-}
  for h in $(cat "$hosts"); do
    local opts=(); [ -n "$ctl" ] && opts=(-S "$out/cm-$h")
    case $sc in
      one) "${SSH[@]}" "${opts[@]}" "$h" uname -r & ;;
      ten) ( for i in $(seq 10); do "${SSH[@]}" "${opts[@]}" "$h" echo "$i"; done ) & ;;
      copy1m) "${SSH[@]}" "${opts[@]}" "$h" "cat > /tmp/openssh-fanout.bin" < "$out/payload.bin" & ;;
    esac
  done
  wait
}

ansible_play() {  # SCENARIO HOSTS tuned|default
  local sc=$1 n=$2 mode=$3
  local env=(ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_STDOUT_CALLBACK=default
    ANSIBLE_SSH_ARGS="-o UserKnownHostsFile=$kh -o ControlMaster=auto -o ControlPersist=60s" ANSIBLE_LOCAL_TEMP="$out/ansible-tmp")
  [ "$mode" = tuned ] && env+=(ANSIBLE_PIPELINING=True ANSIBLE_FORKS="$n")
  env "${env[@]}" "$venv/bin/ansible-playbook" -i "$out/ansible-$n.ini" "$out/play-$sc.yml"
}

for sc in one ten copy1m; do
  {
    echo "- hosts: all"; echo "  gather_facts: false"; echo "  tasks:"
    case $sc in
      one) echo "    - command: uname -r" ;;
      ten) for i in $(seq 10); do echo "    - command: echo $i"; done ;;
      copy1m) echo "    - copy: {src: $out/payload.bin, dest: /tmp/ansible-fanout.bin}" ;;
    esac
  } > "$out/play-$sc.yml"
done

declare -A result
for n in $SIZES; do
  head -n "$n" <(cut -d' ' -f1 "$kh" | sed 's/^\[\(.*\)\]:.*/\1/') > "$out/hosts-$n"
  { echo "[all]"; i=0; for h in $(cat "$out/hosts-$n"); do i=$((i+1)); echo "h$i ansible_host=$h"; done
    echo "[all:vars]"; echo "ansible_port=$PORT"; echo "ansible_user=$user"; echo "ansible_ssh_private_key_file=$key"; } > "$out/ansible-$n.ini"
  for sc in $SCENARIOS; do
    result[bulwark,$sc,$n]=$(timeit "$RUNS" "$fanout" "$sc" "$out/hosts-$n" "$key" "$kh" "$user")
    result[openssh,$sc,$n]=$(timeit "$RUNS" openssh "$sc" "$out/hosts-$n")
    if [ "$SMOKE" = yes ]; then
      echo "smoke: $sc x $n hosts: Bulwark ${result[bulwark,$sc,$n]} s, OpenSSH loop ${result[openssh,$sc,$n]} s" >&2
      continue
    fi
    # ControlMaster connections made before timing: the floor. Started by us, stopped by PID.
    for h in $(cat "$out/hosts-$n"); do
      [ -S "$out/cm-$h" ] && continue
      "${SSH[@]}" -NM -S "$out/cm-$h" "$h" 2>/dev/null & masters+=($!)
      for _ in $(seq 100); do [ -S "$out/cm-$h" ] && break; sleep 0.02; done
    done
    result[controlmaster,$sc,$n]=$(timeit "$RUNS" openssh "$sc" "$out/hosts-$n" control)
    result[pssh,$sc,$n]=$(timeit "$RUNS" "$venv/bin/python" pssh_bench.py "$sc" "$out/hosts-$n" "$key" "$user" "$out/payload.bin")
    result[ansible,$sc,$n]=$(timeit "$ANSIBLE_RUNS" ansible_play "$sc" "$n" default)
    result[ansibletuned,$sc,$n]=$(timeit "$ANSIBLE_RUNS" ansible_play "$sc" "$n" tuned)
    echo "done: $sc x $n hosts" >&2
  done
done

if [ "$SMOKE" = yes ]; then echo "fanout smoke: ok"; exit 0; fi

# Which key exchange each tool negotiated: one extra sshd that logs it.
probe="$out/probe"; mkdir -p "$probe"
ssh-keygen -q -t ed25519 -N "" -C "" -f "$probe/hk"
cat > "$probe/cfg" <<CFG
ListenAddress 127.0.3.200:$PORT
HostKey $probe/hk
PidFile $probe/pid
AuthorizedKeysFile $fleet/authorized_keys
StrictModes no
UsePAM no
LogLevel DEBUG1
CFG
/usr/sbin/sshd -f "$probe/cfg" -E "$probe/log"; sleep 0.3
echo "[127.0.3.200]:$PORT $(cut -d' ' -f1,2 "$probe/hk.pub")" >> "$kh"
echo 127.0.3.200 > "$probe/hosts"
"$fanout" one "$probe/hosts" "$key" "$kh" "$user" >/dev/null; sleep 0.2; k_bulwark=$(grep -o 'kex: algorithm: [^ ]*' "$probe/log" | tail -1 | cut -d' ' -f3)
"${SSH[@]}" 127.0.3.200 true; sleep 0.2; k_openssh=$(grep -o 'kex: algorithm: [^ ]*' "$probe/log" | tail -1 | cut -d' ' -f3)
"$venv/bin/python" pssh_bench.py one "$probe/hosts" "$key" "$user" x >/dev/null; sleep 0.2; k_pssh=$(grep -o 'kex: algorithm: [^ ]*' "$probe/log" | tail -1 | cut -d' ' -f3)
kill "$(cat "$probe/pid")"

ratio() { echo "scale=2; $1 / $2" | bc; }
echo "| scenario | hosts | Bulwark (s) | OpenSSH loop | OpenSSH ControlMaster | parallel-ssh | ansible default | ansible tuned | Bulwark / parallel-ssh | tuned ansible / Bulwark |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for sc in $SCENARIOS; do
  for n in $SIZES; do
    b=${result[bulwark,$sc,$n]}
    echo "| $sc | $n | $b | ${result[openssh,$sc,$n]} | ${result[controlmaster,$sc,$n]} | ${result[pssh,$sc,$n]} | ${result[ansible,$sc,$n]} | ${result[ansibletuned,$sc,$n]} | $(ratio "$b" "${result[pssh,$sc,$n]}") | $(ratio "${result[ansibletuned,$sc,$n]}" "$b") |"
  done
done
echo
echo "median of $RUNS runs ($ANSIBLE_RUNS for ansible); key exchange negotiated: Bulwark $k_bulwark, OpenSSH and ansible $k_openssh, parallel-ssh $k_pssh"
