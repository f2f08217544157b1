#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""conns.py - loopback TCP sockets for test_check.sh and test_groups.sh.

One process holds what the options ask for until it is killed, or until
--timeout seconds pass (SIGALRM's default action ends it; the kernel closes
the sockets):

  --listen ADDR:PORT      a listener ("[::1]:0", "127.0.0.2:0"; port 0 =
                          ephemeral; "[::]:P" is dual-stack)
  --clients N             N connections from this process to its own listener
                          (each accepted here), or to --connect
  --connect ADDR:PORT     connect the clients to someone else's listener
  --accept N              accept N connections from other processes
  --src ADDR              bind the clients to this source address first
  --bound ADDR:PORT       a socket bound to ADDR:PORT that never listens or
                          connects (TCP_BOUND_INACTIVE, reported as UNCONN)
  --send BYTES            each client sends BYTES, never read unless --read-all
                          (what a closed window blocks for 1 s stays unsent)
  --read-all              the accepted sockets read everything, in threads,
                          so receive autotuning grows their rb
  --cgroup-procs FILE     write our pid to FILE before creating any socket
  --comm NAME             our /proc/PID/comm (prctl PR_SET_NAME)
  --ready FILE            when settled, write one JSON object atomically:
      {"pid":P,"port":L,"sockets":[{"role":"listen|bound|client|server",
       "cookie":C,"local":"addr:port","peer":"addr:port"},...]}

"Settled" means: every accepted socket's SIOCINQ equals what was sent to it
and will stay so (or everything was read with --read-all), and every client's
SIOCOUTQ stopped changing, so two sockmem runs see the same numbers.
"""
import argparse
import ctypes
import fcntl
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import time

SO_COOKIE = 57
SIOCINQ = 0x541B
SIOCOUTQ = 0x5411


def die(msg):
    print(f"conns.py: {msg}", file=sys.stderr)
    sys.exit(1)


def parse_ep(s):
    if s.startswith("["):
        host, _, port = s[1:].partition("]:")
    else:
        host, _, port = s.rpartition(":")
    return host, int(port)


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def cookie(s):
    return struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]


def ep(addr):
    host, port = addr[0], addr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def ioctl_int(s, req):
    return struct.unpack("i", fcntl.ioctl(s.fileno(), req, b"\0\0\0\0"))[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen")
    ap.add_argument("--connect")
    ap.add_argument("--clients", type=int, default=0)
    ap.add_argument("--accept", type=int, default=0)
    ap.add_argument("--src")
    ap.add_argument("--bound")
    ap.add_argument("--send", type=int, default=0)
    ap.add_argument("--read-all", action="store_true")
    ap.add_argument("--cgroup-procs")
    ap.add_argument("--comm")
    ap.add_argument("--ready")
    ap.add_argument("--timeout", type=int, default=60)
    a = ap.parse_args()

    signal.alarm(a.timeout)
    if a.comm:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(15, a.comm.encode()[:15], 0, 0, 0) != 0:
            die("prctl(PR_SET_NAME) failed")
    if a.cgroup_procs:
        with open(a.cgroup_procs, "w") as f:
            f.write(f"{os.getpid()}\n")

    held = []  # (role, socket)
    lsock = None
    port = 0
    if a.listen:
        host, p = parse_ep(a.listen)
        lsock = socket.socket(family_of(host), socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if host == "::":
            lsock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        lsock.bind((host, p))
        lsock.listen(4096)
        port = lsock.getsockname()[1]
        held.append(("listen", lsock))
    if a.bound:
        host, p = parse_ep(a.bound)
        b = socket.socket(family_of(host), socket.SOCK_STREAM)
        b.bind((host, p))
        held.append(("bound", b))
    if a.connect:
        target = parse_ep(a.connect)
    elif lsock is not None:
        host, _ = parse_ep(a.listen)
        if host == "::":
            host = "::1"
        elif host == "0.0.0.0":
            host = "127.0.0.1"
        target = (host, port)
    else:
        target = None
    if a.clients and target is None:
        die("--clients needs --listen or --connect")

    clients, servers = [], []
    for _ in range(a.clients):
        c = socket.socket(family_of(target[0]), socket.SOCK_STREAM)
        if a.src:
            c.bind((a.src, 0))
        for attempt in range(100):  # the listener may still be starting
            try:
                c.connect(target)
                break
            except ConnectionRefusedError:
                if not a.connect or attempt == 99:
                    raise
                c.close()
                c = socket.socket(family_of(target[0]), socket.SOCK_STREAM)
                if a.src:
                    c.bind((a.src, 0))
                time.sleep(0.05)
        clients.append(c)
        if lsock is not None and not a.connect:
            s, _ = lsock.accept()
            servers.append(s)
    for _ in range(a.accept):
        s, _ = lsock.accept()
        servers.append(s)
    held += [("client", c) for c in clients] + [("server", s) for s in servers]

    # Traffic. --read-all: blocking senders and readers in threads, so the
    # transfer is window-limited and receive autotuning grows rb.
    if a.send and a.read_all:
        if len(servers) != len(clients):
            die("--read-all needs --clients to our own --listen")

        def reader(s):
            got = 0
            while got < a.send:
                data = s.recv(1 << 18)
                if not data:
                    break
                got += len(data)

        threads = [threading.Thread(target=c.sendall, args=(b"x" * a.send,)) for c in clients]
        threads += [threading.Thread(target=reader, args=(s,)) for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # Otherwise nobody reads: send until done or the peer's window stays
    # closed for a second (what is left stays unsent).
    elif a.send:
        left = {c.fileno(): a.send for c in clients}
        bycfd = {c.fileno(): c for c in clients}
        for c in clients:
            c.setblocking(False)
        chunk = b"x" * 65536
        stalled_since = None
        while any(n > 0 for n in left.values()):
            wr = [fd for fd, n in left.items() if n > 0]
            _, w, _ = select.select([], wr, [], 0.2)
            progressed = False
            for fd in w:
                try:
                    n = bycfd[fd].send(chunk[: min(len(chunk), left[fd])])
                    left[fd] -= n
                    progressed = progressed or n > 0
                except BlockingIOError:
                    pass
            if progressed:
                stalled_since = None
            elif stalled_since is None:
                stalled_since = time.monotonic()
            elif time.monotonic() - stalled_since > 1.0:
                break
    # Settle: queues stop moving.
    deadline = time.monotonic() + 10
    last = None
    stable = 0
    while time.monotonic() < deadline:
        cur = ([ioctl_int(s, SIOCINQ) for s in servers],
               [ioctl_int(c, SIOCOUTQ) for c in clients])
        stable = stable + 1 if cur == last else 0
        last = cur
        if stable >= 3:
            break
        time.sleep(0.1)

    info = {"pid": os.getpid(), "port": port, "sockets": []}
    for role, s in held:
        e = {"role": role, "cookie": cookie(s), "local": ep(s.getsockname())}
        if role not in ("listen", "bound"):
            e["peer"] = ep(s.getpeername())
        info["sockets"].append(e)
    if a.ready:
        tmp = a.ready + ".tmp"
        with open(tmp, "w") as f:
            json.dump(info, f)
        os.rename(tmp, a.ready)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
