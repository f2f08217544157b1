#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_contract.py - holds sockmem's output names to man/contract.tsv.

    tests/contract/check_contract.py [--sockmem ./sockmem] [--helpers build/helpers]
    tests/contract/check_contract.py --man-only      (no root, no runs)
    tests/contract/check_contract.py --dump          (print what the runs emit)

Runs the built binary for every view x format x option that changes the names
it prints, against a population of real sockets (a private network namespace
holding build/helpers/sockpair connections, with tcp_rmem/tcp_wmem lowered in
that namespace so every per-socket finding fires) and against generated
--proc-root fixtures (copies of this host's /proc files with tcp_mem, orphan,
counter and pressure values replaced, so every host-level finding fires),
extracts every name each run prints, and compares with the contract in both
directions:

  unexpected  a run printed a name the contract does not list (a rename, or an
              undocumented addition);
  missing     the contract lists a name no run printed (a rename or removal);
              for per-object rules, also a JSON object lacking one of its
              keys, or a header whose columns differ (order included).

Then every name must appear in the rendered man page (man/sockmem.8, through
mandoc), as a whole word: "undocumented" lists the ones that do not.

Exit status 0 when everything matches, 1 on any difference, 2 when the checker
itself cannot run (no root, a helper or sockmem run failed). Needs root (netns,
setpriv), python3, unshare, nsenter, setpriv, sysctl, ip and mandoc. Loopback
only; sysctls are changed only inside the namespace it creates; every process
it starts is bounded in time and killed by PID; the ip-netns namespace it adds
is removed.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))

# The contract's vocabulary, in the order the file is kept.
BY_KEYS = ["process", "cgroup", "user", "port", "state", "netns"]
# diff prints sections: its JSON members are view "diff", each TSV block and
# table grid a view "diff:SECTION"; watch's JSON Lines are report documents
# plus view "watch", its TSV rows top's with watch's two columns in front.
DIFF_SECTIONS = ["values", "sysctls", "groups", "counts", "sockets", "findings"]
# "VIEW --udp" holds what UDP collected (-u) adds to a view (after the view's
# own names: its columns come last): sockets, system and check; diff when
# both samples collected UDP (its values and socket sections), watch.
UDP_VIEWS = {"sockets", "system", "check", "diff", "diff:values", "diff:sockets", "watch"}
VIEWS = [v2 for v in (["*", "sockets", "top"] + [f"top --by={k}" for k in BY_KEYS] +
                      ["system", "check", "report", "snapshot", "diff"] +
                      [f"diff:{s}" for s in DIFF_SECTIONS] + ["watch"])
         for v2 in ([v, f"{v} --udp"] if v in UDP_VIEWS else [v])]
FORMATS = ["table", "tsv", "json", "*", "prom"]
KINDS = ["column", "label", "key", "finding", "evidence", "metric"]
FORMAT_KINDS = {"table": {"column", "label", "key"}, "tsv": {"column", "label", "key"},
                "json": {"key"}, "*": {"finding", "evidence"}, "prom": {"label", "metric"}}
PROM_VIEWS = {"system", "top", "check", "report"}
TEXT_FORMATS = ["table", "tsv", "json"]

RUN_TIMEOUT = 60      # seconds one sockmem run may take
HELPER_TIMEOUT = 120  # seconds a helper lives at most
SEVERITIES = ("info", "warning", "critical")


class SetupError(Exception):
    pass


# ------------------------------------------------------------------ contract

class Entry:
    __slots__ = ("view", "fmt", "kind", "name", "line")

    def __init__(self, view, fmt, kind, name, line):
        self.view, self.fmt, self.kind, self.name, self.line = view, fmt, kind, name, line

    def __str__(self):
        return f"{self.view}\t{self.fmt}\t{self.kind}\t{self.name}"


def load_contract(path):
    """Parses the contract; returns (entries, problems). Problems are lint
    errors: bad fields, duplicates, groups out of order, unsorted names."""
    entries, problems, seen = [], [], {}
    prev = None
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4 or not all(fields):
                problems.append(f"{path}:{no}: not 4 tab-separated fields: {line!r}")
                continue
            view, fmt, kind, name = fields
            if view not in VIEWS:
                problems.append(f"{path}:{no}: unknown view {view!r}")
                continue
            if fmt not in FORMATS or kind not in FORMAT_KINDS[fmt]:
                problems.append(f"{path}:{no}: format {fmt!r} with kind {kind!r}")
                continue
            if fmt == "prom" and view.split(" ")[0] not in PROM_VIEWS | {"*"}:
                problems.append(f"{path}:{no}: no -o prom for view {view!r}")
                continue
            if fmt == "*" and view != "check":
                problems.append(f"{path}:{no}: finding names belong to view check")
                continue
            key = (view, fmt, kind, name)
            if key in seen:
                problems.append(f"{path}:{no}: duplicate of line {seen[key]}")
                continue
            seen[key] = no
            e = Entry(view, fmt, kind, name, no)
            order = (VIEWS.index(view), FORMATS.index(fmt), KINDS.index(kind))
            if prev is not None:
                porder, pname = prev
                if order < porder:
                    problems.append(f"{path}:{no}: {view} {fmt} {kind} is out of place "
                                    f"(keep views, formats and kinds in the order of the header)")
                elif order == porder and kind != "column" and name < pname:
                    problems.append(f"{path}:{no}: {name!r} sorts before {pname!r} "
                                    f"(names of one view, format and kind are sorted)")
            prev = (order, name)
            entries.append(e)
    return entries, problems


class Contract:
    def __init__(self, entries):
        self.entries = entries
        self.by = {}
        for e in entries:
            self.by.setdefault((e.view, e.fmt), []).append(e)

    def of(self, views, fmt, kind=None):
        out = []
        for v in views:
            out += [e for e in self.by.get((v, fmt), []) if kind is None or e.kind == kind]
        return out


# ------------------------------------------------------------- observations

class Block:
    """The names one view printed in one run (a report run has several)."""

    def __init__(self, run, fmt, views, src=None):
        self.run = run              # the command line, for messages
        self.src = src              # (command, view, --by) for --dump
        self.fmt = fmt
        self.views = views          # applicable views; for columns: variant first
        self.columns = None         # header columns, in order (table/tsv)
        self.names = []             # (kind, name) printed
        self.exact_keys = False     # the set of kind "key" names must be exactly the contract's
        self.groups = []            # sets of wildcard key names that must each be complete
        self.findings = []          # (id, [evidence keys])
        self.json_paths = set()     # every key path (json)
        self.json_objects = []      # (path, keys) of every object (json)
        self.problems = []          # parse problems
        self.prom_ids = set()       # prom: id labels of sockmem_finding_active


def by_views(view, by, udp=False):
    """Views whose names a `view` block with --by KEY prints, variant first;
    with UDP collected, a view adds its --udp names after its own."""
    if view == "top":
        return [f"top --by={by}", "top"]
    return [view, f"{view} --udp"] if udp and view in UDP_VIEWS else [view]


def report_views(by, udp=False):
    """The views a report document (or a watch line) prints."""
    return (["system", "top", f"top --by={by}", "check", "report"] +
            (["system --udp", "check --udp"] if udp else []))


# -- JSON

def json_hook(dups):
    def hook(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                dups.append(k)
            d[k] = v
        return d
    return hook


def parse_json(blk, text, contract):
    dups = []
    try:
        doc = json.loads(text, object_pairs_hook=json_hook(dups))
    except ValueError as e:
        blk.problems.append(f"not JSON: {e}")
        return
    if dups:
        blk.problems.append(f"duplicate JSON member names {sorted(set(dups))}")
    if not isinstance(doc, dict):
        blk.problems.append("JSON document is not an object")
        return
    ev_json = {e.name.rsplit(".", 1)[1] for e in contract.of(blk.views, "json")
               if e.name.startswith("findings[].evidence.") and e.name.count(".") == 2}

    def walk(obj, path):
        blk.json_objects.append((path, set(obj)))
        for k, v in obj.items():
            p = f"{path}.{k}" if path else k
            blk.json_paths.add(p)
            if path == "findings[]" and k == "evidence" and isinstance(v, dict):
                # evidence keys depend on the finding id: the "*" entries;
                # the arrays inside are ordinary paths
                blk.findings.append((obj.get("id"), [x for x in v if x not in ev_json]))
                v = {x: y for x, y in v.items() if x in ev_json}
            if isinstance(v, dict):
                walk(v, p)
            elif isinstance(v, list):
                for el in v:
                    if isinstance(el, dict):
                        walk(el, p + "[]")
    walk(doc, "")


# -- Prometheus text format

PROM_SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9][0-9.e+-]*)')
PROM_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,|$)')


def prom_labels(text):
    """(name, value) pairs of a sample's label text, or None if malformed."""
    out, pos = [], 0
    while pos < len(text):
        m = PROM_LABEL.match(text, pos)
        if not m:
            return None
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    return out


def parse_prom(blk, text):
    """Metric names from TYPE lines, label names from samples; a family
    whose samples do not follow its HELP and TYPE is a problem."""
    lines = tsv_lines(blk, text)
    family, seen = None, set()
    for ln in lines:
        if ln.startswith("# HELP "):
            continue
        if ln.startswith("# TYPE "):
            family = ln.split(" ")[2]
            if family in seen:
                blk.problems.append(f"family {family} twice")
            seen.add(family)
            blk.names.append(("metric", family))
            continue
        m = PROM_SAMPLE.fullmatch(ln)
        labels = prom_labels(m.group(2) or "") if m else None
        if labels is None or m.group(1) != family:
            blk.problems.append(f"not a sample of family {family}: {ln[:80]!r}")
            continue
        blk.names += [("label", k) for k, _ in labels]
        if family == "sockmem_finding_active":
            blk.prom_ids.add(dict(labels).get("id"))


def prom_by(text):
    """The --by key a prom output's group series carry (label by)."""
    m = re.search(r'^sockmem_group_[a-z_]+\{by="([a-z]+)"', text, re.M)
    return m.group(1) if m else None


# -- TSV

def tsv_lines(blk, text):
    lines = text.split("\n")
    if lines[-1] != "":
        blk.problems.append("output does not end with a newline")
    return [ln for ln in lines if ln != ""] if lines[-1] == "" else lines


def parse_tsv_grid(blk, text, total=False):
    """total: the last row is a total, labelled in its first field (top)."""
    lines = tsv_lines(blk, text)
    if not lines:
        blk.problems.append("no header line")
        return None
    blk.columns = lines[0].split("\t")
    blk.names += [("column", c) for c in blk.columns]
    rows = [ln.split("\t") for ln in lines[1:]]
    for r in rows:
        if len(r) != len(blk.columns):
            blk.problems.append(f"a row has {len(r)} fields, the header {len(blk.columns)}")
            break
    if total:
        if rows:
            blk.names.append(("label", rows[-1][0]))
        else:
            blk.problems.append("no total row")
    return rows


def parse_tsv_check(blk, text):
    rows = parse_tsv_grid(blk, text)
    if rows is None or "evidence" not in blk.columns or "id" not in blk.columns:
        return
    ci, ce = blk.columns.index("id"), blk.columns.index("evidence")
    for r in rows:
        if len(r) == len(blk.columns):
            keys = [kv.split("=", 1)[0] for kv in r[ce].split(",") if kv]
            blk.findings.append((r[ci], keys))


def parse_tsv_system(blk, text):
    lines = tsv_lines(blk, text)
    if not lines:
        blk.problems.append("no header line")
        return
    blk.columns = lines[0].split("\t")
    blk.names += [("column", c) for c in blk.columns]
    blk.exact_keys = True
    groups = {}
    for ln in lines[1:]:
        f = ln.split("\t")
        if len(f) != 2:
            blk.problems.append(f"a line with {len(f)} fields: {ln[:80]!r}")
            continue
        m = re.fullmatch(r"([a-z_]+)\.(\d+)\.(.+)", f[0])
        key = f"{m.group(1)}.*.{m.group(3)}" if m else f[0]
        if m:
            groups.setdefault((m.group(1), m.group(2)), set()).add(key)
        blk.names.append(("key", key))
    blk.groups = list(groups.values())


# -- table

LABEL_RE = re.compile(r"^(\S(?:.*?\S)?)(?: {2,}|$)")
KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
VALUE_RE = re.compile(r"^(-|[-+]?\d+(\.\d+)?[KMGTPE]?|yes|no)$")


def chunk_key(chunk):
    """The key of a "key value ..." chunk of a labelled table line, or None."""
    t = chunk.split()
    if t and t[0].endswith(":") and KEY_RE.match(t[0][:-1]):
        return t[0][:-1]
    if len(t) >= 2 and KEY_RE.match(t[0]) and VALUE_RE.match(t[1]):
        return t[0]
    return None


def parse_table_system(blk, text):
    label, sentence = None, False
    for ln in text.split("\n"):
        if not ln:
            continue
        if not ln.startswith(" "):
            m = LABEL_RE.match(ln)
            label, rest = m.group(1), ln[m.end():]
            blk.names.append(("label", label))
            sentence = label == "reconcile"     # its next line is a sentence
        elif sentence:
            sentence = False
            continue
        else:
            rest = ln
        for chunk in re.split(r" {2,}", rest.strip()):
            k = chunk_key(chunk)
            if k:
                blk.names.append(("key", f"{label}/{k}"))


def parse_table_grid(blk, text, footers=False):
    lines = [ln for ln in text.split("\n") if ln]
    if not lines:
        blk.problems.append("no header line")
        return
    blk.columns = lines[0].split()
    blk.names += [("column", c) for c in blk.columns]
    if footers:
        for ln in lines[1:]:
            m = re.match(r"^([a-z][a-z ()]*[a-z)]): ", ln)
            if m:
                blk.names.append(("label", m.group(1)))


def parse_table_check(blk, text):
    lines = [ln for ln in text.split("\n") if ln]
    fid, label, summary = None, None, False
    for ln in lines:
        if summary:
            summary = False
            continue
        m = re.fullmatch(r"(\S+) +(\S+)", ln)
        if m and m.group(1) in SEVERITIES:
            fid, label, summary = m.group(2), None, True
            continue
        m = re.match(r"^ {0,2}([a-z][a-z ]*[a-z]):? ", ln)
        if m:
            label, rest = m.group(1), ln[m.end():]
            blk.names.append(("label", label))
        elif ln.startswith("   ") and label == "top sockets":
            rest = ln.strip()
        else:
            blk.problems.append(f"unrecognised check table line {ln[:60]!r}")
            continue
        if label == "evidence" and fid:
            blk.findings.append((fid, re.findall(r"(?:^| )([^ =]+)=", rest)))
        elif label == "top sockets":
            t = rest.split()
            # endpoints, state, then key value pairs
            blk.names += [("key", f"top sockets/{k}") for k in t[2::2]]


# ---------------------------------------------------------------- the runs

class Runner:
    def __init__(self, sockmem, helpers, contract, verbose=False):
        self.sockmem, self.helpers = sockmem, helpers
        self.contract = contract
        self.verbose = verbose
        self.procs = []
        self.blocks = []
        self.nruns = 0
        self.tmp = tempfile.mkdtemp(prefix="sockmem-contract.")
        os.chmod(self.tmp, 0o755)
        self.netns_name = None

    # -- processes

    def cleanup(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.kill(p.pid, signal.SIGTERM)
                    p.wait(timeout=3)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    try:
                        os.kill(p.pid, signal.SIGKILL)
                        p.wait(timeout=5)
                    except (ProcessLookupError, subprocess.TimeoutExpired):
                        pass
        if self.netns_name:
            subprocess.run(["ip", "netns", "delete", self.netns_name],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def helper(self, args, wrapper=(), exe="sockpair"):
        """Starts build/helpers/EXE (sockpair, trickle) and waits for its ready file."""
        ready = os.path.join(self.tmp, f"ready.{len(self.procs)}.json")
        err = open(os.path.join(self.tmp, f"helper.{len(self.procs)}.err"), "w")
        cmd = [*wrapper, os.path.join(self.helpers, exe), *args,
               "--ready-file", ready, "--timeout", str(HELPER_TIMEOUT)]
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        err.close()
        self.procs.append(p)
        deadline = time.monotonic() + 20
        while not os.path.exists(ready):
            if p.poll() is not None or time.monotonic() > deadline:
                with open(err.name) as f:
                    raise SetupError(f"helper {' '.join(cmd)} did not become ready: "
                                     f"{f.read().strip()[:300]}")
            time.sleep(0.02)
        with open(ready) as f:
            info = json.load(f)
        if info["pid"] != p.pid:
            raise SetupError("helper pid differs from the one started")
        return info

    def sh(self, cmd):
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=RUN_TIMEOUT)
        if r.returncode != 0:
            raise SetupError(f"{' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()[:200]}")
        return r.stdout

    # -- sockmem

    def run(self, cmd, fmt, args, prefix=(), binary=None, ok=(0,), udp=None):
        """Runs sockmem CMD ARGS in format fmt and parses what it printed;
        udp: whether the output is of a UDP collection (default: -tu given)."""
        fargs = {"table": [], "tsv": ["-o", "tsv"], "json": ["-j"], "prom": ["-o", "prom"]}[fmt]
        argv = [*prefix, binary or self.sockmem, cmd, *args, *fargs]
        what = "sockmem " + " ".join([cmd, *args, *fargs])
        try:
            r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise SetupError(f"{what}: timed out after {RUN_TIMEOUT}s")
        self.nruns += 1
        if r.returncode not in ok or r.stderr:
            raise SetupError(f"{what}: exit {r.returncode}, stderr {r.stderr.strip()[:300]!r}")
        if self.verbose:
            print(f"run: {what} ({len(r.stdout)} bytes)", file=sys.stderr)
        by = "process"
        if "--by" in args:
            by = args[args.index("--by") + 1]
        self.parse(cmd, fmt, by, r.stdout, what, udp="-tu" in args if udp is None else udp)

    def parse(self, cmd, fmt, by, out, what, udp=False):
        if cmd in ("diff", "watch"):
            self.parse_time(cmd, fmt, by, out, what, udp)
            return
        if fmt == "prom":
            by = prom_by(out) or by  # without --by: cgroup where cgroup2 is mounted
            views = ["*"] + (report_views(by, udp) if cmd == "report" else by_views(cmd, by, udp))
            blk = Block(what, fmt, views, (cmd, cmd, by))
            parse_prom(blk, out)
            self.blocks.append(blk)
            return
        if fmt == "json":
            views = ["*"] + (report_views(by, udp) if cmd == "report" else by_views(cmd, by, udp))
            blk = Block(what, fmt, views, (cmd, cmd, by))
            parse_json(blk, out, self.contract)
            self.blocks.append(blk)
            return
        if cmd != "report":
            self.parse_view(cmd, fmt, by, out, what, cmd, udp)
            return
        parts = out.split("\n\n")
        if fmt == "table":
            head = Block(what, fmt, ["report"], ("report", "report", by))
            m = re.match(r"^([a-z][a-z ]*[a-z]): ", parts[0])
            if m:
                head.names.append(("label", m.group(1)))
            else:
                head.problems.append(f"no title line: {parts[0][:60]!r}")
            self.blocks.append(head)
            parts = parts[1:]
        if len(parts) != 3:
            b = Block(what, fmt, ["report"])
            b.problems.append(f"{len(parts)} blocks, not system, top and check")
            self.blocks.append(b)
            return
        for view, text in zip(("system", "top", "check"), parts):
            self.parse_view(view, fmt, by, text + ("" if text.endswith("\n") else "\n"), what,
                            cmd, udp)

    def parse_time(self, cmd, fmt, by, out, what, udp=False):
        """diff and watch (see DIFF_SECTIONS); udp: both samples collected UDP."""
        if cmd == "watch" and fmt == "json":
            lines = out.split("\n")
            if lines[-1] != "" or len(lines) < 3:
                b = Block(what, fmt, ["watch"])
                b.problems.append("not two or more JSON lines ending with a newline")
                self.blocks.append(b)
            for ln in lines[:-1]:
                blk = Block(what, fmt, ["*"] + report_views(by, udp) + by_views("watch", by, udp),
                            (cmd, cmd, by))
                parse_json(blk, ln, self.contract)
                self.blocks.append(blk)
            return
        if cmd == "watch":      # tsv: sample, time, then top's columns and total row
            blk = Block(what, fmt, ["watch"] + by_views("top", by), (cmd, "top", by))
            rows = parse_tsv_grid(blk, out)
            if rows:
                blk.names.append(("label", rows[-1][2]))
            self.blocks.append(blk)
            return
        if fmt == "json":
            blk = Block(what, fmt, ["*"] + by_views("diff", by, udp), (cmd, cmd, by))
            parse_json(blk, out, self.contract)
            self.blocks.append(blk)
            return
        if fmt == "tsv":
            parts = out.split("\n\n")
            if len(parts) != len(DIFF_SECTIONS):
                b = Block(what, fmt, ["diff"])
                b.problems.append(f"{len(parts)} TSV blocks, not {len(DIFF_SECTIONS)}")
                self.blocks.append(b)
                return
            for sec, text in zip(DIFF_SECTIONS, parts):
                blk = Block(what, fmt, by_views(f"diff:{sec}", by, udp), (cmd, f"diff:{sec}", by))
                rows = parse_tsv_grid(blk, text if text.endswith("\n") else text + "\n")
                if sec in ("values", "counts") and rows is not None:
                    blk.names += [("key", r[0]) for r in rows]
                    blk.exact_keys = True
                self.blocks.append(blk)
            return
        # table: titled lines of view "diff", grids known by their first column
        grids = {"VALUE": "values", "SYSCTL": "sysctls", "PID": "groups", "KEY": "groups",
                 "CHANGE": "sockets"}
        head = Block(what, fmt, ["diff"], (cmd, "diff", by))
        for part in out.split("\n\n"):
            for ln in [x for x in part.split("\n") if x]:
                first = ln.split()[0]
                if first in grids:
                    blk = Block(what, fmt, by_views(f"diff:{grids[first]}", by, udp),
                                (cmd, grids[first], by))
                    blk.columns = ln.split()
                    blk.names += [("column", c) for c in blk.columns]
                    self.blocks.append(blk)
                    break
                if ln.startswith(" "):
                    continue
                m = re.match(r"^([a-z]+(?: [a-z]+)*):(?: |$)", ln) or LABEL_RE.match(ln)
                head.names.append(("label", m.group(1)))
        self.blocks.append(head)

    def parse_view(self, view, fmt, by, text, what, cmd, udp=False):
        blk = Block(what, fmt, by_views(view, by, udp), (cmd, view, by))
        if fmt == "tsv":
            {"sockets": parse_tsv_grid, "top": lambda b, t: parse_tsv_grid(b, t, total=True),
             "system": parse_tsv_system, "check": parse_tsv_check}[view](blk, text)
        elif view == "system":
            parse_table_system(blk, text)
        elif view == "check":
            parse_table_check(blk, text)
        else:
            parse_table_grid(blk, text, footers=view == "top")
        self.blocks.append(blk)

    # -- the population

    def fixture(self, name, mem, orphans, press, container=False, drops=False,
                pcpu_rsv="1"):
        """A proc root of this host's files with TCP mem, orphans and the
        pressure flag replaced; tcp_mem 100 200 300, tcp_max_orphans 1000,
        mem_pcpu_rsv pcpu_rsv (1: the per-CPU tolerance is ncpu pages, so a
        mem far above the sockets' is a reconcile_gap). container: without
        the host-only files; drops: PruneCalled 7."""
        d = os.path.join(self.tmp, f"fix-{name}")
        udp = {"fix-udphigh": 3001, "fix-udppress": 2001}.get(f"fix-{name}")
        for sub in ("net", "sys/net/ipv4", "sys/net/core", "sys/kernel"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)

        def put(rel, text):
            with open(os.path.join(d, rel), "w") as f:
                f.write(text)

        def real(rel):
            with open(f"/proc/{rel}") as f:
                return f.read()

        st = real("net/sockstat")
        st = re.sub(r"^(TCP:.*\bmem )\d+", rf"\g<1>{mem}", st, flags=re.M)
        st = re.sub(r"^(TCP:.*\borphan )\d+", rf"\g<1>{orphans}", st, flags=re.M)
        if udp:  # udp_mem_high / udp_mem_pressure against udp_mem 1000 2000 3000
            st = re.sub(r"^(UDP:.*\bmem )\d+", rf"\g<1>{udp}", st, flags=re.M)
            put("sys/net/ipv4/udp_mem", "1000\t2000\t3000\n")
        put("net/sockstat", st)
        put("net/sockstat6", real("net/sockstat6"))
        lines = real("net/protocols").splitlines(True)
        pi = lines[0].split().index("press")
        out = [lines[0]]
        for ln in lines[1:]:
            f = ln.split()
            if f and f[0] in ("TCP", "TCPv6"):
                f[pi] = press
                ln = " ".join(f) + "\n"
            out.append(ln)
        put("net/protocols", "".join(out))
        ns = real("net/netstat").splitlines(True)
        for i in range(0, len(ns) - 1, 2):
            if drops and ns[i].startswith("TcpExt:"):
                names, vals = ns[i].split(), ns[i + 1].split()
                if "PruneCalled" in names:
                    vals[names.index("PruneCalled")] = "7"
                ns[i + 1] = " ".join(vals) + "\n"
        put("net/netstat", "".join(ns))
        for n in ("tcp_rmem", "tcp_wmem", "tcp_adv_win_scale", "tcp_moderate_rcvbuf",
                  "tcp_shrink_window"):
            if os.path.exists(f"/proc/sys/net/ipv4/{n}"):
                put(f"sys/net/ipv4/{n}", real(f"sys/net/ipv4/{n}"))
        for n in ("rmem_max", "wmem_max", "rmem_default", "wmem_default"):
            put(f"sys/net/core/{n}", real(f"sys/net/core/{n}"))
        for n in ("hostname", "osrelease"):
            put(f"sys/kernel/{n}", real(f"sys/kernel/{n}"))
        if not container:
            put("sys/net/ipv4/tcp_mem", "100\t200\t300\n")
            put("sys/net/ipv4/tcp_max_orphans", "1000\n")
            put("sys/net/core/mem_pcpu_rsv", f"{pcpu_rsv}\n")
        return d

    def populate_and_run(self):
        # 1. a private netns: v4 receivers over budget (SO_RCVBUF 1: rb is the
        # minimum, the unread bytes' truesize exceeds it), v6 pairs and a
        # TIME-WAIT socket (null skmem/tcp_info) from a second helper in it.
        h1 = self.helper(["--netns-lo", "--family", "4", "--pairs", "2", "--unread", "1000",
                          "--unread-step", "100", "--rcvbuf", "1"],
                         wrapper=["unshare", "-n", "--"])
        # unshare execs the helper: lo comes up through --netns-lo
        ns = ["nsenter", "-t", str(h1["pid"]), "-n"]
        self.helper(["--family", "6", "--pairs", "1", "--timewait", "1"], wrapper=ns)
        # a receiver fed 4-byte segments it never reads: 2000 of them (r about
        # 10 x the payload, near rb), then idle; growing_rcvbuf once tcp_rmem's
        # default drops below its rb
        self.helper(["--writes", "2000", "--interval-us", "500"], wrapper=ns, exe="trickle")
        time.sleep(2.5)
        # per-netns sysctls only: every socket's budgets now reach the
        # maxima (rcvbuf_at_max, sndbuf_at_max) and lie outside autotuning
        # (outside_autotuning; locked_buffers from SO_RCVBUF 1's window
        # scale); --zero-window 1G makes the unread receivers an
        # unread_backlog
        self.sh([*ns, "sysctl", "-q", "-w", "net.ipv4.tcp_rmem=4096 4096 4096",
                 "net.ipv4.tcp_wmem=4096 4096 4096"])
        fopts = ["--unsent-min", "0", "--zero-window", "1G"]
        for fmt in TEXT_FORMATS:
            self.run("sockets", fmt, [], ns)
            self.run("sockets", fmt, ["--no-owners"], ns)
            for by in BY_KEYS:
                self.run("top", fmt, ["--by", by], ns)
            self.run("top", fmt, [], ns)
            self.run("top", fmt, ["--no-owners"], ns)
            self.run("system", fmt, [], ns)
            self.run("check", fmt, fopts, ns, ok=(3, 4))
            self.run("report", fmt, fopts, ns)
            self.run("report", fmt, ["--by", "cgroup", "--no-owners"], ns)
        # UDP (-tu): a receiver that dropped datagrams and one whose SO_RCVBUF
        # the host capped (udp_drops, udp_rcvbuf_capped), beside the TCP sockets
        uctl = subprocess.Popen([*ns, sys.executable,
                                 os.path.join(REPO, "tests", "integration", "udpctl.py"),
                                 "--timeout", str(HELPER_TIMEOUT)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.procs.append(uctl)
        uctl.stdout.readline()
        with open("/proc/sys/net/core/rmem_max") as f:
            rmem_max = int(f.read())
        for line in ("recv 4", "send 0 600 1400", f"recv 6 {4 * rmem_max}", "conn 4"):
            uctl.stdin.write(line + "\n")
            uctl.stdin.flush()
            uctl.stdout.readline()
        for fmt in TEXT_FORMATS:
            self.run("sockets", fmt, ["-tu"], ns)
            self.run("system", fmt, ["-tu"], ns)
            self.run("check", fmt, ["-tu", *fopts], ns, ok=(3, 4))
            self.run("report", fmt, ["-tu", *fopts], ns)
        # diff with UDP in both samples: the receiver drops more between two
        # snapshots (-tu); NEW collected now and from a file
        usnap = [os.path.join(self.tmp, f"udp-snapshot{i}.json") for i in (1, 2)]
        with open(usnap[0], "w") as f:
            f.write(self.sh([*ns, self.sockmem, "snapshot", "-tu"]))
        uctl.stdin.write("send 0 300 1400\n")
        uctl.stdin.flush()
        uctl.stdout.readline()
        time.sleep(1.1)     # NEW is a later second than OLD
        with open(usnap[1], "w") as f:
            f.write(self.sh([*ns, self.sockmem, "snapshot", "-tu"]))
        for fmt in TEXT_FORMATS:
            self.run("diff", fmt, ["-tu", usnap[0]], ns)
            self.run("diff", fmt, usnap, udp=True)
        self.run("sockets", "table", ["-n", "-tu"], ns)
        self.run("system", "prom", ["-tu"], ns)
        self.run("check", "prom", ["-tu", *fopts], ns, ok=(3, 4))
        # -o prom: every view that has it, each --by, the default --by
        for by in BY_KEYS:
            self.run("top", "prom", ["--by", by], ns)
        self.run("top", "prom", ["--top", "1"], ns)
        self.run("system", "prom", [], ns)
        self.run("check", "prom", fopts, ns, ok=(3, 4))
        self.run("report", "prom", fopts, ns)
        self.run("report", "prom", ["--no-owners", "--by", "process"], ns)
        self.run("sockets", "table", ["-n"], ns)
        self.run("top", "table", ["-n"], ns)
        self.run("system", "table", ["-n"], ns)
        # the snapshot document, whole and limited, and the views rendered
        # from it (--from prints the names a live run prints)
        self.run("snapshot", "json", [], ns)
        self.run("snapshot", "json", ["--no-owners", "-4", "--sport", "1-65535"], ns)
        snap = os.path.join(self.tmp, "snapshot.json")
        with open(snap, "w") as f:
            f.write(self.sh([*ns, self.sockmem, "snapshot"]))
        for fmt in TEXT_FORMATS:
            self.run("report", fmt, ["--from", snap, *fopts])
            self.run("top", fmt, ["--from", snap, "--by", "cgroup"])
            self.run("sockets", fmt, ["--from", snap])
        # diff: a sysctl changed and a new helper's sockets opened since snap,
        # NEW collected now and from a file; watch: JSON Lines and TSV
        self.sh([*ns, "sysctl", "-q", "-w", "net.ipv4.tcp_rmem=4096 8192 8192"])
        self.helper(["--family", "4", "--pairs", "1"], wrapper=ns)
        time.sleep(1.1)     # NEW is a later second than OLD
        snap2 = os.path.join(self.tmp, "snapshot2.json")
        with open(snap2, "w") as f:
            f.write(self.sh([*ns, self.sockmem, "snapshot"]))
        for fmt in TEXT_FORMATS:
            self.run("diff", fmt, [snap], ns)
            self.run("diff", fmt, [snap, snap2])
        self.run("diff", "json", [snap, snap2, "--by", "port"])
        # watch (its screen is for people, not a contract) over a socket
        # whose receive queue grows: movers
        ctl = subprocess.Popen(["unshare", "-n", sys.executable,
                                os.path.join(REPO, "tests", "integration", "netctl.py"),
                                "--timeout", str(HELPER_TIMEOUT)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.procs.append(ctl)
        cns = ["nsenter", "-t", str(json.loads(ctl.stdout.readline())["pid"]), "-n"]
        for line in ("open 1", "trickle 1 1000 3"):
            ctl.stdin.write(line + "\n")
            ctl.stdin.flush()
            ctl.stdout.readline()
        self.run("watch", "json", ["0.5", "2"], cns)
        self.run("watch", "json", ["0.5", "2", "--by", "port"], cns)
        self.run("watch", "tsv", ["0.5", "2"], cns)
        self.run("watch", "json", ["-tu", "0.5", "2"], cns)  # movers[].protocol
        self.sh([*ns, "sysctl", "-q", "-w", "net.ipv4.tcp_rmem=4096 4096 4096"])

        # 2. host-level findings through fixture proc roots, dumped in the
        # same namespace (no owners: the fixture has no pid directories)
        fixtures = [
            # tcp_mem_high, orphans (critical), drops_and_collapse, and
            # reconcile_other_netns: a child namespace dumped alone, whether
            # it is the initial one unknown (the fixture has no self/ns)
            (self.fixture("crit", 5000, 1001, "no", drops=True), (4,)),
            # reconcile_gap: sockstat below the sockets (a negative gap is
            # no other namespace's memory; sockstat's mem can read negative)
            (self.fixture("under", -1000, 0, "no"), (3, 4)),
            (self.fixture("low", 101, 0, "no", pcpu_rsv="256"), (0, 3, 4)),
            (self.fixture("press", 201, 0, "no", pcpu_rsv="256"), (3, 4)),
            # tcp_mem_unavailable and tcp_mem_pressure from the flag
            (self.fixture("container", 50, 0, "yes", container=True), (3, 4)),
        ]
        for d, ok in fixtures:
            for fmt in TEXT_FORMATS:
                self.run("check", fmt, ["--proc-root", d], ns, ok=ok)
        for name, mem in (("udphigh", 3001), ("udppress", 2001)):
            d = self.fixture(name, 50, 0, "no", pcpu_rsv="256")
            for fmt in TEXT_FORMATS:
                self.run("check", fmt, ["--proc-root", d, "-tu"], ns, ok=(3, 4))
        self.run("report", "table", ["--proc-root", fixtures[0][0]], ns)
        self.run("system", "table", ["--proc-root", fixtures[0][0]], ns)

        # 3. --all-netns: as root (every namespace entered), and as nobody,
        # who can enter none: skipped namespaces, denied processes
        bindir = os.path.join(self.tmp, "bin")
        os.makedirs(bindir)
        os.chmod(bindir, 0o755)
        exe = os.path.join(bindir, "sockmem")
        shutil.copy(self.sockmem, exe)
        os.chmod(exe, 0o755)
        nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        self.netns_name = f"smcontract-{os.getpid()}"
        self.sh(["ip", "netns", "add", self.netns_name])
        try:
            for fmt in TEXT_FORMATS:
                self.run("system", fmt, ["--all-netns"], ns)
                self.run("system", fmt, ["--all-netns", "-tu"], ns)
                self.run("system", fmt, ["--all-netns"], nobody, binary=exe)
                self.run("top", fmt, ["--all-netns", "--by", "netns"], nobody, binary=exe)
                self.run("top", fmt, ["--all-netns"], nobody, binary=exe)
            # sockets in a named namespace: its netns_name label
            self.helper(["--netns-lo", "--family", "4", "--pairs", "1"],
                        wrapper=["ip", "netns", "exec", self.netns_name])
            self.run("top", "prom", ["--all-netns", "--by", "netns"])
            self.run("snapshot", "json", ["--all-netns"], ns)
            self.run("snapshot", "json", ["--all-netns"], nobody, binary=exe)
        finally:
            name, self.netns_name = self.netns_name, None
            self.sh(["ip", "netns", "delete", name])


# --------------------------------------------------------------- comparison

def compare(contract, blocks):
    """Returns the problems: per-run ones aggregated over the runs."""
    per_run = {}    # message -> runs that show it
    seen_fmt = {}   # "*" entries -> formats they were seen in
    observed = set()

    def note(msg, run):
        per_run.setdefault(msg, []).append(run)

    for blk in blocks:
        for p in blk.problems:
            note(f"unparsable: {p}", blk.run)
        fmt = blk.fmt
        appl = contract.of(blk.views, fmt)
        index = {(e.kind, e.name): e for e in appl}
        vdesc = blk.views[-1] if fmt != "json" else "/".join(v for v in blk.views if v != "*")
        # every name printed must be in the contract
        for kind, name in list(blk.names) + [("key", p) for p in blk.json_paths]:
            e = index.get((kind, name))
            if e is None:
                note(f"unexpected: {vdesc}\t{fmt}\t{kind}\t{name}", blk.run)
            else:
                observed.add(e)
        # header columns: exactly the contract's, in its order
        if blk.columns is not None:
            want = [e.name for e in contract.of(blk.views, fmt, "column")]
            if blk.columns != want:
                miss = [c for c in want if c not in blk.columns]
                extra = [c for c in blk.columns if c not in want]
                what = " ".join(([f"missing {miss}"] if miss else []) +
                                ([f"unexpected {extra}"] if extra else [])) or "order differs"
                note(f"columns: {vdesc} {fmt} header: {what}; printed {blk.columns}, "
                     f"contract {want}", blk.run)
        # key/value outputs that print every key every time
        if blk.exact_keys:
            printed = {n for k, n in blk.names if k == "key"}
            for e in contract.of(blk.views, fmt, "key"):
                if e.name not in printed and ".*." not in e.name:
                    note(f"missing: {e}  (line {e.line}) in this run", blk.run)
        for g in blk.groups:
            prefix = next(iter(g)).split(".*.")[0] + ".*."
            for e in contract.of(blk.views, fmt, "key"):
                if e.name.startswith(prefix) and e.name not in g:
                    note(f"missing: {e}  (line {e.line}) in a {prefix[:-3]} block", blk.run)
        # JSON objects: exactly the keys the contract gives their path
        if fmt == "json":
            children = {}
            for e in appl:
                parent, _, leaf = e.name.rpartition(".")
                children.setdefault(parent, set()).add(leaf)
            for path, keys in blk.json_objects:
                for k in sorted(children.get(path, set()) - keys):
                    note(f"missing: an object at {path or '(top level)'} lacks {k!r}", blk.run)
        # findings: ids and evidence keys, the same in every format
        star = {(e.kind, e.name): e for e in contract.of(["check"], "*")}
        for fid in sorted(blk.prom_ids, key=str):
            if ("finding", fid) not in star:
                note(f"unexpected: finding id {fid!r} in sockmem_finding_active", blk.run)
        for fid, keys in blk.findings:
            e = star.get(("finding", fid))
            if e is None:
                note(f"unexpected: check\t*\tfinding\t{fid}  ({fmt})", blk.run)
                continue
            seen_fmt.setdefault(e, set()).add(fmt)
            for k in keys:
                e = star.get(("evidence", f"{fid}.{k}"))
                if e is None:
                    note(f"unexpected: check\t*\tevidence\t{fid}.{k}  ({fmt})", blk.run)
                else:
                    seen_fmt.setdefault(e, set()).add(fmt)

    problems = []
    for msg, runs in per_run.items():
        more = f" (and {len(runs) - 1} more)" if len(runs) > 1 else ""
        problems.append(f"{msg}  [{runs[0]}{more}]")
    for e in contract.entries:
        if e.fmt == "*":
            miss = [f for f in TEXT_FORMATS if f not in seen_fmt.get(e, set())]
            if miss:
                problems.append(f"missing: {e}  (line {e.line}) never printed in "
                                f"{', '.join(miss)}")
        elif e not in observed:
            problems.append(f"missing: {e}  (line {e.line}) never printed by any run")
    return problems


# ------------------------------------------------------------- the man page

def man_text(path):
    r = subprocess.run(["mandoc", "-T", "ascii", "-O", "width=1000", path],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise SetupError(f"mandoc {path}: exit {r.returncode}: {r.stderr.strip()[:200]}")
    text = re.sub(r".\x08", "", r.stdout)
    return " ".join(text.split())


def doc_word(e):
    """The word of an entry that the man page must contain."""
    n = e.name
    if e.fmt == "json":
        return n.rpartition(".")[2].removesuffix("[]")
    if e.fmt == "*":
        return n.split(".", 1)[1] if e.kind == "evidence" else n
    if e.fmt == "tsv" and e.kind == "key":
        return n.rpartition(".")[2]
    if e.kind == "key":
        return n.rpartition("/")[2]
    return n  # prom: a metric or label name


def undocumented(contract, man):
    text = man_text(man)
    out = []
    for e in contract.entries:
        w = doc_word(e)
        if not re.search(r"(?<![A-Za-z0-9_])" + re.escape(w) + r"(?![A-Za-z0-9_])", text):
            out.append(f"undocumented: {e}  (line {e.line}): {w!r} is not in {man}")
    return out


# ------------------------------------------------------------------- main

def dump(blocks):
    """Prints every name the runs printed, with the command, view and --by
    that printed it (a starting point when the contract is reviewed)."""
    lines = set()
    for blk in blocks:
        cmd, view, by = blk.src
        for kind, name in blk.names:
            lines.add((cmd, view, by, blk.fmt, kind, name))
        for p in blk.json_paths:
            lines.add((cmd, view, by, "json", "key", p))
        for fid, keys in blk.findings:
            lines.add(("check", "check", "-", "*", "finding", fid))
            lines |= {("check", "check", "-", "*", "evidence", f"{fid}.{k}") for k in keys}
    for ln in sorted(lines):
        print("\t".join(ln))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sockmem", default=os.path.join(REPO, "sockmem"))
    ap.add_argument("--helpers", default=os.path.join(REPO, "build", "helpers"))
    ap.add_argument("--contract", default=os.path.join(REPO, "man", "contract.tsv"))
    ap.add_argument("--man", default=os.path.join(REPO, "man", "sockmem.8"))
    ap.add_argument("--man-only", action="store_true",
                    help="only lint the contract and check the man page (no root needed)")
    ap.add_argument("--dump", action="store_true", help="print the names the runs print")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    entries, problems = load_contract(a.contract)
    contract = Contract(entries)
    runner = None
    try:
        problems += undocumented(contract, a.man)
        if not a.man_only:
            if os.geteuid() != 0:
                raise SetupError("needs root (network namespaces, setpriv); --man-only does not")
            for t in ("unshare", "nsenter", "setpriv", "sysctl", "ip"):
                if not shutil.which(t):
                    raise SetupError(f"{t} not found")
            runner = Runner(os.path.abspath(a.sockmem), os.path.abspath(a.helpers), contract,
                            a.verbose)
            runner.populate_and_run()
            if a.dump:
                dump(runner.blocks)
                return 0
            problems += compare(contract, runner.blocks)
    except SetupError as e:
        print(f"check_contract: {e}", file=sys.stderr)
        return 2
    finally:
        if runner:
            runner.cleanup()
    for p in problems:
        print(p)
    runs = f", {runner.nruns} runs" if runner else ""
    print(f"contract: {len(entries)} names{runs}, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))
    signal.signal(signal.SIGINT, lambda s, f: sys.exit(128 + s))
    sys.exit(main())
