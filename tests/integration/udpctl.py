#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""udpctl.py - integration-test helper for UDP: loopback UDP sockets that the
test creates and fills on command. Run right after `unshare -n` (it brings lo
up, so the Udp counters of /proc/net/snmp are this namespace's own); reads one
command per line on stdin and answers each with one JSON line on stdout:

  recv FAMILY [RCVBUF]  a bound, unconnected receiver (4 or 6) that never
                        reads; SO_RCVBUF RCVBUF first when given; answers SOCK
  conn FAMILY           a connected sender/receiver pair (both ESTAB), the
                        receiver never reads; answers {"tx": SOCK, "rx": SOCK}
  send ID N SIZE        a sender sends N datagrams of SIZE bytes to socket ID
                        without blocking; answers SOCK of ID once its queue
                        stopped moving
  tcp                   a TCP listener and one accepted connection with 10000
                        unread bytes; answers {"cookies": [C, ...]}
  fork ID               a child process that holds socket ID too (sleeps until
                        this helper exits); answers {"pid": PID}
  info ID               answers SOCK
  quit                  exits

SOCK is {"id": I, "cookie": C, "port": P, "skmem": [9 SO_MEMINFO values]}.
It exits by itself after --timeout seconds and when stdin closes; children it
forked are killed by PID when it exits. Stdlib only.
"""
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time

SO_MEMINFO = 55
SO_COOKIE = 57


class Ctl:
    def __init__(self):
        self.socks = []
        self.keep = []
        self.kids = []

    def info(self, i):
        s = self.socks[i]
        mem = list(struct.unpack("9I", s.getsockopt(socket.SOL_SOCKET, SO_MEMINFO, 36)))
        cookie = struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]
        return {"id": i, "cookie": cookie, "port": s.getsockname()[1], "skmem": mem}

    def add(self, s):
        self.socks.append(s)
        return len(self.socks) - 1

    def new(self, fam):
        af = socket.AF_INET6 if fam == "6" else socket.AF_INET
        return af, ("::1" if fam == "6" else "127.0.0.1"), socket.socket(af, socket.SOCK_DGRAM)

    def recv(self, fam, rcvbuf=None):
        _, addr, s = self.new(fam)
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(rcvbuf))
        s.bind((addr, 0))
        return self.info(self.add(s))

    def conn(self, fam):
        _, addr, rx = self.new(fam)
        rx.bind((addr, 0))
        _, _, tx = self.new(fam)
        tx.bind((addr, 0))
        tx.connect(rx.getsockname())
        rx.connect(tx.getsockname())
        t, r = self.add(tx), self.add(rx)
        return {"tx": self.info(t), "rx": self.info(r)}

    def send(self, i, n, size):
        dst = self.socks[i]
        fam = "6" if dst.family == socket.AF_INET6 else "4"
        _, _, s = self.new(fam)
        s.setblocking(False)
        for _ in range(int(n)):
            try:
                s.sendto(b"x" * int(size), dst.getsockname()[:2])
            except BlockingIOError:
                time.sleep(0.001)
        s.close()
        last = None
        for _ in range(100):                 # loopback delivers in softirq: settle
            cur = self.info(i)["skmem"]
            if cur == last:
                break
            last = cur
            time.sleep(0.02)
        return self.info(i)

    def tcp(self):
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lst.bind(("127.0.0.1", 0))
        lst.listen(4)
        c = socket.create_connection(lst.getsockname())
        a, _ = lst.accept()
        c.sendall(b"y" * 10000)
        self.keep += [lst, c, a]
        time.sleep(0.1)
        return {"cookies": [struct.unpack("Q", x.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]
                            for x in (lst, c, a)]}

    def fork(self, i):
        fd = self.socks[i].fileno()
        p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"],
                             pass_fds=(fd,))
        self.kids.append(p)
        return {"pid": p.pid}


def main():
    timeout = 120
    if len(sys.argv) == 3 and sys.argv[1] == "--timeout":
        timeout = int(sys.argv[2])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    ctl = Ctl()
    deadline = time.monotonic() + timeout
    print(json.dumps({"pid": os.getpid()}), flush=True)
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([sys.stdin], [], [], 1)
            if not ready:
                continue
            line = sys.stdin.readline()
            if not line:
                break
            w = line.split()
            if not w or w[0] == "quit":
                break
            if w[0] == "recv":
                out = ctl.recv(*w[1:])
            elif w[0] == "conn":
                out = ctl.conn(w[1])
            elif w[0] == "send":
                out = ctl.send(int(w[1]), w[2], w[3])
            elif w[0] == "tcp":
                out = ctl.tcp()
            elif w[0] == "fork":
                out = ctl.fork(int(w[1]))
            elif w[0] == "info":
                out = ctl.info(int(w[1]))
            else:
                print(f"udpctl: unknown command {w[0]!r}", file=sys.stderr)
                return 1
            print(json.dumps(out), flush=True)
    finally:
        for p in ctl.kids:
            try:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
