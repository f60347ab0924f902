"""parallel-ssh side of bench/fanout: python pssh_bench.py one|ten|copy1m HOSTS-FILE KEY USER PAYLOAD"""
import sys
from pssh.clients import ParallelSSHClient
from gevent import joinall
import os

scenario, hosts_file, key, user, payload = sys.argv[1:6]
hosts = open(hosts_file).read().split()
port = int(os.environ.get("FANOUT_PORT", "22"))
client = ParallelSSHClient(hosts, user=user, pkey=key, port=port, pool_size=len(hosts), num_retries=1, timeout=60)
if scenario == "one":
    out = client.run_command("uname -r")
    client.join(out)
    for o in out:
        list(o.stdout)
elif scenario == "ten":
    for i in range(10):
        out = client.run_command(f"echo {i}")
        client.join(out)
        for o in out:
            list(o.stdout)
else:
    joinall(client.copy_file(payload, "/tmp/pssh-fanout.bin"), raise_error=True)
failed = [o for o in (out if scenario != "copy1m" else []) if o.exit_code not in (0, None)]
sys.exit(1 if failed else 0)
