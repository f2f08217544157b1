#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""netctl.py - integration-test helper for watch and diff: loopback TCP
connections that the test opens, fills and closes on command while sockmem
samples them. Run right after `unshare -n` (it brings lo up); reads one
command per line on stdin and answers each with one JSON line on stdout:

  open N [RCVBUF]   a new listener (SO_RCVBUF RCVBUF before listen(), so the
                    accepted sockets inherit it, and on each client) and N
                    connections; answers {"listener": SOCK, "conns": [CONN]}
  send ID BYTES     the client of connection ID sends BYTES more, which the
                    server never reads; waits until they are all queued
                    (SIOCINQ); answers CONN
  flood ID SECONDS  the client sends without blocking for SECONDS (a small
                    receive buffer then prunes and collapses); answers CONN
  trickle ID BYTES SECONDS
                    in the background, the client sends BYTES every 50 ms
                    for SECONDS (the server's r grows on each sample);
                    answers {}
  shrink ID BYTES   SO_RCVBUF BYTES on the server of connection ID, after its
                    window was advertised (a flood then overruns the buffer:
                    the kernel prunes and collapses); answers CONN
  close ID          closes both ends of connection ID with SO_LINGER 0 (a
                    reset: no TIME-WAIT socket keeps a cookie); answers {}
  quit              exits

SOCK is {"cookie": C, "port": P, "r": R, "rb": RB} (SO_COOKIE, the local
port, SO_MEMINFO r and rb); CONN is {"id": I, "client": SOCK, "server":
SOCK, "unread": BYTES}. It exits by itself after --timeout seconds, and
when stdin closes. Stdlib only; exit status 1 with a message on errors.
"""
import fcntl
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

SO_MEMINFO = 55
SO_COOKIE = 57
SIOCINQ = 0x541B


def sock_info(s):
    mem = struct.unpack("9I", s.getsockopt(socket.SOL_SOCKET, SO_MEMINFO, 36))
    cookie = struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]
    return {"cookie": cookie, "port": s.getsockname()[1], "r": mem[0], "rb": mem[1]}


def inq(s):
    return struct.unpack("i", fcntl.ioctl(s.fileno(), SIOCINQ, b"\0" * 4))[0]


class Ctl:
    def __init__(self):
        self.conns = {}
        self.listeners = []
        self.next_id = 1

    def conn_info(self, cid):
        c = self.conns[cid]
        return {"id": cid, "client": sock_info(c["c"]), "server": sock_info(c["s"]),
                "unread": c["unread"]}

    def open(self, n, rcvbuf=None):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        ls.bind(("127.0.0.1", 0))
        ls.listen(64)
        self.listeners.append(ls)
        out = []
        for _ in range(n):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if rcvbuf:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            c.connect(ls.getsockname())
            s, _ = ls.accept()
            cid = self.next_id
            self.next_id += 1
            self.conns[cid] = {"c": c, "s": s, "unread": 0}
            out.append(self.conn_info(cid))
        return {"listener": sock_info(ls), "conns": out}

    def send(self, cid, n):
        c = self.conns[cid]
        c["c"].sendall(b"x" * n)
        c["unread"] += n
        deadline = time.monotonic() + 10
        while inq(c["s"]) != c["unread"]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"send {cid}: SIOCINQ {inq(c['s'])}, not {c['unread']}")
            time.sleep(0.001)
        return self.conn_info(cid)

    def flood(self, cid, seconds):
        c = self.conns[cid]
        c["c"].setblocking(False)
        end = time.monotonic() + seconds
        buf = b"y" * 65536
        while time.monotonic() < end:
            try:
                c["unread"] += c["c"].send(buf)
            except BlockingIOError:
                select.select([], [c["c"]], [], 0.01)
        c["c"].setblocking(True)
        return self.conn_info(cid)

    def trickle(self, cid, n, seconds):
        c = self.conns[cid]

        def run():
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                c["c"].sendall(b"z" * n)
                time.sleep(0.05)
        threading.Thread(target=run, daemon=True).start()
        return {}

    def shrink(self, cid, n):
        self.conns[cid]["s"].setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, n)
        return self.conn_info(cid)

    def close(self, cid):
        c = self.conns.pop(cid)
        for s in (c["c"], c["s"]):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c["c"].close()
        c["s"].close()
        return {}


def main():
    timeout = 120
    if len(sys.argv) == 3 and sys.argv[1] == "--timeout":
        timeout = int(sys.argv[2])
    signal.alarm(timeout)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    ctl = Ctl()
    print(json.dumps({"pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        if w[0] == "quit":
            break
        if w[0] == "open":
            res = ctl.open(int(w[1]), int(w[2]) if len(w) > 2 else None)
        elif w[0] == "send":
            res = ctl.send(int(w[1]), int(w[2]))
        elif w[0] == "flood":
            res = ctl.flood(int(w[1]), float(w[2]))
        elif w[0] == "trickle":
            res = ctl.trickle(int(w[1]), int(w[2]), float(w[3]))
        elif w[0] == "shrink":
            res = ctl.shrink(int(w[1]), int(w[2]))
        elif w[0] == "close":
            res = ctl.close(int(w[1]))
        else:
            raise RuntimeError(f"unknown command {w[0]!r}")
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line for the test's message
        print(f"netctl: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
