/// The two Python 3 programs `netpol hosts --verify` runs inside lab hosts' network namespaces
/// (`ip netns exec bwl-HOST python3 -c PROGRAM ARGS…`), one function each, golden-tested in
/// `Tests/HardeningTests/Goldens/hostmatrix/`. Every value (addresses, ports, seconds, paths)
/// reaches them as an argv element, never inside the program text, so nothing needs quoting.
/// Pure: a string out.
public enum HostMatrixScripts {
  /// The destination's side. argv: seconds to listen, then TCP ports, UDP ports and IP protocol
  /// numbers (each comma-separated, maybe empty), then a file to create once everything is bound.
  /// Accepts and closes TCP connections; prints `got udp PORT FROM` per datagram and `got ip PROTO
  /// FROM` per packet of a bare IP protocol (a raw socket sees what the input chain lets in); then
  /// `done`. A port something else already holds (sshd's 22) prints `busy tcp|udp PORT`: for TCP
  /// that program answers instead; a busy UDP port cannot be observed. It exits on its own.
  public static func listener() -> String {
    """
    import select, socket, sys, time
    duration, ready = float(sys.argv[1]), sys.argv[5]
    wanted = [(proto, int(p)) for proto, arg in (("tcp", sys.argv[2]), ("udp", sys.argv[3]), ("ip", sys.argv[4])) for p in arg.split(",") if p]
    socks = {}
    for proto, port in wanted:
        if proto == "ip":
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, port)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                print("busy", proto, port, flush=True)
                s.close()
                continue
            if proto == "tcp":
                s.listen(128)
        s.setblocking(False)
        socks[s] = (proto, port)
    open(ready, "w").close()
    end = time.monotonic() + duration
    while socks and (left := end - time.monotonic()) > 0:
        readable, _, _ = select.select(list(socks), [], [], left)
        for s in readable:
            proto, port = socks[s]
            try:
                if proto == "tcp":
                    s.accept()[0].close()
                else:
                    _, peer = s.recvfrom(2048)
                    print("got", proto, port, peer[0], flush=True)
            except OSError:
                pass
    print("done", flush=True)
    """
  }

  /// The source's side. argv: the TCP connect timeout in seconds; the listeners' ready files,
  /// comma-separated (it waits up to 10 s for them all); then one `tcp|udp|ip/ADDRESS/PORT` per
  /// probe, all sent at once (a thread each). Prints `PROTO ADDRESS PORT RESULT` per probe: TCP
  /// `open` (connected), `refused` (a reset: the table let the SYN in and nothing listened),
  /// `dropped` (no answer before the timeout); UDP and IP `sent` (whether it arrived is the
  /// listener's to say) or UDP `refused` (an ICMP port-unreachable came back); or `error-NAME`.
  public static func prober() -> String {
    """
    import errno, os, socket, sys, threading, time
    timeout, readies, specs = float(sys.argv[1]), [p for p in sys.argv[2].split(",") if p], sys.argv[3:]
    deadline = time.monotonic() + 10
    while not all(os.path.exists(p) for p in readies) and time.monotonic() < deadline:
        time.sleep(0.05)
    results = {}
    def probe(spec):
        proto, address, port = spec.split("/")
        port = int(port)
        try:
            if proto == "tcp":
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(timeout)
                s.connect((address, port))
                result = "open"
            elif proto == "udp":
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(0.5)
                s.connect((address, port))
                s.send(b"bulwark-probe")
                try:
                    s.recv(64)
                except socket.timeout:
                    pass
                result = "sent"
            else:
                s = socket.socket(socket.AF_INET, socket.SOCK_RAW, port)
                s.sendto(b"bulwark-probe", (address, 0))
                result = "sent"
            s.close()
        except socket.timeout:
            result = "dropped"
        except ConnectionRefusedError:
            result = "refused"
        except OSError as e:
            result = "error-" + errno.errorcode.get(e.errno, str(e.errno))
        results[spec] = f"{proto} {address} {port} {result}"
    threads = [threading.Thread(target=probe, args=(spec,)) for spec in specs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for spec in specs:
        print(results[spec])
    """
  }
}
