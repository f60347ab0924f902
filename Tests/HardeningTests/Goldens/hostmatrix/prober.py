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