#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fault-injection suite: runs every row of tests/fault/table under strace's
syscall tampering and checks that sockmem either fails with one line on stderr
and nothing on stdout, or succeeds with one complete, valid document.

    SOCKMEM=./sockmem HELPERS=build/helpers tests/fault/run.py [ROW...]

Needs root (ip netns, other processes' /proc/[pid]/fd) and strace. Prints
"ok NAME" or "FAIL NAME: reason" per row, then "N passed, M failed"; exits 1
on any failure. Each row is bounded by ROW_TIMEOUT seconds and killed by pid.
Stdlib only.

How a row runs: the driver forks; the child sets up limits and redirections and
execs "strace -D -f -o LOG ... -- sockmem ARGS". With -D strace runs as a
grandchild and the child itself becomes sockmem, so its pid (known before the
exec) is sockmem's: that is what {pid} in a path means, what the driver waits
for (sockmem's own exit status) and what it kills on a timeout.
"""
import json
import os
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOCKMEM = os.path.abspath(os.environ.get("SOCKMEM", "./sockmem"))
HELPERS = os.path.abspath(os.environ.get("HELPERS", "build/helpers"))
TABLE = os.environ.get("FAULT_TABLE", os.path.join(HERE, "table"))
ROW_TIMEOUT = float(os.environ.get("FAULT_ROW_TIMEOUT", "8"))
VERBOSE = os.environ.get("FAULT_VERBOSE") == "1"
HOLDER_PAIRS = 40
HOLDER_SOCKETS = 1 + 2 * HOLDER_PAIRS

COMMANDS = ("report", "sockets", "top", "system", "check")
JSON_KEYS = {
    "report": ["schema", "command", "host", "system", "by", "groups", "totals",
               "owners_scan", "findings"],
    "top": ["schema", "command", "host", "by", "groups", "totals", "owners_scan"],
    "system": ["schema", "command", "host", "system"],
    "sockets": ["schema", "command", "host", "sockets"],
    "check": ["schema", "command", "host", "findings"],
}
# The line that only a finished text document has (its last section's start).
TEXT_END = {
    ("report", "table"): r"^findings: ",
    ("report", "tsv"): r"^id\tseverity\t",
    ("top", "table"): r"^total \(each socket once\): ",
    ("top", "tsv"): r"^pid\tcomm\t",
    ("system", "table"): r"^reconcile ",
    ("system", "tsv"): r"^reconcile\.within_tolerance\t",
    ("sockets", "table"): r"^State ",
    ("sockets", "tsv"): r"^state\trecv_q\t",
    ("check", "table"): r"^findings: ",
    ("check", "tsv"): r"^id\tseverity\t",
}


class Fail(Exception):
    pass


class Row:
    def __init__(self, lineno, fields):
        (self.name, setup, args, self.syscall, self.error, self.when, self.path,
         expect) = fields
        self.lineno = lineno
        self.setup = {}
        for item in setup.split(","):
            if item != "-":
                k, _, v = item.partition("=")
                self.setup[k] = v
        self.args = shlex.split(args)
        words = expect.split(None, 1)
        self.kind = words[0]
        rest = words[1] if len(words) > 1 else ""
        if self.kind in ("fail", "fail-write", "partial"):
            self.msg, self.checks = rest, []
        elif self.kind in ("ok", "done"):
            self.msg, self.checks = None, rest.split()
        else:
            raise ValueError(f"table line {lineno}: unknown expectation {self.kind!r}")


def load_table(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [x.strip() for x in line.split("|")]
            if len(fields) != 8:
                raise ValueError(f"table line {n}: {len(fields)} fields, want 8")
            rows.append(Row(n, fields))
    names = [r.name for r in rows]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"duplicate row names: {sorted(dup)}")
    return rows


def view_and_format(args):
    cmd = args[0] if args and args[0] in COMMANDS else "report"
    fmt = "table"
    for i, a in enumerate(args):
        if a in ("-j", "--json"):
            fmt = "json"
        elif a in ("-o", "--output") and i + 1 < len(args):
            fmt = args[i + 1]
    return cmd, fmt


class Env:
    """What the rows share: a socket holder, a named namespace, a work dir."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="sockmem-fault.")
        self.holder = None
        self.ns = None
        self.child = None  # the running row's sockmem, killed if we are stopped

    def start(self):
        ready = os.path.join(self.tmp, "holder.json")
        self.holder = subprocess.Popen(
            [os.path.join(HELPERS, "sockpair"), "--pairs", str(HOLDER_PAIRS),
             "--unread", "1000", "--ready-file", ready, "--timeout", "120"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not os.path.exists(ready):
            if self.holder.poll() is not None or time.monotonic() > deadline:
                raise Fail("sockpair holder did not become ready")
            time.sleep(0.02)
        name = f"sockmem-fault-{os.getpid()}"
        subprocess.run(["ip", "netns", "add", name], check=True, timeout=10)
        self.ns = name

    def stop(self):
        if self.child:
            os.kill(self.child, signal.SIGKILL)
            reap(self.child)
            self.child = None
        if self.holder and self.holder.poll() is None:
            self.holder.kill()
            self.holder.wait()
        if self.ns:
            subprocess.run(["ip", "netns", "delete", self.ns], timeout=10)
            self.ns = None
        subprocess.run(["rm", "-rf", self.tmp])

    def subst(self, s, pid=0, stdout=""):
        return (s.replace("{holder}", str(self.holder.pid)).replace("{ns}", self.ns or "")
                .replace("{pid}", str(pid)).replace("{stdout}", stdout))


def nth_call(argv, syscall, path, files):
    """when=@PATH: the number of the first SYSCALL call naming PATH in an
    uninjected run of argv, counting every earlier call of it (the dynamic
    loader's opens included), so a row can say "the call that opens PATH"
    however many libraries this build links."""
    log = files["log"] + ".dry"
    subprocess.run(["strace", "-f", "-qq", "-o", log, "-e", f"trace={syscall}", "--", *argv],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=30)
    n = 0
    with open(log) as f:
        for line in f:
            if f"{syscall}(" not in line or "resumed>" in line:
                continue
            n += 1
            if f'"{path}"' in line or f'/{path}"' in line:
                return n
    raise RuntimeError(f"when=@{path}: no {syscall} of it in a dry run")


def child_exec(env, row, files):
    """In the forked child: limits, redirections, then exec. Never returns."""
    try:
        pid = os.getpid()
        fd = os.open("/dev/null", os.O_RDONLY)
        os.dup2(fd, 0)
        os.close(fd)
        for target, path in ((1, files["out"]), (2, files["err"])):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, target)
            os.close(fd)
        if "nofile" in row.setup:
            n = int(row.setup["nofile"])
            resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
        if "free" in row.setup:
            # fill the table with inherited fds until exactly N below the limit
            # are free: how many the driver itself holds differs between hosts
            resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
            free = int(row.setup["free"])
            while True:
                fd = os.open("/dev/null", os.O_RDONLY)
                os.set_inheritable(fd, True)
                if fd >= 1023 - free:
                    break
        argv = [SOCKMEM] + [env.subst(a, pid) for a in row.args]
        if "fifo" in row.setup:
            # a /run/netns of our own: other tests on this host never see the FIFO
            script = ("mount -t tmpfs sockmem-fault /run/netns && "
                      "mkfifo /run/netns/fifo && exec \"$@\"")
            argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                    "sh"] + argv
        if row.syscall != "-":
            # LeakSanitizer cannot run under ptrace (for a build/sockmem-san run)
            opts = os.environ.get("ASAN_OPTIONS", "")
            os.environ["ASAN_OPTIONS"] = (opts + ":" if opts else "") + "detect_leaks=0"
            spec = f"inject={row.syscall}:"
            spec += row.error if row.error.startswith("retval=") else f"error={row.error}"
            if row.when.startswith("@"):
                spec += f":when={nth_call(argv, row.syscall, row.when[1:], files)}"
            elif row.when != "-":
                spec += f":when={row.when}"
            st = ["strace", "-D", "-f", "--seccomp-bpf", "-q", "-o", files["log"], "-e",
                  f"trace={row.syscall}", "-e", spec]
            if row.path != "-":
                for path in row.path.split(","):
                    st += ["-P", env.subst(path, pid, files["out"])]
            argv = st + ["--"] + argv
        os.execvp(argv[0], argv)
    except BaseException as e:  # report, never return into the driver
        os.write(2, f"fault driver: exec failed: {e}\n".encode())
    os._exit(127)


def wait_row(pid, start):
    """Waits for the row's sockmem; SIGKILLs it (by pid) after ROW_TIMEOUT."""
    while True:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            return st
        if time.monotonic() - start > ROW_TIMEOUT:
            os.kill(pid, signal.SIGKILL)
            raise Fail(f"no exit within {ROW_TIMEOUT:g} s (killed)" +
                       ("" if reap(pid) else "; not reaped after SIGKILL"))
        time.sleep(0.005)


def reap(pid, seconds=5):
    """Reaps a killed row. A traced process's exit reaches its parent only
    after strace has seen it, so this waits a bounded time, never forever."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return True
        time.sleep(0.01)
    return False


def run_row(env, row):
    base = os.path.join(env.tmp, row.name)
    files = {"out": base + ".out", "err": base + ".err", "log": base + ".strace"}
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        child_exec(env, row, files)
    env.child = pid
    try:
        status = wait_row(pid, start)
    except Fail:
        env.child = None  # killed and reaped
        raise
    env.child = None  # reaped; a SIGTERM before this leaves it to Env.stop
    elapsed = time.monotonic() - start
    if os.WIFSIGNALED(status):
        raise Fail(f"killed by signal {os.WTERMSIG(status)}")
    rc = os.WEXITSTATUS(status)
    if rc == 127 and "fault driver" in open(files["err"], errors="replace").read():
        raise Fail(open(files["err"]).read().strip())
    with open(files["out"], "rb") as f:
        out = f.read()
    with open(files["err"], errors="replace") as f:
        # strace (a grandchild with -D) shares the tracee's stderr for its own notes
        err = [ln for ln in f.read().splitlines() if not ln.startswith("strace: ")]
    if row.syscall != "-":
        check_injected(pid, files["log"])
    return rc, out, err, elapsed


def check_injected(pid, log):
    """A row whose fault never fired tests nothing: require one INJECTED line."""
    deadline = time.monotonic() + 3
    text = ""
    while time.monotonic() < deadline:
        try:
            with open(log, errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        # strace writes the tracee's exit last; wait for it so the log is whole
        # strace pads the pid column: "4925  +++" but "30689 +++"
        if re.search(rf"^{pid}\s+\+\+\+ (exited|killed)", text, re.M):
            break
        time.sleep(0.01)
    if "(INJECTED)" not in text:
        raise Fail("strace injected nothing (the row's filter matched no call)")


def lookup(doc, path):
    """Follows a dotted path; returns (found, value)."""
    cur = doc
    for part in path.split("."):
        if isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return False, None
    return True, cur


def check_doc(row, env, cmd, fmt, out):
    """stdout must be exactly one complete document of the view and format."""
    text = out.decode("utf-8", errors="strict")
    if not text.endswith("\n"):
        raise Fail("stdout does not end with a newline (truncated?)")
    if fmt == "json":
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise Fail(f"stdout is not one JSON document: {e}")
        missing = [k for k in JSON_KEYS[cmd] if k not in doc]
        if missing or doc.get("command") != cmd:
            raise Fail(f"JSON document incomplete: missing {missing}")
        return doc, text
    end = TEXT_END.get((cmd, fmt))
    if end and not re.search(end, text, re.M):
        raise Fail(f"{fmt} output lacks its last section ({end})")
    return None, text


def holder_owned(env, cmd, doc, text):
    pid = env.holder.pid
    if doc is not None:
        if cmd == "sockets":
            n = sum(1 for s in doc["sockets"]
                    if any(o.get("pid") == pid for o in (s.get("owners") or [])))
        else:
            n = sum(g["sockets"] for g in doc.get("groups", []) if g.get("pid") == pid)
        return n == HOLDER_SOCKETS
    if cmd == "sockets":
        return text.count(f"sockpair/{pid}/") >= HOLDER_SOCKETS
    for ln in text.splitlines():
        f = ln.split()
        if f[:2] == [str(pid), "sockpair"]:
            return True
    return False


PARTIAL_WORDS = r"incomplete|not fully read|read errors?\b"


def incomplete_shown(doc, text, err):
    """JSON must carry it (owners_scan.*incomplete* > 0); a text format may say
    it in the document or in sockmem's one stderr line."""
    if doc is not None:
        scan = doc.get("owners_scan") or {}
        return any("incomplete" in k and isinstance(v, int) and v > 0
                   for k, v in scan.items())
    return bool(re.search(PARTIAL_WORDS, text + "\n".join(err), re.I))


def run_checks(row, env, cmd, doc, text):
    for c in row.checks:
        key, _, arg = c.partition("=")
        if key in ("null", "set", "gt0") and doc is None:
            raise Fail(f"check {c} needs JSON output")
        if key == "null" and arg.endswith(".*"):
            found, obj = lookup(doc, arg[:-2])
            if not found or not isinstance(obj, dict) or not obj:
                raise Fail(f"{arg[:-2]}: no such object")
            bad = {k: v for k, v in obj.items() if v is not None}
            if bad:
                raise Fail(f"{arg} should all be null, has {bad}")
        elif key == "null":
            found, v = lookup(doc, arg)
            if found and v is not None and not (isinstance(v, list) and v and
                                                all(x is None for x in v)):
                raise Fail(f"{arg} is {v!r}, want null or absent (or all null)")
        elif key == "set":
            found, v = lookup(doc, arg)
            if not found or v is None:
                raise Fail(f"{arg} is absent, want a value")
        elif key == "gt0":
            found, v = lookup(doc, arg)
            if not found or not isinstance(v, int) or v <= 0:
                raise Fail(f"{arg} is {v!r}, want > 0")
        elif key == "tsv-empty":
            lines = [ln for ln in text.splitlines() if ln.split("\t")[0] == arg]
            if len(lines) != 1 or lines[0] != arg + "\t":
                raise Fail(f"TSV {arg}: {lines!r}, want one line with an empty value")
        elif key == "owned":
            if not holder_owned(env, cmd, doc, text):
                raise Fail(f"the holder's {HOLDER_SOCKETS} sockets are not all "
                           f"attributed to pid {env.holder.pid}")
        elif key == "notowned":
            if holder_owned(env, cmd, doc, text):
                raise Fail("the holder's sockets are attributed although its fds "
                           "could not be read (the fault did not take effect)")
        elif key == "skipped":
            nss = (doc or {}).get("system", {}).get("namespaces") or []
            if not any(ns.get("skipped") for ns in nss):
                raise Fail("no namespace is marked skipped")
        elif key == "quiet":
            pass
        else:
            raise Fail(f"unknown check {c}")


def one_line(err, msg):
    if len(err) != 1:
        raise Fail(f"want one stderr line, got {len(err)}: {err[:4]!r}")
    if not re.fullmatch("sockmem: " + msg, err[0]):
        raise Fail(f"stderr {err[0]!r} does not match 'sockmem: {msg}'")


def judge(env, row, rc, out, err):
    cmd, fmt = view_and_format(row.args)
    if row.kind in ("fail", "fail-write"):
        if rc != 1:
            raise Fail(f"exit {rc}, want 1 (stderr {err[:2]!r})")
        one_line(err, row.msg)
        if row.kind == "fail" and out:
            raise Fail(f"failed run wrote {len(out)} bytes on stdout")
        if row.kind == "fail-write" and not out:
            raise Fail("nothing on stdout: the fault did not hit a later write")
        return
    if row.kind == "done":
        if rc == 1:
            one_line(err, ".+")
            if out:
                raise Fail(f"failed run wrote {len(out)} bytes on stdout")
            return
    if row.kind == "partial" and rc == 1:
        one_line(err, row.msg)
        if out:
            raise Fail(f"failed run wrote {len(out)} bytes on stdout")
        return
    if rc != 0:
        raise Fail(f"exit {rc}, want {'0 or 1' if row.kind != 'ok' else 0} "
                   f"(stderr {err[:2]!r})")
    # a partial success may say so on stderr, once; an ok run says nothing
    if err and not (row.kind == "partial" and len(err) == 1 and err[0].startswith("sockmem: ")):
        raise Fail(f"exit 0 with stderr {err[:3]!r}")
    if "quiet" in row.checks:
        return
    doc, text = check_doc(row, env, cmd, fmt, out)
    if row.kind == "partial" and not incomplete_shown(doc, text, err):
        raise Fail("exit 0 and a complete document that does not say the fd walk "
                   "was incomplete" + ("" if holder_owned(env, cmd, doc, text) else
                                       " (the holder's sockets lost their owner silently)"))
    run_checks(row, env, cmd, doc, text)


def main(argv):
    rows = load_table(TABLE)
    if argv:
        unknown = set(argv) - {r.name for r in rows}
        if unknown:
            print(f"unknown rows: {sorted(unknown)}", file=sys.stderr)
            return 2
        rows = [r for r in rows if r.name in argv]
    env = Env()
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))
    passed = failed = 0
    t0 = time.monotonic()
    try:
        env.start()
        for row in rows:
            try:
                rc, out, err, elapsed = run_row(env, row)
                judge(env, row, rc, out, err)
                print(f"ok {row.name}" + (f" ({elapsed:.2f}s)" if VERBOSE else ""))
                passed += 1
            except Fail as e:
                print(f"FAIL {row.name}: {e}")
                failed += 1
            sys.stdout.flush()
    except Fail as e:
        print(f"FAIL setup: {e}")
        failed += 1
    finally:
        env.stop()
    if VERBOSE:
        print(f"fault suite: {time.monotonic() - t0:.1f}s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
