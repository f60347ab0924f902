import Support

/// The host side of an upload: stdin into a temporary file beside the target, its sha256 checked,
/// its mode and owner set, then renamed over the target, so a reader never sees a partial file.
///
/// On a 2-core controller fanning out to many hosts, each process the script starts on a host costs
/// more than the bytes (an exec and a dynamic link each), so it starts as few as the file needs:
/// `cat`, `openssl` (or `sha256sum` on a host without it: `ShellDigest`) and `mv` always; `chmod`
/// only when the mode has bits a new file cannot get from the umask (execute, setuid, setgid,
/// sticky); `chown` only when the owner is not the user the script runs as. The temporary name is `.bulwark-upload.PID`, created exclusively (`set -C`: a
/// file or symlink of that name made meanwhile is never written through, the upload fails); if the
/// name is taken already, mktemp picks one. Positional parameters: `$1` target, `$2` sha256, `$3` octal mode, `$4` owner:group.
/// The owner is set before the mode, since chown clears setuid and setgid. Exit 65 when the digest
/// differs.
public enum UploadScript {
  public static func render(mode: UInt32, setOwner: Bool) -> String {
    let modeFromUmask = mode & ~0o666 == 0
    var lines = [
      "set -e",
      "case $1 in */*) dir=${1%/*} ;; *) dir=. ;; esac",
      "tmp=$dir/.bulwark-upload.$$",
      "trap 'rm -f -- \"$tmp\"' EXIT",
      "umask \(modeFromUmask ? String(0o777 & ~mode, radix: 8) : "077")",
      "if [ -e \"$tmp\" ] || [ -h \"$tmp\" ]; then",
      "  tmp=$(mktemp \"$dir/.bulwark-upload.XXXXXX\")",
      "  cat > \"$tmp\"",
      modeFromUmask ? "  chmod \"$3\" \"$tmp\"" : nil,
      "else",
      "  set -C",
      "  cat > \"$tmp\"",
      "  set +C",
      "fi",
      ShellDigest.sha256(into: "sum", of: "\"$tmp\""),
      "[ \"${sum%% *}\" = \"$2\" ] || { echo \"sha256 mismatch after upload\" >&2; exit 65; }",
      // chown before chmod: chown clears the setuid and setgid bits.
      setOwner ? "chown \"$4\" \"$tmp\"" : nil,
      modeFromUmask ? nil : "chmod \"$3\" \"$tmp\"",
      "mv -f -- \"$tmp\" \"$1\"",
      "trap - EXIT",
    ].compactMap { $0 }
    lines.append("")
    return lines.joined(separator: "\n")
  }
}
