#!/usr/bin/env bash
# The health probes cannot be starved (issue 11, point 8). `newswire run`
# serves /healthz while it waits for a broker that is not there (port 1), so
# no Kafka is needed. One client (source address 127.0.0.2) opens 100
# connections and dribbles a header byte into each every 0.4 s, the way a
# slow-header attack does; the probes come from 127.0.0.1. Checks:
#   - the server keeps at most its per-client limit (16) of that client's
#     connections open; the rest are closed at once;
#   - /healthz and /readyz answer (200 / 503) within 2 s each, repeatedly,
#     while the client holds its connections;
#   - the dribbling connections, though never idle, are closed at their
#     request deadline (5 s), not held for ever.
# Every wait has a deadline; the whole test takes about 15 s.
set -euo pipefail
: "${NEWSWIRE:?path to the newswire binary}"
TMP=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NEWSWIRE" run -X kafka.bootstrap.servers=127.0.0.1:1 -X "metrics.listen=127.0.0.1:$PORT" \
  -X log.level=warn > "$TMP/out" 2> "$TMP/err" &
pid=$!
status=0
timeout 60 /usr/bin/python3 - "$PORT" <<'PYEOF' || status=$?
import socket, sys, time

port = int(sys.argv[1])
fails = 0

def check(name, ok, detail=""):
    global fails
    print(("ok:   " if ok else "FAIL: ") + name + (f" ({detail})" if detail and not ok else ""))
    fails += 0 if ok else 1

def probe(path, timeout=2.0):
    """Status code of GET path from 127.0.0.1, or the error."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1 ") else data
    except OSError as e:
        return repr(e)

deadline = time.monotonic() + 15
while probe("/healthz", 0.5) != 200:
    if time.monotonic() > deadline:
        check("the endpoint comes up", False, "no 200 on /healthz within 15 s")
        sys.exit(1)
    time.sleep(0.1)

def is_open(s):
    """False once the server closed s (EOF or reset)."""
    try:
        s.setblocking(False)
        return s.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False

def dribble(conns):
    for s in conns:
        try:
            s.send(b"a")
        except OSError:
            pass

conns = []
for _ in range(100):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        conns.append(s)
    except OSError:
        s.close()
opened = time.monotonic()
time.sleep(1)
dribble(conns)
held = sum(is_open(s) for s in conns)
check("one client holds at most 16 connections", 0 < held <= 16, f"{held} of {len(conns)} open")

codes = []
for i in range(6):
    codes.append((probe("/healthz"), probe("/readyz")))
    dribble(conns)
    time.sleep(0.4)
check("probes answer while the client holds its connections",
      all(c == (200, 503) for c in codes), str(codes))

# Never idle, yet closed by the request deadline (5 s after opening).
while any(is_open(s) for s in conns) and time.monotonic() < opened + 12:
    dribble(conns)
    time.sleep(0.4)
left = sum(is_open(s) for s in conns)
check("dribbling connections are closed at their deadline", left == 0,
      f"{left} still open {time.monotonic() - opened:.1f} s after opening")
check("probes still answer afterwards", probe("/healthz") == 200)
for s in conns:
    s.close()
sys.exit(1 if fails else 0)
PYEOF
alive=0
kill -0 "$pid" 2>/dev/null && alive=1
if [ "$status" -ne 0 ] || [ "$alive" -ne 1 ]; then
  echo "--- newswire stderr"; tail -20 "$TMP/err"
  [ "$alive" -eq 1 ] || echo "FAIL: newswire exited early"
  exit 1
fi
echo "test_httpd_probes: passed"
