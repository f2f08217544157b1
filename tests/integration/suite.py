#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Real-kernel integration tests for sockmem.

Run by tests/integration/run.sh, which passes SOCKMEM, SOCKMEM_SAN, HELPERS
(absolute paths) and RESULTS (a file that receives one result line per test).
Each test prints "ok NAME" or "FAIL NAME: reason" on stdout.

The tests create loopback TCP connections with known properties through
build/helpers/sockpair (see tests/helpers/sockpair.c) and assert the exact
numbers sockmem prints for those sockets. Exact totals are checked inside a
private network namespace (unshare -n for the helper, nsenter for sockmem), the
only place where no other socket can come or go between two runs.

Every process started here is bounded: helpers exit by themselves after
HELPER_TIMEOUT seconds, every command runs under a timeout, and everything
still alive is killed by PID on exit (normal end, exception, SIGTERM, SIGINT).
Stdlib only; JSON is parsed with the json module, rejecting duplicate keys
and NaN/Infinity.
"""
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

SOCKMEM = os.environ["SOCKMEM"]
SAN = os.environ["SOCKMEM_SAN"]
HELPERS = os.environ["HELPERS"]
RESULTS = os.environ.get("RESULTS")
SOCKPAIR = os.path.join(HELPERS, "sockpair")
CHURN = os.path.join(HELPERS, "churn")
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

PAGE = os.sysconf("SC_PAGE_SIZE")
NCPU_CONF = os.sysconf("SC_NPROCESSORS_CONF")
HELPER_TIMEOUT = 150    # seconds any helper lives at most
FIXTURE_TIMEOUT = 450   # the shared fixtures: the whole suite (run.sh bounds it at 420 s)
CMD_TIMEOUT = 60        # seconds any one command may take
U31 = 1 << 31

SKM_KEYS = ["r", "rb", "t", "tb", "f", "w", "o", "bl", "d"]
TI_KEYS = ["rcv_space", "rcv_ssthresh", "rcv_wnd", "snd_wnd", "notsent_bytes",
           "bytes_received", "bytes_acked", "rtt", "rttvar", "rcv_mss", "snd_mss",
           "snd_wscale", "rcv_wscale"]
TSV_SOCKET_HEADER = (["state", "recv_q", "send_q", "local", "peer"] + SKM_KEYS +
                     ["charged_bytes"] + TI_KEYS + ["inode", "uid", "cookie", "family", "cgroup_id", "netns", "owners"])
SUM_KEYS = ["sockets", "r", "w", "f", "t", "rb", "tb", "charged_bytes", "charged_pages"]
STATES = {"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
          "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
          "BOUND-INACTIVE"}

TMP = tempfile.mkdtemp(prefix="sockmem-it.")
os.chmod(TMP, 0o755)
PROCS = []          # every Popen we started, killed by PID in cleanup()
_counter = [0]


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def eq(actual, expected, what):
    if actual != expected:
        raise Fail(f"{what}: expected {expected!r}, got {actual!r}")


# ---------------------------------------------------------------- processes

def kill_proc(p, grace=3.0):
    """Ends one process we started, by its PID: SIGTERM, then SIGKILL."""
    if p.poll() is not None:
        return
    try:
        os.kill(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        p.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.kill(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait(timeout=5)


def cleanup():
    for p in reversed(PROCS):
        try:
            kill_proc(p)
        except Exception:
            pass
    shutil.rmtree(TMP, ignore_errors=True)


def on_signal(sig, frame):
    raise SystemExit(128 + sig)


def run(cmd, timeout=CMD_TIMEOUT, env=None, stdout=subprocess.PIPE, text=True):
    """Runs a command to completion (killed if it exceeds timeout)."""
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=stdout,
                              stderr=subprocess.PIPE, timeout=timeout, env=env,
                              text=text)
    except subprocess.TimeoutExpired:
        raise Fail(f"timed out after {timeout}s: {' '.join(cmd)}")


def nextname(prefix):
    _counter[0] += 1
    return os.path.join(TMP, f"{prefix}.{_counter[0]}")


def start_ready(h, cmd, what):
    """Starts a helper (its stderr to h.errfile) and waits, bounded, for the
    ready file h.ready it writes; returns (Popen, the file's JSON). On a
    timeout h.stop() ends it by PID."""
    with open(h.errfile, "w") as err:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
    PROCS.append(p)
    h.p = p
    deadline = time.monotonic() + 20
    while not os.path.exists(h.ready):
        if p.poll() is not None:
            raise Fail(f"{what} exited {p.returncode}: {open(h.errfile).read().strip()}")
        if time.monotonic() > deadline:
            h.stop()
            raise Fail(f"{what} did not become ready within 20 s")
        time.sleep(0.02)
    with open(h.ready) as f:
        return p, json.load(f)


class Helper:
    """One running sockpair: its ready-file description and what to expect."""

    def __init__(self, *args, netns=False, nobody=False, exe=SOCKPAIR, readydir=TMP,
                 lifetime=HELPER_TIMEOUT):
        _counter[0] += 1
        self.ready = os.path.join(readydir, f"ready.{_counter[0]}.json")
        self.errfile = os.path.join(TMP, f"helper.{_counter[0]}.err")
        exe = exe if isinstance(exe, list) else [exe]  # a list: a wrapper that execs the helper
        cmd = [*exe, *args, "--ready-file", self.ready, "--timeout", str(lifetime)]
        if netns:
            cmd = ["unshare", "-n", *cmd, "--netns-lo"]
        if nobody:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd]
        self.netns = netns
        self.p, self.info = start_ready(self, cmd, f"helper {' '.join(cmd)}")
        # unshare/setpriv exec the helper, so the PID we kill is the helper's.
        eq(self.info["pid"], self.p.pid, "helper pid in ready file")
        self.pid = self.p.pid
        self.share_pid = self.info["share_pid"]
        self.fam = self.info["family"]
        self.lport = self.info["listen_port"]

    def stop(self):
        kill_proc(self.p)

    def addr(self, port):
        return f"127.0.0.1:{port}" if self.fam == 4 else f"[::1]:{port}"

    def listener_key(self):
        return ("LISTEN", self.addr(self.lport), "0.0.0.0:*" if self.fam == 4 else "[::]:*")

    def server_key(self, c):
        return ("ESTAB", self.addr(self.lport), self.addr(c["client_port"]))

    def client_key(self, c):
        return ("ESTAB", self.addr(c["client_port"]), self.addr(self.lport))

    def all_keys(self):
        keys = [self.listener_key()]
        for c in self.info["conns"]:
            keys += [self.server_key(c), self.client_key(c)]
        return keys

    def inode(self, fd, pid=None):
        link = os.readlink(f"/proc/{pid or self.pid}/fd/{fd}")
        m = re.fullmatch(r"socket:\[(\d+)\]", link)
        check(m, f"fd {fd} of {pid or self.pid} is {link}, not a socket")
        return int(m.group(1))

    def nsenter(self):
        return ["nsenter", "-t", str(self.pid), "-n"] if self.netns else []


# ------------------------------------------------------------------- sockmem

class _Dups:
    """object_pairs_hook that remembers duplicate member names."""

    def __init__(self):
        self.found = []

    def __call__(self, pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                self.found.append(f"{k!r} in an object with keys {[p[0] for p in pairs]}")
            d[k] = v
        return d


def _bad_constant(name):
    raise Fail(f"non-JSON constant {name} in output")


def parse_json(text, what, unique_keys=False):
    """Parses one sockmem JSON document. Duplicate member names (which most
    parsers silently collapse) fail only where unique_keys is asked for, so
    that one such defect is reported by one test (json_every_command)."""
    dups = _Dups()
    try:
        doc = json.loads(text, object_pairs_hook=dups, parse_constant=_bad_constant)
    except ValueError as e:
        raise Fail(f"{what}: output is not valid JSON: {e}")
    if unique_keys and dups.found:
        raise Fail(f"{what}: duplicate JSON member {dups.found[0]}"
                   + (f" (and {len(dups.found) - 1} more)" if len(dups.found) > 1 else ""))
    check(isinstance(doc, dict), f"{what}: JSON document is not an object")
    eq(doc.get("schema"), "sockmem/1", f"{what}: schema")
    check(text.endswith("}\n"), f"{what}: JSON document does not end with '}}\\n'")
    return doc


def sm(args, binary=None, prefix=(), timeout=CMD_TIMEOUT, env=None):
    return run([*prefix, binary or SOCKMEM, *args], timeout=timeout, env=env)


def sm_json(args, binary=None, prefix=(), allow_stderr=False):
    """Runs sockmem ARGS -j, requires exit 0 (and a quiet stderr), parses it."""
    r = sm([*args, "-j"], binary=binary, prefix=prefix)
    what = f"sockmem {' '.join(args)} -j"
    check(r.returncode == 0, f"{what}: exit {r.returncode}, stderr {r.stderr.strip()[:300]!r}")
    if not allow_stderr:
        eq(r.stderr, "", f"{what}: stderr")
    doc = parse_json(r.stdout, what)
    eq(doc.get("command"), args[0], f"{what}: command")
    return doc


def index(doc, what="sockets -j"):
    """(state, local, peer) -> list of socket records."""
    idx = {}
    for s in doc["sockets"]:
        idx.setdefault((s["state"], s["local"], s["peer"]), []).append(s)
    return idx


def one(idx, key, what):
    recs = idx.get(key, [])
    check(len(recs) == 1, f"{what}: {len(recs)} records for {key} (expected 1)")
    return recs[0]


def empty_sums():
    return {k: 0 for k in SUM_KEYS}


def add_sock(s, rec):
    s["sockets"] += 1
    sk = rec["skmem"] or {}
    for k in ("r", "w", "f", "t", "rb", "tb"):
        s[k] += sk.get(k) or 0
    c = rec["charged_bytes"] or 0
    s["charged_bytes"] += c
    s["charged_pages"] += -(-c // PAGE)


def sums_of(recs):
    s = empty_sums()
    for rec in recs:
        add_sock(s, rec)
    return s


def sums_for_pid(doc, pid):
    return sums_of([s for s in doc["sockets"]
                    if any(o["pid"] == pid for o in (s["owners"] or []))])


def group_of(top, pid):
    gs = [g for g in top["groups"] if g["pid"] == pid]
    check(len(gs) <= 1, f"pid {pid} has {len(gs)} groups in top -j")
    return gs[0] if gs else None


def strip_group(g):
    return {k: g[k] for k in SUM_KEYS}


def read_ints(path):
    with open(path) as f:
        return [int(x) for x in f.read().split()]


# ------------------------------------------------------------------ fixtures

FIX = {}


def fixture(name):
    """Shared helpers, started on first use and stopped at the end."""
    if name not in FIX:
        if name == "v4":
            FIX[name] = Helper("--family", "4", "--pairs", "3", "--unread", "10000",
                               "--unread-step", "2500", "--rcvbuf", "65536",
                               lifetime=FIXTURE_TIMEOUT)
        elif name == "v6":
            FIX[name] = Helper("--family", "6", "--pairs", "2", "--unread", "10000",
                               "--unread-step", "7000", "--rcvbuf", "50000",
                               lifetime=FIXTURE_TIMEOUT)
        else:
            raise KeyError(name)
    return FIX[name]


def check_helper_sockets(h, doc, what, owners=True, rcvbuf=None):
    """The exact per-socket facts of one sockpair helper in a sockets -j document."""
    idx = index(doc)
    fam = "inet" if h.fam == 4 else "inet6"
    rb = 2 * (rcvbuf if rcvbuf is not None else h.info["rcvbuf"])
    uid = os.stat(f"/proc/{h.pid}").st_uid

    def owner(fd):
        return [{"pid": h.pid, "comm": "sockpair", "fd": fd}] if owners else []

    lst = one(idx, h.listener_key(), what)
    eq(lst["family"], fam, f"{what}: listener family")
    eq(lst["recv_q"], 0, f"{what}: listener recv_q (accept queue)")
    eq(lst["send_q"], h.info["backlog"], f"{what}: listener send_q (backlog)")
    eq(lst["skmem"]["rb"], rb, f"{what}: listener skmem.rb")
    eq(lst["inode"], h.inode(h.info["listen_fd"]), f"{what}: listener inode")
    eq(lst["uid"], uid, f"{what}: listener uid")
    eq(lst["owners"], owner(h.info["listen_fd"]), f"{what}: listener owners")
    for c in h.info["conns"]:
        n = c["unread"]
        srv = one(idx, h.server_key(c), what)
        tag = f"{what}: receiver {srv['local']}<-{srv['peer']}"
        eq(srv["family"], fam, f"{tag} family")
        eq(srv["recv_q"], n, f"{tag} recv_q")
        eq(srv["send_q"], 0, f"{tag} send_q")
        sk = srv["skmem"]
        check(sk is not None, f"{tag}: skmem is null")
        eq(sorted(sk), sorted(SKM_KEYS), f"{tag} skmem keys")
        eq(sk["rb"], rb, f"{tag} skmem.rb (2 x SO_RCVBUF)")
        check(sk["r"] >= n > 0 or (n == 0 and sk["r"] == 0),
              f"{tag}: skmem.r {sk['r']} < recv_q {n} (r is truesize)")
        for k in ("t", "w", "o", "bl"):  # d (drops) is up to the kernel
            eq(sk[k], 0, f"{tag} skmem.{k}")
        eq(srv["charged_bytes"], sk["r"] + sk["w"] + sk["f"], f"{tag} charged_bytes")
        eq(srv["charged_bytes"] % PAGE, 0, f"{tag} charged_bytes modulo page size")
        eq(srv["tcp_info"]["bytes_received"], n, f"{tag} tcp_info.bytes_received")
        eq(srv["inode"], h.inode(c["server_fd"]), f"{tag} inode")
        eq(srv["uid"], uid, f"{tag} uid")
        if h.share_pid is None or not owners:
            eq(srv["owners"], owner(c["server_fd"]), f"{tag} owners")
        cli = one(idx, h.client_key(c), what)
        tag = f"{what}: sender {cli['local']}->{cli['peer']}"
        eq(cli["recv_q"], 0, f"{tag} recv_q")
        eq(cli["send_q"], 0, f"{tag} send_q")
        eq(cli["skmem"]["w"], 0, f"{tag} skmem.w (all acknowledged)")
        eq(cli["charged_bytes"] % PAGE, 0, f"{tag} charged_bytes modulo page size")
        eq(cli["tcp_info"]["bytes_acked"], n + 1, f"{tag} tcp_info.bytes_acked (data + SYN)")
        eq(cli["tcp_info"]["notsent_bytes"], 0, f"{tag} tcp_info.notsent_bytes")
        eq(cli["inode"], h.inode(c["client_fd"]), f"{tag} inode")
        eq(cli["owners"], owner(c["client_fd"]), f"{tag} owners")
    return idx


def check_unique_cookies(doc, what):
    cookies = [s["cookie"] for s in doc["sockets"]]
    check(len(cookies) == len(set(cookies)),
          f"{what}: {len(cookies) - len(set(cookies))} duplicate cookies")


# --------------------------------------------------------------------- tests

def t_sockets_ipv4_exact():
    h = fixture("v4")
    doc = sm_json(["sockets"])
    check_unique_cookies(doc, "sockets -j")
    check_helper_sockets(h, doc, "sockets -j")
    eq(doc["host"]["page_size"], PAGE, "host.page_size")
    eq(doc["host"]["netns_ino"], os.stat("/proc/self/ns/net").st_ino, "host.netns_ino")


def t_sockets_ipv6_exact():
    h = fixture("v6")
    doc = sm_json(["sockets"])
    idx = check_helper_sockets(h, doc, "sockets -j")
    # The address format itself, spelled out once.
    c = h.info["conns"][0]
    key = ("ESTAB", f"[::1]:{h.lport}", f"[::1]:{c['client_port']}")
    check(key in idx, f"no socket printed with local [::1]:{h.lport} peer [::1]:{c['client_port']}")


def t_top_process_sums():
    hs = [fixture("v4"), fixture("v6")]
    socks = sm_json(["sockets"])
    top = sm_json(["top"])
    for h in hs:
        g = group_of(top, h.pid)
        check(g is not None, f"top -j: no group for helper pid {h.pid}")
        eq(g["comm"], "sockpair", f"top -j group {h.pid} comm")
        eq(g["uid"], 0, f"top -j group {h.pid} uid")
        want = sums_for_pid(socks, h.pid)
        eq(want["sockets"], 1 + 2 * len(h.info["conns"]), f"sockets -j: sockets held by {h.pid}")
        eq(strip_group(g), want, f"top -j group {h.pid} vs sums over sockets -j")
        # charged_pages is per socket, rounded up, not the rounded total.
        recs = [s for s in socks["sockets"] if any(o["pid"] == h.pid for o in s["owners"])]
        eq(g["charged_pages"], sum(-(-(s["skmem"]["r"] + s["skmem"]["w"] + s["skmem"]["f"]) // PAGE)
                                   for s in recs), f"top -j group {h.pid} charged_pages")
    charged = [g["charged_bytes"] for g in top["groups"]]
    eq(charged, sorted(charged, reverse=True), "top -j groups sorted by charged_bytes (default)")


def t_totals_isolated_netns():
    h = Helper("--family", "4", "--pairs", "3", "--unread", "7000", "--unread-step", "5000",
               "--rcvbuf", "30000", "--timewait", "2", netns=True)
    try:
        pre = h.nsenter()
        a = sm_json(["sockets"], prefix=pre)
        top = sm_json(["top"], prefix=pre)
        sysd = sm_json(["system"], prefix=pre)
        b = sm_json(["sockets"], prefix=pre)
        eq(a["host"]["netns_ino"], os.stat(f"/proc/{h.pid}/ns/net").st_ino, "netns_ino in the helper's netns")
        eq(b["sockets"], a["sockets"], "two sockets -j runs in a quiet netns")
        eq(len(a["sockets"]), 9, "sockets in the private netns (listener, 3 pairs, 2 TIME-WAIT)")
        check_helper_sockets(h, a, "sockets -j (netns)")
        idx = index(a)
        for port in h.info["timewait_ports"]:
            tw = one(idx, ("TIME-WAIT", h.addr(port), h.addr(h.lport)), "sockets -j (netns)")
            eq((tw["skmem"], tw["charged_bytes"], tw["tcp_info"], tw["inode"], tw["owners"]),
               (None, None, None, 0, []), f"TIME-WAIT {port}: skmem/charged/tcp_info/inode/owners")
        want = sums_of(a["sockets"])
        eq(want["sockets"], 9, "sockets summed")
        eq(top["totals"], want, "top -j totals vs sums over sockets -j")
        eq(len(top["groups"]), 2, "top -j groups in the private netns (the helper, time-wait)")
        g = group_of(top, h.pid)
        check(g is not None, "top -j: no group for the helper")
        eq(strip_group(g), sums_of([s for s in a["sockets"] if s["owners"]]),
           "top -j helper group vs sums over its sockets")
        eq(g["sockets"], 7, "helper group sockets")
        nog = group_of(top, None)
        check(nog is not None, "top -j: no (time-wait) group for the TIME-WAIT sockets")
        eq((nog["comm"], nog["uid"], nog["category"]), (None, None, "time_wait"),
           "time-wait group comm/uid/category")
        eq(strip_group(nog), dict(empty_sums(), sockets=2), "time-wait group: 2 sockets, no memory")
        eq(sysd["system"]["reconcile"]["sockets_pages"], want["charged_pages"],
           "system -j reconcile.sockets_pages vs sum of per-socket pages")
        check(want["r"] >= 7000 + 12000 + 17000, f"sum of r {want['r']} below the unread bytes")
    finally:
        h.stop()


# Sockets no process holds, one of each kind, made in a private namespace:
# orphans (closed with data queued toward a peer that does not read),
# children a listener never accepted (one with data, one whose peer closed),
# request sockets (TCP_DEFER_ACCEPT holds back a bare ACK), TIME-WAIT (two
# active closes) and a FIN-WAIT-2 time-wait socket (an orphan whose FIN was
# acked). Writes {"pid", "orphans": [ports], ...} to argv[1] when settled.
CATEGORY_WORLD = r"""
import json, os, socket, subprocess, sys, time
signal_timeout = int(sys.argv[2])
import signal; signal.alarm(signal_timeout)
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
with open("/proc/sys/net/ipv4/tcp_notsent_lowat", "w") as f:
    f.write("131313")    # per namespace: this one only
def lst(defer=False):
    l = socket.socket()
    if defer:
        l.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 60)
    l.bind(("127.0.0.1", 0)); l.listen(64)
    return l
keep = []
# orphans: a peer that accepts and never reads; the client fills its send
# buffer and closes (FIN-WAIT-1 with w charged)
sink = lst(); keep.append(sink)
orphans = []
for i in range(3):
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 262144)
    c.connect(sink.getsockname()); s, _ = sink.accept(); keep.append(s)
    c.setblocking(False)
    try:
        while True:
            c.send(b"o" * 65536)
    except BlockingIOError:
        pass
    orphans.append(c.getsockname()[1]); c.close()
# unaccepted children: one with 1000 unread bytes, one whose peer closed
acc = lst(); keep.append(acc)
c = socket.socket(); c.connect(acc.getsockname()); c.send(b"u" * 1000); keep.append(c)
unacc = [c.getsockname()[1]]
c = socket.socket(); c.connect(acc.getsockname()); unacc.append(c.getsockname()[1])
c.close()          # the child: CLOSE-WAIT; this side: FIN-WAIT-2 time-wait socket
fw2 = unacc[1]
# request sockets
dl = lst(defer=True); keep.append(dl)
req = []
for i in range(2):
    c = socket.socket(); c.connect(dl.getsockname()); keep.append(c); req.append(c.getsockname()[1])
# TIME-WAIT: the client closes first
tw = []
for i in range(2):
    c = socket.socket(); c.connect(sink.getsockname()); s, _ = sink.accept()
    tw.append(c.getsockname()[1]); c.close(); time.sleep(0.05); s.close()
time.sleep(0.5)
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    json.dump({"pid": os.getpid(), "sink": sink.getsockname()[1], "acc": acc.getsockname()[1],
               "defer": dl.getsockname()[1], "orphans": orphans, "unaccepted": unacc,
               "fw2": fw2, "request": req, "timewait": tw}, f)
os.rename(tmp, sys.argv[1])
time.sleep(signal_timeout)
"""


class CategoryWorld:
    def __init__(self):
        _counter[0] += 1
        self.ready = os.path.join(TMP, f"catworld.{_counter[0]}.json")
        self.errfile = self.ready + ".err"
        cmd = ["unshare", "-n", sys.executable, "-c", CATEGORY_WORLD, self.ready, str(HELPER_TIMEOUT)]
        self.p, self.info = start_ready(self, cmd, "category world")
        self.pid = self.p.pid

    def stop(self):
        kill_proc(self.p)


def ss_skmem(pre, ports):
    """r, w, f of the sockets whose local port is in ports, from ss -tmnH."""
    r = run([*pre, "ss", "-tmnH"])
    eq(r.returncode, 0, "ss -tmnH")
    out = {}
    lines = r.stdout.split("\n")
    for i, ln in enumerate(lines):
        t = ln.split()
        if len(t) < 4:
            continue
        port = int(t[3].rpartition(":")[2])
        m = re.search(r"skmem:\(r(\d+),rb\d+,t\d+,tb\d+,f(\d+),w(\d+)",
                      ln + (lines[i + 1] if i + 1 < len(lines) else ""))
        if port in ports and m:
            out[port] = {"r": int(m.group(1)), "f": int(m.group(2)), "w": int(m.group(3))}
    return out


def sockstat_orphans():
    with open("/proc/net/sockstat") as f:
        return int(re.search(r"TCP: .*orphan (\d+)", f.read()).group(1))


def t_no_process_categories():
    """Each kind of socket no process holds has its own top row, exact:
    orphans (count = sockstat's orphan delta, memory = ss -tmn's), children
    not yet accepted, request sockets, TIME-WAIT (with the FIN-WAIT-2
    time-wait socket); in every format, and with --no-owners."""
    base = sockstat_orphans()
    h = CategoryWorld()
    try:
        pre = ["nsenter", "-t", str(h.pid), "-n"]
        info = h.info
        socks = sm_json(["sockets"], prefix=pre)
        idx = {(s["state"], int(s["local"].rpartition(":")[2])): s for s in socks["sockets"]}
        for port in info["orphans"]:
            s = idx.get(("FIN-WAIT-1", port))
            check(s is not None, f"orphan {port} is not FIN-WAIT-1 in sockets -j")
            eq((s["inode"], s["owners"]), (0, []), f"orphan {port}: inode, owners")
            check(s["skmem"]["w"] > 0, f"orphan {port}: no queued data (w {s['skmem']['w']})")
        fw2 = idx.get(("FIN-WAIT-2", info["fw2"]))
        check(fw2 is not None and fw2["skmem"] is None and fw2["inode"] == 0,
              f"FIN-WAIT-2 time-wait socket {info['fw2']}: {fw2!r}")
        top = sm_json(["top"], prefix=pre)
        rows = {g["category"]: g for g in top["groups"] if g["pid"] is None}
        eq(sorted(rows), ["orphan", "request", "time_wait", "unaccepted"],
           "top -j categories of the sockets without a process")
        # orphans: count equal to sockstat's (host-wide, so as a delta from
        # before the world was made; retried against other tests' orphans),
        # memory equal to ss's for those sockets
        for attempt in range(5):
            delta = sockstat_orphans() - base
            if delta == len(info["orphans"]):
                break
            time.sleep(0.5)
        eq(delta, len(info["orphans"]), "sockstat orphan increase while the world lives")
        o = rows["orphan"]
        eq(o["sockets"], len(info["orphans"]), "top -j (orphan) sockets")
        ss = ss_skmem(pre, set(info["orphans"]))
        eq(sorted(ss), sorted(info["orphans"]), "ss -tmn shows every orphan")
        for k in ("r", "w", "f"):
            eq(o[k], sum(v[k] for v in ss.values()), f"top -j (orphan) {k} vs ss -tmn")
        eq(o["charged_bytes"], sum(v["r"] + v["w"] + v["f"] for v in ss.values()),
           "top -j (orphan) charged_bytes vs ss -tmn")
        check(o["charged_bytes"] > 0, "orphans hold no memory")
        # unaccepted: the child with 1000 unread bytes and the CLOSE-WAIT one
        u = rows["unaccepted"]
        eq(u["sockets"], 2, "top -j (unaccepted) sockets")
        child = [s for s in socks["sockets"] if s["inode"] == 0 and
                 int(s["peer"].rpartition(":")[2]) in info["unaccepted"]]
        eq(sorted(s["state"] for s in child), ["CLOSE-WAIT", "ESTAB"], "unaccepted children's states")
        eq(u["r"], sum(s["skmem"]["r"] for s in child), "top -j (unaccepted) r")
        eq(u["charged_bytes"], sum(s["charged_bytes"] for s in child), "top -j (unaccepted) charged")
        check(u["r"] >= 1000, f"(unaccepted) r {u['r']} below the 1000 unread bytes")
        # request sockets and TIME-WAIT: no memory
        eq(strip_group(rows["request"]), dict(empty_sums(), sockets=len(info["request"])),
           "top -j (request)")
        eq(strip_group(rows["time_wait"]), dict(empty_sums(), sockets=len(info["timewait"]) + 1),
           "top -j (time-wait): two TIME-WAIT and one FIN-WAIT-2")
        with open(f"/proc/{h.pid}/net/sockstat") as f:
            tw = int(re.search(r"TCP: .*tw (\d+)", f.read()).group(1))
        eq(tw, len(info["timewait"]) + 1, "sockstat tw in the namespace")
        eq(top["totals"], sums_of(socks["sockets"]), "top -j totals vs sums over sockets -j")
        # counters read in a child namespace count since it was created
        sysd = sm_json(["system"], prefix=pre)
        eq(sysd["system"]["counters_since_boot"], False, "system -j counters_since_boot (child netns)")
        # the namespace's own tcp_notsent_lowat (set there), in every format
        eq(sysd["system"]["sysctl"]["tcp_notsent_lowat"], 131313, "system -j tcp_notsent_lowat")
        r = sm(["system", "-o", "tsv"], prefix=pre)
        check("\nsysctl.tcp_notsent_lowat\t131313\n" in r.stdout, "system -o tsv tcp_notsent_lowat")
        r = sm(["system"], prefix=pre)
        check("tcp_notsent_lowat 131313" in r.stdout and "(counters since the namespace was created)"
              in r.stdout, f"system table:\n{r.stdout}")
        # the same rows in TSV and the table, and without the owner walk
        r = sm(["top", "-o", "tsv", "-n"], prefix=pre)
        eq(r.returncode, 0, "top -o tsv")
        tsv = {ln.split("\t")[1]: ln.split("\t") for ln in r.stdout.splitlines()[1:]}
        for cat, comm in (("orphan", "(orphan)"), ("unaccepted", "(unaccepted)"),
                          ("request", "(request)"), ("time_wait", "(time-wait)")):
            check(comm in tsv, f"top -o tsv: no {comm} row:\n{r.stdout}")
            eq(int(tsv[comm][3]), rows[cat]["sockets"], f"top -o tsv {comm} sockets")
            eq(int(tsv[comm][10]), rows[cat]["charged_bytes"], f"top -o tsv {comm} charged_bytes")
        r = sm(["top", "-n"], prefix=pre)
        eq(r.returncode, 0, "top")
        for comm in ("(orphan)", "(unaccepted)", "(request)", "(time-wait)"):
            check(re.search(r"^ +- " + re.escape(comm) + " ", r.stdout, re.M), f"top: no {comm} row")
        noown = sm_json(["top", "--no-owners"], prefix=pre)
        rows2 = {g["category"]: g for g in noown["groups"]}
        for cat in ("orphan", "unaccepted", "request", "time_wait"):
            eq(rows2.get(cat), rows[cat], f"top -j --no-owners: the {cat} row")
        eq(rows2["not_scanned"]["sockets"],
           sum(1 for s in socks["sockets"] if s["inode"] != 0), "--no-owners: sockets with an inode")
        # the same categories per namespace in system's namespaces list:
        # from inside (one namespace) and from the host with --all-netns
        ino = os.stat(f"/proc/{h.pid}/ns/net").st_ino
        cats = ("time_wait", "request", "orphan", "unaccepted")
        want = {c: {"sockets": rows[c]["sockets"], "charged_bytes": rows[c]["charged_bytes"]}
                for c in cats}
        for where, args, p in (("inside", [], pre), ("--all-netns", ["--all-netns"], ())):
            d = sm_json(["system", *args], prefix=p)
            ns = [n for n in d["system"]["namespaces"] if n["netns"] == ino]
            eq(len(ns), 1, f"system -j {where}: namespace {ino} listed once")
            wp = ns[0]["without_process"]
            eq({c: wp[c] for c in cats}, want, f"system -j {where}: without_process vs top rows")
            eq(wp["no_descriptor"], None, f"system -j {where}: no owner walk, no_descriptor null")
            r = sm(["system", "-o", "tsv", *args], prefix=p)
            kv = dict(ln.split("\t", 1) for ln in r.stdout.splitlines()[1:])
            for c in cats:
                for m in ("sockets", "charged_bytes"):
                    eq(kv.get(f"namespaces.{ino}.without_process.{c}.{m}"), str(want[c][m]),
                       f"system -o tsv {where}: {c}.{m}")
        # report walks owners: no_descriptor is top's inode row of the namespace
        rep = sm_json(["report"], prefix=pre)
        wp = [n for n in rep["system"]["namespaces"] if n["netns"] == ino][0]["without_process"]
        inode_rows = [g for g in rep["groups"]
                      if g["category"] in ("no_descriptor", "not_attributed")]
        eq(wp["no_descriptor"]["sockets"], sum(g["sockets"] for g in inode_rows),
           "report -j: without_process.no_descriptor vs top's inode row")
        eq({c: wp[c] for c in cats},
           {c: {"sockets": g["sockets"], "charged_bytes": g["charged_bytes"]}
            for g in rep["groups"] for c in cats if g["category"] == c},
           "report -j: without_process vs its own top rows")
    finally:
        h.stop()


def t_scale_30k():
    """30k sockets over four holder processes (each under the fd limit):
    in one top -j, every holder is found with all its sockets, groups add up
    to the totals, and sockets -j agrees socket by socket."""
    helpers = [Helper("--family", fam, "--pairs", "3750", "--unread", "100")
               for fam in ("4", "6", "4", "6")]
    try:
        top = sm_json(["top"])
        socks = sm_json(["sockets"])
        for h in helpers:
            g = group_of(top, h.pid)
            check(g is not None, f"holder {h.pid} not found in top -j")
            eq(g["sockets"], 7501, f"holder {h.pid}: listener + 3750 pairs")
            mine = [s for s in socks["sockets"]
                    if any(o["pid"] == h.pid for o in (s["owners"] or []))]
            eq(len(mine), 7501, f"holder {h.pid}: sockets -j rows it owns")
            eq(sum(s["recv_q"] for s in mine), 3750 * 100, f"holder {h.pid}: unread bytes")
            check(all(s["skmem"] is not None for s in mine), "a holder socket without skmem")
        shared = sum(1 for s in socks["sockets"] if len({o["pid"] for o in (s["owners"] or [])}) > 1)
        if shared == 0:
            tot = dict(empty_sums())
            for g in top["groups"]:
                for k in tot:
                    tot[k] += g[k]
            eq(tot, top["totals"], "sum of top -j groups vs totals (no shared sockets)")
        eq(len({s["cookie"] for s in socks["sockets"]}), len(socks["sockets"]),
           "duplicate cookies in sockets -j")
        check(len(socks["sockets"]) >= 30004, f"only {len(socks['sockets'])} sockets dumped")
    finally:
        for h in helpers:
            h.stop()


HOSTILE_HOLDER = r'''
import ctypes, socket, sys, time
name = b'a"b\\c\td\ne\xff\x01{}'
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
c = socket.create_connection(srv.getsockname()); a, _ = srv.accept()
c.sendall(b"z" * 1234)
print(srv.getsockname()[1], flush=True)
time.sleep(float(sys.argv[1]))
'''


def t_hostile_comm():
    """A process whose name holds a quote, backslash, tab, newline, an
    invalid UTF-8 byte, a control byte and braces: JSON stays valid, TSV keeps
    one record per line with the same field count, the table stays aligned."""
    p = subprocess.Popen([sys.executable, "-c", HOSTILE_HOLDER, "30"], stdout=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    PROCS.append(p)
    try:
        port = int(p.stdout.readline())
        want = 'a"b\\c\td\ne\ufffd\x01{}'
        js = sm_json(["sockets", "--sport", str(port)])
        comms = {o["comm"] for s in js["sockets"] for o in (s["owners"] or []) if o["pid"] == p.pid}
        eq(comms, {want}, "comm decoded from JSON")
        top = sm_json(["top", "--pid", str(p.pid)])
        eq([g["comm"] for g in top["groups"]], [want], "top -j comm")
        # TSV passes bytes >= 0x80 through (only control bytes are escaped):
        # read it as bytes, decoded with surrogateescape.
        tsv = run([SOCKMEM, "sockets", "-o", "tsv", "--sport", str(port)], text=False)
        eq(tsv.returncode, 0, "sockets -o tsv exit")
        lines = tsv.stdout.decode("utf-8", "surrogateescape").split("\n")[:-1]
        eq(len(lines), 1 + len(js["sockets"]), "tsv: one line per socket plus the header")
        n = len(lines[0].split("\t"))
        check(all(len(ln.split("\t")) == n for ln in lines), "tsv: field counts differ")
        owners = [ln.split("\t")[-1] for ln in lines[1:]]
        esc = 'a"b\\\\c\\td\\ne\udcff\\x01{}'
        check(any(o.startswith(esc + "/" + str(p.pid) + "/") for o in owners),
              f"tsv owners {owners!r} lack the escaped name")
        tt = run([SOCKMEM, "top", "-o", "tsv", "--pid", str(p.pid)], text=False)
        tl = tt.stdout.decode("utf-8", "surrogateescape").split("\n")[:-1]
        eq(len(tl), 3, "top tsv: header, one row and the total")
        eq(len(tl[1].split("\t")), len(tl[0].split("\t")), "top tsv field count")
        # one process: the total (each socket once) is its row's sums
        eq(tl[2].split("\t"), ["total", "", ""] + tl[1].split("\t")[3:], "top tsv total row")
        tab = sm(["sockets", "--sport", str(port)])
        rows = tab.stdout.split("\n")[:-1]
        eq(len(rows), 1 + len(js["sockets"]), "table: one line per socket plus the header")
        check(all(all(0x20 <= ord(ch) < 0x7f for ch in r) for r in rows), "table has raw control or non-ASCII bytes")
        col = rows[0].index("owners")
        check(all(len(r) >= col for r in rows[1:]), "table rows shorter than the owners column")
        for r in rows[1:]:
            check(r[col - 1] == " ", f"table misaligned before owners: {r!r}")
    finally:
        p.kill()
        p.wait()


def cgroup_mounts():
    """(cgroup2 mount, v1 memory mount) from mountinfo; either may be None."""
    v2 = v1mem = None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            a, b = line.split(" - ", 1)
            fields, (fstype, _src, opts) = a.split(), b.split()[:3]
            if fields[3] != "/":
                continue
            if fstype == "cgroup2" and v2 is None:
                v2 = fields[4]
            elif fstype == "cgroup" and "memory" in opts.split(",") and v1mem is None:
                v1mem = fields[4]
    return v2, v1mem


def t_memcg_v1_tcp():
    """A helper in a v1 memory cgroup with a tcp limit (same path in the v2
    tree): top --by cgroup shows memory.kmem.tcp.usage_in_bytes, and it equals
    the charged bytes (r+w+f) of that cgroup's sockets exactly."""
    v2, v1mem = cgroup_mounts()
    if not v2 or not v1mem or not os.path.exists(f"{v1mem}/memory.kmem.tcp.limit_in_bytes"):
        return "skipped: no cgroup2 mount or no v1 memory controller with kmem.tcp"
    name = f"sockmem-v1-{os.getpid()}"
    dirs = [f"{v1mem}/{name}", f"{v2}/{name}"]
    for d in dirs:
        os.mkdir(d)
    h = None
    try:
        with open(f"{dirs[0]}/memory.kmem.tcp.limit_in_bytes", "w") as f:
            f.write(str(64 << 20))
        # join both cgroups before the helper creates its sockets
        cmd = ["sh", "-c", f'echo $$ > "{dirs[0]}/cgroup.procs" && echo $$ > "{dirs[1]}/cgroup.procs" && exec "$0" "$@"',
               SOCKPAIR]
        h = Helper("--family", "4", "--pairs", "4", "--unread", "50000", exe=cmd)
        top = sm_json(["top", "--by", "cgroup"])
        gs = [g for g in top["groups"] if g["cgroup"] == f"/{name}"]
        eq(len(gs), 1, f"groups for /{name}")
        g = gs[0]
        eq(g["sockets"], 9, "sockets in the cgroup (listener + 4 pairs)")
        with open(f"{dirs[0]}/memory.kmem.tcp.usage_in_bytes") as f:
            usage = int(f.read())
        eq(g["memcg_v1_tcp_bytes"], usage, "memcg_v1_tcp_bytes vs the file")
        eq(g["memcg_v1_tcp_bytes"], g["charged_bytes"], "v1 tcp usage vs sum of r+w+f")
        check(g["charged_bytes"] >= 4 * 50000, f"charged {g['charged_bytes']} below the unread bytes")
    finally:
        if h:
            h.stop()
        for d in reversed(dirs):
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.1)


def t_shared_socket():
    h = Helper("--family", "4", "--pairs", "2", "--unread", "6000", "--unread-step", "6000",
               "--rcvbuf", "65536", "--share", "--dup", netns=True)
    try:
        check(h.share_pid, "helper reported no share pid")
        pre = h.nsenter()
        socks = sm_json(["sockets"], prefix=pre)
        top = sm_json(["top"], prefix=pre)
        idx = check_helper_sockets(h, socks, "sockets -j (shared)")
        for c in h.info["conns"]:
            srv = one(idx, h.server_key(c), "sockets -j (shared)")
            # Two processes, each through two fds (the socket and its dup).
            want = sorted([{"pid": pid, "comm": comm, "fd": c[fd]}
                           for pid, comm in ((h.pid, "sockpair"), (h.share_pid, "sockpair-share"))
                           for fd in ("server_fd", "server_fd2")],
                          key=lambda o: (o["pid"], o["fd"]))
            eq(srv["owners"], want, f"owners of the shared socket {srv['peer']}")
            eq(h.inode(c["server_fd"], pid=h.share_pid), srv["inode"], "same inode in the child")
        parent, child = group_of(top, h.pid), group_of(top, h.share_pid)
        check(parent and child, "top -j: parent or share child group missing")
        eq(child["comm"], "sockpair-share", "share child comm")
        servers = [one(idx, h.server_key(c), "") for c in h.info["conns"]]
        eq(strip_group(child), sums_of(servers), "share child group = the shared sockets, once each")
        eq(strip_group(parent), sums_of(socks["sockets"]), "parent group = all its sockets")
        eq(top["totals"], sums_of(socks["sockets"]), "totals count each shared socket once")
        eq(top["totals"]["sockets"], 5, "totals.sockets")
        check(parent["sockets"] + child["sockets"] > top["totals"]["sockets"],
              "groups should double-count the shared sockets")
        check(top["totals"]["r"] > 0 and top["totals"]["r"] == parent["r"] == child["r"],
              "all receive memory is in the shared sockets: parent r == child r == totals r")
        tbl = sm(["sockets"], prefix=pre)
        eq(tbl.returncode, 0, "sockets (table) exit")
        c = h.info["conns"][0]
        trow = [ln.split() for ln in tbl.stdout.splitlines()
                if ln.split()[3:5] == [h.addr(h.lport), h.addr(c["client_port"])]]
        eq(len(trow), 1, "table rows for the shared socket")
        fds = sorted((c["server_fd"], c["server_fd2"]))
        eq(trow[0][-1], f"sockpair/{h.pid}/{fds[0]},sockpair/{h.pid}/{fds[1]},"
                        f"sockpair-share/{h.share_pid}/{fds[0]},+1",
           "table owners of the shared socket (at most 3, then +N)")
        tsv = sm(["sockets", "-o", "tsv"], prefix=pre)
        eq(tsv.returncode, 0, "sockets -o tsv exit")
        rows = [ln.split("\t") for ln in tsv.stdout.splitlines()[1:]]
        c = h.info["conns"][0]
        row = [r for r in rows if r[3] == h.addr(h.lport) and r[4] == h.addr(c["client_port"])]
        eq(len(row), 1, "tsv rows for the shared socket")
        fds = sorted((c["server_fd"], c["server_fd2"]))
        eq(row[0][-1], ",".join([f"sockpair/{h.pid}/{fd}" for fd in fds] +
                                [f"sockpair-share/{h.share_pid}/{fd}" for fd in fds]),
           "tsv owners of the shared socket")
    finally:
        h.stop()


def parse_ss():
    r = run(["ss", "-tmina"])
    eq(r.returncode, 0, "ss -tmina exit")
    recs, cur = [], None
    for ln in r.stdout.splitlines()[1:]:
        if ln and not ln[0].isspace():
            f = ln.split()
            cur = {"state": f[0], "recv_q": int(f[1]), "send_q": int(f[2]),
                   "local": f[3], "peer": f[4], "rest": " ".join(f[5:])}
            recs.append(cur)
        elif cur is not None:
            cur["rest"] += " " + ln.strip()
    out = {}
    for c in recs:
        m = re.search(r"skmem:\(([^)]*)\)", c["rest"])
        if m:
            c["skmem"] = {k: int(v) for k, v in re.findall(r"([a-z]+)(\d+)", m.group(1))}
        out.setdefault((c["state"], c["local"], c["peer"]), []).append(c)
    return out


def t_ss_skmem_match():
    if not shutil.which("ss"):
        return "skipped: ss not installed"
    hs = [fixture("v4"), fixture("v6")]
    doc = sm_json(["sockets"])
    ss = parse_ss()
    idx = index(doc)
    n = 0
    for h in hs:
        for key in h.all_keys():
            mine = one(idx, key, "sockets -j")
            theirs = ss.get(key, [])
            check(len(theirs) == 1, f"ss -tmina: {len(theirs)} lines for {key}")
            t = theirs[0]
            check("skmem" in t, f"ss printed no skmem for {key}")
            for k in SKM_KEYS:
                eq(mine["skmem"][k], t["skmem"].get(k), f"{key} skmem.{k} sockmem vs ss")
            eq(mine["recv_q"], t["recv_q"], f"{key} recv_q sockmem vs ss")
            eq(mine["send_q"], t["send_q"], f"{key} send_q sockmem vs ss")
            n += 1
    eq(n, sum(len(h.all_keys()) for h in hs), "sockets compared with ss")


def t_tsv_format():
    h = fixture("v4")
    # A TIME-WAIT socket of our own: it has no skmem, which TSV prints as empty.
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    cl = socket.create_connection(ls.getsockname())
    sv, _ = ls.accept()
    tw_local = f"127.0.0.1:{cl.getsockname()[1]}"
    tw_peer = f"127.0.0.1:{ls.getsockname()[1]}"
    cl.close()
    time.sleep(0.05)
    sv.close()
    ls.close()
    time.sleep(0.1)

    r = sm(["sockets", "-o", "tsv"])
    eq(r.returncode, 0, "sockets -o tsv exit")
    eq(r.stderr, "", "sockets -o tsv stderr")
    lines = r.stdout.split("\n")
    eq(lines[-1], "", "tsv output ends with a newline")
    lines = lines[:-1]
    eq(lines[0].split("\t"), TSV_SOCKET_HEADER, "tsv header")
    for i, ln in enumerate(lines):
        eq(len(ln.split("\t")), len(TSV_SOCKET_HEADER), f"tsv fields on line {i + 1}")
    rows = {}
    for ln in lines[1:]:
        f = dict(zip(TSV_SOCKET_HEADER, ln.split("\t")))
        rows.setdefault((f["state"], f["local"], f["peer"]), []).append(f)
    doc = sm_json(["sockets"])
    idx = index(doc)
    for c in h.info["conns"]:
        key = h.server_key(c)
        check(len(rows.get(key, [])) == 1, f"tsv: no single row for {key}")
        row, js = rows[key][0], one(idx, key, "sockets -j")
        eq(row["recv_q"], str(c["unread"]), f"tsv recv_q {key}")
        for k in SKM_KEYS:
            eq(row[k], str(js["skmem"][k]), f"tsv {k} vs json {key}")
        for k in ("charged_bytes", "inode", "uid", "cookie"):
            eq(row[k], str(js[k]), f"tsv {k} vs json {key}")
        for k in TI_KEYS:
            if k not in ("rtt", "rttvar"):
                eq(row[k], str(js["tcp_info"][k]), f"tsv {k} vs json {key}")
        eq(row["owners"], f"sockpair/{h.pid}/{c['server_fd']}", f"tsv owners {key}")
    tw = rows.get(("TIME-WAIT", tw_local, tw_peer), [])
    eq(len(tw), 1, f"tsv rows for our TIME-WAIT socket {tw_local}")
    for k in SKM_KEYS + ["charged_bytes"] + TI_KEYS + ["owners", "uid"]:
        eq(tw[0][k], "", f"TIME-WAIT tsv field {k} (absent, not 0)")
    twj = one(idx, ("TIME-WAIT", tw_local, tw_peer), "sockets -j")
    eq((twj["skmem"], twj["charged_bytes"], twj["tcp_info"], twj["inode"], twj["owners"], twj["uid"]),
       (None, None, None, 0, [], None), "TIME-WAIT json skmem/charged/tcp_info/inode/owners/uid")

    rh = sm(["sockets", "-o", "tsv", "-H"])
    eq(rh.returncode, 0, "sockets -o tsv -H exit")
    hl = rh.stdout.split("\n")[:-1]
    check(all(ln.split("\t")[0] != "state" for ln in hl), "-H output still has the header")
    check(all(len(ln.split("\t")) == len(TSV_SOCKET_HEADER) for ln in hl), "-H rows field count")
    check(any(ln.split("\t")[3:5] == [h.addr(h.lport), h.addr(h.info["conns"][0]["client_port"])]
              for ln in hl), "-H output lacks the helper's socket")

    # top and system TSV: header names and field counts.
    t = sm(["top", "-o", "tsv"])
    eq(t.returncode, 0, "top -o tsv exit")
    tl = t.stdout.split("\n")[:-1]
    eq(tl[0].split("\t"), ["pid", "comm", "uid"] + SUM_KEYS, "top tsv header")
    check(all(len(ln.split("\t")) == 12 for ln in tl), "top tsv field counts")
    check(any(ln.split("\t")[:2] == [str(h.pid), "sockpair"] for ln in tl), "top tsv lacks the helper")
    s = sm(["system", "-o", "tsv"])
    eq(s.returncode, 0, "system -o tsv exit")
    sl = s.stdout.split("\n")[:-1]
    eq(sl[0], "key\tvalue", "system tsv header")
    check(all(len(ln.split("\t")) == 2 for ln in sl), "system tsv field counts")
    kv = dict(ln.split("\t") for ln in sl[1:])
    eq([int(kv[f"tcp_mem.{k}_pages"]) for k in ("low", "pressure", "high")],
       read_ints("/proc/sys/net/ipv4/tcp_mem"), "system tsv tcp_mem")


def t_table_format():
    h = fixture("v4")
    r = sm(["sockets", "-n"])
    eq(r.returncode, 0, "sockets -n exit")
    eq(r.stderr, "", "sockets -n stderr")
    lines = r.stdout.splitlines()
    hdr = lines[0].split()
    eq(hdr[:5], ["State", "Recv-Q", "Send-Q", "Local", "Peer"], "table header")
    eq(hdr[-1], "owners", "table header last column")
    c = h.info["conns"][1]
    row = [ln.split() for ln in lines[1:]
           if ln.split()[3:5] == [h.addr(h.lport), h.addr(c["client_port"])]]
    eq(len(row), 1, "table rows for the receiver")
    row = row[0]
    eq(row[0], "ESTAB", "table state")
    eq(row[1], str(c["unread"]), "table Recv-Q")
    eq(row[hdr.index("rb")], "131072", "table rb with -n")
    eq(row[-1], f"sockpair/{h.pid}/{c['server_fd']}", "table owners")
    human = sm(["sockets"])
    eq(human.returncode, 0, "sockets (table) exit")
    hrow = [ln.split() for ln in human.stdout.splitlines()
            if ln.split()[3:5] == [h.addr(h.lport), h.addr(c["client_port"])]]
    eq(len(hrow), 1, "human table rows for the receiver")
    eq(hrow[0][hdr.index("rb")], "128.0K", "human rb")
    nh = sm(["sockets", "-H"])
    check(not nh.stdout.startswith("State"), "sockets -H still prints the header")
    for args, first in ((["top"], "PID"), (["system"], "TCP sockets"), (["report"], "sockmem report:")):
        t = sm(args)
        eq(t.returncode, 0, f"{args[0]} table exit")
        eq(t.stderr, "", f"{args[0]} table stderr")
        check(t.stdout.lstrip().startswith(first), f"{args[0]} table starts {t.stdout[:40]!r}")
    t = sm(["top", "-n"])
    check(any(ln.split()[:2] == [str(h.pid), "sockpair"] for ln in t.stdout.splitlines()),
          "top table lacks the helper row")
    check("total (each socket once):" in t.stdout, "top table lacks the total line")


def t_system_json():
    before = netstat_ext()
    doc = sm_json(["system"])
    after = netstat_ext()
    sysd = doc["system"]
    ss = sysd["sockstat"]
    for k in ("inuse", "orphan", "tw", "alloc", "mem_pages", "mem_bytes"):
        check(isinstance(ss.get(k), int) and ss[k] >= 0, f"system.sockstat.{k} = {ss.get(k)!r}")
    eq(ss["mem_bytes"], ss["mem_pages"] * PAGE, "mem_bytes == mem_pages * page_size")
    eq(doc["host"]["page_size"], PAGE, "host.page_size")
    eq(doc["host"]["ncpu"], NCPU_CONF, "host.ncpu")
    tm = read_ints("/proc/sys/net/ipv4/tcp_mem")
    eq([sysd["tcp_mem"][k] for k in ("low_pages", "pressure_pages", "high_pages")], tm, "tcp_mem")
    eq([sysd["tcp_mem"][k] for k in ("low_bytes", "pressure_bytes", "high_bytes")],
       [v * PAGE for v in tm], "tcp_mem bytes")
    for i, k in enumerate(("low", "pressure", "high")):
        pct = sysd["tcp_mem"][f"used_pct_of_{k}"]
        check(abs(pct - ss["mem_pages"] * 100.0 / tm[i]) <= 0.0051,
              f"used_pct_of_{k} {pct} vs {ss['mem_pages']}/{tm[i]}")
    for name in ("tcp_rmem", "tcp_wmem"):
        eq([sysd[name][k] for k in ("min", "default", "max")],
           read_ints(f"/proc/sys/net/ipv4/{name}"), name)
    sc = sysd["sysctl"]
    for key, path in (("tcp_max_orphans", "ipv4/tcp_max_orphans"),
                      ("tcp_adv_win_scale", "ipv4/tcp_adv_win_scale"),
                      ("tcp_moderate_rcvbuf", "ipv4/tcp_moderate_rcvbuf"),
                      ("rmem_max", "core/rmem_max"), ("wmem_max", "core/wmem_max"),
                      ("rmem_default", "core/rmem_default"), ("wmem_default", "core/wmem_default"),
                      ("mem_pcpu_rsv_pages", "core/mem_pcpu_rsv")):
        if os.path.exists(f"/proc/sys/net/{path}"):
            eq(sc[key], read_ints(f"/proc/sys/net/{path}")[0], f"sysctl.{key}")
        else:
            eq(sc[key], None, f"sysctl.{key} (file absent)")
    check(sysd["pressure"] in (True, False, None), f"pressure is {sysd['pressure']!r}")
    press = protocols_press()
    eq(sysd["pressure"], press, "pressure vs /proc/net/protocols")
    for k, v in sysd["tcpext"].items():
        check(k in before, f"tcpext {k} not in /proc/net/netstat")
        check(before[k] <= v <= after[k], f"tcpext {k} = {v}, /proc says {before[k]}..{after[k]}")
    rc = sysd["reconcile"]
    for k in ("sockets_pages", "sockstat_pages", "tolerance_pages", "within_tolerance"):
        check(k in rc, f"reconcile.{k} missing")
    eq(rc["sockstat_pages"], ss["mem_pages"], "reconcile.sockstat_pages")
    eq(rc["gap_pages"], rc["sockstat_pages"] - rc["sockets_pages"], "reconcile.gap_pages")
    eq(rc["tolerance_pages"], NCPU_CONF * sc["mem_pcpu_rsv_pages"], "reconcile.tolerance_pages")
    eq(rc["within_tolerance"], abs(rc["gap_pages"]) <= rc["tolerance_pages"], "within_tolerance")
    check(isinstance(rc.get("explanation"), str) and rc["explanation"], "reconcile.explanation")


def netstat_ext():
    with open("/proc/net/netstat") as f:
        lines = f.read().splitlines()
    out = {}
    for a, b in zip(lines[::2], lines[1::2]):
        if a.startswith("TcpExt:"):
            out.update(zip(a.split()[1:], (int(x) for x in b.split()[1:])))
    return out


def protocols_press():
    with open("/proc/net/protocols") as f:
        lines = f.read().splitlines()
    hdr = lines[0].split()
    for ln in lines[1:]:
        f = ln.split()
        if f and f[0] == "TCP":
            v = f[hdr.index("press")]
            return {"yes": True, "no": False}.get(v)
    return None


def t_report_reconcile_same_document():
    fixture("v4")
    doc = sm_json(["report"])
    rc, tot = doc["system"]["reconcile"], doc["totals"]
    eq(rc["sockets_pages"], tot["charged_pages"], "report -j reconcile.sockets_pages vs totals.charged_pages")
    eq(rc["sockstat_pages"], doc["system"]["sockstat"]["mem_pages"], "report -j reconcile.sockstat_pages")
    eq(tot["charged_bytes"], tot["r"] + tot["w"] + tot["f"], "totals charged_bytes == r+w+f")
    check(tot["charged_pages"] * PAGE >= tot["charged_bytes"], "totals charged_pages too small")
    check(isinstance(doc.get("groups"), list) and doc["groups"], "report -j has no groups")
    check(doc["owners_scan"] and doc["owners_scan"]["procs_scanned"] > 0, "report -j owners_scan")


def t_cli_errors():
    for args, msg in ((["--bogus"], "unknown option"), (["frobnicate"], "unknown command"),
                      (["-o", "xml"], "unknown output format"), (["top", "--top", "0"], "--top"),
                      (["sockets", "--sort", "nope"], "unknown sort field"),
                      (["sockets", "top"], "more than one command"), (["-o"], "needs a value")):
        r = sm(args)
        eq(r.returncode, 2, f"sockmem {' '.join(args)}: exit")
        eq(r.stdout, "", f"sockmem {' '.join(args)}: stdout")
        first = r.stderr.splitlines()[0] if r.stderr else ""
        check(first.startswith("sockmem: ") and msg in first,
              f"sockmem {' '.join(args)}: first stderr line {first!r}")
        check("Usage: sockmem" in r.stderr, f"sockmem {' '.join(args)}: no usage on stderr")
    r = sm(["--help"])
    eq((r.returncode, r.stderr), (0, ""), "--help exit/stderr")
    check(r.stdout.startswith("Usage: sockmem"), "--help prints usage on stdout")


def t_proc_root_missing():
    for args in (["sockets"], ["system", "-j"], ["top", "-o", "tsv"]):
        r = sm([*args, "--proc-root", "/nonexistent"])
        eq(r.returncode, 1, f"{' '.join(args)} --proc-root /nonexistent: exit")
        eq(r.stdout, "", f"{' '.join(args)} --proc-root /nonexistent: stdout")
        lines = r.stderr.splitlines()
        eq(len(lines), 1, f"--proc-root /nonexistent: stderr lines {lines!r}")
        check("/nonexistent" in lines[0] and lines[0].startswith("sockmem: "),
              f"--proc-root message {lines[0]!r}")
    # an unparsable sockstat fails before the owner walk starts: the failure
    # path must not join (or run) a walk that never began (was SIGSEGV)
    bad = os.path.join(REPO, "tests/fixtures/bad-sockstat")
    for args in (["top"], ["report", "-j"], ["sockets", "-o", "tsv"], ["check"]):
        r = sm([*args, "--proc-root", bad])
        eq((r.returncode, r.stdout), (1, ""), f"{' '.join(args)} on bad-sockstat: exit/stdout")
        eq(r.stderr, "sockmem: net/sockstat: Invalid argument\n",
           f"{' '.join(args)} on bad-sockstat: stderr")


def t_proc_root_negative_mem():
    """sockstat mem -12345 pages read through --proc-root: every format stays
    well formed and the shares of tcp_mem are negative numbers (JSON was
    "used_pct_of_low":-4..( )."""
    fix = os.path.join(REPO, "tests/fixtures/negative-mem")
    want = {"used_pct_of_low": -4.29, "used_pct_of_pressure": -3.22, "used_pct_of_high": -2.14}
    for cmd in ("system", "report"):
        doc = sm_json([cmd, "--proc-root", fix])
        eq(doc["system"]["sockstat"]["mem_pages"], -12345, f"{cmd} -j: sockstat mem_pages")
        got = {k: doc["system"]["tcp_mem"][k] for k in want}
        eq(got, want, f"{cmd} -j: tcp_mem shares")
    r = sm(["system", "-o", "tsv", "--proc-root", fix])
    eq((r.returncode, r.stderr), (0, ""), "system -o tsv: exit/stderr")
    rows = dict(line.split("\t", 1) for line in r.stdout.splitlines())
    eq({k: rows[f"tcp_mem.{k}"] for k in want}, {k: f"{v:.2f}" for k, v in want.items()},
       "system -o tsv: tcp_mem shares")
    r = sm(["system", "--proc-root", fix])
    eq((r.returncode, r.stderr), (0, ""), "system: exit/stderr")
    check("low 287898 (-4.29%)  pressure 383867 (-3.22%)  high 575796 (-2.14%)" in r.stdout,
          f"system table: tcp_mem line not found in {r.stdout[:600]!r}")


def t_epipe_head():
    h = Helper("--family", "4", "--pairs", "300", "--unread", "100")
    try:
        full = sm(["sockets"])
        eq(full.returncode, 0, "sockets exit")
        check(len(full.stdout) > 128 * 1024,
              f"output only {len(full.stdout)} bytes; too small to outlast the pipe buffer")
        for cmd, expect_first in (("sockets | head -1", "State"),
                                  ("sockets -o tsv | head -1", "state\trecv_q"),
                                  ("sockets -j | head -c 20", '{"schema":')):
            script = f'set -o pipefail; "$0" {cmd}'
            r = run(["bash", "-c", script, SOCKMEM])
            eq(r.returncode, 0, f"'sockmem {cmd}' pipeline status (pipefail)")
            eq(r.stderr, "", f"'sockmem {cmd}' stderr")
            check(r.stdout.startswith(expect_first), f"'sockmem {cmd}' printed {r.stdout[:40]!r}")
            check(len(r.stdout) <= 1024, f"'sockmem {cmd}' printed {len(r.stdout)} bytes")
    finally:
        h.stop()


def t_sigint_clean():
    """SIGINT while sockmem is blocked writing to a full pipe: it stops
    writing, says so in one line and exits 130 (no crash, no hang)."""
    h = Helper("--family", "4", "--pairs", "300", "--unread", "100")
    try:
        rfd, wfd = os.pipe()
        err_path = tempfile.mktemp(prefix="sockmem-sigint-")
        with open(err_path, "w") as err:
            p = subprocess.Popen([SOCKMEM, "sockets", "-j"], stdout=wfd, stderr=err)
        os.close(wfd)
        # Nobody reads yet: once the pipe (64 KiB) is full, sockmem blocks in write().
        deadline = time.time() + 10
        blocked = False
        while time.time() < deadline and p.poll() is None:
            try:
                with open(f"/proc/{p.pid}/wchan") as w:
                    if "pipe" in w.read():
                        blocked = True
                        break
            except OSError:
                break
            time.sleep(0.05)
        check(blocked, "sockmem never blocked on the full pipe")
        os.kill(p.pid, signal.SIGINT)
        drained = 0
        while True:
            chunk = os.read(rfd, 65536)
            if not chunk:
                break
            drained += len(chunk)
        os.close(rfd)
        rc = p.wait(timeout=10)
        with open(err_path) as f:
            errtext = f.read()
        os.unlink(err_path)
        eq(rc, 130, "exit status after SIGINT")
        eq(errtext.splitlines(), ["sockmem: interrupted"], "stderr after SIGINT")
        check(drained < 200 * 1024, f"kept writing after SIGINT ({drained} bytes)")
    finally:
        h.stop()


def t_write_error_dev_full():
    for args in (["sockets"], ["sockets", "-j"], ["system"], ["top", "-o", "tsv"]):
        with open("/dev/full", "w") as full:
            r = run([SOCKMEM, *args], stdout=full)
        eq(r.returncode, 1, f"sockmem {' '.join(args)} > /dev/full: exit")
        lines = r.stderr.splitlines()
        eq(len(lines), 1, f"sockmem {' '.join(args)} > /dev/full: stderr lines {lines!r}")
        check("write error" in lines[0], f"/dev/full message {lines[0]!r}")


def t_json_every_command():
    fixture("v4")
    keys = {"report": {"system", "groups", "totals", "owners_scan"},
            "sockets": {"sockets"}, "top": {"groups", "totals", "owners_scan"},
            "system": {"system"}, "check": set()}
    problems = []
    for cmd, want in keys.items():
        for fmt in (["-j"], ["-o", "json"], ["--json"]):
            r = sm([cmd, *fmt])
            what = f"sockmem {cmd} {' '.join(fmt)}"
            ok_rc = (0, 3, 4) if cmd == "check" else (0,)
            check(r.returncode in ok_rc, f"{what}: exit {r.returncode} (stderr {r.stderr.strip()[:200]!r})")
            eq(r.stderr, "", f"{what}: stderr")
            doc = parse_json(r.stdout, what)
            eq(doc["command"], cmd, f"{what}: command")
            missing = want - set(doc)
            check(not missing, f"{what}: top-level keys {sorted(missing)} missing")
            eq(set(doc["host"]) >= {"hostname", "kernel", "time", "page_size", "ncpu", "netns_ino"},
               True, f"{what}: host keys {sorted(doc['host'])}")
            try:
                parse_json(r.stdout, what, unique_keys=True)
            except Fail as e:
                if fmt == ["-j"]:
                    problems.append(str(e))
    check(not problems, "; ".join(problems))


SNAP_VIEWS = ([["report"], ["sockets"], ["system"], ["check"], ["top"]] +
              [["top", "--by", k] for k in ("process", "cgroup", "user", "port", "state", "netns")])


def take_snapshot(path, prefix=(), args=()):
    """sockmem snapshot ARGS > path; returns the parsed document."""
    with open(path, "wb") as f:
        r = run([*prefix, SOCKMEM, "snapshot", *args], stdout=f, text=False)
    what = f"sockmem snapshot {' '.join(args)}"
    check(r.returncode == 0, f"{what}: exit {r.returncode}, stderr {r.stderr[:300]!r}")
    eq(r.stderr, b"", f"{what}: stderr")
    with open(path) as f:
        doc = parse_json(f.read(), what, unique_keys=True)
    eq(doc["command"], "snapshot", f"{what}: command")
    return doc


def stat_starttime(pid):
    """Field 22 of /proc/PID/stat (after the last ')')."""
    with open(f"/proc/{pid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[22 - 3])


def t_snapshot_round_trip():
    """sockmem snapshot > f; every view x format renders f the same twice
    (exit status and stderr too), snapshot --from f (file and stdin)
    reproduces f byte for byte, and the sockets read back from f carry the
    helper's exact values: the document loses nothing a view shows."""
    h = Helper("--family", "4", "--pairs", "2", "--unread", "3000", "--unread-step", "1000",
               "--rcvbuf", "40000", "--timewait", "1", netns=True)
    try:
        pre = h.nsenter()
        f = nextname("snap") + ".json"
        doc = take_snapshot(f, pre)
        with open(f, "rb") as fh:
            raw = fh.read()
        # what a later diff keys on
        with open("/proc/sys/kernel/random/boot_id") as fh:
            eq(doc["boot_id"], fh.read().strip(), "snapshot boot_id")
        procs = {p["pid"]: p for p in doc["owners"]["procs"]}
        check(h.pid in procs, "snapshot: the helper is not among owners.procs")
        eq((procs[h.pid]["comm"], procs[h.pid]["start_time"]), ("sockpair", stat_starttime(h.pid)),
           "snapshot: helper comm and start_time (stat field 22)")
        check(all(isinstance(s["cookie"], str) and s["cookie"].isdigit() for s in doc["sockets"]),
              "snapshot: a cookie that is not a decimal string")
        eq(len(doc["sockets"]), 1 + 2 * 2 + 1, "snapshot sockets (listener, 2 pairs, TIME-WAIT)")
        # the document renders the helper's sockets exactly, as live does
        r = sm(["sockets", "--from", f, "-j"])
        eq((r.returncode, r.stderr), (0, ""), "sockets --from -j: exit, stderr")
        check_helper_sockets(h, parse_json(r.stdout, "sockets --from -j"), "sockets --from -j")
        # a filter applies to the loaded sockets as to live ones
        r = sm(["sockets", "--from", f, "-j", "--sport", str(h.lport)])
        got = sorted((s["state"], s["local"]) for s in parse_json(r.stdout, "--sport")["sockets"])
        eq(got, sorted([("LISTEN", h.addr(h.lport))] + [("ESTAB", h.addr(h.lport))] * 2),
           "sockets --from --sport LPORT")
        # every view x format: twice the same (no state leaks in from the host)
        runs = 0
        for view in SNAP_VIEWS:
            for fmt in (["-o", "table"], ["-o", "tsv"], ["-j"]):
                argv = [*view, "--from", f, *fmt]
                a, b = sm(argv), sm(argv)
                what = "sockmem " + " ".join(argv)
                ok_rc = (0, 3, 4) if view[0] == "check" else (0,)
                check(a.returncode in ok_rc, f"{what}: exit {a.returncode} ({a.stderr.strip()[:200]!r})")
                eq(a.stderr, "", f"{what}: stderr")
                eq((b.returncode, b.stdout, b.stderr), (a.returncode, a.stdout, a.stderr),
                   f"{what}: second rendering")
                check(a.stdout, f"{what}: empty output")
                runs += 1
        # a snapshot of a snapshot is the same document, from a file or stdin
        r = run([SOCKMEM, "snapshot", "--from", f], text=False)
        eq((r.returncode, r.stderr), (0, b""), "snapshot --from f: exit, stderr")
        check(r.stdout == raw, "snapshot --from f differs from f")
        with open(f, "rb") as fh:
            r = subprocess.run([SOCKMEM, "snapshot", "--from", "-"], stdin=fh,
                               capture_output=True, timeout=CMD_TIMEOUT)
        eq(r.returncode, 0, "snapshot --from - < f: exit")
        check(r.stdout == raw, "snapshot --from - < f differs from f")
        return f"{runs} view x format renderings, {len(raw)} bytes"
    finally:
        h.stop()


def t_snapshot_host_round_trip():
    """The same on the host's own namespace (every process, cgroups with
    long paths, users): snapshot --from reproduces it, every view renders
    it twice the same."""
    fixture("v4")
    f = nextname("hostsnap") + ".json"
    doc = take_snapshot(f)
    check(doc["cgroups"] is not None and doc["users"] is not None, "snapshot: no cgroups or users")
    with open(f, "rb") as fh:
        raw = fh.read()
    r = run([SOCKMEM, "snapshot", "--from", f], text=False)
    check(r.returncode == 0 and r.stdout == raw, "host snapshot --from f differs from f")
    for view in SNAP_VIEWS:
        for fmt in (["-o", "table"], ["-j"]):
            argv = [*view, "--from", f, *fmt]
            a, b = sm(argv), sm(argv)
            eq((b.returncode, b.stdout), (a.returncode, a.stdout), " ".join(argv) + ": twice")
            check(a.returncode in ((0, 3, 4) if view[0] == "check" else (0,)),
                  f"{' '.join(argv)}: exit {a.returncode} ({a.stderr.strip()[:200]!r})")
    return f"{len(doc['sockets'])} sockets, {len(raw)} bytes"


def t_snapshot_refusals():
    """A file that is no snapshot, is truncated, or has a newer major
    schema: one line on stderr naming the file, exit 2, nothing on stdout."""
    fixture("v4")
    good = nextname("good") + ".json"
    take_snapshot(good)
    with open(good) as fh:
        text = fh.read()
    top = sm(["top", "-j"]).stdout
    cases = [
        ("notjson", "hello\n", "not JSON: "),
        ("empty", "", "empty, not a snapshot"),
        ("truncated", text[:len(text) // 2], "truncated: "),
        ("newer", text.replace('"sockmem/1"', '"sockmem/2"', 1),
         "written by a newer sockmem (schema major above 1"),
        ("top", top, 'a sockmem "top" document, not a snapshot'),
        ("nosockets", text.replace('"sockets":[', '"sockets_":[', 1), "sockets: missing"),
    ]
    for name, body, want in cases:
        path = nextname(name) + ".json"
        with open(path, "w") as fh:
            fh.write(body)
        for view in (["top"], ["sockets", "-j"], ["snapshot"]):
            r = sm([*view, "--from", path])
            what = f"{' '.join(view)} --from {name}"
            eq(r.returncode, 2, f"{what}: exit")
            eq(r.stdout, "", f"{what}: stdout")
            check(r.stderr.startswith(f"sockmem: {path}: {want}"), f"{what}: stderr {r.stderr!r}")
            eq(r.stderr.count("\n"), 1, f"{what}: one line")
    r = sm(["top", "--from", "/nonexistent/snap.json"])
    eq((r.returncode, r.stdout, r.stderr),
       (2, "", "sockmem: /nonexistent/snap.json: No such file or directory\n"), "missing file")
    r = sm(["top", "--from", good, "--all-netns"])
    eq((r.returncode, r.stdout), (2, ""), "--from with --all-netns: usage")


def t_family_filters():
    h4, h6 = fixture("v4"), fixture("v6")
    d4 = sm_json(["sockets", "-4"])
    d6 = sm_json(["sockets", "-6"])
    eq({s["family"] for s in d4["sockets"]} - {"inet"}, set(), "sockets -4 families")
    eq({s["family"] for s in d6["sockets"]} - {"inet6"}, set(), "sockets -6 families")
    i4, i6 = index(d4), index(d6)
    check(all(k in i4 for k in h4.all_keys()), "sockets -4 lacks IPv4 helper sockets")
    check(all(k in i6 for k in h6.all_keys()), "sockets -6 lacks IPv6 helper sockets")
    both = sm_json(["sockets", "-4", "-6"])
    ib = index(both)
    check(all(k in ib for k in h4.all_keys() + h6.all_keys()), "sockets -4 -6 lacks some sockets")


def t_unprivileged():
    bindir = os.path.join(TMP, "bin")
    os.makedirs(bindir, exist_ok=True)
    os.chmod(bindir, 0o755)
    nobody_dir = os.path.join(TMP, "nobody")
    os.makedirs(nobody_dir, exist_ok=True)
    os.chmod(nobody_dir, 0o777)
    exe = os.path.join(bindir, "sockmem")
    hexe = os.path.join(bindir, "sockpair")
    shutil.copy(SOCKMEM, exe)
    shutil.copy(SOCKPAIR, hexe)
    os.chmod(exe, 0o755)
    os.chmod(hexe, 0o755)
    pre = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    rooth = fixture("v4")
    nh = Helper("--family", "4", "--pairs", "1", "--unread", "4321", "--rcvbuf", "20000",
                nobody=True, exe=hexe, readydir=nobody_dir)
    try:
        uid_nobody = os.stat(f"/proc/{nh.pid}").st_uid
        check(uid_nobody != 0, "the nobody helper runs as root")
        doc = sm_json(["sockets"], binary=exe, prefix=pre, allow_stderr=True)
        # The root helper's sockets: same numbers, but no owners visible.
        check_helper_sockets(rooth, doc, "sockets -j as nobody", owners=False)
        # The unprivileged helper's own sockets: owners visible to the same user.
        check_helper_sockets(nh, doc, "sockets -j as nobody (own helper)")
        idx = index(doc)
        eq(one(idx, nh.server_key(nh.info["conns"][0]), "")["uid"], uid_nobody, "uid of nobody's socket")
        top_nobody = sm_json(["top"], binary=exe, prefix=pre, allow_stderr=True)
        top_root = sm_json(["top"])
        sn, sr = top_nobody["owners_scan"], top_root["owners_scan"]
        check(sn["procs_denied"] > 0, f"owners_scan.procs_denied as nobody = {sn['procs_denied']}")
        check(sn["procs_denied"] > sr["procs_denied"],
              f"procs_denied as nobody {sn['procs_denied']} not above root's {sr['procs_denied']}")
        check(group_of(top_nobody, rooth.pid) is None, "nobody sees a group for root's helper")
        g = group_of(top_nobody, nh.pid)
        check(g is not None and g["sockets"] == 3, f"nobody's own helper group: {g}")
        eq(g["uid"], uid_nobody, "nobody's helper group uid")
        t = sm(["top"], binary=exe, prefix=pre)
        eq(t.returncode, 0, "top (table) as nobody exit")
        check("could not be inspected" in t.stdout, "top table as nobody does not mention uninspected processes")
    finally:
        nh.stop()


def t_skipped_netns_absent():
    """A namespace --all-netns cannot enter (nobody may not setns) is reported
    as skipped, with no socket count, and the reconciliation says why it
    cannot judge the gap instead of blaming a filter."""
    if not shutil.which("ip"):
        return "skipped: ip(8) not installed"
    name = f"smskip-{os.getpid()}"
    r = run(["ip", "netns", "add", name])
    eq(r.returncode, 0, f"ip netns add {name}")
    try:
        ino = os.stat(f"/run/netns/{name}").st_ino
        pre = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        doc = sm_json(["system", "--all-netns"], prefix=pre, allow_stderr=True)
        ns = [n for n in doc["system"]["namespaces"] if n["netns"] == ino]
        eq(len(ns), 1, f"namespace {name} in system.namespaces")
        eq(ns[0]["skipped"], "Operation not permitted", f"namespace {name} skipped reason")
        eq(ns[0]["sockets"], None, f"sockets of the skipped namespace {name}")
        rec = doc["system"]["reconcile"]
        eq(rec["within_tolerance"], None, "within_tolerance with a skipped namespace")
        check("could not be entered" in rec["explanation"] and "filter" not in rec["explanation"],
              f"reconcile explanation with a skipped namespace: {rec['explanation']!r}")
        t = sm(["system", "--all-netns", "-o", "tsv"], prefix=pre)
        eq(t.returncode, 0, "system --all-netns -o tsv as nobody: exit")
        rows = dict(ln.split("\t", 1) for ln in t.stdout.splitlines() if "\t" in ln)
        eq(rows.get(f"namespaces.{ino}.sockets"), "", "TSV sockets of the skipped namespace")
    finally:
        run(["ip", "netns", "delete", name])


def t_container_netns():
    lo_up = "ip link set lo up && " if shutil.which("ip") else ""
    r = run(["unshare", "-n", "sh", "-c", lo_up + 'exec "$0" system -j', SOCKMEM])
    eq(r.returncode, 0, f"system -j in a new netns: exit (stderr {r.stderr.strip()[:200]!r})")
    doc = parse_json(r.stdout, "system -j (new netns)")
    tm = doc["system"]["tcp_mem"]
    for k in ("low_pages", "pressure_pages", "high_pages", "low_bytes", "used_pct_of_low"):
        check(k in tm and tm[k] is None, f"tcp_mem.{k} in a new netns is {tm.get(k)!r}, not null")
    check(os.path.exists("/proc/sys/net/ipv4/tcp_mem"), "host has no tcp_mem (test premise)")
    eq([doc["system"]["tcp_rmem"][k] for k in ("min", "default", "max")],
       read_ints("/proc/sys/net/ipv4/tcp_rmem"), "tcp_rmem in a new netns (copied from init_net)")
    check(doc["host"]["netns_ino"] != os.stat("/proc/self/ns/net").st_ino, "netns_ino did not change")
    eq(doc["system"]["sockstat"]["inuse"], 0, "sockstat inuse in a new netns")
    eq(doc["system"]["reconcile"]["sockets_pages"], 0, "reconcile.sockets_pages in a new netns")
    r = run(["unshare", "-n", "sh", "-c", 'exec "$0" system', SOCKMEM])
    eq(r.returncode, 0, "system (table) in a new netns: exit")
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("tcp_mem")]
    eq(len(line), 1, "tcp_mem lines in the system table")
    check("unavailable" in line[0], f"tcp_mem line: {line[0]!r}")
    r = run(["unshare", "-n", "sh", "-c", 'exec "$0" sockets -j', SOCKMEM])
    eq(r.returncode, 0, "sockets -j in a new netns: exit")
    eq(parse_json(r.stdout, "sockets -j (new netns)")["sockets"], [], "sockets in a new netns")


# ------------------------------------------------ scope: every namespace by default

SCOPE_PAIRS, SCOPE_UNREAD = 200, 32768  # about 1800 pages, windows still open


def scope_helper():
    """A private namespace holding memory: receivers with unread data below
    their window (no finding fires for them), far more than the per-CPU
    tolerance (512 pages on 2 CPUs)."""
    h = Helper("--family", "4", "--pairs", str(SCOPE_PAIRS), "--unread", str(SCOPE_UNREAD),
               netns=True)
    ino = os.stat(f"/proc/{h.pid}/ns/net").st_ino
    own = sm_json(["sockets"], prefix=h.nsenter())["sockets"]
    eq(len(own), 2 * SCOPE_PAIRS + 1, "sockets in the test namespace")
    pages = sum(s["charged_bytes"] or 0 for s in own) // 4096
    check(pages > 1024 + 512, f"the test namespace holds only {pages} pages")
    return h, ino, pages


def finding_ids(doc):
    return {f["id"]: f for f in doc["findings"]}


def t_scope_default_all_netns():
    """As root in the initial namespace the default dumps every namespace: a
    second namespace holding memory is attributed (its row in top --by
    netns is its own sockets' exact sum) and is no reconcile_gap;
    --this-netns dumps this namespace only, as the default did before, and
    says what it left out."""
    check(os.stat("/proc/self/ns/net").st_ino == os.stat("/proc/2/ns/net").st_ino,
          "the suite does not run in the initial namespace (test premise)")
    h, ino, pages = scope_helper()
    try:
        top = sm_json(["top", "--by", "netns"])
        rows = [g for g in top["groups"] if g["netns"] == ino]
        eq(len(rows), 1, "the test namespace's rows in top --by netns (default scope)")
        eq((rows[0]["sockets"], rows[0]["charged_pages"]), (2 * SCOPE_PAIRS + 1, pages),
           "the test namespace's row: sockets, charged pages")
        rep = sm_json(["report"])
        sc = rep["system"]["scope"]
        eq((sc["all_netns"], sc["initial_netns"]), (True, True), "report scope: all_netns, initial")
        ns = [n for n in rep["system"]["namespaces"] if n["netns"] == ino]
        eq(len(ns), 1, "the test namespace in system.namespaces")
        eq((ns[0]["skipped"], ns[0]["sockets"]), (None, 2 * SCOPE_PAIRS + 1),
           "the test namespace: skipped, sockets")
        ids = finding_ids(rep)
        check("reconcile_gap" not in ids and "reconcile_other_netns" not in ids,
              f"default report blames the gap: {sorted(ids)}")
        check(rep["system"]["reconcile"]["sockets_pages"] >= pages,
              "reconcile.sockets_pages leaves out the test namespace")
        r = sm(["check", "-j"])
        doc = parse_json(r.stdout, "check -j")
        ids = finding_ids(doc)
        check("reconcile_gap" not in ids and "reconcile_other_netns" not in ids,
              f"default check blames the gap: {sorted(ids)}")
        bad = sorted(i for i, f in ids.items() if f["severity"] != "info")
        # other helpers' sockets on this machine can make warnings of their
        # own (the default dumps their namespaces too); ours make none
        check(r.returncode in ((0,) if not bad else (3, 4)),
              f"default check exit {r.returncode} with findings {bad}")
        # --this-netns: the former default, this namespace only
        socks = sm_json(["sockets", "--this-netns"])["sockets"]
        eq({s["netns"] for s in socks} - {os.stat("/proc/self/ns/net").st_ino}, set(),
           "namespaces in sockets --this-netns")
        r = sm(["check", "-j", "--this-netns"])
        ids = finding_ids(parse_json(r.stdout, "check -j --this-netns"))
        check("reconcile_gap" not in ids, "check --this-netns: reconcile_gap for another namespace's memory")
        f = ids.get("reconcile_other_netns")
        check(f is not None and f["severity"] == "info",
              f"check --this-netns: no info reconcile_other_netns ({sorted(ids)})")
        ev = f["evidence"]
        check(ev["other_netns"] >= 1 and ev["gap_pages"] > ev["tolerance_pages"],
              f"reconcile_other_netns evidence {ev}")
        eq(ev["initial_netns"], True, "reconcile_other_netns.initial_netns")
        sysd = sm_json(["system", "--this-netns"])["system"]
        eq(sysd["scope"]["all_netns"], False, "system --this-netns: scope.all_netns")
        eq([n["netns"] for n in sysd["namespaces"]], [os.stat("/proc/self/ns/net").st_ino],
           "system --this-netns: namespaces dumped")
        expl = sysd["reconcile"]["explanation"]
        check("Only one network namespace was dumped" in expl and
              "outside the dumped sockets can be theirs" in expl,
              f"system --this-netns explanation: {expl!r}")
    finally:
        h.stop()


def t_scope_unprivileged():
    """Not root: one namespace is dumped, the report counts the others and
    says how much of sockstat lies outside the dump, and the second
    namespace's memory is no reconcile_gap."""
    bindir = os.path.join(TMP, "scopebin")
    os.makedirs(bindir, exist_ok=True)
    os.chmod(bindir, 0o755)
    exe = os.path.join(bindir, "sockmem")
    shutil.copy(SOCKMEM, exe)
    os.chmod(exe, 0o755)
    pre = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    h, ino, pages = scope_helper()
    try:
        rep = sm_json(["report", "--no-owners"], binary=exe, prefix=pre)
        sc = rep["system"]["scope"]
        eq(sc["all_netns"], False, "scope.all_netns as nobody")
        check(sc["unreadable_pids"] is not None and sc["unreadable_pids"] > 0,
              f"scope.unreadable_pids as nobody: {sc['unreadable_pids']}")
        check(isinstance(sc["other_netns"], int), f"scope.other_netns as nobody: {sc['other_netns']}")
        eq([n["netns"] for n in rep["system"]["namespaces"]], [os.stat("/proc/self/ns/net").st_ino],
           "namespaces dumped as nobody")
        rec = rep["system"]["reconcile"]
        expl = rec["explanation"]
        check(f"{sc['other_netns']} other" in expl and "could not be read" in expl and
              f"sockstat's {rec['gap_pages']} pages" in expl and
              "outside the dumped sockets" in expl,
              f"reconcile explanation as nobody: {expl!r}")
        ids = finding_ids(rep)
        check("reconcile_gap" not in ids, "reconcile_gap as nobody for another namespace's memory")
        f = ids.get("reconcile_other_netns")
        check(f is not None and f["severity"] == "info", f"no reconcile_other_netns as nobody ({sorted(ids)})")
        eq((f["evidence"]["other_netns"], f["evidence"]["unreadable_pids"]),
           (sc["other_netns"], sc["unreadable_pids"]), "reconcile_other_netns evidence = scope")
        t = sm(["system"], binary=exe, prefix=pre)
        eq(t.returncode, 0, "system (table) as nobody: exit")
        line = [ln for ln in t.stdout.splitlines() if ln.startswith("scope ")]
        check(len(line) == 1 and "all_netns no" in line[0], f"scope line as nobody: {line}")
    finally:
        h.stop()


def t_sanitizer_runs():
    h4, h6 = fixture("v4"), fixture("v6")
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:exitcode=86"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=87"
    snap = nextname("sansnap") + ".json"
    r = sm(["snapshot"], binary=SAN, env=env)
    eq((r.returncode, r.stderr), (0, ""), "sockmem-san snapshot: exit, stderr")
    with open(snap, "w") as f:
        f.write(r.stdout)
    for cmd in ("report", "sockets", "top", "system"):
        for fmt in (["-j"], ["-o", "table"], ["-o", "tsv"], ["-n", "-H"], ["-j", "--from", snap]):
            r = sm([cmd, *fmt], binary=SAN, env=env)
            eq(r.returncode, 0, f"sockmem-san {cmd} {' '.join(fmt)}: exit "
                                f"(stderr {r.stderr.strip()[:300]!r})")
            eq(r.stderr, "", f"sockmem-san {cmd} {' '.join(fmt)}: stderr")
            if fmt[0] == "-j":
                doc = parse_json(r.stdout, f"sockmem-san {cmd} {' '.join(fmt)}")
                if cmd == "sockets":
                    check_helper_sockets(h4, doc, "sockmem-san sockets -j")
                    check_helper_sockets(h6, doc, "sockmem-san sockets -j")


def t_valgrind():
    if not shutil.which("valgrind"):
        return "skipped: valgrind not installed"
    fixture("v4")
    snap = nextname("vgsnap") + ".json"
    # --owner-walk proc: valgrind does not model bpf(2)'s link and iterator
    # commands, so the kernel's writes look uninitialised to it
    for args in (["sockets", "-j", "--owner-walk", "proc"], ["report", "-j", "--owner-walk", "proc"],
                 ["snapshot", "--owner-walk", "proc"], ["top", "-j", "--from", snap]):
        r = run(["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                 "--errors-for-leak-kinds=definite,indirect", SOCKMEM, *args], timeout=120)
        eq(r.returncode, 0, f"valgrind sockmem {' '.join(args)}: exit (stderr {r.stderr.strip()[-400:]!r})")
        parse_json(r.stdout, f"valgrind sockmem {' '.join(args)}")
        if args[0] == "snapshot":
            with open(snap, "w") as f:
                f.write(r.stdout)


def t_repeat_stability():
    hs = [fixture("v4"), fixture("v6")]
    a, b = index(sm_json(["sockets"])), index(sm_json(["sockets"]))
    for h in hs:
        for key in h.all_keys():
            eq(one(b, key, "second run"), one(a, key, "first run"), f"{key} across two runs")


def check_sockets_sane(doc, what):
    check_unique_cookies(doc, what)
    for s in doc["sockets"]:
        check(s["state"] in STATES, f"{what}: state {s['state']!r}")
        for k in ("recv_q", "send_q", "inode"):
            check(isinstance(s[k], int) and 0 <= s[k] < (1 << 32), f"{what}: {k} = {s[k]!r}")
        # TIME-WAIT and SYN-RECV minisockets carry the kernel's placeholder 0: absent
        if s["state"] == "TIME-WAIT":
            check(s["uid"] is None, f"{what}: TIME-WAIT uid = {s['uid']!r} (placeholder shown)")
        elif s["state"] == "SYN-RECV" and s["uid"] is None:
            pass  # request socket (NEW_SYN_RECV): placeholder uid, absent
        else:
            check(isinstance(s["uid"], int) and 0 <= s["uid"] < (1 << 32), f"{what}: uid = {s['uid']!r}")
        sk = s["skmem"]
        if sk is not None:
            for k in SKM_KEYS:
                v = sk[k]
                check(v is None or (isinstance(v, int) and 0 <= v < U31), f"{what}: skmem.{k} = {v!r}")
            if s["charged_bytes"] is not None:
                eq(s["charged_bytes"], sk["r"] + sk["w"] + sk["f"], f"{what}: charged_bytes")
        else:
            eq(s["charged_bytes"], None, f"{what}: charged_bytes without skmem")
        if s["tcp_info"] is not None:
            for k, v in s["tcp_info"].items():
                check(v is None or (isinstance(v, int) and 0 <= v < (1 << 63)), f"{what}: tcp_info.{k} = {v!r}")
        check(isinstance(s["owners"], list), f"{what}: owners {s['owners']!r}")
        for o in s["owners"]:
            check(isinstance(o["pid"], int) and o["pid"] > 0 and isinstance(o["fd"], int) and o["fd"] >= 0,
                  f"{what}: owner {o!r}")
        pids = [(o["pid"], o["fd"]) for o in s["owners"]]
        eq(len(pids), len(set(pids)), f"{what}: duplicate owners")


def check_top_sane(doc, what):
    tot = doc["totals"]
    for k in SUM_KEYS:
        check(isinstance(tot[k], int) and 0 <= tot[k] < (1 << 40), f"{what}: totals.{k} = {tot[k]!r}")
    eq(tot["charged_bytes"], tot["r"] + tot["w"] + tot["f"], f"{what}: totals charged_bytes")
    check(tot["charged_bytes"] <= tot["charged_pages"] * PAGE <
          tot["charged_bytes"] + max(tot["sockets"], 1) * PAGE,
          f"{what}: totals charged_pages {tot['charged_pages']} vs bytes {tot['charged_bytes']}")
    nsock = 0
    for g in doc["groups"]:
        for k in SUM_KEYS:
            check(isinstance(g[k], int) and 0 <= g[k] <= tot[k],
                  f"{what}: group {g['pid']} {k} = {g[k]} above totals {tot[k]}")
        eq(g["charged_bytes"], g["r"] + g["w"] + g["f"], f"{what}: group charged_bytes")
        nsock += g["sockets"]
    check(nsock >= tot["sockets"], f"{what}: groups hold {nsock} sockets < totals {tot['sockets']}")
    charged = [g["charged_bytes"] for g in doc["groups"]]
    eq(charged, sorted(charged, reverse=True), f"{what}: groups order")


def t_churn():
    ready = nextname("churn-ready")
    out = nextname("churn-out")
    with open(out, "w") as o:
        p = subprocess.Popen([CHURN, "--duration", "8", "--max", "6000", "--window", "64",
                              "--bytes", "20000", "--ready-file", ready],
                             stdin=subprocess.DEVNULL, stdout=o, stderr=subprocess.STDOUT)
    PROCS.append(p)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(ready):
            check(p.poll() is None, f"churn exited early: {open(out).read()!r}")
            check(time.monotonic() < deadline, "churn not ready in 10 s")
            time.sleep(0.02)
        with open(ready) as f:
            info = json.load(f)
        ports = {str(x) for x in info["ports"] if x}
        overlapped = seen_churn = 0
        # --this-netns: the churn is in this namespace; dumping every other
        # one too (the default as root) only slows the runs down
        for i in range(20):
            binary = SAN if i % 2 else SOCKMEM
            top = sm_json(["top", "--this-netns"], binary=binary)
            check_top_sane(top, f"churn run {i} top -j")
            socks = sm_json(["sockets", "--this-netns"], binary=SOCKMEM if i % 2 else SAN)
            check_sockets_sane(socks, f"churn run {i} sockets -j")
            if any(s["local"].rsplit(":", 1)[1] in ports or s["peer"].rsplit(":", 1)[1] in ports
                   for s in socks["sockets"] if s["state"] == "ESTAB"):
                seen_churn += 1
            if p.poll() is None:
                overlapped += 1
            elif overlapped >= 4:
                break  # churn is over; later runs would test nothing new
        # the churn lasts 8 s: a loaded machine fits fewer runs into it
        check(overlapped >= 4, f"only {overlapped} runs overlapped the churn")
        check(seen_churn >= 5, f"only {seen_churn} runs saw churn connections")
        p.wait(timeout=30)
        eq(p.returncode, 0, f"churn exit ({open(out).read().strip()})")
        m = re.search(r"churn: (\d+) connections", open(out).read())
        check(m and int(m.group(1)) >= 500, f"churn made too few connections: {open(out).read()!r}")
    finally:
        kill_proc(p)


def t_output_contract():
    """Every name sockmem prints (table columns and labels, TSV columns and
    keys, JSON members, finding ids and evidence keys), in every view and
    format, is exactly the list in man/contract.tsv, and man/sockmem.8
    mentions each: tests/contract/check_contract.py, which brings its own
    sockets, fixtures and namespaces."""
    checker = os.path.join(REPO, "tests", "contract", "check_contract.py")
    p = subprocess.Popen([sys.executable, checker, "--sockmem", SOCKMEM, "--helpers", HELPERS],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    PROCS.append(p)     # SIGTERM on the way out lets it remove what it made
    try:
        out, err = p.communicate(timeout=150)
    except subprocess.TimeoutExpired:
        kill_proc(p)
        raise Fail("check_contract.py did not finish within 150 s")
    lines = out.strip().splitlines()
    if p.returncode != 0:
        problems = [ln for ln in lines if not ln.startswith("contract: ")]
        more = f" (and {len(problems) - 6} more)" if len(problems) > 6 else ""
        raise Fail(f"check_contract.py exit {p.returncode}: {err.strip()[:300]} "
                   + " | ".join(problems[:6]) + more)
    eq(err, "", "check_contract.py stderr")
    return lines[-1] if lines else None


# ------------------------------------------------- cgroup trees and netns files

# Joins the cgroup2 directory argv[1]/argv[2..] (reached through directory
# fds: the path may exceed PATH_MAX), then execs the command after "--".
CG_JOIN = ("import os,sys\n"
           "fd=os.open(sys.argv[1],os.O_RDONLY|os.O_DIRECTORY)\n"
           "i=sys.argv.index('--')\n"
           "for c in sys.argv[2:i]:\n"
           "    n=os.open(c,os.O_RDONLY|os.O_DIRECTORY,dir_fd=fd); os.close(fd); fd=n\n"
           "p=os.open('cgroup.procs',os.O_WRONLY,dir_fd=fd)\n"
           "os.write(p,str(os.getpid()).encode()); os.close(p); os.close(fd)\n"
           "os.execv(sys.argv[i+1],sys.argv[i+1:])\n")


class CgTree:
    """A test-made subtree of the cgroup2 hierarchy, made and removed through
    directory fds (its paths may be longer than PATH_MAX)."""

    def __init__(self, label):
        self.v2 = cgroup_mounts()[0]
        self.base = f"sockmem-it-{os.getpid()}-{label}"
        self.made = []
        self.helpers = []

    def open(self, comps):
        fd = os.open(self.v2, os.O_RDONLY | os.O_DIRECTORY)
        for c in comps:
            try:
                n = os.open(c, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            finally:
                os.close(fd)
            fd = n
        return fd

    def make(self, comps):
        """Makes base/comps... (each missing level); returns the last one's id."""
        comps = [self.base, *comps]
        for i in range(1, len(comps) + 1):
            if tuple(comps[:i]) in self.made:
                continue
            fd = self.open(comps[:i - 1])
            try:
                os.mkdir(comps[i - 1], dir_fd=fd)
            finally:
                os.close(fd)
            self.made.append(tuple(comps[:i]))
        fd = self.open(comps)
        try:
            return os.fstat(fd).st_ino
        finally:
            os.close(fd)

    def path(self, comps=()):
        return "/" + "/".join([self.base, *comps])

    def helper(self, comps, *args):
        h = Helper(*args, exe=["python3", "-c", CG_JOIN, self.v2, self.base, *comps, "--", SOCKPAIR])
        self.helpers.append(h)
        return h

    def remove(self):
        for h in self.helpers:
            h.stop()
        for t in reversed(self.made):
            for _ in range(50):
                try:
                    fd = self.open(t[:-1])
                    try:
                        os.rmdir(t[-1], dir_fd=fd)
                    finally:
                        os.close(fd)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.1)


def cgroup_keys(path, binary=None, prefix=()):
    """sockets -j --cgroup PATH as a sorted list of (state, local, peer)."""
    doc = sm_json(["sockets", "--cgroup", path], binary=binary, prefix=prefix)
    return sorted((s["state"], s["local"], s["peer"]) for s in doc["sockets"])


def cgroup_chain_test(label, chain):
    """A helper at base/chain..., another at base/side: --cgroup on the base,
    on the chain's first level and on the chain's end finds exactly the
    right sockets, and top --by cgroup shows the chain's whole path."""
    if not cgroup_mounts()[0]:
        return "skipped: no cgroup2 mount"
    t = CgTree(label)
    try:
        deep_id = t.make(chain)
        t.make(["side"])
        h = t.helper(chain, "--family", "4", "--pairs", "2", "--unread", "3000")
        s = t.helper(["side"], "--family", "4", "--pairs", "1")
        hk, sk = sorted(h.all_keys()), sorted(s.all_keys())
        eq(cgroup_keys(t.path()), sorted(hk + sk), f"--cgroup {t.path()} ({label})")
        eq(cgroup_keys(t.path(chain[:1])), hk, f"--cgroup {t.path(chain[:1])} ({label})")
        eq(cgroup_keys(t.path(["side"])), sk, f"--cgroup {t.path(['side'])}")
        eq(cgroup_keys(t.path(chain)), hk, f"--cgroup on the {label} cgroup itself")
        top = sm_json(["top", "--by", "cgroup"])
        gs = [g for g in top["groups"] if g["cgroup_id"] == deep_id]
        eq(len(gs), 1, f"top --by cgroup groups with the {label} cgroup's id")
        eq(gs[0]["sockets"], 5, f"sockets in the {label} cgroup's group")
        eq(gs[0]["cgroup"], t.path(chain), f"the {label} cgroup's path")
    finally:
        t.remove()


def t_cgroup_deeper_than_64():
    return cgroup_chain_test("deep", [f"d{i}" for i in range(1, 71)])


def t_cgroup_path_over_4096():
    return cgroup_chain_test("long", [f"{i:02d}" + "L" * 198 for i in range(22)])


def t_cgroup_spellings():
    """Non-canonical --cgroup spellings give the canonical answer; paths that
    name no cgroup2 directory exit 1 with one line and print nothing."""
    v2 = cgroup_mounts()[0]
    if not v2:
        return "skipped: no cgroup2 mount"
    t = CgTree("spell")
    try:
        t.make(["x", "mnt"])
        h = t.helper(["x"], "--family", "4", "--pairs", "1")
        b = t.base
        want = cgroup_keys(f"/{b}/x")
        eq(want, sorted(h.all_keys()), f"--cgroup /{b}/x")
        for sp in (f"//{b}/x", f"/./{b}/x", f"{b}/x/../x", f"{b}/x/", f"{b}//x", f"{v2}/{b}/x",
                   f"{v2}//{b}/./x/", f"{v2}/../{os.path.basename(v2)}/{b}/x"):
            eq(cgroup_keys(sp), want, f"--cgroup {sp!r}")
        for sp, msg in ((f"/{b}/nosuch", "No such file or directory"),
                        (f"/../{b}/x", "outside the cgroup2 hierarchy"),
                        (f"{b}/x/../../..", "outside the cgroup2 hierarchy"),
                        (f"/{b}/x/cgroup.procs", "Not a directory"),
                        (f"{v2}/../memory/{b}", "No such file or directory")):
            r = sm(["sockets", "-j", "--cgroup", sp])
            eq((r.returncode, r.stdout), (1, ""), f"--cgroup {sp!r}: exit, stdout")
            eq(r.stderr.count("\n"), 1, f"--cgroup {sp!r}: stderr lines ({r.stderr!r})")
            check(r.stderr.startswith(f"sockmem: --cgroup {sp}") and msg in r.stderr,
                  f"--cgroup {sp!r}: stderr {r.stderr!r}")
        # another file system mounted on a cgroup directory (private mount namespace)
        r = run(["unshare", "-m", "sh", "-c", 'mount -t tmpfs none "$1" && exec "$0" sockets -j --cgroup "$2"',
                 SOCKMEM, f"{v2}/{b}/x/mnt", f"/{b}/x/mnt"])
        eq((r.returncode, r.stdout), (1, ""), "--cgroup on a tmpfs mount: exit, stdout")
        eq(r.stderr, f"sockmem: --cgroup /{b}/x/mnt: not a cgroup2 directory: Invalid cross-device link\n",
           "--cgroup on a tmpfs mount: stderr")
    finally:
        t.remove()


def t_cgroup_unreadable_below():
    """An observer who cannot open a cgroup below --cgroup's target (mode 0700,
    as a delegated user may set) gets exit 1, not an answer without its sockets."""
    if not cgroup_mounts()[0]:
        return "skipped: no cgroup2 mount"
    bindir = os.path.join(TMP, "bin-cg")
    os.makedirs(bindir, exist_ok=True)
    os.chmod(bindir, 0o755)
    exe = os.path.join(bindir, "sockmem")
    shutil.copy(SOCKMEM, exe)
    os.chmod(exe, 0o755)
    pre = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    t = CgTree("blind")
    try:
        t.make(["open", "hidden", "in"])
        t.make(["other"])
        fd = t.open([t.base, "open"])
        try:
            os.chmod("hidden", 0o700, dir_fd=fd)
        finally:
            os.close(fd)
        h = t.helper(["open", "hidden", "in"], "--family", "4", "--pairs", "1")
        eq(cgroup_keys(t.path()), sorted(h.all_keys()), f"--cgroup {t.path()} as root")
        for target in (t.path(), t.path(["open"])):
            r = sm(["sockets", "-j", "--cgroup", target], binary=exe, prefix=pre)
            eq((r.returncode, r.stdout), (1, ""), f"--cgroup {target} as nobody: exit, stdout")
            eq(r.stderr, f"sockmem: --cgroup {target}: a cgroup below it cannot be read: Permission denied\n",
               f"--cgroup {target} as nobody: stderr")
        eq(cgroup_keys(t.path(["other"]), binary=exe, prefix=pre), [], "--cgroup .../other as nobody")
    finally:
        t.remove()


def private_run_netns(script, *args, timeout=20):
    """Runs sh -c SCRIPT in a private mount namespace whose /run/netns is an
    empty tmpfs (nothing of the host's changes), bounded by timeout."""
    pre = ('if [ -d /run/netns ]; then mount -t tmpfs none /run/netns; '
           'else mount -t tmpfs none /run && mkdir /run/netns; fi && ')
    return run(["unshare", "-m", "sh", "-c", pre + script, SOCKMEM, *args], timeout=timeout)


def t_netns_fifo():
    """A FIFO (or plain file) in /run/netns: -N on it exits 1 with one line,
    --all-netns lists it as skipped and still dumps a real named namespace;
    neither blocks (old code: hung forever in open)."""
    h = Helper("--family", "4", "--pairs", "1", netns=True)
    try:
        r = private_run_netns('mkfifo /run/netns/fifo && exec timeout 10 "$0" sockets -j -N fifo')
        eq((r.returncode, r.stdout), (1, ""), f"-N fifo: exit, stdout (stderr {r.stderr!r})")
        eq(r.stderr, "sockmem: network namespace (-N): fifo is not a network namespace: "
           "Invalid argument\n", "-N fifo: stderr")
        r = private_run_netns('mkfifo /run/netns/fifo && touch /run/netns/plain && '
                              'touch /run/netns/real && mount --bind "/proc/$1/ns/net" /run/netns/real && '
                              'exec timeout 10 "$0" sockets -j --all-netns', str(h.pid))
        eq(r.returncode, 0, f"--all-netns with a FIFO: exit (stderr {r.stderr!r})")
        doc = parse_json(r.stdout, "sockets -j --all-netns")
        ino = os.stat(f"/proc/{h.pid}/ns/net").st_ino
        got = sorted((s["state"], s["local"], s["peer"]) for s in doc["sockets"] if s["netns"] == ino)
        eq(got, sorted(h.all_keys()), "the named namespace's sockets")
        r = private_run_netns('mkfifo /run/netns/fifo && touch /run/netns/plain && '
                              'touch /run/netns/real && mount --bind "/proc/$1/ns/net" /run/netns/real && '
                              'exec timeout 10 "$0" system -j --all-netns', str(h.pid))
        eq(r.returncode, 0, f"system --all-netns with a FIFO: exit (stderr {r.stderr!r})")
        ns = {n["netns_name"]: n for n in parse_json(r.stdout, "system -j --all-netns")["system"]["namespaces"]
              if n["netns_name"]}
        eq(sorted(ns), ["fifo", "plain", "real"], "named entries")
        eq((ns["real"]["netns"], ns["real"]["skipped"]), (ino, None), "the real namespace")
        for n in ("fifo", "plain"):
            eq(ns[n]["skipped"], "Invalid argument", f"{n}: skipped")
    finally:
        h.stop()


def injected_runs(args, max_n):
    """Runs sockmem ARGS under strace, failing the Nth getdents64 with EIO for
    N = 1..max_n; yields (N, injected?, completed process)."""
    # LeakSanitizer cannot stop the world of a traced process (ASan build)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    for n in range(1, max_n + 1):
        log = nextname("strace")
        r = run(["strace", "-f", "-qq", "-o", log, "-e", "trace=getdents64",
                 "-e", f"inject=getdents64:error=EIO:when={n}", SOCKMEM, *args], env=env)
        with open(log) as f:
            injected = "(INJECTED)" in f.read()
        yield n, injected, r


def t_listing_errors_fail():
    """A getdents64 error while listing /proc or /run/netns (--all-netns) or
    the cgroup2 tree fails the run with one line and no output, instead of
    answering without what it could not list."""
    if not shutil.which("strace"):
        return "skipped: no strace"
    cases = [(["top", "--all-netns", "--no-owners", "-j"], "sockmem: network namespace list: Input/output error\n")]
    t = CgTree("eio") if cgroup_mounts()[0] else None
    try:
        if t:
            t.make(["a", "b"])
            t.helper(["a", "b"], "--family", "4", "--pairs", "1")
            # --this-netns: as root in the initial namespace the default
            # lists the namespaces first, and would fail there. With one
            # namespace dumped the others are only counted: a listing error
            # there leaves the count null and the run goes on, so a run
            # whose failed call was the count's succeeds with it null.
            cases.append((["report", "--no-owners", "--this-netns", "-j", "--cgroup", t.path()],
                          "sockmem: cgroup2 hierarchy: Input/output error\n"))
        for args, msg in cases:
            hit = failed = 0
            for n, injected, r in injected_runs(args, 8):
                what = f"{' '.join(args)} with getdents64 #{n} failing"
                if not injected:
                    eq(r.returncode, 0, f"{what} (not reached): exit")
                    continue
                hit += 1
                if "--this-netns" in args and r.returncode == 0:
                    sc = parse_json(r.stdout, what)["system"]["scope"]
                    eq((sc["other_netns"], sc["unreadable_pids"], r.stderr), (None, None, ""),
                       f"{what}: the namespace count")
                    continue
                eq((r.returncode, r.stdout, r.stderr), (1, "", msg), f"{what}: exit, stdout, stderr")
                failed += 1
            check(hit >= 2 and failed >= 1,
                  f"{' '.join(args)}: only {hit} getdents64 calls were failed, {failed} runs failed")
    finally:
        if t:
            t.remove()



# ---------------------------------------------- sockets /proc/PID/fd does not show

FDHIDE = os.path.join(HELPERS, "fdhide")


class FdHide:
    """One running fdhide (tests/helpers/fdhide.c) in a private network
    namespace; with pidns, also in its own PID and mount namespace with its
    own /proc, where it is pid 1 and every process is one sockmem can read."""

    def __init__(self, mode, unread, pidns=False):
        self.ready = nextname("fdhide") + ".json"
        self.errfile = self.ready + ".err"
        cmd = [FDHIDE, "--mode", mode, "--unread", str(unread), "--netns-lo",
               "--ready-file", self.ready, "--timeout", str(HELPER_TIMEOUT)]
        # --kill-child: when unshare (the PID we started) dies, the helper does
        cmd = (["unshare", "-n", "-p", "-m", "--mount-proc", "--kill-child", *cmd] if pidns
               else ["unshare", "-n", *cmd])
        self.pidns = pidns
        self.p, self.info = start_ready(self, cmd, f"fdhide {mode}")
        self.pid = self.info["pid"]  # as the helper's own namespace numbers it
        if pidns:
            kids = open(f"/proc/{self.p.pid}/task/{self.p.pid}/children").read().split()
            eq(len(kids), 1, "children of unshare --fork")
            self.host_pid = int(kids[0])
            eq(self.pid, 1, "fdhide pid inside its PID namespace")
            self.prefix = ["nsenter", "-t", str(self.host_pid), "-n", "-p", "-m"]
        else:
            eq(self.pid, self.p.pid, "fdhide pid in ready file (unshare execs it)")
            self.host_pid = self.pid
            # a zombie leader has no /proc/PID/ns: enter through its thread
            self.prefix = ["nsenter", "-t", str(self.info["tid"] or self.pid), "-n"]

    def stop(self):
        # unshare --fork ignores SIGTERM while its child runs: end the helper
        # (by its PID as seen from here) and unshare follows
        if self.pidns and self.p.poll() is None:
            try:
                os.kill(self.host_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        kill_proc(self.p)

    def by_inode(self, doc):
        """{"listen"|"client"|"server": socket record} from a sockets -j document."""
        recs = {s["inode"]: s for s in doc["sockets"]}
        out = {}
        for k, ino in self.info["inodes"].items():
            check(ino in recs, f"no socket with the {k} inode {ino} (inodes {sorted(recs)})")
            out[k] = recs[ino]
        eq(len(doc["sockets"]), 3, "sockets in the helper's private namespace")
        return out


def fdhide_attributed(mode):
    """The helper's three sockets belong to its pid, in sockets, top and --pid."""
    h = FdHide(mode, 7000)
    try:
        if mode == "zombie":
            eq(os.listdir(f"/proc/{h.pid}/fd"), [], "/proc/PID/fd of the zombie leader")
        else:
            tid = h.info["tid"]
            check(tid and tid != h.pid, f"unshare thread tid {tid}")
            check(str(h.info["fds"]["listen"]) in os.listdir(f"/proc/{h.pid}/task/{tid}/fd"),
                  "listener fd in the thread's own table")
        socks = sm_json(["sockets"], prefix=h.prefix)
        recs = h.by_inode(socks)
        for k, rec in recs.items():
            eq(rec["owners"], [{"pid": h.pid, "comm": "fdhide", "fd": h.info["fds"][k]}],
               f"{mode}: owners of the {k} socket")
        eq(recs["server"]["recv_q"], 7000, f"{mode}: server recv_q")
        top = sm_json(["top"], prefix=h.prefix)
        g = group_of(top, h.pid)
        check(g is not None, f"{mode}: no top group for pid {h.pid}: {top['groups']}")
        eq(g["category"], "process", f"{mode}: group category")
        eq(strip_group(g), sums_of(socks["sockets"]), f"{mode}: the pid's group = its 3 sockets")
        eq(len(top["groups"]), 1, f"{mode}: top groups (no socket without a holder)")
        check(top["owners_scan"]["task_tables"] >= 1,
              f"{mode}: owners_scan.task_tables {top['owners_scan']['task_tables']}")
        only = sm_json(["sockets", "--pid", str(h.pid)], prefix=h.prefix)
        eq(sorted(s["inode"] for s in only["sockets"]), sorted(h.info["inodes"].values()),
           f"{mode}: sockets --pid {h.pid}")
        only = sm_json(["top", "--pid", str(h.pid)], prefix=h.prefix)
        eq([(x["pid"], x["sockets"]) for x in only["groups"]], [(h.pid, 3)],
           f"{mode}: top --pid {h.pid}")
    finally:
        h.stop()


def t_owners_unshared_table():
    fdhide_attributed("unshare")


def t_owners_zombie_leader():
    fdhide_attributed("zombie")


def bpf_objects():
    """(ids of programs named sockmem_owners, ids of iter links) that exist now."""
    if not shutil.which("bpftool"):
        return None
    progs = json.loads(run(["bpftool", "-j", "prog", "list"]).stdout or "[]")
    links = json.loads(run(["bpftool", "-j", "link", "list"]).stdout or "[]")
    return ({p["id"] for p in progs if p.get("name") == "sockmem_owners"},
            {x["id"] for x in links if x.get("type") == "iter"})


def owner_view(pids, walk):
    """What the walk says about pids: snapshot's process entries (pid, uid,
    comm, start_time), each socket's holders, and report's groups."""
    snap = sm_json(["snapshot", "--owner-walk", walk])
    procs = sorted((p for p in snap["owners"]["procs"] if p["pid"] in pids),
                   key=lambda p: p["pid"])
    links = sorted((s["inode"], o["pid"], o["fd"]) for s in snap["sockets"]
                   for o in s.get("holders") or [] if o["pid"] in pids)
    args = ["report", "--owner-walk", walk]
    for pid in sorted(pids):
        args += ["--pid", str(pid)]
    rep = sm_json(args)
    return procs, links, rep["groups"]


def t_stats_time_line():
    """--stats' time line: the walk's time only when a walk ran (never a 0
    for none), and whether the run folded the sockets in batches."""
    fixture("v4")
    pat = r"^sockmem: stats: time: collection \d+ ms{}{}$"
    for args, walk, folded in ((["top", "-o", "tsv", "--owner-walk", "proc"], True, True),
                               (["top", "-o", "tsv", "--no-owners"], False, True),
                               (["sockets", "-o", "json", "--owner-walk", "proc"], True, True),
                               (["sockets", "-o", "table", "--owner-walk", "proc"], True, False),
                               (["system", "-o", "tsv"], False, False)):
        r = sm([*args, "--stats"])
        eq(r.returncode, 0, f"{' '.join(args)} --stats: exit")
        lines = [ln for ln in r.stderr.splitlines() if "stats: time:" in ln]
        want = pat.format(r" \(walk \d+ ms\)" if walk else "",
                          ", sockets folded in batches" if folded else "")
        check(len(lines) == 1 and re.match(want, lines[0]),
              f"{' '.join(args)} --stats: {lines!r} does not match {want!r}")


def t_stats_dump_lanes():
    """--stats counts a namespace's dumps and how many ran on receiver
    threads of their own; when no thread can start they all run on the main
    thread, one after the other, with the same sockets; when the kernel
    refuses the one TCP dump of both families, each family is dumped alone
    and --stats says so."""
    h = fixture("v4")
    # TCP's two families are one dump (TCPDIAG_GETSOCK), UDP's two are two
    for args, n in ((["-4"], 1), (["-t"], 1), (["-tu"], 3), (["-u"], 2), (["-u", "-6"], 1)):
        r = sm(["top", "-o", "tsv", "--this-netns", "--no-owners", "--stats", *args])
        eq(r.returncode, 0, f"top {' '.join(args)} --stats: exit")
        lines = [ln for ln in r.stderr.splitlines() if "netlink dumps" in ln]
        eq(lines, [f"sockmem: stats: netlink dumps {n}, {n} on receiver threads"],
           f"top {' '.join(args)} --stats")
    base = sm(["sockets", "-o", "tsv", "--this-netns", "--no-owners", "-tu"])
    mine = lambda out: sorted(ln for ln in out.splitlines() if f":{h.lport}\t" in ln)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")

    def injected(what, trace, inject, want):
        """sockets -tu --stats under strace injecting `inject`: exit 0 and
        the dumps line `want`; returns the output."""
        r = run(["strace", "-f", "-qq", "-o", "/dev/null", "-e", f"trace={trace}",
                 "-e", f"inject={inject}", SOCKMEM, "sockets", "-o", "tsv",
                 "--this-netns", "--no-owners", "-tu", "--stats"], env=env)
        eq(r.returncode, 0, f"{what}: exit (stderr {r.stderr!r})")
        eq([ln for ln in r.stderr.splitlines() if "netlink dumps" in ln], [want],
           f"{what}: --stats")
        return r

    r = injected("no threads", "clone,clone3", "clone,clone3:error=EAGAIN",
                 "sockmem: stats: netlink dumps 3, 0 on receiver threads "
                 "(no thread could start for the others)")
    r2 = injected("refused", "sendto", "sendto:error=EINVAL:when=1",
                  "sockmem: stats: netlink dumps 4, 4 on receiver threads; the kernel refused "
                  "one TCP dump of both families, each was dumped on its own")
    eq(mine(r2.stdout), mine(base.stdout), "refused: the fixture's sockets")
    # the fixture's sockets (static) are the same with and without threads
    check(len(mine(base.stdout)) == 7, f"fixture rows: {mine(base.stdout)!r}")
    eq(mine(r.stdout), mine(base.stdout), "no threads: the fixture's sockets")


def t_owner_walk_auto_few_files():
    """--owner-walk auto takes the /proc walk on a host with fewer than 40000
    open files (fs/file-nr), where it is faster, and says so under --stats;
    with more it tries the in-kernel walk (refused here: a fixture /proc)."""
    src = os.path.join(REPO, "tests", "fixtures", "proc-owners")
    for nr, want in (("1200\t0\t100000\n", "proc (bpf: auto: fewer than 40000 open files on "
                      "the host, where the /proc walk is faster)"),
                     ("40000\t0\t100000\n", "proc (bpf: not the initial pid and time "
                      "namespaces' /proc)")):
        root = nextname("fileroot")
        shutil.copytree(src, root, symlinks=True)
        os.makedirs(os.path.join(root, "sys", "fs"), exist_ok=True)
        with open(os.path.join(root, "sys", "fs", "file-nr"), "w") as f:
            f.write(nr)
        r = sm(["top", "--proc-root", root, "--this-netns", "--stats", "-o", "tsv"])
        eq(r.returncode, 0, f"file-nr {nr.split()[0]}: exit")
        lines = [ln for ln in r.stderr.splitlines() if "owner walk" in ln]
        eq(lines, [f"sockmem: stats: owner walk: {want}"], f"file-nr {nr.split()[0]}: --stats")
    # bpf asked for where it cannot run: the reason, not an errno text
    r = sm(["top", "--proc-root", root, "--this-netns", "--owner-walk", "bpf"])
    eq((r.returncode, r.stdout), (1, ""), "--owner-walk bpf on a fixture /proc: exit, stdout")
    check(r.stderr in ("sockmem: in-kernel owner walk (bpf): not the initial pid and time "
                       "namespaces' /proc\n",
                       "sockmem: in-kernel owner walk (bpf): not built into this sockmem\n"),
          f"--owner-walk bpf on a fixture /proc: {r.stderr!r}")


def t_owner_walk_bpf_same_as_proc():
    """--owner-walk bpf and proc give the same owners on a population made here:
    a sockpair (its fork holds the accepted sockets too, and each one twice)
    and an fdhide thread with its own file table."""
    probe = sm(["report", "--owner-walk", "bpf", "--stats"])
    if probe.returncode != 0:
        return f"skipped: the in-kernel walk cannot run here: {probe.stderr.strip()[:200]}"
    check("owner walk: bpf" in probe.stderr, f"--stats of --owner-walk bpf: {probe.stderr}")
    # auto: the in-kernel walk on a host with many open files, else /proc
    with open("/proc/sys/fs/file-nr") as f:
        nfiles = int(f.read().split()[0])
    auto = sm(["report", "--stats"])
    want = "owner walk: bpf\n" if nfiles >= 40000 else "owner walk: proc (bpf: auto: fewer"
    check(want in auto.stderr or abs(nfiles - 40000) < 2000,
          f"--stats of the default walk with {nfiles} open files: {auto.stderr}")
    proc = sm(["report", "--stats", "--owner-walk", "proc"])
    check("owner walk: proc (--owner-walk proc)\n" in proc.stderr, f"--stats: {proc.stderr}")
    before = bpf_objects()
    h = Helper("--pairs", "40", "--share", "--dup", "--unread", "100", netns=True)
    f = FdHide("unshare", 3000)
    try:
        pids = {h.pid, h.share_pid, f.pid}
        by_bpf = owner_view(pids, "bpf")
        by_proc = owner_view(pids, "proc")
        eq(by_bpf, by_proc, "owners by the bpf walk vs the /proc walk")
        procs, links, groups = by_bpf
        eq([p["pid"] for p in procs], sorted(pids), "processes found")
        eq([p["comm"] for p in procs if p["pid"] == f.pid], ["fdhide"], "fdhide's comm")
        check(all(isinstance(p["start_time"], int) and p["start_time"] > 0 for p in procs),
              f"start times: {procs}")
        # 40 pairs: listener + 40 clients + 40 accepted (twice: --dup) in the
        # sockpair, the accepted ones twice more in its fork; fdhide's three
        eq(len(links), 1 + 40 + 80 + 80 + 3, "holder links")
        eq(sorted(x[2] for x in links if x[1] == f.pid), sorted(f.info["fds"].values()),
           "fdhide's fds (one in the thread's own table)")
    finally:
        h.stop()
        f.stop()
    after = bpf_objects()
    if before is None:
        return "bpftool not installed: leftover BPF objects not checked"
    eq(after[0], set(), "programs named sockmem_owners after the runs")
    eq(after[1] - before[1], set(), "iter links left after the runs")
    return None


def walk_owners(threads, pids, prefix=()):
    """sockets -j and top -j by the /proc walk on THREADS (a list of
    arguments): each socket's holders among pids (inode -> sorted (pid, fd,
    comm)), the groups of pids, owners_scan; and the threads --stats says
    ran."""
    args = ["--owner-walk", "proc", *threads]
    socks = sm_json(["sockets", *args], prefix=prefix)
    holders = {}
    for s in socks["sockets"]:
        mine = sorted((o["pid"], o["fd"], o["comm"]) for o in s.get("owners") or []
                      if o["pid"] in pids)
        if mine:
            holders[s["inode"]] = mine
    top = sm_json(["top", *args], prefix=prefix)
    groups = sorted((g for g in top["groups"] if g["pid"] in pids), key=lambda g: g["pid"])
    r = sm(["top", "-o", "tsv", "--stats", *args], prefix=prefix)
    m = re.search(r"^sockmem: stats: /proc/\[pid\]/fd walk threads: (\d+)$", r.stderr, re.M)
    check(r.returncode == 0 and m, f"--stats {' '.join(args)}: {r.stderr!r}")
    return holders, groups, socks["owners_scan"], int(m.group(1))


def t_walk_threads_same_owners():
    """The /proc walk on several threads finds what the single walk finds:
    the same holders (pid, fd, name) of the same sockets and the same groups,
    for helpers made here (sockpairs sharing sockets with a fork and through
    two fds, an fdhide thread with its own table and a zombie leader), on the
    host's /proc; and the same counts too in a PID namespace of its own,
    where nothing else comes or goes."""
    # the default for top, which folds the sockets after the walk: the
    # CPUs, 1 to 8 (beside a dump that keeps every socket: the CPUs but one)
    default = max(1, min(len(os.sched_getaffinity(0)), os.cpu_count() or 1, 8))
    hs, fs = [], []
    try:
        for i in range(4):
            hs.append(Helper("--pairs", "25", *(["--share", "--dup"] if i % 2 else []),
                             "--unread", "100"))
        fs += [FdHide("unshare", 3000), FdHide("zombie", 3000)]
        # the zombie leader's namespace is dumped from inside (it has no
        # /proc/PID/ns to be found by), its sockets held through its thread
        zpids = {fs[1].pid}
        zone = walk_owners(["--walk-threads", "1"], zpids, prefix=fs[1].prefix)
        eq(sorted(x[1] for v in zone[0].values() for x in v),
           sorted(fs[1].info["fds"].values()), "the zombie leader's fds")
        for threads in ([], ["--walk-threads", "8"]):
            got = walk_owners(threads, zpids, prefix=fs[1].prefix)
            eq(got[:2], zone[:2], f"zombie leader, {' '.join(threads) or 'default'}: owners")
        pids = {h.pid for h in hs} | {h.share_pid for h in hs if h.share_pid} | {fs[0].pid}
        one = walk_owners(["--walk-threads", "1"], pids)
        eq(one[3], 1, "--walk-threads 1: threads that ran")
        # the holders are found at all: 4 listeners, 100 clients, 100
        # accepted sockets (the 50 of 2 helpers through 4 fds: --dup, and
        # both in the --share fork) and the unshared fdhide's 3
        eq(len(one[0]), 4 + 100 + 100 + 3, "sockets held by the helpers")
        eq(sum(len(v) for v in one[0].values()), 4 + 100 + 50 + 50 * 4 + 3,
           "holder links of the helpers")
        eq(sorted(g["pid"] for g in one[1]), sorted(pids), "top -j groups of the helpers")
        for threads, want in (([], default), (["--walk-threads", "8"], 8),
                              (["--walk-threads", "2"], 2), (["--walk-threads", "3"], 3)):
            got = walk_owners(threads, pids)
            what = " ".join(threads) or "the default thread count"
            eq(got[3], want, f"{what}: threads that ran")
            eq(got[0], one[0], f"{what}: holders vs --walk-threads 1")
            eq(got[1], one[1], f"{what}: top -j groups vs --walk-threads 1")
    finally:
        for h in hs + fs:
            h.stop()
    # a PID namespace: every process in it is ours, so owners_scan's counts
    # (processes scanned, thread tables) must match too
    ns = FdHide("unshare", 3000, pidns=True)
    extra = []
    try:
        for i in range(3):
            ready = nextname("nshelper") + ".json"
            p = subprocess.Popen([*ns.prefix, SOCKPAIR, "--pairs", "10", "--share", "--dup",
                                  "--ready-file", ready, "--timeout", str(HELPER_TIMEOUT)],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            PROCS.append(p)
            extra.append(p)
            deadline = time.monotonic() + 20
            while not os.path.exists(ready):
                check(p.poll() is None and time.monotonic() < deadline,
                      "sockpair in the PID namespace did not become ready")
                time.sleep(0.02)
        allpids = set(range(1, 1 << 22))
        one = walk_owners(["--walk-threads", "1"], allpids, prefix=ns.prefix)
        # fdhide (3 sockets, one in its thread's table) and 3 sockpairs of 21
        # sockets, their accepted ones twice (--dup) and twice more (--share)
        eq(sum(len(v) for v in one[0].values()), 3 + 3 * (1 + 10 + 2 * 10 + 2 * 10),
           "holder links in the PID namespace")
        eq(one[2]["task_tables"], 1, "fdhide's thread table")
        for threads in ([], ["--walk-threads", "2"], ["--walk-threads", "8"]):
            got = walk_owners(threads, allpids, prefix=ns.prefix)
            what = "PID namespace, " + (" ".join(threads) or "the default thread count")
            # 8 processes or more: fdhide, 3 sockpairs and their forks, sockmem
            eq(got[3], int(threads[1]) if threads else default, f"{what}: threads that ran")
            eq(got[:3], one[:3], f"{what}: holders, groups, owners_scan vs --walk-threads 1")
    finally:
        ns.stop()  # its pid 1: the kernel ends every process in it
        for p in extra:
            kill_proc(p)


def special_groups(top):
    return {g.get("category"): g for g in top["groups"] if g["pid"] is None}


def tsv_top_rows(text, what):
    lines = text.splitlines()
    head = lines[0].split("\t")
    eq(head[:3], ["pid", "comm", "uid"], f"{what}: header")
    return [dict(zip(head, ln.split("\t"))) for ln in lines[1:]]


def t_owners_in_flight():
    h = FdHide("inflight", 9000, pidns=True)
    try:
        socks = sm_json(["sockets"], prefix=h.prefix)
        recs = h.by_inode(socks)
        srv = recs["server"]
        eq(srv["owners"], [], "owners of the socket in flight")
        eq(srv["recv_q"], 9000, "recv_q of the socket in flight")
        check(srv["skmem"]["r"] >= 9000 and srv["charged_bytes"] > 0,
              f"the socket in flight holds memory: {srv['skmem']}, {srv['charged_bytes']}")
        for k in ("listen", "client"):
            eq(recs[k]["owners"], [{"pid": 1, "comm": "fdhide", "fd": h.info["fds"][k]}],
               f"owners of the {k} socket")
        top = sm_json(["top"], prefix=h.prefix)
        sp = special_groups(top)
        eq(sorted(sp), ["no_descriptor"], "rows without a process")
        sc = top["owners_scan"]
        eq((sc["procs_denied"], sc.get("procs_incomplete")), (0, 0), "a complete walk as root")
        eq(strip_group(sp["no_descriptor"]), sums_of([srv]),
           "the no-descriptor row = exactly the socket in flight")
        eq(strip_group(group_of(top, 1)), sums_of([recs["listen"], recs["client"]]),
           "the helper's row = its listener and client")
        tsv = sm(["top", "-o", "tsv"], prefix=h.prefix)
        eq((tsv.returncode, tsv.stderr), (0, ""), "top -o tsv exit, stderr")
        rows = [r for r in tsv_top_rows(tsv.stdout, "top -o tsv") if r["pid"] == ""]
        eq([(r["comm"], r["sockets"], r["charged_bytes"]) for r in rows],
           [("(no visible descriptor)", "1", str(srv["charged_bytes"]))], "tsv rows without a pid")
        tbl = sm(["top", "-n"], prefix=h.prefix)
        eq(tbl.returncode, 0, "top (table) exit")
        check(re.search(r"^\s+- \(no visible descriptor\)\s+-\s+1\s", tbl.stdout, re.M),
              f"table row for the socket in flight:\n{tbl.stdout}")
        check("could not be inspected" not in tbl.stdout, "table claims uninspected processes")

        # Without root the helper's fds cannot be read: nothing may be claimed
        # held by no descriptor; every one of its sockets is "not attributed".
        nob = [*h.prefix, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        top = sm_json(["top"], prefix=nob, allow_stderr=True)
        eq(top["owners_scan"]["procs_denied"], 1, "procs_denied as nobody")
        sp = special_groups(top)
        eq(sorted(sp), ["not_attributed"], "rows without a process, as nobody")
        eq(strip_group(sp["not_attributed"]), sums_of(socks["sockets"]),
           "not attributed = all three sockets")
        tsv = sm(["top", "-o", "tsv"], prefix=nob)
        eq(tsv.returncode, 0, "top -o tsv as nobody exit")
        rows = [r for r in tsv_top_rows(tsv.stdout, "top -o tsv (nobody)") if r["pid"] == ""]
        eq([(r["comm"], r["sockets"]) for r in rows],
           [("(not attributed: 1 processes not inspected)", "3")], "tsv rows as nobody")
        tbl = sm(["top"], prefix=nob)
        check("(not attributed: 1 processes not inspected)" in tbl.stdout
              and "count under (not attributed)" in tbl.stdout,
              f"table as nobody:\n{tbl.stdout}")
    finally:
        h.stop()


def t_owners_read_error():
    """A failed getdents64 inside a process's fd listing: exit 0, visibly partial."""
    if not shutil.which("strace"):
        return "skipped: no strace"
    # LeakSanitizer cannot run under ptrace; the other checks of an ASan build can
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    h = FdHide("inflight", 3000, pidns=True)
    try:
        # Inside the namespace /proc lists pid 1 (the helper) first: in the
        # single walk (--walk-threads 1), which reads each process as it lists
        # /proc, getdents64 call 1 reads /proc, call 2 the helper's fd
        # directory (strace counts per thread; the walk has one of its own).
        st = [*h.prefix, "strace", "-f", "-o", "/dev/null", "-e",
              "inject=getdents64:error=EIO:when=2"]
        warn = ("sockmem: /proc/[pid]/fd walk: 1 processes not fully read (read errors); "
                "their sockets are not attributed\n")
        one = ["--owner-walk", "proc", "--walk-threads", "1"]
        r = sm(["top", "-j", *one], prefix=st, env=env)
        eq((r.returncode, r.stderr), (0, warn), "top -j with EIO: exit, stderr")
        top = parse_json(r.stdout, "top -j with EIO")
        eq(top["owners_scan"]["procs_incomplete"], 1, "owners_scan.procs_incomplete")
        sp = special_groups(top)
        eq(sorted(sp), ["not_attributed"], "rows without a process")
        eq(sp["not_attributed"]["sockets"], 3, "not attributed: the helper's 3 sockets")
        check(group_of(top, 1) is None, "the helper has a row although its fds were not read")
        r = sm(["top", "-o", "tsv", *one], prefix=st, env=env)
        eq((r.returncode, r.stderr), (0, warn), "top -o tsv with EIO: exit, stderr")
        check("\t(not attributed: 1 processes not inspected)\t" in r.stdout, f"tsv:\n{r.stdout}")
        r = sm(["top", *one], prefix=st, env=env)
        check(r.returncode == 0 and "(1 read errors)" in r.stdout, f"table:\n{r.stdout}")
        r = sm(["sockets", "-o", "tsv", *one], prefix=st, env=env)
        eq((r.returncode, r.stderr), (0, warn), "sockets -o tsv with EIO: exit, stderr")
        # the threaded walk lists /proc whole first, so the helper's fd
        # directory is named: its first read fails, in whichever thread
        for threads in ([], ["--walk-threads", "4"]):
            mt = [*h.prefix, "strace", "-f", "-o", "/dev/null", "-P", "/proc/1/fd", "-e",
                  "inject=getdents64:error=EIO:when=1"]
            r = sm(["top", "-j", "--owner-walk", "proc", *threads], prefix=mt, env=env)
            what = f"top -j {' '.join(threads) or '(default threads)'} with EIO"
            eq((r.returncode, r.stderr), (0, warn), f"{what}: exit, stderr")
            top = parse_json(r.stdout, what)
            eq(top["owners_scan"]["procs_incomplete"], 1, f"{what}: procs_incomplete")
            eq(special_groups(top)["not_attributed"]["sockets"], 3, f"{what}: not attributed")
            check(group_of(top, 1) is None, f"{what}: the helper has a row")
        # the /proc listing itself failing is not a partial answer: exit 1
        r = sm(["top"], prefix=[*h.prefix, "strace", "-f", "-o", "/dev/null", "-e",
                                 "inject=getdents64:error=EIO:when=1"], env=env)
        eq((r.returncode, r.stdout), (1, ""), "EIO listing /proc: exit, stdout")
        eq(r.stderr, "sockmem: /proc/[pid]/fd walk: Input/output error\n", "EIO listing /proc")
    finally:
        h.stop()


def t_owners_few_fds():
    """Out of descriptors: one line and exit 1, never everything under (no process)."""
    fixture("v4")
    for args in (["top"], ["top", "-o", "tsv"], ["sockets", "-j"], ["report", "-j"]):
        r = run(["sh", "-c", 'ulimit -n 7 && exec "$0" "$@"', SOCKMEM, *args])
        what = f"ulimit -n 7; sockmem {' '.join(args)}"
        eq((r.returncode, r.stdout), (1, ""), f"{what}: exit, stdout")
        check(re.fullmatch(r"sockmem: [^\n]+: Too many open files\n", r.stderr),
              f"{what}: stderr {r.stderr!r}")



# ------------------------------------------------------------ watch and diff

NETCTL = os.path.join(REPO, "tests", "integration", "netctl.py")


class NetCtl:
    """tests/integration/netctl.py in a network namespace of its own:
    connections the test opens, fills and closes between samples."""

    def __init__(self):
        self.p = subprocess.Popen(["unshare", "-n", sys.executable, NETCTL, "--timeout",
                                   str(HELPER_TIMEOUT)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        PROCS.append(self.p)
        self.pid = self.read()["pid"]
        eq(self.pid, self.p.pid, "netctl pid (unshare execs it)")
        self.pre = ["nsenter", "-t", str(self.pid), "-n"]

    def read(self, timeout=20):
        ready, _, _ = select.select([self.p.stdout], [], [], timeout)
        line = self.p.stdout.readline() if ready else ""
        if not line:
            kill_proc(self.p)
            raise Fail(f"netctl: no answer ({self.p.stderr.read().strip()[:300]!r})")
        return json.loads(line)

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.read()

    def stop(self):
        kill_proc(self.p)


def read_doc(p, what, timeout=15):
    """The next JSON Lines document of a running watch."""
    ready, _, _ = select.select([p.stdout], [], [], timeout)
    line = p.stdout.readline() if ready else ""
    if not line:
        kill_proc(p)
        raise Fail(f"{what}: no record within {timeout}s (exit {p.poll()}, "
                   f"stderr {p.stderr.read()[:300]!r})")
    check(line.endswith("}\n") and line.count("\n") == 1, f"{what}: not one line per document")
    return parse_json(line, what, unique_keys=True)


def check_rates(prev, cur, what):
    """delta = the documents' own values' change (null when a counter went
    down), rate = delta / seconds exactly; returns the counters that moved."""
    d = cur["delta"]
    secs = d["seconds"]
    eq(secs, round(cur["elapsed_s"] - prev["elapsed_s"], 3), f"{what}: seconds")
    check(secs > 0, f"{what}: seconds {secs}")
    mp = (cur["system"]["sockstat"]["mem_pages"], prev["system"]["sockstat"]["mem_pages"])
    eq(d["mem_pages"], None if None in mp else mp[0] - mp[1], f"{what}: mem_pages")
    moved = []
    eq(set(d["tcpext"]), set(cur["system"]["tcpext"]), f"{what}: tcpext names")
    for name, new in cur["system"]["tcpext"].items():
        old = prev["system"]["tcpext"][name]
        want = None if old is None or new is None or new < old else new - old
        eq(d["tcpext"][name], want, f"{what}: tcpext.{name}")
        eq(d["tcpext_per_s"][name], None if want is None else want / secs,
           f"{what}: tcpext_per_s.{name} (delta {want} / {secs} s)")
        if want:
            moved.append(name)
    return moved


def delta_group(doc, pid):
    g = [x for x in doc["delta"]["groups"] if x.get("pid") == pid]
    check(len(g) == 1, f"sample {doc['sample']}: {len(g)} delta groups of pid {pid}")
    return g[0]


def t_watch_records():
    """watch 0.2 5 -o json in a private namespace: 5 one-line documents on a
    steady cadence; every rate is its delta over the document's seconds,
    exactly; the mover is the socket the test queued 50000 bytes to, with its
    SO_MEMINFO r; opened and closed count the sockets the test opened and
    closed between samples; a flood into a buffer shrunk after its window
    opened makes the kernel prune (the counters move)."""
    n = NetCtl()
    p = None
    try:
        a = n.cmd("open 3")
        small = n.cmd("open 1")["conns"][0]
        p = subprocess.Popen([*n.pre, SOCKMEM, "watch", "0.2", "5", "-o", "json"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        PROCS.append(p)
        docs = [read_doc(p, "watch sample 1")]
        sent = n.cmd(f"send {a['conns'][0]['id']} 50000")
        n.cmd("open 2")          # a listener and 2 pairs: 5 sockets
        docs.append(read_doc(p, "watch sample 2"))
        n.cmd(f"close {a['conns'][1]['id']}")    # 2 sockets
        docs.append(read_doc(p, "watch sample 3"))
        n.cmd(f"shrink {small['id']} 4096")
        n.cmd(f"flood {small['id']} 0.05")
        docs.append(read_doc(p, "watch sample 4"))
        docs.append(read_doc(p, "watch sample 5"))
        out, err = p.communicate(timeout=10)
        # on a loaded machine a sample may outlast 0.2 s: watch says so, one
        # line per late sample, and goes on at the next tick
        late = re.compile(r"sockmem: watch: sample \d+ took \d+ ms, longer than the interval "
                          r"of 200 ms; the next one is taken at the next tick")
        other = [ln for ln in err.splitlines() if not late.fullmatch(ln)]
        eq((p.returncode, out, other), (0, "", []), "watch after 5 samples: exit, more output, stderr")
        moved = []
        for k, d in enumerate(docs, 1):
            what = f"watch sample {k}"
            eq((d["command"], d["sample"], d["interval_s"]), ("watch", k, 0.2), what)
            # the report document's members are all there
            check({"system", "groups", "totals", "findings", "by"} <= set(d), f"{what}: members")
            # steady cadence: sample k is taken at (k-1) x 0.2 s, give or take
            check(abs(d["elapsed_s"] - 0.2 * (k - 1)) < 0.15,
                  f"{what}: elapsed_s {d['elapsed_s']}")
            if k == 1:
                eq((d["elapsed_s"], d["delta"]), (0, None), "sample 1: elapsed_s, delta")
                continue
            moved += check_rates(docs[k - 2], d, what)
            # delta.groups: the same groups, same order, as "groups"
            eq([(g.get("pid"), g["charged_bytes"], g["sockets"]) for g in d["delta"]["groups"]],
               [(g.get("pid"), g["charged_bytes"], g["sockets"]) for g in d["groups"]],
               f"{what}: delta.groups against groups")
            for g in d["delta"]["groups"]:
                eq(g["charged_bytes_per_s"], g["charged_bytes_delta"] / d["delta"]["seconds"],
                   f"{what}: group {g.get('pid')} charged_bytes_per_s")
        srv = sent["server"]
        m = docs[1]["delta"]["movers"]
        check(m, "sample 2: no movers")
        eq((m[0]["cookie"], m[0]["pid"], m[0]["r"], m[0]["r_delta"]),
           (srv["cookie"], n.pid, srv["r"], srv["r"]),
           "sample 2: first mover (cookie, pid, r, r_delta) = the socket 50000 bytes were queued to")
        check(srv["r"] >= 50000, f"SO_MEMINFO r {srv['r']} below the 50000 bytes queued")
        g2, g3 = delta_group(docs[1], n.pid), delta_group(docs[2], n.pid)
        eq((g2["opened"], g2["closed"]), (5, 0), "sample 2: opened, closed (listener + 2 pairs)")
        eq((g3["opened"], g3["closed"]), (0, 2), "sample 3: opened, closed (one pair)")
        g1 = [g for g in docs[0]["groups"] if g.get("pid") == n.pid][0]
        eq(g2["charged_bytes_delta"], g2["charged_bytes"] - g1["charged_bytes"],
           "sample 2: charged_bytes_delta")
        check(moved, "no counter moved in 5 samples: the rates were all 0")
        return f"counters moved: {sorted(set(moved))}"
    finally:
        if p:
            kill_proc(p)
        n.stop()


def t_diff_tcp_rmem():
    """diff around a tcp_rmem change in a private namespace: exactly the
    sockets opened after it are listed as opened, with the new default rb;
    no socket in both changed rb (SO_RCVBUF-locked ones included); the
    sysctl change itself, old -> new; table and TSV say the same."""
    n = NetCtl()
    try:
        n.cmd("open 2")
        locked = n.cmd("open 1 20000")
        old = nextname("diff-old") + ".json"
        new = nextname("diff-new") + ".json"
        take_snapshot(old, n.pre)
        with open("/proc/sys/net/ipv4/tcp_rmem") as f:
            host_rmem = f.read()
        run([*n.pre, "sysctl", "-q", "-w", "net.ipv4.tcp_rmem=4096 65536 6291456"])
        with open("/proc/sys/net/ipv4/tcp_rmem") as f:
            eq(f.read(), host_rmem, "host tcp_rmem unchanged by the namespace's")
        after = n.cmd("open 2")
        time.sleep(1.1)                       # NEW's time is a later second
        take_snapshot(new, n.pre)
        r = sm(["diff", old, new, "-j"])
        eq((r.returncode, r.stderr), (0, ""), "diff -j: exit, stderr")
        d = parse_json(r.stdout, "diff -j", unique_keys=True)
        eq(d["command"], "diff", "diff: command")
        ns = [x for x in d["sysctls"]]
        eq([(x["sysctl"], x["old"][1], x["new"]) for x in ns],
           [("net.ipv4.tcp_rmem", 131072, [4096, 65536, 6291456])], "diff: sysctls changed")
        check(ns[0]["netns"], "diff: tcp_rmem change without its namespace")
        want = {after["listener"]["cookie"]}
        for c in after["conns"]:
            want |= {c["client"]["cookie"], c["server"]["cookie"]}
        opened = [s for s in d["sockets"] if s["change"] == "opened"]
        eq(sorted(s["cookie"] for s in opened), sorted(want), "diff: the opened sockets")
        eq(d["socket_counts"]["opened"], 5, "socket_counts.opened")
        eq(d["socket_counts"]["closed"], 0, "socket_counts.closed")
        for s in opened:
            if s["state"] == "ESTAB":
                eq((s["rb"], s["rb_is"], s["rb_old"]), (65536, "default", None),
                   f"opened socket {s['cookie']}: rb, rb_is, rb_old")
        eq(d["socket_counts"]["opened_rb_min"], 65536, "opened_rb_min")
        eq(d["socket_counts"]["opened_rb_max"], 65536, "opened_rb_max")
        changed = [s for s in d["sockets"] if s["change"] == "changed"]
        eq((changed, d["socket_counts"]["rb_changed"]), ([], 0),
           "sockets in both whose rb changed (a sysctl change does not reach them)")
        eq(d["socket_counts"]["common"], 1 + 4 + 1 + 2, "sockets in both")
        # the locked pair (2 x 20000 = 40000 < the new default): its window
        # scale shows the lock; its listener has none, so it is only outside
        # the range, like the autotuned sockets would be after a max change
        eq(d["socket_counts"]["locked"], 2, "socket_counts.locked (SO_RCVBUF 20000)")
        eq(d["socket_counts"]["outside"], 1, "socket_counts.outside (the listener)")
        eq(d["socket_counts"]["old_rb_max"], 131072, "old_rb_max")
        eq(d["socket_counts"]["old_rb_min"], 40000, "old_rb_min (the locked ones)")
        eq(locked["conns"][0]["server"]["rb"], 40000, "SO_RCVBUF 20000 gives rb 40000")
        # TSV and table carry the same socket lists
        t = sm(["diff", old, new, "-o", "tsv"])
        eq((t.returncode, t.stderr), (0, ""), "diff -o tsv: exit, stderr")
        blocks = t.stdout.split("\n\n")
        eq(len(blocks), 6, "diff -o tsv: blocks")
        rows = [ln.split("\t") for ln in blocks[4].strip("\n").split("\n")]
        hdr = rows[0]
        got = sorted(int(x[hdr.index("cookie")]) for x in rows[1:] if x[0] == "opened")
        eq(got, sorted(want), "diff -o tsv: opened cookies")
        tb = sm(["diff", old, new])
        eq((tb.returncode, tb.stderr), (0, ""), "diff (table): exit, stderr")
        check("net.ipv4.tcp_rmem" in tb.stdout and " ".join(host_rmem.split()) in tb.stdout
              and "4096 65536 6291456" in tb.stdout, f"diff table:\n{tb.stdout}")
        # NEW defaults to now: the same namespace, collected live
        r = sm(["diff", old, "-j"], prefix=n.pre)
        eq((r.returncode, r.stderr), (0, ""), "diff OLD (live NEW): exit, stderr")
        live = parse_json(r.stdout, "diff OLD -j")
        eq((live["new"]["file"], live["socket_counts"]["opened"]), (None, 5), "diff OLD (live)")
        return f"{len(opened)} opened, {d['socket_counts']['common']} in both"
    finally:
        n.stop()


def t_diff_refusals():
    """Every diff refusal: exit 2, one line on stderr, nothing on stdout."""
    fixture("v4")
    old, new = nextname("r-old") + ".json", nextname("r-new") + ".json"
    take_snapshot(old)
    time.sleep(1.1)
    take_snapshot(new)
    with open(new) as f:
        text = f.read()
    doc = json.loads(text)
    boot = doc["boot_id"]
    other_boot = boot[:-4] + ("0000" if not boot.endswith("0000") else "1111")
    top = sm(["top", "-j"]).stdout
    cases = []

    def case(name, body):
        path = nextname(name) + ".json"
        with open(path, "w") as fh:
            fh.write(body)
        return path

    cases = [
        ([case("notjson", "hello\n")], "not JSON: "),
        ([case("trunc", text[:len(text) // 2])], "truncated: "),
        ([case("newer", text.replace('"sockmem/1"', '"sockmem/2"', 1))],
         "written by a newer sockmem (schema major above 1"),
        ([case("top", top)], 'a sockmem "top" document, not a snapshot'),
    ]
    for files, want in cases:
        for argv, path in ((["diff", files[0], new], files[0]), (["diff", old, files[0]], files[0])):
            r = sm(argv)
            what = " ".join(argv)
            eq((r.returncode, r.stdout), (2, ""), f"{what}: exit, stdout")
            check(r.stderr.startswith(f"sockmem: {path}: {want}") and r.stderr.count("\n") == 1,
                  f"{what}: stderr {r.stderr!r}")
    boot2 = case("boot", text.replace(f'"boot_id":"{boot}"', f'"boot_id":"{other_boot}"', 1))
    host2 = case("host", text.replace(f'"boot_id":"{boot}"', f'"boot_id":"{other_boot}"', 1)
                 .replace(f'"hostname":{json.dumps(doc["host"]["hostname"])}',
                          '"hostname":"elsewhere"', 1))
    noboot = case("noboot", text.replace(f'"boot_id":"{boot}"', '"boot_id":null', 1))
    for argv, msg in (
            (["diff", old, boot2], f"sockmem: diff: NEW {boot2} is from another boot than OLD "
                                   "(socket cookies are unique only within one boot)\n"),
            (["diff", old, host2], f"sockmem: diff: NEW {host2} is from another host than OLD\n"),
            (["diff", new, old], f"sockmem: diff: NEW {old} is older than OLD\n"),
            (["diff", old, noboot], f"sockmem: diff: NEW {noboot} has no boot_id, so it cannot "
                                    "be told to be from the same boot\n"),
            (["diff", noboot, new], f"sockmem: diff: OLD {noboot} has no boot_id, so it cannot "
                                    "be told to be from the same boot\n"),
            (["diff", old, "/nonexistent/x.json"],
             "sockmem: /nonexistent/x.json: No such file or directory\n"),
            (["diff"], None), (["diff", old, new, new], None), (["diff", old, "--from", new], None)):
        r = sm(argv)
        what = " ".join(argv)
        eq((r.returncode, r.stdout), (2, ""), f"{what}: exit, stdout")
        if msg:
            eq(r.stderr, msg, f"{what}: stderr")
    # the same files the other way round are fine
    r = sm(["diff", old, new])
    eq((r.returncode, r.stderr), (0, ""), "diff old new: exit, stderr")


def t_watch_signals():
    """SIGINT/SIGTERM end watch cleanly: records whole, exit 0 after a
    sample, stderr silent but for overruns; TSV rows carry sample and time."""
    fixture("v4")
    overrun = re.compile(r"sockmem: watch: sample \d+ took \d+ ms, longer than the interval of "
                         r"\d+ ms; the next one is taken at the next tick")
    for sig in (signal.SIGINT, signal.SIGTERM):
        p = subprocess.Popen([SOCKMEM, "watch", "0.1", "-j"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        PROCS.append(p)
        try:
            read_doc(p, "watch before the signal")
            time.sleep(0.3)
            p.send_signal(sig)
            out, err = p.communicate(timeout=10)
        finally:
            kill_proc(p)
        eq(p.returncode, 0, f"watch after {sig.name}: exit")
        eq([ln for ln in err.splitlines() if not overrun.fullmatch(ln)], [],
           f"watch after {sig.name}: stderr besides overruns")
        for k, line in enumerate(out.splitlines(), 2):
            eq(parse_json(line + "\n", f"record after {sig.name}")["sample"], k,
               f"{sig.name}: record {k}")
    # TSV: header once, sample and time columns
    r = sm(["watch", "0.05", "3", "-o", "tsv"])
    eq(r.returncode, 0, "watch -o tsv: exit")
    lines = r.stdout.splitlines()
    eq(lines[0].split("\t")[:4], ["sample", "time", "pid", "comm"], "watch tsv header")
    eq(sum(1 for ln in lines if ln.startswith("sample\t")), 1, "watch tsv: one header")
    eq(sorted({ln.split("\t")[0] for ln in lines[1:]}), ["1", "2", "3"], "watch tsv samples")


def tmux_run(sock, script, width=120, height=40):
    run(["tmux", "-L", sock, "new-session", "-d", "-x", str(width), "-y", str(height), script])


def tmux_capture(sock):
    return run(["tmux", "-L", sock, "capture-pane", "-p"]).stdout


def t_watch_screen():
    """The live screen in a real terminal (tmux): drawn in place, redrawn
    after a resize, q and Ctrl-C quit with exit 0 and the terminal's
    settings restored, the alternate screen left."""
    if not shutil.which("tmux"):
        return "skipped: no tmux"
    fixture("v4")
    shots = []
    for key in ("q", "C-c"):
        sock = f"smtest-{os.getpid()}-{key}"
        d = nextname("tmux")
        os.makedirs(d)
        script = (f"stty -a > {d}/before; {SOCKMEM} watch 0.2; echo $? > {d}/rc; "
                  f"stty -a > {d}/after; sleep 30")
        try:
            tmux_run(sock, script)
            deadline = time.monotonic() + 15
            pane = ""
            while time.monotonic() < deadline and "sample 3 " not in pane:
                time.sleep(0.1)
                pane = tmux_capture(sock)
            lines = pane.split("\n")
            check(lines[0].startswith("sockmem watch  host ") and "sample 3 " in lines[0],
                  f"first line of the screen: {lines[0]!r}")
            check(lines[1].startswith("TCP memory  ") and lines[2].strip().startswith("["),
                  f"memory and gauge lines:\n{pane}")
            check("PID COMM" in pane and "CHARGED" in pane, f"groups table:\n{pane}")
            check(all(len(ln) <= 120 for ln in lines), "a line wider than the pane")
            shots.append(pane)
            run(["tmux", "-L", sock, "resize-window", "-x", "70", "-y", "20"])
            time.sleep(0.5)
            pane = tmux_capture(sock)
            check(pane.startswith("sockmem watch") and all(len(ln) <= 70 for ln in pane.split("\n")),
                  f"after resizing to 70x20:\n{pane}")
            run(["tmux", "-L", sock, "send-keys", key])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not os.path.exists(f"{d}/after"):
                time.sleep(0.1)
            time.sleep(0.2)
            with open(f"{d}/rc") as f:
                eq(f.read().strip(), "0", f"watch exit after {key}")
            with open(f"{d}/before") as f1, open(f"{d}/after") as f2:
                b, a = f1.read(), f2.read()
            # the size changed on purpose; every mode flag must be back
            eq(a.split("\n", 1)[1], b.split("\n", 1)[1], f"stty -a after {key}")
            pane = tmux_capture(sock)
            check("sockmem watch" not in pane, f"the screen stayed after {key}:\n{pane}")
        finally:
            run(["tmux", "-L", sock, "kill-server"])
    return f"{len(shots)} sessions"

# ------------------------------------------------------------------ plot

def plot_recording(n=24):
    """A watch recording written by hand after WATCH_FORMAT: known values,
    a hostile comm, a group that leaves, a null rate, pressure in the middle."""
    docs = []
    for i in range(1, n + 1):
        press = 10 <= i <= 14
        groups = []
        for k, comm in enumerate(["nginx", "<b>&\"x\"\u0001</b>", "redis", "java", "sshd",
                                  "tiny", "node"]):
            if comm == "redis" and i > 18:
                continue        # gone: absent, not 0
            groups.append({"pid": 100 + k, "comm": comm, "uid": 0, "category": None,
                           "start_time": 5000 + k, "sockets": 2,
                           "charged_bytes": (7 - k) * 65536 * i + (k == 6) * 3 * 2**20})
        rates = {"PruneCalled": 2.5 if press else 0.0,
                 "TCPRcvCollapsed": round(i * 0.37, 3),
                 "TCPRcvQDrop": 0.0,            # never moves: not drawn
                 "TCPWantZeroWindowAdv": None if i == 6 else float(i % 5)}
        docs.append({
            "schema": "sockmem/1", "command": "watch",
            "host": {"hostname": "web&<1>", "kernel": "6.1.0-plot", "page_size": 4096,
                     "time": f"2026-11-30T10:{i // 60:02d}:{i % 60:02d}Z", "ncpu": 2},
            "system": {"sockstat": {"mem_pages": 1500 + 90 * i + (400 if press else 0)},
                       "tcp_mem": {"low_pages": 2500, "pressure_pages": 3500,
                                   "high_pages": 6000 if i < 12 else 6100},
                       "pressure": press, "tcpext": {}},
            "by": "process", "groups": groups, "totals": {}, "findings": [],
            "sample": i, "elapsed_s": round((i - 1) * 0.5, 3), "interval_s": 0.5,
            "delta": None if i == 1 else {"seconds": 0.5, "tcpext_per_s": rates},
            "unknown_future_member": {"x": [1]}})
    return docs


def svg_panels(root):
    ns = "{http://www.w3.org/2000/svg}"
    out = []
    for g in root.iter(ns + "g"):
        if g.get("class") == "panel":
            out.append(g)
    return ns, out


def check_path_values(ns, panel, path, want_i, want_v, what):
    """data-i/data-v are the recording's; and the drawn points, read back
    through the panel's scale, are those values."""
    eq(path.get("data-i").split(), [str(i) for i in want_i], f"{what}: data-i")
    got_v = path.get("data-v").split()
    eq([float(v) for v in got_v], [float(v) for v in want_v], f"{what}: data-v")
    x0, x1, t1 = (float(panel.get(k)) for k in ("data-x0", "data-x1", "data-t1"))
    y0, y1, v1 = (float(panel.get(k)) for k in ("data-y0", "data-y1", "data-v0"))
    pts = re.findall(r"([ML])(-?[\d.]+) (-?[\d.]+)", path.get("d"))
    eq(len(pts), len(want_v), f"{what}: points drawn")
    tol_v = 0.006 * v1 / (y1 - y0)
    tol_t = 0.006 * t1 / (x1 - x0)
    for (op, x, y), v, i in zip(pts, want_v, want_i):
        val = (y1 - float(y)) / (y1 - y0) * v1
        t = (float(x) - x0) / (x1 - x0) * t1
        check(abs(val - float(v)) <= tol_v, f"{what}: point {i} drawn at {val}, value {v}")
        check(abs(t - (i * 0.5)) <= tol_t, f"{what}: point {i} drawn at t={t}")


def t_plot_recording():
    """plot draws a hand-built recording: valid, self-contained XML whose
    lines hold exactly the recording's values; rendered to PNG by rsvg-convert."""
    import xml.etree.ElementTree as ET
    docs = plot_recording()
    path = nextname("rec") + ".jsonl"
    with open(path, "w") as fh:
        for d in docs:
            fh.write(json.dumps(d, separators=(",", ":")) + "\n")
    r = sm(["plot", path])
    eq((r.returncode, r.stderr), (0, ""), "plot: exit and stderr")
    with open(path) as fh:
        r_san = subprocess.run([SAN, "plot", "-", "-o", "svg"], stdin=fh, capture_output=True,
                               text=True, timeout=CMD_TIMEOUT)
    eq((r_san.returncode, r_san.stderr), (0, ""), "plot under ASan: exit and stderr")
    eq(r_san.stdout, r.stdout, "the sanitizer build draws the same bytes")
    svg = r.stdout
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as e:
        raise Fail(f"plot's SVG is not well-formed XML: {e}")
    ns, panels = svg_panels(root)
    eq(root.tag, ns + "svg", "root element")
    eq((root.get("width"), root.get("height")), ("1200", "800"), "size")
    # self-contained: no scripts, links, images, foreign content or url()
    for el in root.iter():
        tag = el.tag.replace(ns, "")
        check(tag not in ("script", "image", "foreignObject", "a", "use", "style"),
              f"element {tag}")
        for k, v in el.attrib.items():
            check("href" not in k and "url(" not in v and not k.startswith("on"),
                  f"attribute {k}={v!r}")
    texts = ["".join(t.itertext()) for t in root.iter(ns + "text")]
    check(any("web&<1>" in t for t in texts), f"hostname in the title: {texts[:3]}")
    check(any("6.1.0-plot" in t and "2026-11-30T10:00:01Z to 2026-11-30T10:00:24Z" in t
              for t in texts), "kernel and time range in the subtitle")
    check(any(t.startswith('<b>&"x"\\x01</b> [101]') for t in texts),
          "the hostile comm is shown escaped, as text")
    eq(len(panels), 3, "panels")
    paths = {}
    for k, pnl in enumerate(panels):
        for p in pnl.iter(ns + "path"):
            paths[(k, p.get("class"), p.get("data-name"))] = (pnl, p)
    # upper panel: mem_pages and all three thresholds (within 3x of the peak)
    idx = list(range(len(docs)))
    mem = [d["system"]["sockstat"]["mem_pages"] for d in docs]
    check_path_values(ns, *paths[(0, "mem", "mem_pages")], idx, mem, "mem_pages")
    for name in ("low", "pressure", "high"):
        want = [d["system"]["tcp_mem"][name + "_pages"] for d in docs]
        check_path_values(ns, *paths[(0, "threshold", "tcp_mem " + name)], idx, want,
                          f"tcp_mem {name}")
    shades = [r_ for r_ in panels[0].iter(ns + "rect") if r_.get("class") == "pressure"]
    eq(len(shades), 1, "one pressure period")
    # middle panel: the 5 highest peaks, redis ending at sample 18
    def shown(comm):  # as plot escapes it: control bytes as \xHH
        return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", comm)

    peaks = {}
    for d in docs:
        for g in d["groups"]:
            key = f"{shown(g['comm'])} [{g['pid']}]"
            peaks[key] = max(peaks.get(key, 0), g["charged_bytes"])
    top5 = sorted(peaks, key=lambda k: -peaks[k])[:5]
    drawn = sorted(n for (k, c, n) in paths if k == 1)
    eq(drawn, sorted(top5), "groups drawn: the top 5 by peak")
    for key in top5:
        pts = [(i, g["charged_bytes"]) for i, d in enumerate(docs) for g in d["groups"]
               if f"{shown(g['comm'])} [{g['pid']}]" == key]
        check_path_values(ns, *paths[(1, "group", key)], [i for i, _ in pts],
                          [v for _, v in pts], key)
    # lower panel: counters that moved; null is no point, never 0
    drawn = sorted(n for (k, c, n) in paths if k == 2)
    eq(drawn, ["PruneCalled", "TCPRcvCollapsed", "TCPWantZeroWindowAdv"], "rates drawn")
    for name in drawn:
        pts = [(i, d["delta"]["tcpext_per_s"][name]) for i, d in enumerate(docs)
               if d["delta"] and d["delta"]["tcpext_per_s"][name] is not None]
        check_path_values(ns, *paths[(2, "rate", name)], [i for i, _ in pts],
                          [v for _, v in pts], name)
    # rendered: rsvg-convert reads it and writes a 1200x800 PNG
    if not shutil.which("rsvg-convert"):
        return "PNG not rendered: rsvg-convert not installed (apt-get install librsvg2-bin)"
    png = nextname("plot") + ".png"
    svgp = nextname("plot") + ".svg"
    with open(svgp, "w") as fh:
        fh.write(svg)
    r = run(["rsvg-convert", "-o", png, svgp])
    eq((r.returncode, r.stderr), (0, ""), "rsvg-convert")
    with open(png, "rb") as fh:
        head = fh.read(24)
    eq(head[:8], b"\x89PNG\r\n\x1a\n", "PNG signature")
    eq((int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")), (1200, 800),
       "PNG size")
    if os.environ.get("PLOT_PNG"):
        shutil.copy(png, os.environ["PLOT_PNG"])
    return None


def t_plot_refusals():
    """Input that is not a recording: one line "sockmem: FILE:LINE: reason",
    exit 2, nothing on stdout; truncations and bit flips of a good recording
    never crash the sanitizer build."""
    good = [json.dumps(d, separators=(",", ":")) for d in plot_recording(6)]
    text = "\n".join(good) + "\n"
    report = sm(["report", "-j"]).stdout
    cases = [
        ("empty", "", 1, "empty: no watch samples"),
        ("truncated", text[:len(text) - 40], 6, "truncated: "),
        ("cutstring", text[:text.rindex('"kernel"') + 4], 6,
         "truncated: the JSON document ends early"),
        ("nonobject", good[0] + "\n[1,2,3]\n", 2, "not a JSON object"),
        ("notjson", good[0] + "\nhello\n", 2, "not JSON: "),
        ("report", report, 1, 'a sockmem "report" document, not a watch recording'),
        ("nosample", text.replace('"sample":3,', ""), 3, "sample: missing"),
        ("nohost", good[0].replace('"host":', '"hostx":'), 1, "host: missing"),
        ("hugeint", text.replace('"mem_pages":1770', '"mem_pages":1' + "0" * 30), 3,
         "not JSON: "),
        ("hugereal", text.replace('"elapsed_s":1.0', '"elapsed_s":1e300'), 3,
         "elapsed_s: out of range"),
        ("negative", text.replace('"mem_pages":1770', '"mem_pages":-1770'), 3,
         "system.sockstat.mem_pages: out of range"),
        ("twice", text + text, 7, "sample 1 after sample 6"),
        ("newer", text.replace('"sockmem/1"', '"sockmem/2"'), 1, "written by a newer sockmem"),
    ]
    for name, body, line, want in cases:
        path = nextname(name) + ".jsonl"
        with open(path, "w") as fh:
            fh.write(body)
        for binary in (SOCKMEM, SAN):
            r = run([binary, "plot", path])
            what = f"plot {name} ({os.path.basename(binary)})"
            eq((r.returncode, r.stdout), (2, ""), f"{what}: exit, stdout")
            check(r.stderr.startswith(f"sockmem: {path}:{line}: {want}"),
                  f"{what}: stderr {r.stderr!r}")
            eq(r.stderr.count("\n"), 1, f"{what}: one line")
    r = subprocess.run([SOCKMEM, "plot", "-"], input="", capture_output=True, text=True,
                       timeout=CMD_TIMEOUT)
    eq((r.returncode, r.stdout, r.stderr),
       (2, "", "sockmem: stdin:1: empty: no watch samples\n"), "plot - (empty stdin)")
    r = run([SOCKMEM, "plot", "/nonexistent/rec.jsonl"])
    eq((r.returncode, r.stdout, r.stderr),
       (2, "", "sockmem: /nonexistent/rec.jsonl: No such file or directory\n"), "missing file")
    for args, msg in ((["plot"], "plot needs a RECORDING"),
                      (["plot", "a", "b"], "unknown command 'b'"),
                      (["plot", "x", "-o", "json"], "plot writes SVG only"),
                      (["top", "-o", "svg"], "-o svg is the format of plot RECORDING only")):
        r = run([SOCKMEM, *args])
        eq((r.returncode, r.stdout), (2, ""), f"{args}: exit, stdout")
        check(r.stderr.startswith(f"sockmem: {msg}"), f"{args}: stderr {r.stderr!r}")
    # fuzz-style: cut everywhere, flip bytes; exit 0 or 2, never a crash
    data = text.encode()
    cuts = list(range(1, len(data), max(1, len(data) // 60)))
    for k, cut in enumerate(cuts):
        body = data[:cut]
        if k % 2:
            pos = (cut * 7919) % len(data)
            body = data[:pos] + bytes([data[pos] ^ 0x5a]) + data[pos + 1:]
        r = subprocess.run([SAN, "plot", "-"], input=body, capture_output=True,
                           timeout=CMD_TIMEOUT)
        check(r.returncode in (0, 2), f"mangled input {k}: exit {r.returncode}: "
              f"{r.stderr[-300:]!r}")
        check(r.returncode == 0 or (r.stdout == b"" and r.stderr.count(b"\n") == 1),
              f"mangled input {k}: refused with output or several lines: {r.stderr!r}")
# ------------------------------------------------------------- -o prom

PROM_SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)')
PROM_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(?:,|$)')


def prom_parse(text, what):
    """Samples of Prometheus text: [(name, {label: raw escaped value}, value)]."""
    check(text.endswith("\n"), f"{what}: no trailing newline")
    out = []
    for ln in text.split("\n")[:-1]:
        if ln.startswith("#"):
            continue
        m = PROM_SAMPLE.fullmatch(ln)
        check(m, f"{what}: not a sample: {ln!r}")
        labels, pos, lt = {}, 0, m.group(2) or ""
        while pos < len(lt):
            lm = PROM_LABEL.match(lt, pos)
            check(lm, f"{what}: bad labels in {ln!r}")
            labels[lm.group(1)] = lm.group(2)
            pos = lm.end()
        out.append((m.group(1), labels, float(m.group(3))))
    return out


def prom_values(samples, name, **labels):
    return [v for n, lb, v in samples if n == name and all(lb.get(k) == x for k, x in labels.items())]


def prom_one(samples, name, **labels):
    v = prom_values(samples, name, **labels)
    eq(len(v), 1, f"samples of {name}{labels}")
    return v[0]


def promtool_check(text, what):
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=CMD_TIMEOUT)
    eq((r.returncode, r.stdout + r.stderr), (0, ""), f"promtool check metrics on {what}")


def t_prom_promtool():
    """promtool check metrics accepts the -o prom output of every command on
    this host's real sockets, and with a hostile process name in a label,
    which comes out escaped (quote, backslash, newline) or as U+FFFD
    (tab, control byte, invalid UTF-8)."""
    if not shutil.which("promtool"):
        return "skipped: promtool not found (apt-get install prometheus)"
    p = subprocess.Popen([sys.executable, "-c", HOSTILE_HOLDER, "30"], stdout=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    PROCS.append(p)
    try:
        p.stdout.readline()
        for cmd in ("system", "top", "check", "report"):
            for extra in ([], ["--by", "process"], ["--by", "user", "--top", "1"]):
                r = sm([cmd, "-o", "prom", *extra])
                what = f"sockmem {cmd} -o prom {' '.join(extra)}"
                check(r.returncode in ((0, 3, 4) if cmd == "check" else (0,)),
                      f"{what}: exit {r.returncode} {r.stderr.strip()[:200]!r}")
                promtool_check(r.stdout, what)
        r = sm(["top", "-o", "prom", "--by", "process", "--pid", str(p.pid)])
        eq(r.returncode, 0, "top -o prom --pid: exit")
        promtool_check(r.stdout, "top -o prom --by process with a hostile comm")
        comms = [lb.get("comm") for n, lb, v in prom_parse(r.stdout, "top -o prom --pid")
                 if n == "sockmem_group_sockets" and lb.get("pid") == str(p.pid)]
        eq(comms, ['a\\"b\\\\c\ufffdd\\ne\ufffd\ufffd{}'], "hostile comm label (escaped text)")
    finally:
        kill_proc(p)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def scrape(url, deadline):
    """GET url, retried until deadline (the exporter may not listen yet)."""
    import urllib.request
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.read().decode()
        except OSError as e:
            last = e
            time.sleep(0.1)
    raise Fail(f"no answer from {url}: {last}")


def t_prom_node_exporter():
    """A real node_exporter (textfile collector only, on 127.0.0.1) serves
    the file --textfile wrote: our series carry the values top -j gives for
    the same population (a quiet private netns), and no scrape error."""
    exporter = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    if not exporter:
        return "skipped: node_exporter not found (apt-get install prometheus-node-exporter)"
    h = Helper("--family", "4", "--pairs", "3", "--unread", "7000", "--unread-step", "5000",
               "--timewait", "1", netns=True)
    tdir = nextname("textfile")
    os.mkdir(tdir)
    try:
        pre = h.nsenter()
        path = os.path.join(tdir, "sockmem.prom")
        r = sm(["top", "-o", "prom", "--by", "port", "--textfile", path], prefix=pre)
        eq((r.returncode, r.stdout, r.stderr), (0, "", ""), "top -o prom --textfile")
        eq(os.stat(path).st_mode & 0o777, 0o644, "textfile mode")
        eq(sorted(os.listdir(tdir)), ["sockmem.prom"], "textfile directory (no temporary left)")
        top = sm_json(["top", "--by", "port"], prefix=pre)
        port = free_port()
        p = subprocess.Popen([exporter, f"--web.listen-address=127.0.0.1:{port}",
                              "--collector.disable-defaults", "--collector.textfile",
                              f"--collector.textfile.directory={tdir}"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        PROCS.append(p)
        try:
            body = scrape(f"http://127.0.0.1:{port}/metrics", time.monotonic() + 15)
        finally:
            kill_proc(p)
        s = prom_parse(body, "node_exporter /metrics")
        eq(prom_one(s, "node_textfile_scrape_error"), 0, "node_textfile_scrape_error")
        check(len(top["groups"]) >= 2, f"top -j groups {len(top['groups'])}")
        for g in top["groups"]:
            for k in ("sockets", "r", "w", "f", "charged_bytes", "charged_pages"):
                name = "sockmem_group_" + k + ("" if k in ("sockets", "charged_bytes",
                                                           "charged_pages") else "_bytes")
                eq(prom_one(s, name, by="port", port=str(g["port"])), g[k],
                   f"{name}{{port={g['port']}}} scraped vs top -j")
        for k, v in top["totals"].items():
            name = {"rb": "rcvbuf", "tb": "sndbuf"}.get(k, k)
            if k not in ("sockets", "charged_bytes", "charged_pages"):
                name += "_bytes"
            eq(prom_one(s, "sockmem_dumped_" + name), v, f"sockmem_dumped_{name} vs top -j totals")
        check(top["totals"]["r"] >= 7000 + 12000 + 17000, "unread bytes in the population")
        eq(prom_one(s, "sockmem_build_info"), 1, "sockmem_build_info")
        return f"{len(s)} samples scraped"
    finally:
        h.stop()


def t_prom_groups_add_up():
    """The group series, other included, add up to sockmem_dumped_* for
    --top 1, --top 2 and every group (per-socket --by keys), and a socket
    count that top -j confirms."""
    h = Helper("--family", "4", "--pairs", "3", "--unread", "3000", "--timewait", "1",
               netns=True)
    try:
        pre = h.nsenter()
        for by in ("port", "state", "cgroup"):
            for top in ("1", "2", "50"):
                r = sm(["top", "-o", "prom", "--by", by, "--top", top], prefix=pre)
                what = f"top -o prom --by {by} --top {top}"
                eq(r.returncode, 0, f"{what}: exit")
                s = prom_parse(r.stdout, what)
                for k in ("sockets", "r_bytes", "w_bytes", "f_bytes", "charged_bytes",
                          "charged_pages", "rcvbuf_bytes"):
                    eq(sum(prom_values(s, "sockmem_group_" + k)),
                       prom_one(s, "sockmem_dumped_" + k), f"{what}: groups of {k} vs the total")
                ngroups = len(prom_values(s, "sockmem_group_sockets"))
                other = prom_one(s, "sockmem_group_sockets", other="true")
                if top == "1":
                    eq(ngroups, 2, f"{what}: one group and other")
                    check(other > 0, f"{what}: other holds the rest")
        eq(prom_one(prom_parse(sm(["top", "-o", "prom"], prefix=pre).stdout, "top -o prom"),
                    "sockmem_dumped_sockets"), len(sm_json(["sockets"], prefix=pre)["sockets"]),
           "sockmem_dumped_sockets vs sockets -j")
    finally:
        h.stop()


def t_prom_textfile_atomic():
    """--textfile: a failed write or rename leaves the old file and no
    temporary; one line on stderr, exit 1, nothing on stdout."""
    d = nextname("tf")
    os.mkdir(d)
    path = os.path.join(d, "m.prom")
    r = sm(["system", "-o", "prom", "--textfile", path])
    eq((r.returncode, r.stdout, r.stderr), (0, "", ""), "first --textfile")
    old = open(path).read()
    check(old.startswith("# HELP sockmem_build_info"), "textfile content")
    # the first write(2) is the file's (the message comes after it)
    cases = [("rename", "EACCES", "Permission denied"),
             ("write", "ENOSPC:when=1", "No space left on device"),
             ("fsync", "EIO", "Input/output error")]
    for call, err, msg in cases:
        # LeakSanitizer cannot run under ptrace (the ASan pass)
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        r = run(["strace", "-f", "-qq", "-o", "/dev/null", "-e", f"inject={call}:error={err}",
                 SOCKMEM, "report", "-o", "prom", "--textfile", path], env=env)
        eq((r.returncode, r.stdout), (1, ""), f"{call} {err}: exit, stdout")
        eq(r.stderr, f"sockmem: {path}: {msg}\n", f"{call} {err}: stderr")
        eq(sorted(os.listdir(d)), ["m.prom"], f"{call} {err}: directory")
        eq(open(path).read(), old, f"{call} {err}: the old file")
    for bad in (os.path.join(d, "nodir", "x.prom"), d + "/"):
        r = sm(["system", "-o", "prom", "--textfile", bad])
        eq((r.returncode, r.stdout, len(r.stderr.splitlines())), (1, "", 1), f"--textfile {bad}")
        check(r.stderr.startswith(f"sockmem: {bad}: "), f"--textfile {bad}: {r.stderr!r}")
    os.chmod(path, 0o600)
    r = sm(["top", "-o", "prom", "--textfile", path])
    eq(r.returncode, 0, "--textfile over an existing file")
    eq(os.stat(path).st_mode & 0o777, 0o644, "replaced file mode")
    check("sockmem_group_sockets" in open(path).read(), "replaced file content")


def t_prom_rules():
    """The shipped alerting rules load, and their promtool unit tests pass."""
    if not shutil.which("promtool"):
        return "skipped: promtool not found (apt-get install prometheus)"
    d = os.path.join(REPO, "contrib", "prometheus")
    r = subprocess.run(["promtool", "check", "rules", "sockmem.rules.yml"], cwd=d,
                       capture_output=True, text=True, timeout=CMD_TIMEOUT)
    eq(r.returncode, 0, f"promtool check rules: {r.stdout}{r.stderr}")
    r = subprocess.run(["promtool", "test", "rules", "sockmem.rules.test.yml"], cwd=d,
                       capture_output=True, text=True, timeout=CMD_TIMEOUT)
    eq(r.returncode, 0, f"promtool test rules: {r.stdout}{r.stderr}")
    check("SUCCESS" in r.stdout, f"promtool test rules: {r.stdout}")
# ------------------------------------------- the growing receive buffer (trickle)

TRICKLE = os.path.join(HELPERS, "trickle")
SHRINK = "/proc/sys/net/ipv4/tcp_shrink_window"
GROW_RMEM = (4096, 131072, 1048576)   # tcp_rmem inside the test's namespace


class Trickle:
    """One build/helpers/trickle in a network namespace of its own (unshare -n),
    or in another helper's (nsenter): loopback connections fed SIZE-byte
    segments every INTERVAL µs, toward a receiver that reads or does not."""

    def __init__(self, *args, join=None):
        _counter[0] += 1
        self.ready = os.path.join(TMP, f"trickle.{_counter[0]}.json")
        self.errfile = os.path.join(TMP, f"trickle.{_counter[0]}.err")
        cmd = [TRICKLE, *args, "--ready-file", self.ready, "--timeout", str(HELPER_TIMEOUT)]
        if join is None:
            cmd = ["unshare", "-n", *cmd, "--netns-lo"]
        else:
            cmd = ["nsenter", "-t", str(join.pid), "-n", *cmd]
        self.p, self.info = start_ready(self, cmd, f"trickle {' '.join(args)}")
        eq(self.info["pid"], self.p.pid, "trickle pid in ready file")
        self.pid = self.p.pid
        self.ns = ["nsenter", "-t", str(self.pid), "-n"]
        self.lport = self.info["listen_port"]

    def stop(self):
        kill_proc(self.p)

    def receivers(self, doc):
        """Our accepted sockets in a sockets/check document (local port = ours)."""
        return [s for s in doc if s["state"] == "ESTAB" and s["local"] == f"127.0.0.1:{self.lport}"]


def rmem_arg(v):
    return f"net/ipv4/tcp_rmem={v[0]} {v[1]} {v[2]}"


def check_run(prefix, args=()):
    """sockmem check -j in a namespace: (exit status, {id: finding})."""
    r = sm(["check", "-j", "--no-owners", *args], prefix=prefix)
    check(r.returncode in (0, 3, 4) and r.stderr == "",
          f"check exit {r.returncode}, stderr {r.stderr.strip()[:200]!r}")
    doc = parse_json(r.stdout, "check -j")
    by = {}
    for f in doc["findings"]:
        check(f["id"] not in by, f"finding {f['id']} twice")
        by[f["id"]] = f
    return r.returncode, by


def wscale_expected(tcp_rmem_max):
    """rcv_wscale the kernel gives an unlocked socket (tcp_select_initial_window)."""
    space = max(tcp_rmem_max, read_ints("/proc/sys/net/core/rmem_max")[0])
    return min(max(space.bit_length() - 1 - 15, 0), 14)


def ss_wscale(prefix, lport):
    """{(local, peer): (snd, rcv)} from ss -tin for our connections."""
    r = run([*prefix, "ss", "-tinH", "state", "established"])
    out, cur = {}, None
    for ln in r.stdout.splitlines():
        f = ln.split()
        if len(f) >= 4 and not ln.startswith((" ", "\t")):
            cur = (f[2], f[3])
        m = re.search(r"\bwscale:(\d+),(\d+)", ln)
        if m and cur:
            out[cur] = (int(m.group(1)), int(m.group(2)))
    return out


def t_growing_rcvbuf():
    """Issue 11 (1): a non-reader fed 4-byte segments. growing_rcvbuf (warning)
    and check exit 3 while rb is still far below tcp_rmem max."""
    args = ["--size", "4", "--interval-us", "1000", "--sysctl", rmem_arg(GROW_RMEM)]
    if os.path.exists(SHRINK):
        args += ["--sysctl", "net/ipv4/tcp_shrink_window=0"]
    h = Trickle(*args)
    try:
        deadline, seen = time.monotonic() + 30, None
        while time.monotonic() < deadline:
            rc, by = check_run(h.ns)
            f = by.get("growing_rcvbuf")
            if f:
                seen = (rc, f)
                break
            time.sleep(0.2)
        check(seen, "growing_rcvbuf did not fire within 30 s")
        rc, f = seen
        eq((rc, f["severity"]), (3, "warning"), "check exit and severity")
        ev = f["evidence"]
        top = ev["top_sockets"][0]
        check(GROW_RMEM[1] < top["rb"] < GROW_RMEM[2] // 2,
              f"fired at rb {top['rb']}: above tcp_rmem default, well before the max")
        check(top["recv_q"] * 4 <= top["r"] and top["r"] * 4 >= top["rb"],
              f"thresholds hold for the top socket: {top}")
        eq(top["local"], f"127.0.0.1:{h.lport}", "the offender is our receiver")
        eq(top["rcv_wscale"], wscale_expected(GROW_RMEM[2]), "top socket rcv_wscale")
        check(top["rcv_wnd"] > 0, f"window still open: {top['rcv_wnd']}")
        eq((ev["sockets"], ev["tcp_rmem_default"], ev["tcp_rmem_max"]),
           (1, GROW_RMEM[1], GROW_RMEM[2]), "evidence sockets, namespace tcp_rmem")
        eq(ev["tcp_shrink_window"], 0 if os.path.exists(SHRINK) else None, "evidence tcp_shrink_window")
        eq(ev["recv_q"], top["recv_q"], "evidence recv_q (one offender)")
        check("tcp_clamp_window()" in f["explanation"] and "tcp_shrink_window=1" in f["explanation"],
              "explanation names tcp_clamp_window() and the fix")
        # the sockets view: window scales equal ss's, for every connection
        ss = ss_wscale(h.ns, h.lport)
        doc = sm_json(["sockets", "--no-owners"], prefix=h.ns)
        mine = [s for s in doc["sockets"] if s["state"] == "ESTAB"]
        eq(len(mine), 2, "two ESTAB sockets in the namespace")
        for s in mine:
            eq((s["tcp_info"]["snd_wscale"], s["tcp_info"]["rcv_wscale"]),
               ss.get((s["local"], s["peer"])), f"wscale of {s['local']} vs ss")
        lst = [s for s in doc["sockets"] if s["state"] == "LISTEN"]
        eq([(s["tcp_info"]["snd_wscale"], s["tcp_info"]["rcv_wscale"]) for s in lst], [(None, None)],
           "a listener has no window scale (null, not 0)")
        # the system view shows the namespace's value
        sysd = sm_json(["system"], prefix=h.ns)["system"]["sysctl"]
        eq(sysd["tcp_shrink_window"], 0 if os.path.exists(SHRINK) else None, "system tcp_shrink_window")
    finally:
        h.stop()


def t_growing_rcvbuf_shrink_window():
    """The same with tcp_shrink_window=1: rb stays at tcp_rmem default, the
    window closes, and growing_rcvbuf (info) says the fix is on."""
    if not os.path.exists(SHRINK):
        return "skipped: no net.ipv4.tcp_shrink_window (kernel before 6.5)"
    h = Trickle("--size", "4", "--interval-us", "1000", "--sysctl", rmem_arg(GROW_RMEM),
                "--sysctl", "net/ipv4/tcp_shrink_window=1")
    try:
        end, last, rbs = time.monotonic() + 5, None, []
        while time.monotonic() < end:
            rc, by = check_run(h.ns)
            g = by.get("growing_rcvbuf")
            check(not g or g["severity"] == "info", f"growing_rcvbuf {g and g['severity']} with the fix on")
            doc = sm_json(["sockets", "--no-owners"], prefix=h.ns)
            rbs += [s["skmem"]["rb"] for s in h.receivers(doc["sockets"])]
            last = (rc, by)
            time.sleep(0.3)
        check(rbs and max(rbs) <= GROW_RMEM[1] + GROW_RMEM[1] // 8,
              f"rb stayed near tcp_rmem default with the fix on: max {max(rbs or [0])}")
        rc, by = last
        g = by.get("growing_rcvbuf")
        check(g, f"growing_rcvbuf (info) absent at the end: {sorted(by)}")
        check("the fix for a growing receive buffer is on" in g["explanation"], "explanation: fix on")
        eq(g["evidence"]["tcp_shrink_window"], 1, "evidence tcp_shrink_window")
        ub = by.get("unread_backlog")
        check(ub and ub["evidence"]["top_sockets"][0]["rcv_wnd"] == 0,
              "the window closed instead (unread_backlog, rcv_wnd 0)")
        eq(rc, 3, "check exit: unread_backlog is still a warning")
        eq(sm_json(["system"], prefix=h.ns)["system"]["sysctl"]["tcp_shrink_window"], 1,
           "system tcp_shrink_window")
    finally:
        h.stop()


def t_growing_rcvbuf_healthy_reader():
    """A reader that keeps up, with tiny segments or with bulk data: never
    growing_rcvbuf, although bulk autotuning raises rb."""
    for args, what in ((["--read", "--size", "4", "--interval-us", "1000"], "tiny segments"),
                       (["--read", "--size", "65536", "--interval-us", "200"], "bulk")):
        h = Trickle(*args, "--sysctl", rmem_arg(GROW_RMEM))
        try:
            end, rbs = time.monotonic() + 4, []
            while time.monotonic() < end:
                _, by = check_run(h.ns)
                check("growing_rcvbuf" not in by, f"{what}: growing_rcvbuf fired for a reader: "
                      f"{by.get('growing_rcvbuf', {}).get('evidence')}")
                doc = sm_json(["sockets", "--no-owners"], prefix=h.ns)
                rbs += [s["skmem"]["rb"] for s in h.receivers(doc["sockets"])]
                time.sleep(0.3)
            if what == "bulk":
                check(max(rbs) > GROW_RMEM[1], f"bulk: autotuning raised rb ({max(rbs)})")
        finally:
            h.stop()


def t_tuning_change_not_locked():
    """Issue 11 (3): tcp_rmem changed in a namespace with existing autotuned
    sockets: they are outside_autotuning, not locked_buffers; SO_RCVBUF set on
    the listener (before the handshake) is still identified as locked, and
    one set after accept() cannot be told apart."""
    auto = Trickle("--pairs", "2", "--writes", "0")
    try:
        pre = Trickle("--pairs", "2", "--writes", "0", "--rcvbuf", "65536", join=auto)
        post = Trickle("--pairs", "2", "--writes", "0", "--rcvbuf-after", "65536", join=auto)
        rc, by = check_run(auto.ns)
        f = by.get("locked_buffers")
        check(f, f"locked_buffers absent before the change: {sorted(by)}")
        locked = sorted(s["peer"] for s in f["evidence"]["top_sockets"])
        eq(locked, sorted(f"127.0.0.1:{c['client_port']}" for c in pre.info["conns"]),
           "locked_buffers = the accepted sockets of the SO_RCVBUF listener")
        check(all(s["local"] == f"127.0.0.1:{pre.lport}" and s["rb"] == 131072
                  for s in f["evidence"]["top_sockets"]), "locked sockets: rb 2 x 65536")
        eq(f["evidence"]["sockets"], 2, "locked_buffers sockets")
        floor = read_ints("/proc/sys/net/core/rmem_max")[0].bit_length() - 1 - 15
        eq(f["evidence"]["rcv_wscale_floor"], floor, "rcv_wscale_floor")
        check(all(s["rcv_wscale"] < floor for s in f["evidence"]["top_sockets"]), "their scale is below")
        check("outside_autotuning" not in by, "nothing outside the range before the change")
        # the tuning change: the default moves above every autotuned rb
        run([*auto.ns, "sysctl", "-q", "-w", "net.ipv4.tcp_rmem=4096 262144 8388608"])
        rc, by = check_run(auto.ns)
        f = by.get("locked_buffers")
        check(f and f["evidence"]["sockets"] == 2, "still exactly the 2 known locked sockets")
        o = by.get("outside_autotuning")
        check(o, f"outside_autotuning absent after the change: {sorted(by)}")
        # 3 helpers x (listener + 2 clients + 2 servers) = 15, minus the 2 known locked
        eq(o["evidence"]["sockets"], 13, "outside_autotuning sockets after the tcp_rmem change")
        eq((o["evidence"]["tcp_rmem_default"], o["evidence"]["tcp_rmem_max"]), (262144, 8388608),
           "outside_autotuning: the namespace's new range")
        check("created before a tcp_rmem/tcp_wmem change" in o["summary"], f"summary: {o['summary']}")
        eq(rc, 0, "check exit: info only")
        for t in (pre, post):
            t.stop()
    finally:
        auto.stop()


# ------------------------------------------------------------------------ UDP

UDPCTL = os.path.join(REPO, "tests", "integration", "udpctl.py")


class UdpCtl:
    """tests/integration/udpctl.py in a network namespace of its own: UDP
    sockets the test creates and fills; its Udp counters are private."""

    def __init__(self):
        self.p = subprocess.Popen(["unshare", "-n", sys.executable, UDPCTL, "--timeout",
                                   str(HELPER_TIMEOUT)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        PROCS.append(self.p)
        self.pid = self.read()["pid"]
        eq(self.pid, self.p.pid, "udpctl pid (unshare execs it)")
        self.pre = ["nsenter", "-t", str(self.pid), "-n"]

    def read(self, timeout=30):
        ready, _, _ = select.select([self.p.stdout], [], [], timeout)
        line = self.p.stdout.readline() if ready else ""
        if not line:
            kill_proc(self.p)
            raise Fail(f"udpctl: no answer ({self.p.stderr.read().strip()[:300]!r})")
        return json.loads(line)

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.read()

    def snmp(self):
        """This namespace's Udp counters, read by the kernel's own file."""
        r = run([*self.pre, "cat", "/proc/net/snmp"])
        rows = [l.split() for l in r.stdout.splitlines() if l.startswith("Udp:")]
        return dict(zip(rows[0][1:], map(int, rows[1][1:])))

    def stop(self):
        kill_proc(self.p)


def udp_by_cookie(doc, what):
    out = {}
    for s in doc["sockets"]:
        check(s.get("protocol") in ("tcp", "udp"), f"{what}: protocol {s.get('protocol')!r}")
        out[int(s["cookie"])] = s
    return out


def ss_udp(u):
    """ss -uamn in the namespace: {port: (state, recv_q, {skmem key: value})}."""
    r = run([*u.pre, "ss", "-uamnH"])
    eq(r.returncode, 0, "ss -uamn")
    out, lines = {}, r.stdout.splitlines()
    for i, l in enumerate(lines):
        m = re.match(r"(\S+)\s+(\d+)\s+(\d+)\s+\S*:(\d+)\s", l)
        if not m:
            continue
        sk = re.search(r"skmem:\(([^)]*)\)", l + (lines[i + 1] if i + 1 < len(lines) else ""))
        kv = dict(re.match(r"([a-z]+)(\d+)", x).groups() for x in sk.group(1).split(","))
        out[int(m.group(4))] = (m.group(1), int(m.group(2)), {k: int(v) for k, v in kv.items()})
    return out


def t_udp_exact():
    """A receiver that never reads, IPv4 and IPv6, bound and connected: Recv-Q
    and every skmem field equal ss -uamn's and SO_MEMINFO's; protocol udp;
    UNCONN for bound, ESTAB for connected; a sender that overflows one: its d
    equals the namespace's RcvbufErrors increase and udp_drops names it."""
    u = UdpCtl()
    try:
        rx4 = u.cmd("recv 4")
        rx6 = u.cmd("recv 6")
        pair = u.cmd("conn 4")
        rx4 = u.cmd(f"send {rx4['id']} 10 1000")
        rx6 = u.cmd(f"send {rx6['id']} 7 500")
        doc = sm_json(["sockets", "-u"], prefix=u.pre)
        got = udp_by_cookie(doc, "sockets -u")
        ss = ss_udp(u)
        for sock, fam, state in ((rx4, "inet", "UNCONN"), (rx6, "inet6", "UNCONN"),
                                 (pair["rx"], "inet", "ESTAB"), (pair["tx"], "inet", "ESTAB")):
            if sock is pair["rx"] or sock is pair["tx"]:
                sock = u.cmd(f"info {sock['id']}")
            s = got.get(sock["cookie"])
            check(s is not None, f"udp socket {sock['cookie']} missing from sockets -u")
            eq((s["protocol"], s["family"], s["state"]), ("udp", fam, state), "udp socket kind")
            skm = [s["skmem"][k] for k in SKM_KEYS]
            eq(skm, sock["skmem"], f"skmem of {s['local']} vs SO_MEMINFO")
            st, rq, ssk = ss[sock["port"]]
            eq((s["state"], s["recv_q"]), (st, rq), f"state, Recv-Q of {s['local']} vs ss")
            eq({k: s["skmem"][k] for k in ssk}, ssk, f"skmem of {s['local']} vs ss -uamn")
            eq(s["charged_bytes"], s["skmem"]["r"] + s["skmem"]["w"] + s["skmem"]["f"], "charged")
        eq(got[rx4["cookie"]]["recv_q"], rx4["skmem"][0], "Recv-Q of a UDP socket is r")
        check(rx4["skmem"][0] > 10 * 1000, f"10 datagrams queued: r {rx4['skmem'][0]}")
        eq(got[rx4["cookie"]]["skmem"]["d"], 0, "no drops yet")
        # overflow: d = the increase of RcvbufErrors (and of InErrors) here
        before = u.snmp()
        full = u.cmd(f"send {rx4['id']} 600 1400")
        after = u.snmp()
        d = full["skmem"][8]
        check(d > 0, "600 datagrams of 1400 bytes overflow rb 208K")
        eq(after["RcvbufErrors"] - before["RcvbufErrors"], d, "RcvbufErrors increase = d")
        eq(after["InErrors"] - before["InErrors"], d, "InErrors increase = d")
        r = sm(["check", "-u", "-j"], prefix=u.pre)
        eq(r.returncode, 3, f"check -u: warning exit ({r.stderr.strip()[:200]})")
        c = parse_json(r.stdout, "check -u -j")
        f = [x for x in c["findings"] if x["id"] == "udp_drops"]
        eq(len(f), 1, "udp_drops fires once")
        ev = f[0]["evidence"]
        eq(ev["drops"], d, "udp_drops: drops")
        eq(ev["RcvbufErrors"], after["RcvbufErrors"], "udp_drops: RcvbufErrors")
        eq([int(x["cookie"]) for x in ev["top_sockets"]], [rx4["cookie"]], "udp_drops: socket")
        eq([x["pid"] for x in ev["top_processes"]], [u.pid], "udp_drops: process")
        # its top socket's own drops, in every format
        eq([x["d"] for x in ev["top_sockets"]], [d], "udp_drops: top_sockets[].d")
        r = sm(["check", "-u", "-o", "tsv"], prefix=u.pre)
        rows = [ln.split("\t") for ln in r.stdout.splitlines() if ln.startswith("udp_drops\t")]
        eq(len(rows), 1, "check -u -o tsv: one udp_drops row")
        eq(rows[0][5], f"127.0.0.1:{rx4['port']}->0.0.0.0:*/{d}", "udp_drops TSV sockets: local->peer/d")
        r = sm(["check", "-u"], prefix=u.pre)
        m = re.search(r"^warning +udp_drops\n(?:  .*\n)*?  top sockets (.*)$", r.stdout, re.M)
        check(m is not None, f"check -u table: no udp_drops top sockets line: {r.stdout[-600:]!r}")
        check(re.search(rf" w \d+ d {d}(?: |$)", m.group(1)) is not None,
              f"udp_drops table top socket: d {d}: {m.group(1)!r}")
        # the system view's counters are the namespace's
        sysd = sm_json(["system", "-u"], prefix=u.pre)["system"]
        eq(sysd["udp_counters"]["RcvbufErrors"], after["RcvbufErrors"], "system udp_counters")
        rec = sysd["udp_reconcile"]
        now = udp_by_cookie(sm_json(["sockets", "-u"], prefix=u.pre), "sockets -u")
        eq(rec["dumped_sockets"], len(now), "udp_reconcile: dumped sockets")
        eq(rec["sockets_pages"], sum(-(-x["charged_bytes"] // PAGE) for x in now.values()),
           "udp_reconcile: the sockets' pages")
    finally:
        u.stop()


def t_udp_rcvbuf_capped():
    """SO_RCVBUF above the host's rmem_max (it cannot be lowered in a child
    namespace): rb = 2 x rmem_max, and udp_rcvbuf_capped names the socket and
    its process; a socket asking less is not named."""
    with open("/proc/sys/net/core/rmem_max") as fh:
        rmem_max = int(fh.read())
    u = UdpCtl()
    try:
        big = u.cmd(f"recv 6 {4 * rmem_max}")
        small = u.cmd(f"recv 4 {rmem_max // 4}")
        eq(big["skmem"][1], 2 * rmem_max, "rb of SO_RCVBUF above rmem_max")
        check(small["skmem"][1] < 2 * rmem_max, "rb of a smaller SO_RCVBUF")
        c = parse_json(sm(["check", "-u", "-j"], prefix=u.pre).stdout, "check -u -j")
        f = [x for x in c["findings"] if x["id"] == "udp_rcvbuf_capped"]
        eq(len(f), 1, "udp_rcvbuf_capped fires")
        ev = f[0]["evidence"]
        eq((ev["sockets"], ev["rmem_max"]), (1, rmem_max), "udp_rcvbuf_capped evidence")
        eq([int(x["cookie"]) for x in ev["top_sockets"]], [big["cookie"]], "capped socket")
        eq([x["pid"] for x in ev["top_processes"]], [u.pid], "capped socket's process")
        # the TCP view of the same namespace does not judge it
        c = parse_json(sm(["check", "-j"], prefix=u.pre).stdout, "check -j")
        eq([x["id"] for x in c["findings"] if x["id"].startswith("udp")], [], "check -t: no udp")
    finally:
        u.stop()


def t_udp_selection():
    """-t, -u, -tu select exactly the TCP, the UDP, or all the sockets; the
    default is -t byte for byte; a UDP socket held by two processes lists
    both; per-process totals over a process holding TCP and UDP sockets."""
    u = UdpCtl()
    try:
        rx = u.cmd("recv 4")
        rx = u.cmd(f"send {rx['id']} 5 1000")
        tcp = set(u.cmd("tcp")["cookies"])
        kid = u.cmd(f"fork {rx['id']}")["pid"]
        sets = {}
        for opt in ("-t", "-u", "-tu"):
            doc = sm_json(["sockets", opt], prefix=u.pre)
            sets[opt] = {int(s["cookie"]): s.get("protocol") for s in doc["sockets"]}
        eq(set(sets["-t"]), tcp, "-t: the TCP sockets")
        eq(set(sets["-u"]), {rx["cookie"]}, "-u: the UDP socket")
        eq(set(sets["-tu"]), tcp | {rx["cookie"]}, "-tu: both")
        eq(set(sets["-t"].values()), {None}, "-t: no protocol member (TCP-only output unchanged)")
        eq(set(sets["-tu"].values()), {"tcp", "udp"}, "-tu: protocol members")
        # over a snapshot that holds both, the same selection
        snap = nextname("udp-snap") + ".json"
        r = sm(["snapshot", "-tu"], prefix=u.pre)
        eq(r.returncode, 0, "snapshot -tu")
        with open(snap, "w") as fh:
            fh.write(r.stdout)
        for opt, want in (("-t", tcp), ("-u", {rx["cookie"]}), ("-tu", tcp | {rx["cookie"]})):
            doc = sm_json(["sockets", opt, "--from", snap])
            eq({int(x["cookie"]) for x in doc["sockets"]}, want, f"sockets {opt} --from")
        doc = sm_json(["sockets", "--from", snap])
        eq({int(x["cookie"]) for x in doc["sockets"]}, tcp, "sockets --from: TCP by default")
        # (system: sockets_used moves between two runs; its names are held by the goldens)
        # (top's table footer counts the host's processes, which come and go)
        for view in (["sockets"], ["sockets", "-n"], ["sockets", "-o", "tsv"], ["top", "-o", "tsv"]):
            a, b = sm(view, prefix=u.pre), sm([*view, "-t"], prefix=u.pre)
            eq((a.returncode, a.stdout), (b.returncode, b.stdout), f"{view}: default = -t")
        doc = sm_json(["sockets", "-u"], prefix=u.pre)
        eq(sorted(o["pid"] for o in doc["sockets"][0]["owners"]), sorted([u.pid, kid]),
           "a UDP socket shared by two processes")
        top = sm_json(["top", "-tu", "--by", "process"], prefix=u.pre)
        mine = [g for g in top["groups"] if g.get("pid") == u.pid]
        eq(len(mine), 1, "the helper's group")
        socks = sm_json(["sockets", "-tu"], prefix=u.pre)["sockets"]
        held = [s for s in socks if any(o["pid"] == u.pid for o in s["owners"] or [])]
        eq(mine[0]["sockets"], len(held), "per-process sockets over TCP and UDP")
        eq(mine[0]["charged_bytes"], sum(s["charged_bytes"] or 0 for s in held),
           "per-process charged bytes over TCP and UDP")
        check({s["protocol"] for s in held} == {"tcp", "udp"}, "the process holds both")
    finally:
        u.stop()


def snapshot_to(args, prefix, what):
    """Runs sockmem snapshot ARGS and writes it to a new file; its path."""
    r = sm(["snapshot", *args], prefix=prefix)
    eq((r.returncode, r.stderr), (0, ""), f"snapshot {' '.join(args)} ({what})")
    path = nextname("snap") + ".json"
    with open(path, "w") as fh:
        fh.write(r.stdout)
    return path


def t_udp_diff():
    """diff -tu between two -tu snapshots of a namespace where a receiver dropped
    N more datagrams: Udp RcvbufErrors' delta is N exactly (the kernel's snmp
    moved by N too), the receiver's row is changed with d_old/d its SO_MEMINFO
    drops and protocol udp, in JSON, TSV and the table; sockstat UDP inuse is
    the namespace's sockets; against a TCP-only OLD no UDP value is printed
    (absent, never 0)."""
    u = UdpCtl()
    try:
        rx = u.cmd("recv 4")
        u.cmd("recv 6")
        rx = u.cmd(f"send {rx['id']} 600 1400")
        d0 = rx["skmem"][8]
        check(d0 > 0, "600 datagrams of 1400 bytes overflow rb 208K")
        tcp_only = snapshot_to([], u.pre, "TCP only")
        old = snapshot_to(["-tu"], u.pre, "OLD")
        before = u.snmp()
        rx = u.cmd(f"send {rx['id']} 300 1400")
        after = u.snmp()
        n = rx["skmem"][8] - d0
        check(n > 0, "300 more datagrams into a full queue: more drops")
        eq(after["RcvbufErrors"] - before["RcvbufErrors"], n, "kernel: RcvbufErrors moved by N")
        time.sleep(1.1)     # NEW is a later second
        new = snapshot_to(["-tu"], u.pre, "NEW")
        doc = sm_json(["diff", "-tu", old, new])
        sysd = doc["system"]
        eq(sysd["udp_counters"]["RcvbufErrors"],
           {"old": before["RcvbufErrors"], "new": after["RcvbufErrors"], "delta": n,
            "per_s": sysd["udp_counters"]["RcvbufErrors"]["per_s"]}, "JSON udp_counters.RcvbufErrors")
        eq(sysd["udp_counters"]["InErrors"]["delta"], after["InErrors"] - before["InErrors"],
           "JSON udp_counters.InErrors delta")
        eq(sysd["udp_counters"]["InErrors"]["delta"], n, "InErrors delta = N")
        eq((sysd["udp"]["inuse"]["old"], sysd["udp"]["inuse"]["new"], sysd["udp"]["inuse"]["delta"]),
           (1, 1, 0), "udp.inuse: the namespace's one IPv4 receiver")
        eq((sysd["udp"]["inuse6"]["old"], sysd["udp"]["inuse6"]["new"]), (1, 1), "udp.inuse6")
        rows = [x for x in doc["sockets"] if int(x["cookie"]) == rx["cookie"]]
        eq(len(rows), 1, "the receiver's row")
        row = rows[0]
        eq((row["change"], row["protocol"], row["state"], row["d_old"], row["d"]),
           ("changed", "udp", "UNCONN", d0, d0 + n), "the receiver's row")
        eq(row["d"] - row["d_old"], n, "its d delta = N")
        eq((row["rb_old"], row["rb"], row["rb_is"]), (rx["skmem"][1], rx["skmem"][1], None),
           "its rb (no tcp_rmem judgement)")
        # TSV: the values block and the sockets block
        r = sm(["diff", "-tu", old, new, "-o", "tsv"])
        eq((r.returncode, r.stderr), (0, ""), "diff -o tsv")
        blocks = r.stdout.split("\n\n")
        vals = {ln.split("\t")[0]: ln.split("\t") for ln in blocks[0].splitlines()}
        eq(vals["udp_counters.RcvbufErrors"][1:4],
           [str(before["RcvbufErrors"]), str(after["RcvbufErrors"]), str(n)], "TSV RcvbufErrors")
        socks = [ln.split("\t") for ln in blocks[4].splitlines()]
        head = socks[0]
        eq(head[-3:], ["d_old", "d", "protocol"], "TSV socket columns")
        mine = [dict(zip(head, x)) for x in socks[1:] if x[1] == str(rx["cookie"])]
        eq(len(mine), 1, "TSV: the receiver's row")
        eq((mine[0]["d_old"], mine[0]["d"], mine[0]["protocol"]), (str(d0), str(d0 + n), "udp"),
           "TSV: the receiver's d_old, d")
        # the table
        r = sm(["diff", "-tu", old, new, "-n"])
        eq((r.returncode, r.stderr), (0, ""), "diff (table)")
        line = [ln.split() for ln in r.stdout.splitlines() if ln.startswith("udp_counters.RcvbufErrors ")]
        eq(len(line), 1, "table: the RcvbufErrors row")
        eq(line[0][1:4], [str(before["RcvbufErrors"]), str(after["RcvbufErrors"]), f"+{n}"],
           "table: RcvbufErrors OLD NEW DELTA")
        line = [ln.split() for ln in r.stdout.splitlines() if ln.startswith("changed ")
                and ln.split()[1] == str(rx["cookie"])]
        eq(len(line), 1, "table: the receiver's row")
        eq(line[0][-3:], [str(d0), str(d0 + n), "udp"], "table: D-OLD D PROTO")
        # OLD without UDP: no UDP value printed, the rows still say which protocol
        doc = sm_json(["diff", "-tu", tcp_only, new])
        eq([k for k in doc["system"] if k.startswith("udp")], [], "TCP-only OLD: no UDP values")
        eq(sorted(x["protocol"] for x in doc["sockets"] if x["change"] == "opened"),
           ["udp", "udp"], "NEW with UDP: its two sockets opened, with their protocol")
        r = sm(["diff", "-tu", tcp_only, new, "-o", "tsv"])
        eq([ln for ln in r.stdout.split("\n\n")[0].splitlines() if ln.startswith("udp")], [],
           "TCP-only OLD: no UDP rows in TSV")
    finally:
        u.stop()


def t_udp_netns_values():
    """system --all-netns -tu: the test namespace's udp_inuse and udp_inuse6
    are the bound UDP sockets the test opened there (IPv4: two receivers and
    a connected pair; IPv6: one receiver), as its own sockstat says, and its
    udp_rmem_min the value set inside it (the host keeps its own), in JSON,
    TSV and the table; a snapshot keeps them; without -u there are none."""
    u = UdpCtl()
    try:
        for line in ("recv 4", "recv 4", "recv 6", "conn 4"):
            u.cmd(line)
        r = run([*u.pre, "sysctl", "-q", "-w", "net.ipv4.udp_rmem_min=8192"])
        eq(r.returncode, 0, "udp_rmem_min=8192 in the test namespace")
        with open("/proc/sys/net/ipv4/udp_rmem_min") as fh:
            check(int(fh.read()) != 8192, "the host's udp_rmem_min is not the namespace's")
        wmem = int(run([*u.pre, "cat", "/proc/sys/net/ipv4/udp_wmem_min"]).stdout)
        ss = run([*u.pre, "cat", "/proc/net/sockstat", "/proc/net/sockstat6"]).stdout
        eq(re.findall(r"^UDP6?: inuse (\d+)", ss, re.M), ["4", "1"], "the namespace's own sockstat")
        ino = os.stat(f"/proc/{u.pid}/ns/net").st_ino
        want = (4, 1, 8192, wmem)
        doc = sm_json(["system", "--all-netns", "-tu"], allow_stderr=True)
        mine = [x for x in doc["system"]["namespaces"] if x["netns"] == ino]
        eq(len(mine), 1, "system --all-netns -tu: the test namespace")
        keys = ("udp_inuse", "udp_inuse6", "udp_rmem_min", "udp_wmem_min")
        eq(tuple(mine[0][k] for k in keys), want, "JSON: its UDP values")
        r = sm(["system", "--all-netns", "-tu", "-o", "tsv"])
        eq(r.returncode, 0, "system --all-netns -tu -o tsv")
        tsv = dict(ln.split("\t", 1) for ln in r.stdout.splitlines()[1:])
        eq(tuple(tsv[f"namespaces.{ino}.{k}"] for k in keys), tuple(map(str, want)),
           "TSV: its UDP values")
        r = sm(["system", "--all-netns", "-tu", "-n"])
        line = [ln for ln in r.stdout.splitlines() if re.match(rf"^(namespaces)? +{ino} ", ln)]
        eq(len(line), 1, "table: its namespaces line")
        check(line[0].endswith(f"udp_inuse 4  udp_inuse6 1  udp_rmem_min 8192  udp_wmem_min {wmem}"),
              f"table: its UDP values: {line[0]!r}")
        snap = snapshot_to(["--all-netns", "-tu"], (), "--all-netns -tu")
        doc = sm_json(["system", "-tu", "--from", snap])
        mine = [x for x in doc["system"]["namespaces"] if x["netns"] == ino]
        eq(tuple(mine[0][k] for k in keys), want, "--from a snapshot: its UDP values")
        doc = sm_json(["system", "--all-netns"], allow_stderr=True)
        mine = [x for x in doc["system"]["namespaces"] if x["netns"] == ino]
        eq([k for k in mine[0] if k.startswith("udp")], [], "without -u: no UDP member")
    finally:
        u.stop()


def t_udp_watch_movers():
    """watch -tu: a UDP receiver fed between two samples is a mover with
    protocol udp, its r and r_delta its SO_MEMINFO r growth."""
    u = UdpCtl()
    p = None
    try:
        rx = u.cmd("recv 4")
        p = subprocess.Popen([*u.pre, SOCKMEM, "watch", "-tu", "3", "2", "-o", "json"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        PROCS.append(p)
        first = read_doc(p, "watch -tu sample 1")
        fed = u.cmd(f"send {rx['id']} 10 1000")
        second = read_doc(p, "watch -tu sample 2")
        eq(p.wait(timeout=10), 0, "watch -tu 3 2: exit")
        eq(first["delta"], None, "sample 1: no delta")
        movers = [m for m in second["delta"]["movers"] if int(m["cookie"]) == rx["cookie"]]
        eq(len(movers), 1, "the fed receiver is a mover")
        m = movers[0]
        eq((m["protocol"], m["r"], m["r_delta"], m["rb"], m["rb_delta"]),
           ("udp", fed["skmem"][0], fed["skmem"][0] - rx["skmem"][0], fed["skmem"][1], 0),
           "its protocol, r, r_delta, rb, rb_delta")
        eq(m["charged_bytes_delta"], sum(fed["skmem"][i] - rx["skmem"][i] for i in (0, 4, 5)),
           "its charged_bytes_delta (r + w + f)")
    finally:
        if p:
            kill_proc(p)
        u.stop()


TESTS = [
    ("udp_exact", t_udp_exact),
    ("udp_rcvbuf_capped", t_udp_rcvbuf_capped),
    ("udp_selection", t_udp_selection),
    ("udp_diff", t_udp_diff),
    ("udp_netns_values", t_udp_netns_values),
    ("udp_watch_movers", t_udp_watch_movers),
    ("sockets_ipv4_exact", t_sockets_ipv4_exact),
    ("sockets_ipv6_exact", t_sockets_ipv6_exact),
    ("top_process_sums", t_top_process_sums),
    ("totals_isolated_netns", t_totals_isolated_netns),
    ("no_process_categories", t_no_process_categories),
    ("report_reconcile_same_document", t_report_reconcile_same_document),
    ("shared_socket", t_shared_socket),
    ("scale_30k", t_scale_30k),
    ("hostile_comm", t_hostile_comm),
    ("memcg_v1_tcp", t_memcg_v1_tcp),
    ("cgroup_deeper_than_64", t_cgroup_deeper_than_64),
    ("cgroup_path_over_4096", t_cgroup_path_over_4096),
    ("cgroup_spellings", t_cgroup_spellings),
    ("cgroup_unreadable_below", t_cgroup_unreadable_below),
    ("netns_fifo", t_netns_fifo),
    ("listing_errors_fail", t_listing_errors_fail),
    ("ss_skmem_match", t_ss_skmem_match),
    ("tsv_format", t_tsv_format),
    ("table_format", t_table_format),
    ("system_json", t_system_json),
    ("cli_errors", t_cli_errors),
    ("proc_root_missing", t_proc_root_missing),
    ("proc_root_negative_mem", t_proc_root_negative_mem),
    ("epipe_head", t_epipe_head),
    ("sigint_clean", t_sigint_clean),
    ("write_error_dev_full", t_write_error_dev_full),
    ("json_every_command", t_json_every_command),
    ("family_filters", t_family_filters),
    ("snapshot_round_trip", t_snapshot_round_trip),
    ("snapshot_host_round_trip", t_snapshot_host_round_trip),
    ("snapshot_refusals", t_snapshot_refusals),
    ("unprivileged", t_unprivileged),
    ("skipped_netns_absent", t_skipped_netns_absent),
    ("container_netns", t_container_netns),
    ("scope_default_all_netns", t_scope_default_all_netns),
    ("scope_unprivileged", t_scope_unprivileged),
    ("sanitizer_runs", t_sanitizer_runs),
    ("valgrind", t_valgrind),
    ("repeat_stability", t_repeat_stability),
    ("churn", t_churn),
    ("output_contract", t_output_contract),
    ("owners_unshared_table", t_owners_unshared_table),
    ("owners_zombie_leader", t_owners_zombie_leader),
    ("owners_in_flight", t_owners_in_flight),
    ("owners_read_error", t_owners_read_error),
    ("walk_threads_same_owners", t_walk_threads_same_owners),
    ("owners_few_fds", t_owners_few_fds),
    ("watch_records", t_watch_records),
    ("watch_signals", t_watch_signals),
    ("watch_screen", t_watch_screen),
    ("diff_tcp_rmem", t_diff_tcp_rmem),
    ("diff_refusals", t_diff_refusals),
    ("owner_walk_bpf_same_as_proc", t_owner_walk_bpf_same_as_proc),
    ("owner_walk_auto_few_files", t_owner_walk_auto_few_files),
    ("stats_time_line", t_stats_time_line),
    ("stats_dump_lanes", t_stats_dump_lanes),
    ("plot_recording", t_plot_recording),
    ("plot_refusals", t_plot_refusals),
    ("prom_promtool", t_prom_promtool),
    ("prom_node_exporter", t_prom_node_exporter),
    ("prom_groups_add_up", t_prom_groups_add_up),
    ("prom_textfile_atomic", t_prom_textfile_atomic),
    ("prom_rules", t_prom_rules),
    ("growing_rcvbuf", t_growing_rcvbuf),
    ("growing_rcvbuf_shrink_window", t_growing_rcvbuf_shrink_window),
    ("growing_rcvbuf_healthy_reader", t_growing_rcvbuf_healthy_reader),
    ("tuning_change_not_locked", t_tuning_change_not_locked),
]


def report(line):
    print(line, flush=True)
    if RESULTS:
        with open(RESULTS, "a") as f:
            f.write(line + "\n")


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    only = set(sys.argv[1:])
    # IT_EXCLUDE=a,b skips tests (e.g. valgrind when SOCKMEM is the ASan build)
    skip = set(filter(None, os.environ.get("IT_EXCLUDE", "").split(",")))
    failed = 0
    try:
        for name, fn in TESTS:
            if (only and name not in only) or name in skip:
                continue
            t0 = time.monotonic()
            try:
                note = fn()
                report(f"ok {name}" + (f" # {note}" if note else ""))
            except Fail as e:
                failed += 1
                report(f"FAIL {name}: {' '.join(str(e).split())}")
            except (OSError, KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
                failed += 1
                tb = traceback.extract_tb(e.__traceback__)[-1]
                report(f"FAIL {name}: {type(e).__name__}: {' '.join(str(e).split())} "
                       f"(suite.py:{tb.lineno})")
            if os.environ.get("IT_VERBOSE"):
                print(f"  ({time.monotonic() - t0:.1f}s)", file=sys.stderr)
    finally:
        cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
