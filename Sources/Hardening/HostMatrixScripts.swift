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
  /// probe. TCP and UDP probes are sent at once (a thread each), then the IP protocol ones. Prints
  /// `PROTO ADDRESS PORT RESULT` per probe: TCP `open` (connected), `refused` (a reset: the table
  /// let the SYN in and nothing listened), `dropped` (no answer before the timeout); UDP and IP
  /// `sent` (whether it arrived is the listener's to say) or UDP `refused` (an ICMP
  /// port-unreachable came back); or `error-NAME`. An IP protocol packet goes out as a whole
  /// Ethernet frame on a packet socket, to the MAC address the TCP probes left in the neighbour
  /// table: sent through the IP stack, conntrack would record it, and the destination's own probe
  /// back (a protocol without ports is tracked by its addresses alone) would pass as a reply
  /// (`ct state established`), whatever the table says, for 10 minutes (Linux
  /// net/netfilter/nf_conntrack_proto_generic.c: `nf_ct_generic_timeout = 600*HZ`).
  public static func prober() -> String {
    """
    import errno, os, socket, struct, sys, threading, time
    timeout, readies, specs = float(sys.argv[1]), [p for p in sys.argv[2].split(",") if p], sys.argv[3:]
    deadline = time.monotonic() + 10
    while not all(os.path.exists(p) for p in readies) and time.monotonic() < deadline:
        time.sleep(0.05)
    results = {}
    def checksum(header):
        total = sum(struct.unpack("!10H", header))
        while total > 0xFFFF:
            total = (total & 0xFFFF) + (total >> 16)
        return ~total & 0xFFFF
    def send_frame(address, proto):
        neighbours = {f[0]: (f[3], f[5]) for f in (line.split() for line in open("/proc/net/arp").read().splitlines()[1:]) if len(f) >= 6}
        mac, device = neighbours.get(address, ("00:00:00:00:00:00", ""))
        if mac == "00:00:00:00:00:00":
            raise OSError(errno.EHOSTUNREACH, "no neighbour entry")
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.connect((address, 9))
        source = u.getsockname()[0]
        u.close()
        payload = b"bulwark-probe"
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0,
                             socket.inet_aton(source), socket.inet_aton(address))
        header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
        own = open("/sys/class/net/" + device + "/address").read().strip()
        frame = bytes.fromhex(mac.replace(":", "")) + bytes.fromhex(own.replace(":", "")) + bytes([8, 0]) + header + payload
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((device, 0))
        s.send(frame)
        s.close()
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
                send_frame(address, port)
                result = "sent"
            if proto != "ip":
                s.close()
        except socket.timeout:
            result = "dropped"
        except ConnectionRefusedError:
            result = "refused"
        except OSError as e:
            result = "error-" + errno.errorcode.get(e.errno, str(e.errno))
        results[spec] = f"{proto} {address} {port} {result}"
    threads = [threading.Thread(target=probe, args=(spec,)) for spec in specs if not spec.startswith("ip/")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for spec in specs:
        if spec.startswith("ip/"):
            probe(spec)
    for spec in specs:
        print(results[spec])
    """
  }
}
