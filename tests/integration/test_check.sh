#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `sockmem check` against the real kernel (needs root; loopback only).
#
#   SOCKMEM=./sockmem HELPERS=build/helpers tests/integration/test_check.sh
#
# 1. this host as it is: exit 0, no warning or critical finding;
# 2. tcp_mem / orphan thresholds through fixture proc roots (--proc-root),
#    dumped in an empty network namespace so no other socket interferes;
# 3. a private network namespace (unshare -n) with tcp_rmem 4096 131072 262144
#    and tcp_wmem 4096 16384 1048576: readers whose rb autotunes to the max,
#    a receiver that never reads, a sender with unsent data; check names
#    exactly those sockets and processes and exits 3.
# Prints "ok NAME" / "FAIL NAME: reason" per test, then "N passed, M failed".
# Never changes a host-global sysctl; every process is bounded in time and
# killed by PID on exit.
set -u

here=$(cd "$(dirname "$0")" && pwd)
SOCKMEM=${SOCKMEM:-./sockmem}
HELPERS=${HELPERS:-build/helpers}
CONNS=$here/conns.py
T=20 # seconds any one sockmem run may take

tmp=
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	stop_pids
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

setup_checks "unshare -n, sysctl inside a private netns" python3 unshare timeout ip sysctl
tmp=$(mktemp -d /tmp/sockmem-test-check.XXXXXX) || exit 1

# Shared JSON helpers for the checkers (duplicate keys are recorded).
cp "$here/checks.py" "$tmp/checks.py"
cat >"$tmp/jsonutil.py" <<'EOF'
import json

DUPS = []


def hook(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            DUPS.append(k)
        d[k] = v
    return d


def load(path):
    with open(path) as f:
        return json.load(f, object_pairs_hook=hook)


def offender_socks(f):
    """evidence.top_sockets, by that name only (man/contract.tsv)."""
    return f["evidence"].get("top_sockets") or []


def offender_procs(f):
    """evidence.top_processes, by that name only (man/contract.tsv)."""
    return f["evidence"].get("top_processes") or []


from checks import Checks  # noqa: F401 (re-exported)
EOF

# ---- 1. the healthy host ----------------------------------------------------

t_healthy() {
	local rc
	for _ in 1 2 3; do
		timeout $T "$SOCKMEM" check >"$tmp/h.txt" 2>"$tmp/h.err"
		rc=$?
		timeout $T "$SOCKMEM" check -j >"$tmp/h.json" 2>>"$tmp/h.err"
		echo $? >"$tmp/h.jrc"
		[ "$rc" = 0 ] && [ "$(cat "$tmp/h.jrc")" = 0 ] && break
		sleep 1 # another test's sockets may be passing through
	done
	echo "$rc" >"$tmp/h.rc"
	python3 - "$tmp" <<'EOF' >"$tmp/res.txt"
import sys
sys.path.insert(0, sys.argv[1])
from jsonutil import load, Checks
d = sys.argv[1]
c = Checks()
rc = int(open(f"{d}/h.rc").read())
c.eq(rc, 0, "check (table) exit status")
c.eq(int(open(f"{d}/h.jrc").read()), 0, "check -j exit status")
try:
    doc = load(f"{d}/h.json")
    bad = [(f["id"], f["severity"], f["summary"][:80]) for f in doc["findings"]
           if f["severity"] in ("warning", "critical")]
    c.eq(bad, [], "warning/critical findings on a healthy host")
    c.eq(doc["command"], "check", "command")
    for f in doc["findings"]:
        c.true(f["severity"] == "info", f"severity {f['severity']!r}")
except Exception as e:
    c.true(False, f"check -j output: {e}")
table = open(f"{d}/h.txt").read()
c.true(table.startswith("findings: "), "table starts with 'findings: '")
c.true("worst: warning" not in table and "worst: critical" not in table,
       "table header reports a warning/critical")
c.eq(open(f"{d}/h.err").read(), "", "stderr")
c.report("check_healthy_host")
EOF
	tally <"$tmp/res.txt"
}

# ---- 2. thresholds through fixture proc roots ---------------------------------

# mkfix DIR MEM ORPHANS PRESS [container]: a proc root made of this host's
# files with TCP mem/orphan and press replaced, tcp_mem 100 200 300,
# tcp_max_orphans 1000, mem_pcpu_rsv 256 (or, for "container", without
# tcp_mem, tcp_max_orphans and mem_pcpu_rsv, as in a child netns).
mkfix() {
	python3 - "$@" <<'EOF'
import os, re, sys
d, mem, orphans, press = sys.argv[1:5]
container = len(sys.argv) > 5
for sub in ("net", "sys/net/ipv4", "sys/net/core"):
    os.makedirs(f"{d}/{sub}", exist_ok=True)
def put(rel, text):
    with open(f"{d}/{rel}", "w") as f:
        f.write(text)
def real(rel):
    with open(f"/proc/{rel}") as f:
        return f.read()
st = real("net/sockstat")
st = re.sub(r"^(TCP:.*\bmem )\d+", rf"\g<1>{mem}", st, flags=re.M)
st = re.sub(r"^(TCP:.*\borphan )\d+", rf"\g<1>{orphans}", st, flags=re.M)
put("net/sockstat", st)
put("net/sockstat6", real("net/sockstat6"))
lines = real("net/protocols").splitlines(True)
cols = lines[0].split()
pi = cols.index("press")
out = [lines[0]]
for l in lines[1:]:
    f = l.split()
    if f and f[0] in ("TCP", "TCPv6"):
        f[pi] = press
        l = " ".join(f) + "\n"
    out.append(l)
put("net/protocols", "".join(out))
put("net/netstat", real("net/netstat"))
for n in ("tcp_rmem", "tcp_wmem", "tcp_adv_win_scale", "tcp_moderate_rcvbuf"):
    put(f"sys/net/ipv4/{n}", real(f"sys/net/ipv4/{n}"))
for n in ("rmem_max", "wmem_max", "rmem_default", "wmem_default"):
    put(f"sys/net/core/{n}", real(f"sys/net/core/{n}"))
if not container:
    put("sys/net/ipv4/tcp_mem", "100\t200\t300\n")
    put("sys/net/ipv4/tcp_max_orphans", "1000\n")
    put("sys/net/core/mem_pcpu_rsv", "256\n")
EOF
}

# fixcheck NAME MEM ORPHANS PRESS WANT_RC [container]: runs check -j on the
# fixture in an empty netns; leaves $tmp/NAME.json and $tmp/NAME.rc.
fixcheck() {
	local name=$1 want=$5
	rm -rf "$tmp/fix-$name"
	mkfix "$tmp/fix-$name" "$2" "$3" "$4" ${6:+"$6"}
	timeout $T unshare -n "$SOCKMEM" check -j --proc-root "$tmp/fix-$name" \
		>"$tmp/$name.json" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
	echo "$want" >"$tmp/$name.want"
}

t_fixtures() {
	# name            mem   orphans press want-exit
	fixcheck mem_at_low       100  0 no  0
	fixcheck mem_low          101  0 no  0
	fixcheck mem_at_pressure  200  0 no  0
	fixcheck mem_pressure     201  0 no  3
	fixcheck mem_at_high      300  0 no  3
	fixcheck mem_high         301  0 no  4
	fixcheck mem_far_high    5000  0 no  4
	fixcheck press_flag        50  0 yes 3
	fixcheck container       5000  0 no  0 container
	fixcheck orphans_250       50 250 no 0
	fixcheck orphans_251       50 251 no 3
	fixcheck orphans_501       50 501 no 3
	fixcheck orphans_1001      50 1001 no 4
	python3 - "$tmp" <<'EOF' >"$tmp/res.txt"
import sys
sys.path.insert(0, sys.argv[1])
from jsonutil import load, Checks
d = sys.argv[1]
MEM = {"low": "tcp_mem_low", "pressure": "tcp_mem_pressure", "high": "tcp_mem_high"}
# name: (tcp_mem finding or None, its severity, orphans severity or None)
cases = {
    "mem_at_low": (None, None, None),
    "mem_low": ("tcp_mem_low", "info", None),
    "mem_at_pressure": ("tcp_mem_low", "info", None),
    "mem_pressure": ("tcp_mem_pressure", "warning", None),
    "mem_at_high": ("tcp_mem_pressure", "warning", None),
    "mem_high": ("tcp_mem_high", "critical", None),
    "mem_far_high": ("tcp_mem_high", "critical", None),
    "press_flag": ("tcp_mem_pressure", "warning", None),
    "container": ("tcp_mem_unavailable", "info", None),
    "orphans_250": (None, None, None),
    "orphans_251": (None, None, "warning"),
    "orphans_501": (None, None, "warning"),
    "orphans_1001": (None, None, "critical"),
}
mems = {"mem_at_low": 100, "mem_low": 101, "mem_at_pressure": 200, "mem_pressure": 201,
        "mem_at_high": 300, "mem_high": 301, "mem_far_high": 5000, "press_flag": 50,
        "container": 5000}
for name, (mid, msev, osev) in cases.items():
    c = Checks()
    rc = int(open(f"{d}/{name}.rc").read())
    c.eq(rc, int(open(f"{d}/{name}.want").read()), "exit status")
    try:
        doc = load(f"{d}/{name}.json")
    except Exception as e:
        c.true(False, f"json: {e} (stderr {open(f'{d}/{name}.err').read()[:200]!r})")
        c.report(f"check_fixture_{name}")
        continue
    fs = {f["id"]: f for f in doc["findings"]}
    tm = sorted(k for k in fs if k.startswith("tcp_mem_"))
    c.eq(tm, [mid] if mid else [], "tcp_mem findings")
    if mid:
        f = fs[mid]
        c.eq(f["severity"], msev, f"{mid} severity")
        ev = f["evidence"]
        c.eq(ev.get("mem_pages"), mems[name], f"{mid} evidence mem_pages")
        if mid != "tcp_mem_unavailable":
            c.eq((ev.get("low_pages"), ev.get("pressure_pages"), ev.get("high_pages")),
                 (100, 200, 300), f"{mid} evidence thresholds")
            c.eq(ev.get("pressure"), name == "press_flag", f"{mid} evidence pressure")
    if osev:
        f = fs.get("orphans")
        c.true(f is not None, "no orphans finding")
        if f:
            ev = f["evidence"]
            c.eq(f["severity"], osev, "orphans severity")
            c.eq(ev.get("orphans"), int(name.split("_")[1]), "orphans evidence")
            c.eq(ev.get("tcp_max_orphans"), 1000, "tcp_max_orphans evidence")
            c.eq((ev.get("fires_at_shift0"), ev.get("fires_at_shift1"), ev.get("fires_at_shift2")),
                 (1001, 501, 251), "fires_at_shift evidence")
    else:
        c.true("orphans" not in fs, "unexpected orphans finding")
    # nothing else may be warning/critical: the netns is empty and the
    # per-CPU tolerance (2 x 256) covers every fixture mem but 5000
    worst = {"info": 0, "warning": 3, "critical": 4}
    top = max([worst[f["severity"]] for f in doc["findings"]] or [0])
    c.eq(top, int(open(f"{d}/{name}.want").read()), "worst severity as exit code")
    if name != "mem_far_high":
        c.true("reconcile_gap" not in fs, "unexpected reconcile_gap")
    c.report(f"check_fixture_{name}")
EOF
	tally <"$tmp/res.txt"
}

# ---- 3. real kernel, private netns --------------------------------------------

t_netns() {
	local out=$tmp/ns rc upid
	mkdir -p "$out"
	cat >"$out/inner.sh" <<'EOF'
# runs inside unshare -n: $1 out dir, $2 conns.py, $3 sockmem
out=$1 conns=$2 sockmem=$3
hp=""
stop() {
	local p
	for p in $hp; do kill -TERM "$p" 2>/dev/null; done
	for p in $hp; do wait "$p" 2>/dev/null; done
}
trap stop EXIT
trap 'exit 143' TERM
ip link set lo up || exit 10
# per-netns sysctls only
sysctl -q -w net.ipv4.tcp_rmem="4096 131072 262144" || exit 11
sysctl -q -w net.ipv4.tcp_wmem="4096 16384 1048576" || exit 12
python3 "$conns" --listen 127.0.0.1:5001 --clients 2 --send 8000000 --read-all \
	--comm smread --ready "$out/read.json" --timeout 45 & hp="$hp $!"
python3 "$conns" --listen 127.0.0.1:5002 --accept 1 \
	--comm smhold --ready "$out/hold.json" --timeout 45 & hp="$hp $!"
python3 "$conns" --connect 127.0.0.1:5002 --clients 1 --send 3000000 \
	--comm smsend --ready "$out/send.json" --timeout 45 & hp="$hp $!"
for _ in $(seq 200); do
	[ -f "$out/read.json" ] && [ -f "$out/hold.json" ] && [ -f "$out/send.json" ] && break
	sleep 0.1
done
[ -f "$out/read.json" ] && [ -f "$out/hold.json" ] && [ -f "$out/send.json" ] || exit 13
timeout 20 "$sockmem" sockets -j >"$out/sockets.json" 2>"$out/sockets.err"
echo $? >"$out/sockets.rc"
timeout 20 "$sockmem" check -j --unsent-min 256K >"$out/check.json" 2>"$out/check.err"
echo $? >"$out/check.rc"
timeout 20 "$sockmem" check --unsent-min 256K >"$out/check.txt" 2>>"$out/check.err"
echo $? >"$out/check_table.rc"
timeout 20 "$sockmem" check -j >"$out/check_default.json" 2>>"$out/check.err"
echo $? >"$out/check_default.rc"
sysctl -n net.ipv4.tcp_rmem >"$out/rmem"
exit 0
EOF
	timeout -k 5 45 unshare -n bash "$out/inner.sh" "$out" "$CONNS" "$SOCKMEM" &
	upid=$!
	pids+=("$upid")
	wait "$upid"
	rc=$?
	echo "$rc" >"$out/inner.rc"
	python3 - "$tmp" <<'EOF' >"$tmp/res.txt"
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import jsonutil
from jsonutil import load, Checks, offender_socks, offender_procs
d = sys.argv[1] + "/ns"

def rd(name):
    with open(f"{d}/{name}") as f:
        return f.read().strip()

inner = int(rd("inner.rc"))
if inner != 0:
    print(f"FAIL check_netns_setup: inner script exited {inner}")
    sys.exit(0)
print("ok check_netns_setup")
helpers = {n: load(f"{d}/{n}.json") for n in ("read", "hold", "send")}
# the namespace's helpers are gone with it
time.sleep(0.2)
alive = [h["pid"] for h in helpers.values() if os.path.exists(f"/proc/{h['pid']}")]
c = Checks()
c.eq(alive, [], "helper processes still alive after the netns script ended")
c.report("check_netns_cleanup")

socks = load(f"{d}/sockets.json")["sockets"]
byc = {s["cookie"]: s for s in socks}
check = load(f"{d}/check.json")
fs = {f["id"]: f for f in check["findings"]}

def cookies(h, role):
    return {s["cookie"] for s in h["sockets"] if s["role"] == role}

def procs(f):
    return sorted((p["pid"], p["comm"], p["sockets"]) for p in offender_procs(f))

def offenders(f):
    return {s["cookie"] for s in offender_socks(f)}

# exit status: unread_backlog is a warning, nothing is critical
c = Checks()
c.eq(int(rd("check.rc")), 3, "check -j exit status")
c.eq(int(rd("check_table.rc")), 3, "check (table) exit status")
c.eq(int(rd("check_default.rc")), 3, "check -j (default thresholds) exit status")
c.eq(int(rd("sockets.rc")), 0, "sockets -j exit status")
c.eq(rd("rmem"), "4096\t131072\t262144", "tcp_rmem in the netns")
c.true(all(f["severity"] != "critical" for f in check["findings"]), "a critical finding")
c.true("findings: " in rd("check.txt") and "(worst: warning)" in rd("check.txt"),
       "table header says worst: warning")
c.report("check_netns_exit_status")

# rcvbuf_at_max: exactly the reader's two accepted sockets, autotuned to 262144
readers = cookies(helpers["read"], "server")
c = Checks()
at_max = {s["cookie"] for s in socks if s["skmem"] and s["skmem"]["rb"] >= 262144}
c.eq(at_max, readers, "sockets with rb >= tcp_rmem[2] in sockets -j (autotuning)")
f = fs.get("rcvbuf_at_max")
c.true(f is not None, "no rcvbuf_at_max finding")
if f:
    ev = f["evidence"]
    c.eq(f["severity"], "info", "severity")
    c.eq(ev.get("sockets"), 2, "evidence sockets count")
    c.eq(offenders(f), readers, "offending sockets (cookies)")
    c.eq(procs(f), [(helpers["read"]["pid"], "smread", 2)], "processes")
    c.eq(ev.get("tcp_rmem_max"), 262144, "evidence tcp_rmem_max")
    c.eq((ev.get("sockets_orphaned"), ev.get("sockets_unaccepted"), ev.get("sockets_no_descriptor")),
         (0, 0, 0), "sockets_orphaned, sockets_unaccepted, sockets_no_descriptor")
    c.eq(ev.get("charged_bytes"), sum(byc[k]["charged_bytes"] for k in readers if k in byc),
         "charged_bytes = sum over the offenders in sockets -j")
    c.true(all(s["rb"] == 262144 for s in offender_socks(f)), "listed rb")
c.report("check_netns_rcvbuf_at_max")

# unread_backlog: the receiver that never reads, held by smhold
held = cookies(helpers["hold"], "server")
c = Checks()
f = fs.get("unread_backlog")
c.true(f is not None, "no unread_backlog finding")
if f:
    ev = f["evidence"]
    c.eq(f["severity"], "warning", "severity")
    c.eq(ev.get("sockets"), 1, "evidence sockets count")
    c.eq(offenders(f), held, "offending sockets (cookies)")
    c.eq(procs(f), [(helpers["hold"]["pid"], "smhold", 1)], "processes")
    for k in held:
        s = byc.get(k)
        c.true(s is not None, "holder socket missing from sockets -j")
        if s:
            ti = s["tcp_info"]
            c.true(s["recv_q"] > 0, f"recv_q {s['recv_q']}")
            c.true(ti["rcv_wnd"] < ti["rcv_mss"], f"rcv_wnd {ti['rcv_wnd']} < rcv_mss {ti['rcv_mss']}")
            c.eq(ev.get("r"), s["skmem"]["r"], "evidence r = the socket's r")
    c.eq(ev.get("unread_min"), 1, "evidence unread_min")
    c.eq(ev.get("zero_window"), None, "evidence zero_window (default: below rcv_mss)")
# the same finding with default thresholds
dflt = {f["id"]: f for f in load(f"{d}/check_default.json")["findings"]}
c.true("unread_backlog" in dflt and offenders(dflt["unread_backlog"]) == held,
       "unread_backlog with default options")
c.report("check_netns_unread_backlog")

# sndbuf_at_max (--unsent-min 256K): the sender, tb at tcp_wmem[2] 1048576
sender = cookies(helpers["send"], "client")
c = Checks()
expect = {s["cookie"] for s in socks if s["skmem"] and s["skmem"]["tb"] >= 1048576
          and s["tcp_info"] and (s["tcp_info"]["notsent_bytes"] or 0) >= 256 * 1024}
c.eq(expect, sender, "sockets -j: tb at max with >= 256K unsent")
f = fs.get("sndbuf_at_max")
c.true(f is not None, "no sndbuf_at_max finding")
if f:
    c.eq(offenders(f), sender, "offending sockets")
    c.eq(procs(f), [(helpers["send"]["pid"], "smsend", 1)], "processes")
    c.eq(f["evidence"].get("unsent_min"), 256 * 1024, "evidence unsent_min")
    c.eq(f["evidence"].get("tcp_wmem_max"), 1048576, "evidence tcp_wmem_max")
c.true("sndbuf_at_max" not in dflt, "sndbuf_at_max with the default 1M unsent_min")
c.report("check_netns_sndbuf_at_max")

# nothing else about these sockets: no locked buffers, nothing over budget
c = Checks()
c.true("locked_buffers" not in fs, "locked_buffers fired")
c.true("rcv_over_budget" not in fs or not (offenders(fs["rcv_over_budget"]) - held),
       "rcv_over_budget for a socket other than the stuck receiver")
c.eq(sorted(set(fs) - {"rcvbuf_at_max", "unread_backlog", "sndbuf_at_max", "rcv_over_budget",
                       "tcp_mem_unavailable", "drops_and_collapse", "reconcile_gap", "orphans"}),
     [], "unexpected findings")
c.true("tcp_mem_unavailable" in fs, "tcp_mem is unreadable in a child netns")
c.report("check_netns_no_other_findings")

# stdout is one valid JSON document without duplicate member names
c = Checks()
c.eq(sorted(set(jsonutil.DUPS)), [], "duplicate JSON member names in check/sockets -j")
c.report("check_json_unique_keys")
EOF
	tally <"$tmp/res.txt"
}

t_healthy
t_fixtures
t_netns
finish
