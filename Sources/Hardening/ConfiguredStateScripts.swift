import Support

/// The scripts that read what a host will apply at its next boot or sshd reload, as opposed to the
/// live value: the kernel parameters its sysctl files set (in systemd-sysctl's order), the file each
/// hardened sshd keyword is first read from, and the conflicting assignments in other files, with
/// the remedy that comments them out (each file kept as it was beside it). `root` prefixes every
/// path (empty on a host; a temporary tree in tests). Values read from the host never reach a shell:
/// awk reads the files, and the lists it is given are Bulwark's own keys and values, quoted.
extension HardeningScripts {
  /// The sysctl configuration directories in precedence order: of two files with one name, the one in
  /// the earlier directory is read and the other ignored (sysctl.d(5), systemd 256,
  /// https://www.freedesktop.org/software/systemd/man/256/sysctl.d.html: /etc, /run,
  /// /usr/local/lib, /usr/lib; procps' `sysctl --system` adds /lib/sysctl.d and then
  /// /etc/sysctl.conf, https://gitlab.com/procps-ng/procps/-/issues/200).
  static let sysctlDirectories = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"]
  static let sysctlConf = "/etc/sysctl.conf"
  /// Where sshd reads its configuration and the drop-ins its `Include` names (Debian: at the top).
  static let sshdConfigPath = "/etc/ssh/sshd_config"
  static let sshdDropInDirectory = "/etc/ssh/sshd_config.d"

  /// Prints the sysctl files the next boot reads, one path a line, in the order they are applied:
  /// `*.conf` of every directory, a name only from its first directory, sorted by file name (C
  /// order; a later file's assignment wins), then `/etc/sysctl.conf` unless one of them is it (Debian
  /// 12 links `/etc/sysctl.d/99-sysctl.conf` to it).
  public static func sysctlBootFiles(root: String = "") -> String {
    let conf = q(root + sysctlConf)
    return #"""
      for d in \#(words(sysctlDirectories.map { root + $0 })); do
        for f in "$d"/*.conf; do [ -e "$f" ] && printf '%s/%s\n' "${f##*/}" "$f"; done
      done | LC_ALL=C sort -t/ -k1,1 -s -u | cut -d/ -f2- | {
        seen=; while IFS= read -r f; do printf '%s\n' "$f"; [ "$f" -ef \#(conf) ] && seen=1; done
        [ -n "$seen" ] || [ ! -f \#(conf) ] || printf '%s\n' \#(conf); }
      """#
  }

  /// The awk function both sysctl readers share: `parse(line)` sets `K` (the key, `/` separators
  /// made `.` when the first separator is a slash, a leading `-` dropped) and `V` (the value, blanks
  /// squeezed) and returns 1 for an assignment, 2 for a glob assignment, 0 for anything else.
  static let sysctlParse = #"""
    function parse(line,   e, s) {
      sub(/^[ \t]+/, "", line)
      if (line == "" || line ~ /^[#;]/) return 0
      e = index(line, "="); if (e == 0) return 0
      K = substr(line, 1, e - 1); V = substr(line, e + 1)
      sub(/[ \t]+$/, "", K); sub(/^-[ \t]*/, "", K); gsub(/^[ \t]+|[ \t]+$/, "", V); gsub(/[ \t]+/, " ", V)
      s = match(K, /[.\/]/); if (s && substr(K, s, 1) == "/") gsub(/\//, ".", K)
      return K ~ /[*?[]/ ? 2 : 1
    }
    function glob(g) { gsub(/[.]/, "[.]", g); gsub(/[*]/, ".*", g); gsub(/[?]/, ".", g); return "^" g "$" }
    function wants(list,   n, i, e, w) { n = split(list, w, " "); for (i = 1; i <= n; i++) { e = index(w[i], "="); W[substr(w[i], 1, e - 1)] = substr(w[i], e + 1) } }

    """#

  /// Part of the host probe: for each key, what the next boot sets and from which file, as
  /// `sysctlboot.KEY=VALUE` (`unset` when no file sets it), `sysctlfrom.KEY=PATH` and, when earlier
  /// files set it too, `sysctlover.KEY=PATH PATH…` (the assignments it overrides). An explicit
  /// assignment anywhere beats a glob (sysctl.d(5), systemd 256: "Keys for which an explicit pattern
  /// exists will be excluded from any glob matching").
  public static func sysctlBootValues(keys: [String], root: String = "") -> String {
    """
    { \(sysctlBootFiles(root: root)); } | LC_ALL=C awk -v keys=\(q(keys.joined(separator: " "))) \(q(sysctlParse + #"""
      BEGIN { n = split(keys, w, " "); for (i = 1; i <= n; i++) want[w[i]] = 1 }
      {
        f = $0
        while ((getline line < f) > 0) {
          t = parse(line)
          if (t == 1 && (K in want)) {
            if ((K in from) && from[K] != f) over[K] = over[K] " " from[K]
            val[K] = V; from[K] = f
          } else if (t == 2) {
            for (k in want) if (k ~ glob(K)) { gval[k] = V; gfrom[k] = f }
          }
        }
        close(f)
      }
      END {
        for (i = 1; i <= n; i++) {
          k = w[i]
          if (k in val) { v = val[k]; f = from[k] } else if (k in gval) { v = gval[k]; f = gfrom[k] } else { v = "unset"; f = "" }
          print "sysctlboot." k "=" v; print "sysctlfrom." k "=" f
          if (k in over) print "sysctlover." k "=" substr(over[k], 2)
        }
      }
      """#))
    """
  }

  /// The awk program that finds the assignments the next boot would read after Bulwark's file
  /// (named `mine`, by its file name) that set one of Bulwark's keys to another value. It reads the
  /// boot file list on stdin and prints `PATH<TAB>KEY<TAB>VALUE<TAB>WANTED` per conflict.
  static func sysctlConflictFinder(settings: [String: String], file: String, root: String) -> String {
    let wanted = settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: " ")
    let mine = String(file.split(separator: "/").last ?? "")
    return "LC_ALL=C awk -v want=\(q(wanted)) -v mine=\(q(mine)) -v conf=\(q(root + sysctlConf)) " + q(sysctlParse + #"""
      BEGIN { wants(want) }
      {
        f = $0; b = f; sub(/.*\//, "", b)
        if (f != conf && b <= mine) next
        while ((getline line < f) > 0) if (parse(line) == 1 && (K in W) && V != W[K]) printf "%s\t%s\t%s\t%s\n", f, K, V, W[K]
        close(f)
      }
      """#)
  }

  /// The sysctl conflicts test: exit 0 when no file read after Bulwark's `file` at boot sets one of
  /// `settings` to another value; otherwise one line per assignment, `PATH sets KEY = VALUE at boot,
  /// Bulwark wants WANTED`, and exit 1.
  public static func sysctlConflicts(settings: [String: String], file: String, root: String = "") -> String {
    """
    found=$({ \(sysctlBootFiles(root: root)); } | \(sysctlConflictFinder(settings: settings, file: file, root: root)))
    [ -z "$found" ] && exit 0
    printf '%s\\n' "$found" | awk -F '\\t' '{ printf "%s sets %s = %s at boot, Bulwark wants %s\\n", $1, $2, $3, $4 }'
    exit 1
    """
  }

  /// The sysctl conflicts fix: for each file the test names, its conflicting assignments are
  /// commented out (`# bulwark-disabled: LINE`) under a header saying when and why. A file under
  /// /etc is rewritten in place, first kept as `PATH.bulwark-disabled` (which no reader loads); a
  /// file elsewhere (a package's, in /usr/lib or /run) is left alone and masked by a copy of the
  /// same name in /etc/sysctl.d, which the next boot reads instead. Exit status: 0, or 1 when a
  /// file could not be written. No output.
  public static func disableSysctlConflicts(settings: [String: String], file: String, root: String = "") -> String {
    let wanted = settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: " ")
    let rewrite = sysctlParse + #"""
      BEGIN {
        wants(want)
        print "# Bulwark, " when ": the lines marked bulwark-disabled set kernel parameters against Bulwark's hardening (" mine ")."
        if (src != dst) print "# This file masks " src ", of which it is a copy."
        else print "# The file as it was is " dst ".bulwark-disabled."
      }
      { if (parse($0) == 1 && (K in W) && V != W[K]) print "# bulwark-disabled: " $0; else print }
      """#
    return """
      when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
      { \(sysctlBootFiles(root: root)); } | \(sysctlConflictFinder(settings: settings, file: file, root: root)) | cut -f1 | uniq | while IFS= read -r f; do
        t=$(readlink -f -- "$f")
        case $t in \(q(root + "/etc/"))*) ;; *) t=\(q(root + "/etc/sysctl.d/"))${f##*/} ;; esac
        if [ -e "$t" ] && [ ! -e "$t.bulwark-disabled" ]; then cp -p -- "$t" "$t.bulwark-disabled" || exit 1; fi
        LC_ALL=C awk -v want=\(q(wanted)) -v mine=\(q(file)) -v when="$when" -v src="$f" -v dst="$t" \(q(rewrite)) "$f" >"$t.bulwark-new" &&
          chmod 0644 "$t.bulwark-new" && mv -f -- "$t.bulwark-new" "$t" || exit 1
      done
      """
  }

  /// The awk functions the sshd readers share. `walk(f)` reads `f` as sshd does, up to its first
  /// `Match` (what follows is conditional, not global), reading the drop-ins (`drop`, one path a
  /// line) in place of the first `Include`, and stops for good where Bulwark's drop-in (`mine`) is
  /// or would be read, when `stop` is set (so a plan made before the drop-in exists is right too). For each keyword of `want` it calls `seen(file, line number, keyword as
  /// written, keyword in lower case, value)`.
  static let sshdWalk = #"""
    function walk(f,   line, k, kw, v, ln, i, n, d) {
      if (stop && f == mine) { done = 1; return }
      ln = 0
      while (!done && (getline line < f) > 0) {
        ln++; sub(/^[ \t]+/, "", line)
        if (line == "" || line ~ /^#/) continue
        kw = line; sub(/[ \t=].*/, "", kw); k = tolower(kw)
        if (k == "match") break
        if (k == "include") {
          if (!included) {
            included = 1; n = split(drop, d, "\n")
            for (i = 1; i <= n && !done; i++) if (d[i] != "") { if (stop && d[i] >= mine) done = 1; else walk(d[i]) }
          }
          continue
        }
        v = substr(line, length(kw) + 1); sub(/^[ \t]*=?[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
        if (k in want) seen(f, ln, kw, k, v)
      }
      close(f)
    }

    """#

  static func sshdDropIns(root: String) -> String {
    "drop=$(for f in \(q(root + sshdDropInDirectory))/*.conf; do [ -e \"$f\" ] && printf '%s\\n' \"$f\"; done)"
  }

  /// Part of the host probe: the file each keyword is first read from, `sshdfrom.KEYWORD=PATH`
  /// (keywords in lower case, as `sshd -T` prints them); sshd keeps the first value it reads.
  public static func sshdSettingSources(keywords: [String], root: String = "") -> String {
    """
    \(sshdDropIns(root: root))
    LC_ALL=C awk -v keys=\(q(keywords.map { $0.lowercased() }.joined(separator: " "))) -v drop="$drop" -v main=\(q(root + sshdConfigPath)) \(q(sshdWalk + #"""
      function seen(f, ln, kw, k, v) { if (!(k in from)) from[k] = f }
      BEGIN {
        n = split(keys, w, " "); for (i = 1; i <= n; i++) want[w[i]] = 1
        walk(main)
        for (i = 1; i <= n; i++) if (w[i] in from) print "sshdfrom." w[i] "=" from[w[i]]
      }
      """#)) </dev/null
    """
  }

  /// The awk program that lists the lines sshd reads before Bulwark's drop-in `file` that set one
  /// of `settings` (directive, value) to another value (compared ignoring case): `PATH<TAB>LINE
  /// NUMBER<TAB>KEYWORD<TAB>VALUE<TAB>WANTED` each.
  static func sshdConflictFinder(settings: [(directive: String, value: String)], file: String, root: String) -> String {
    let wanted = settings.map { "\($0.directive.lowercased())=\($0.value)" }.joined(separator: " ")
    return "LC_ALL=C awk -v wanted=\(q(wanted)) -v drop=\"$drop\" -v main=\(q(root + sshdConfigPath)) -v mine=\(q(root + file)) -v stop=1 "
      + q(sshdWalk + #"""
        function seen(f, ln, kw, k, v) { if (tolower(v) != tolower(want[k])) printf "%s\t%d\t%s\t%s\t%s\n", f, ln, kw, v, want[k] }
        BEGIN {
          n = split(wanted, w, " "); for (i = 1; i <= n; i++) { e = index(w[i], "="); want[substr(w[i], 1, e - 1)] = substr(w[i], e + 1) }
          walk(main)
        }
        """#) + " </dev/null"
  }

  /// The sshd conflicts test: exit 0 when nothing sshd reads before Bulwark's drop-in `file` sets a
  /// hardened keyword to another value; otherwise one line each, `PATH:LINE sets KEYWORD VALUE
  /// before Bulwark's drop-in, Bulwark wants WANTED`, and exit 1.
  public static func sshdConflicts(settings: [(directive: String, value: String)], file: String, root: String = "") -> String {
    """
    \(sshdDropIns(root: root))
    found=$(\(sshdConflictFinder(settings: settings, file: file, root: root)))
    [ -z "$found" ] && exit 0
    printf '%s\\n' "$found" | awk -F '\\t' '{ printf "%s:%s sets %s %s before Bulwark'"'"'s drop-in, Bulwark wants %s\\n", $1, $2, $3, $4, $5 }'
    exit 1
    """
  }

  /// The sshd conflicts fix: in each file the test names, those lines are commented out (`#
  /// bulwark-disabled: LINE`) under a header saying when and why; the file as it was is kept as
  /// `PATH.bulwark-disabled` (which sshd's `*.conf` include does not read). Then `sshd -t` must
  /// accept the result, or every file comes back as it was; then sshd is reloaded. Exit status: 0,
  /// or 1 (after putting the files back) when a file could not be written or sshd refuses the result.
  public static func disableSSHDConflicts(settings: [(directive: String, value: String)], file: String, root: String = "",
    validate: String = "sshd -t", reload: String = "systemctl reload ssh.service") -> String {
    let rewrite = #"""
      BEGIN { n = split(lines, l, " "); for (i = 1; i <= n; i++) off[l[i]] = 1
        print "# Bulwark, " when ": the lines marked bulwark-disabled set sshd keywords before Bulwark's drop-in (" mine ")."
        print "# The file as it was is " dst ".bulwark-disabled." }
      { if (FNR in off) print "# bulwark-disabled: " $0; else print }
      """#
    return """
      \(sshdDropIns(root: root))
      found=$(\(sshdConflictFinder(settings: settings, file: file, root: root)))
      [ -z "$found" ] && exit 0
      when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
      files=$(printf '%s\\n' "$found" | cut -f1 | uniq)
      undo() { printf '%s\\n' "$files" | while IFS= read -r f; do [ ! -e "$f.bulwark-undo" ] || mv -f -- "$f.bulwark-undo" "$f"; done; exit 1; }
      printf '%s\\n' "$files" | while IFS= read -r f; do
        lines=$(printf '%s\\n' "$found" | awk -F '\\t' -v f="$f" '$1 == f { printf "%s ", $2 }')
        cp -p -- "$f" "$f.bulwark-undo" || exit 1
        [ -e "$f.bulwark-disabled" ] || cp -p -- "$f" "$f.bulwark-disabled" || exit 1
        cp -p -- "$f" "$f.bulwark-new" && LC_ALL=C awk -v lines="$lines" -v when="$when" -v mine=\(q(file)) -v dst="$f" \(q(rewrite)) "$f" >"$f.bulwark-new" &&
          mv -f -- "$f.bulwark-new" "$f" || exit 1
      done || undo
      \(validate) >/dev/null || undo
      printf '%s\\n' "$files" | while IFS= read -r f; do rm -f -- "$f.bulwark-undo"; done
      \(reload)
      """
  }
}

extension HardeningScripts {
  /// The units test: exit 0 when every unit is masked (`systemctl is-enabled` says `masked`);
  /// otherwise one line per unit, `UNIT is STATE at boot (ACTIVE now), wants masked`, and exit 1.
  public static func unitsMasked(_ units: [String]) -> String {
    """
    bad=0
    for u in \(words(units)); do
      s=$(systemctl is-enabled "$u" 2>/dev/null)
      [ "$s" = masked ] && continue
      printf '%s is %s at boot (%s now), wants masked\\n' "$u" "${s:-not installed}" "$(systemctl is-active "$u" 2>/dev/null)"; bad=1
    done
    exit $bad
    """
  }

  /// The units fix: masks and stops every unit (a unit not installed is masked too, so a later
  /// package cannot start it). Exit status: systemctl's. No output.
  public static func maskUnits(_ units: [String]) -> String {
    "systemctl mask --now --quiet \(words(units))"
  }
}
