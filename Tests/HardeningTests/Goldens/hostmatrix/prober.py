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