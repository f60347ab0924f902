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