# What a refused webhook (429) costs the server: starts SERVER_BIN on a
# fresh SQLite database with a limit of one request per endpoint, spends
# the bucket, sends N more on one keep-alive connection and prints the
# server's CPU time per refusal (utime+stime from /proc), its RSS and its
# log lines. Options after N: `nobody` (no request body), `auth` (with a
# bearer token). WRAP prefixes the server's command, e.g. for instructions:
#   WRAP="valgrind --tool=callgrind --callgrind-out-file=cg.out" \
#     python3 scripts/refusal_cost.py target/release/server 5000 nobody
# (run with 1000 and 5000 and divide the difference of the totals by 4000).
import http.client, os, subprocess, sys, tempfile, time
bin_, n = sys.argv[1], int(sys.argv[2])
extra = sys.argv[3:]  # e.g. auth
port = 18000 + os.getpid() % 1000
d = tempfile.mkdtemp()
env = dict(os.environ, LEPTOS_SITE_ADDR=f"127.0.0.1:{port}", PUBLIC_URL=f"http://127.0.0.1:{port}",
           RUST_LOG="info", METRICS_ADDR="127.0.0.1:0", DATABASE_URL=f"sqlite://{d}/x.db",
           OUTBOX_SINK_DIR=d, WEBHOOK_RATE_PER_SECOND="0.001", WEBHOOK_BURST="1")
wrap = os.environ.get("WRAP", "").split()
p = subprocess.Popen(wrap + [bin_], env=env, stdout=open(f"{d}/log", "w"), stderr=subprocess.STDOUT)
for _ in range(3000):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port); c.request("GET", "/readyz")
        if c.getresponse().status == 200: break
    except Exception: pass
    time.sleep(0.1)
def cpu():
    f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
body = b'{"id":1,"name":"#1001","financial_status":"paid"}' * 4
hdrs = {"Content-Type": "application/json", "X-Shopify-Hmac-Sha256": "AAAA", "X-Shopify-Topic": "orders/create"}
if "auth" in extra: hdrs["Authorization"] = "Bearer cn_live_" + "x" * 40
c = http.client.HTTPConnection("127.0.0.1", port)
def send():
    global c
    global reconnects
    for attempt in range(3):
        if c.sock is None: reconnects += 1
        try:
            c.request("POST", "/webhooks/shopify/ep_AAAAAAAAAAAAAAAAAAAAAA", body=body, headers=hdrs)
            r = c.getresponse(); r.read(); return r.status
        except Exception:
            c.close(); c = http.client.HTTPConnection("127.0.0.1", port)
    raise SystemExit("no answer")
reconnects = 0
nobody = "nobody" in extra
if nobody: body = None
send(); send()
reconnects = 0
statuses = {}
t0, c0 = time.time(), cpu()
for _ in range(n):
    s = send(); statuses[s] = statuses.get(s, 0) + 1
t1, c1 = time.time(), cpu()
rss = [l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")][0].split()[1]
p.terminate(); p.wait()
loglines = sum(1 for _ in open(f"{d}/log"))
print(f"{n} refusals {statuses}: server CPU {1e6*(c1-c0)/n:.1f} us each, wall {1e6*(t1-t0)/n:.0f} us each, RSS {rss} KiB, log lines {loglines}, new connections {reconnects}")
