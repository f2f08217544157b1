#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Grouping and filtering against the real kernel (needs root; loopback only).
#
#   SOCKMEM=./sockmem HELPERS=build/helpers tests/integration/test_groups.sh
#
# 1. cgroup: helpers moved into /sockmem-test-PID (and .../sub) of the cgroup2
#    hierarchy before they create sockets; top --by cgroup and --cgroup;
# 2. netns: a helper inside `ip netns add sockmem-test-PID`; plain dump,
#    --all-netns, -N and top --by netns;
# 3. filters: in a second private netns holding ~250 idle sockets (v4, v6,
#    v4-mapped, several ports and addresses), each filter's cookies equal an
#    unfiltered dump filtered here;
# 4. kernel-side filtering: --stats message counts, narrow vs unfiltered;
# 5. bad filter values: exit 2 with a one-line message.
# Prints "ok NAME" / "FAIL NAME: reason" per test, then "N passed, M failed".
# Every helper is bounded in time (--timeout, timeout(1)) and killed by PID;
# the cgroups and namespaces are removed on exit.
set -u

here=$(cd "$(dirname "$0")" && pwd)
SOCKMEM=${SOCKMEM:-./sockmem}
HELPERS=${HELPERS:-build/helpers}
CONNS=$here/conns.py
NS=sockmem-test-$$
NSF=sockmem-testf-$$
CGNAME=sockmem-test-$$

tmp=
cgdir=
ns_added=
nsf_added=
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	stop_pids
	if [ -n "$cgdir" ]; then
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			rmdir "$cgdir/sub" 2>/dev/null
			rmdir "$cgdir" 2>/dev/null && break
			[ -d "$cgdir" ] || break
			sleep 0.2
		done
	fi
	[ -n "$ns_added" ] && ip netns del "$NS" 2>/dev/null
	[ -n "$nsf_added" ] && ip netns del "$NSF" 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

setup_checks "cgroups, ip netns" python3 ip timeout
tmp=$(mktemp -d /tmp/sockmem-test-groups.XXXXXX) || exit 1

# helper NAME [ip netns exec NS] conns.py args...: starts a helper that
# writes $tmp/NAME.json when settled.
helper() {
	local name=$1
	shift
	"$@" --ready "$tmp/$name.json" --timeout 55 >"$tmp/$name.log" 2>&1 &
	pids+=("$!")
}
# wait_ready NAME...: up to 20 s for every ready file.
wait_ready() {
	local n all
	for _ in $(seq 200); do
		all=1
		for n in "$@"; do
			[ -f "$tmp/$n.json" ] || all=
		done
		[ -n "$all" ] && return 0
		sleep 0.1
	done
	for n in "$@"; do
		[ -f "$tmp/$n.json" ] || echo "# helper $n not ready: $(head -c 300 "$tmp/$n.log")"
	done
	return 1
}

cp "$here/checks.py" "$tmp/checks.py"
cat >"$tmp/common.py" <<'EOF'
import ipaddress, json, os, re, subprocess

SOCKMEM = os.environ["SOCKMEM"]
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


def run(args, netns=None, timeout=20):
    cmd = ([ "ip", "netns", "exec", netns] if netns else []) + [SOCKMEM] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def run_json(args, netns=None):
    rc, out, err = run(args, netns)
    if rc != 0:
        raise RuntimeError(f"sockmem {' '.join(args)}: exit {rc}: {err.strip()[:200]}")
    return json.loads(out, object_pairs_hook=hook)


def cookies(helper, roles=None):
    return {s["cookie"] for s in helper["sockets"] if roles is None or s["role"] in roles}


def parse_ep(e):
    if e.startswith("["):
        host, port = e[1:].rsplit("]:", 1)
    else:
        host, port = e.rsplit(":", 1)
    return ipaddress.ip_address(host.split("%")[0]), 0 if port == "*" else int(port)


def host_match(net, addr):
    """The kernel's hostcond: same family, or an IPv4 prefix and a v4-mapped address."""
    if net.version == addr.version:
        return addr in net
    if net.version == 4 and addr.version == 6 and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped in net
    return False


SUMS = ("r", "w", "f", "t", "rb", "tb")


def sums_of(socks, page=4096):
    s = {k: 0 for k in SUMS}
    s["sockets"] = len(socks)
    s["charged_bytes"] = 0
    s["charged_pages"] = 0
    for x in socks:
        m = x["skmem"] or {}
        for k in SUMS:
            s[k] += m.get(k) or 0
        cb = x["charged_bytes"] or 0
        s["charged_bytes"] += cb
        s["charged_pages"] += (cb + page - 1) // page
    return s


from checks import Checks  # noqa: F401 (re-exported)
EOF
export SOCKMEM

# ---- 1. cgroup ----------------------------------------------------------------

t_cgroup() {
	local cg2
	cg2=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
		/proc/self/mountinfo | head -n 1)
	if [ -z "$cg2" ]; then
		fail cgroup_setup "no cgroup2 mount in /proc/self/mountinfo"
		return
	fi
	cgdir=$cg2/$CGNAME
	if ! mkdir "$cgdir" || ! mkdir "$cgdir/sub"; then
		fail cgroup_setup "cannot create $cgdir"
		return
	fi
	# each helper writes its pid to cgroup.procs before its first socket
	helper cgA python3 "$CONNS" --cgroup-procs "$cgdir/cgroup.procs" --comm smcgA \
		--listen 127.0.0.1:0 --clients 3 --send 5000
	helper cgB python3 "$CONNS" --cgroup-procs "$cgdir/sub/cgroup.procs" --comm smcgB \
		--listen "[::1]:0" --clients 2 --send 7000
	if ! wait_ready cgA cgB; then
		fail cgroup_setup "helpers not ready"
		return
	fi
	timeout 60 python3 - "$tmp" "$CGNAME" "$cg2" >"$tmp/res.txt" <<'EOF'
import os, sys
sys.path.insert(0, sys.argv[1])
from common import *
d, name, mnt = sys.argv[1:4]
A, B = load(f"{d}/cgA.json"), load(f"{d}/cgB.json")
ca, cb = cookies(A), cookies(B)
ino = {f"/{name}": os.stat(f"{mnt}/{name}").st_ino, f"/{name}/sub": os.stat(f"{mnt}/{name}/sub").st_ino}
want = {f"/{name}": ca, f"/{name}/sub": cb}

c = Checks()
c.true(f"0::/{name}\n" in open(f"/proc/{A['pid']}/cgroup").read(), "helper A not in the cgroup")
c.true(f"0::/{name}/sub\n" in open(f"/proc/{B['pid']}/cgroup").read(), "helper B not in the sub cgroup")
c.eq((len(ca), len(cb)), (7, 5), "helper socket counts (listener + clients + accepted)")
c.report("cgroup_setup")

def by_cgroup():
    top = run_json(["top", "--by", "cgroup", "-j"])
    socks = run_json(["sockets", "-j"])["sockets"]
    c.eq(top["by"], "cgroup", "top by")
    for path, cks in want.items():
        gs = [g for g in top["groups"] if g["cgroup"] == path]
        c.eq(len(gs), 1, f"groups named {path}")
        if not gs:
            continue
        g = gs[0]
        c.eq(g["cgroup_id"], ino[path], f"{path} cgroup_id = directory inode")
        mine = [s for s in socks if s["cgroup_id"] == ino[path]]
        c.eq({s["cookie"] for s in mine}, cks, f"{path}: sockets -j with its cgroup_id = the helper's")
        c.eq(g["sockets"], len(cks), f"{path} sockets")
        exp = sums_of(mine)
        got = {k: g[k] for k in exp}
        c.eq(got, exp, f"{path} sums vs sockets -j")
        c.true(g["r"] > 0, f"{path} r > 0 (unread data)")
    # the groups partition the dump
    c.eq(sum(g["sockets"] for g in top["groups"]), top["totals"]["sockets"], "groups add up to totals")

c = Checks()
c.guard(by_cgroup)
c.report("cgroup_top_by_cgroup")

def filt(arg, expect, what):
    got = run_json(["sockets", "-j", "--cgroup", arg])["sockets"]
    c.eq({s["cookie"] for s in got}, expect, what)

c = Checks()
c.guard(lambda: filt(f"/{name}", ca | cb, f"--cgroup /{name} (with its subtree)"))
c.guard(lambda: filt(f"/{name}/sub", cb, f"--cgroup /{name}/sub"))
c.guard(lambda: filt(f"{name}/sub", cb, f"--cgroup {name}/sub (relative)"))
c.guard(lambda: filt(f"{mnt}/{name}/sub", cb, "--cgroup with the mount point"))
c.guard(lambda: filt(f"/{name}/", ca | cb, f"--cgroup /{name}/ (trailing slash)"))
def missing_cgroup(arg):
    rc, out, err = run(["sockets", "-j", "--cgroup", arg])
    c.eq((rc, out), (1, ""), f"--cgroup {arg}: exit status and stdout")
    c.eq(err.strip().splitlines(), [f"sockmem: --cgroup {arg}: No such file or directory"],
         f"--cgroup {arg}: stderr")

c.guard(lambda: missing_cgroup(f"/{name}/nosuch"))
c.guard(lambda: missing_cgroup(f"/{name}-not"))
c.report("cgroup_filter")

def top_filtered():
    top = run_json(["top", "--by", "cgroup", "-j", "--cgroup", f"/{name}"])
    c.eq(sorted(g["cgroup"] for g in top["groups"]), sorted(want), "groups under --cgroup")
    c.eq(top["totals"]["sockets"], len(ca | cb), "totals under --cgroup")
    top = run_json(["top", "-j", "--cgroup", f"/{name}/sub"])
    c.eq([(g["pid"], g["comm"], g["sockets"]) for g in top["groups"]],
         [(B["pid"], "smcgB", 5)], "top by process under --cgroup sub")

c = Checks()
c.guard(top_filtered)
c.report("cgroup_top_filtered")
EOF
	tally <"$tmp/res.txt"
	stop_pids
}

# ---- 2. named network namespace ---------------------------------------------------

t_netns() {
	if ! ip netns add "$NS"; then
		fail netns_setup "ip netns add $NS"
		return
	fi
	ns_added=1
	ip netns exec "$NS" ip link set lo up
	helper nsH ip netns exec "$NS" timeout 60 python3 "$CONNS" --comm smns \
		--listen 127.0.0.1:47123 --clients 3 --send 3000
	if ! wait_ready nsH; then
		fail netns_setup "helper not ready"
		return
	fi
	timeout 60 python3 - "$tmp" "$NS" >"$tmp/res.txt" <<'EOF'
import os, sys
sys.path.insert(0, sys.argv[1])
from common import *
d, ns = sys.argv[1:3]
H = load(f"{d}/nsH.json")
mine = cookies(H)
ns_ino = os.stat(f"/run/netns/{ns}").st_ino
home_ino = os.stat("/proc/self/ns/net").st_ino

c = Checks()
c.eq(len(mine), 7, "helper sockets")
c.true(ns_ino != home_ino, "the namespace is not ours")
c.report("netns_setup")

def plain():
    # --this-netns: the one namespace, as the default was before it became
    # every namespace for root in the initial one (which this runs as)
    socks = run_json(["sockets", "-j", "--this-netns"])["sockets"]
    c.eq({s["cookie"] for s in socks} & mine, set(), "--this-netns dump lists the namespace's sockets")
    socks = run_json(["sockets", "-j"])["sockets"]
    c.eq(mine - {s["cookie"] for s in socks}, set(), "default dump misses the namespace's sockets")
c = Checks()
c.guard(plain)
c.report("netns_plain_dump_excludes")

def alln():
    doc = run_json(["sockets", "-j", "--all-netns"])
    got = {s["cookie"] for s in doc["sockets"]}
    c.eq(mine - got, set(), "sockets of the namespace missing from --all-netns")
c = Checks()
c.guard(alln)
c.report("netns_all_netns_includes")

def named():
    doc = run_json(["sockets", "-j", "-N", ns])
    c.eq({s["cookie"] for s in doc["sockets"]}, mine, "-N lists exactly the namespace's sockets")
    c.eq(doc["host"]["netns_ino"], ns_ino, "host.netns_ino under -N")
    doc = run_json(["sockets", "-j", "-N", ns, "--sport", "47123"])
    c.eq({s["cookie"] for s in doc["sockets"]}, cookies(H, ("listen", "server")), "-N with --sport")
c = Checks()
c.guard(named)
c.report("netns_named")

def top_netns():
    top = run_json(["top", "--by", "netns", "--all-netns", "-j"])
    gs = [g for g in top["groups"] if g["netns_name"] == ns]
    c.eq(len(gs), 1, "groups named after the namespace")
    if gs:
        g = gs[0]
        c.eq(g["netns"], ns_ino, "group netns inode")
        c.eq(g["sockets"], len(mine), "group sockets")
        socks = run_json(["sockets", "-j", "-N", ns])["sockets"]
        exp = sums_of(socks)
        c.eq({k: g[k] for k in exp}, exp, "group sums vs sockets -j -N")
    c.true(any(g["netns"] == home_ino for g in top["groups"]), "no group for our own namespace")
    c.eq(len({g["netns"] for g in top["groups"]}), len(top["groups"]), "one group per namespace")
    top = run_json(["top", "--by", "netns", "-N", ns, "-j"])
    c.eq([(g["netns"], g["netns_name"], g["sockets"]) for g in top["groups"]],
         [(ns_ino, ns, len(mine))], "top --by netns -N")
c = Checks()
c.guard(top_netns)
c.report("netns_top_by_netns")
EOF
	tally <"$tmp/res.txt"
	stop_pids
	ip netns del "$NS" && ns_added=
}

# ---- 3-4. filters in a populated private namespace ------------------------------

t_filters() {
	if ! ip netns add "$NSF"; then
		fail filter_setup "ip netns add $NSF"
		return
	fi
	nsf_added=1
	ip netns exec "$NSF" ip link set lo up
	local X=(ip netns exec "$NSF" timeout 60 python3 "$CONNS")
	helper fH1 "${X[@]}" --listen 127.0.0.1:41001 --clients 4
	helper fH2 "${X[@]}" --listen 127.0.0.2:41002 --clients 3 --src 127.0.0.3
	helper fH3 "${X[@]}" --listen "[::1]:41003" --clients 3
	helper fH4 "${X[@]}" --listen "[::]:41004" --accept 2
	helper fH5 "${X[@]}" --connect 127.0.0.1:41004 --clients 2 --src 127.0.0.4
	helper fH6 "${X[@]}" --listen 127.0.0.1:42000 --clients 110
	helper fH7 "${X[@]}" --bound 127.0.0.1:41009
	if ! wait_ready fH1 fH2 fH3 fH4 fH5 fH6 fH7; then
		fail filter_setup "helpers not ready"
		return
	fi
	timeout 60 python3 - "$tmp" "$NSF" >"$tmp/res.txt" <<'EOF'
import ipaddress as ipa, re, sys
sys.path.insert(0, sys.argv[1])
from common import *
d, ns = sys.argv[1:3]
H = {n: load(f"{d}/fH{n}.json") for n in range(1, 8)}
everything = set().union(*(cookies(h) for h in H.values()))

c = Checks()
base = None
def setup():
    global base
    base = run_json(["sockets", "-j"], ns)["sockets"]
    c.eq({s["cookie"] for s in base}, everything, "the namespace holds exactly the helpers' sockets")
    c.true(len(base) >= 200, f"{len(base)} sockets")
c.guard(setup)
c.report("filter_setup")
if base is None:
    sys.exit(0)

for s in base:
    s["_src"], s["_sport"] = parse_ep(s["local"])
    s["_dst"], s["_dport"] = parse_ep(s["peer"])

def net(x):
    return ipa.ip_network(x.strip("[]").replace("]/", "/"), strict=False)

def sport(*rng):
    return lambda s: any(lo <= s["_sport"] <= hi for lo, hi in rng)

def dport(*rng):
    return lambda s: any(lo <= s["_dport"] <= hi for lo, hi in rng)

def src(*nets):
    return lambda s: any(host_match(net(n), s["_src"]) for n in nets)

def dst(*nets):
    return lambda s: any(host_match(net(n), s["_dst"]) for n in nets)

def state(*names):
    return lambda s: s["state"] in names

def fam(f):
    return lambda s: s["family"] == f

def all_of(*ps):
    return lambda s: all(p(s) for p in ps)

cases = [
    ("sport", ["--sport", "41001"], sport((41001, 41001))),
    ("sport_or", ["--sport", "41001", "--sport", "41003"], sport((41001, 41001), (41003, 41003))),
    ("sport_range", ["--sport", "41002-42000"], sport((41002, 42000))),
    ("dport_range", ["--dport", "41001-41003"], dport((41001, 41003))),
    ("src_v4", ["--src", "127.0.0.2"], src("127.0.0.2")),
    ("src_v6", ["--src", "::1"], src("::1")),
    ("src_v4_prefix_mapped", ["--src", "127.0.0.0/30"], src("127.0.0.0/30")),
    ("src_v6_mapped_literal", ["--src", "::ffff:127.0.0.1"], src("::ffff:127.0.0.1")),
    ("dst_v4", ["--dst", "127.0.0.4"], dst("127.0.0.4")),
    ("dst_v6_any", ["--dst", "::/0"], dst("::/0")),
    ("dst_v6_brackets", ["--dst", "[::1]/128"], dst("::1/128")),
    ("dst_or", ["--dst", "127.0.0.2", "--dst", "::1"], dst("127.0.0.2", "::1")),
    ("state_established", ["--state", "established"], state("ESTAB")),
    ("state_listening", ["--state", "listening"], state("LISTEN")),
    ("state_two", ["--state", "established", "--state", "listening"], state("ESTAB", "LISTEN")),
    ("ipv4_only", ["-4"], fam("inet")),
    ("ipv6_only", ["-6"], fam("inet6")),
    ("combined_v4", ["--src", "127.0.0.0/8", "--sport", "41001-41004", "--state", "established", "-4"],
     all_of(src("127.0.0.0/8"), sport((41001, 41004)), state("ESTAB"), fam("inet"))),
    ("combined_mapped", ["--dst", "127.0.0.0/8", "-6", "--sport", "41004"],
     all_of(dst("127.0.0.0/8"), fam("inet6"), sport((41004, 41004)))),
    ("combined_all_options", ["--sport", "1-65535", "--dport", "41001-41002", "--src", "127.0.0.0/8",
                              "--dst", "127.0.0.1", "--dst", "127.0.0.2", "--state", "established"],
     all_of(sport((1, 65535)), dport((41001, 41002)), src("127.0.0.0/8"), dst("127.0.0.1", "127.0.0.2"),
            state("ESTAB"))),
]
for name, args, pred in cases:
    c = Checks()
    def one():
        want = {s["cookie"] for s in base if pred(s)}
        c.true(want, "the expectation is empty: the population does not exercise this filter")
        got = run_json(["sockets", "-j"] + args, ns)["sockets"]
        gotc = [s["cookie"] for s in got]
        c.eq(len(gotc), len(set(gotc)), "duplicate cookies")
        extra, missing = set(gotc) - want, want - set(gotc)
        c.true(not extra and not missing,
               f"{' '.join(args)}: {len(extra)} extra {sorted(extra)[:3]}, {len(missing)} missing {sorted(missing)[:3]}")
    c.guard(one)
    c.report(f"filter_{name}")

# bound but never listening: dumped only with TCPF_BOUND_INACTIVE, reported as UNCONN
c = Checks()
def bound():
    b = cookies(H[7], ("bound",))
    c.eq({s["cookie"] for s in base if s["state"] == "UNCONN"}, b, "the unfiltered dump shows it as UNCONN")
    got = run_json(["sockets", "-j", "--state", "bound-inactive"], ns)["sockets"]
    c.eq({s["cookie"] for s in got}, b, "--state bound-inactive")
c.guard(bound)
c.report("filter_state_bound_inactive")

# the dump is stable: the comparisons above were against the same set
c = Checks()
def again():
    c.eq({s["cookie"] for s in run_json(["sockets", "-j"], ns)["sockets"]}, everything, "second unfiltered dump")
c.guard(again)
c.report("filter_population_stable")

# 4. kernel-side filtering: the narrow dump carries far fewer messages
def msgs(args):
    rc, out, err = run(["sockets", "-j", "--stats"] + args, ns)
    m = re.search(r"netlink messages (\d+)", err)
    if rc != 0 or not m:
        raise RuntimeError(f"--stats {' '.join(args)}: exit {rc}, stderr {err.strip()[:200]!r}")
    dump = [ln for ln in err.strip().splitlines()
            if "stats: owner walk:" not in ln and "stats: /proc/[pid]/fd walk threads:" not in ln
            and "stats: time:" not in ln and "stats: netlink dumps " not in ln]
    c.eq(len(dump), 1, "--stats prints one dump line (and the dumps', the owner walk's, its threads', the times)")
    return int(m.group(1)), len(json.loads(out)["sockets"])
c = Checks()
def stats():
    n_all, s_all = msgs([])
    n_one, s_one = msgs(["--sport", "41001"])
    c.true(s_all >= 200, f"only {s_all} sockets")
    c.true(n_all >= s_all, f"unfiltered: {n_all} messages for {s_all} sockets")
    c.eq(s_one, 5, "sockets with --sport 41001 (listener + 4 accepted)")
    c.true(n_one >= s_one, f"filtered: {n_one} messages for {s_one} sockets")
    c.true(n_one * 5 < n_all, f"filtered {n_one} messages is not < 1/5 of unfiltered {n_all}")
    n_st, s_st = msgs(["--state", "listening"])
    c.true(n_st * 5 < n_all, f"--state listening: {n_st} messages vs {n_all}")
c.guard(stats)
c.report("filter_kernel_side_stats")
EOF
	tally <"$tmp/res.txt"
	stop_pids
	ip netns del "$NSF" && nsf_added=
}

# ---- 5. bad values -------------------------------------------------------------------

t_bad_values() {
	timeout 60 python3 - "$tmp" "$$" >"$tmp/res.txt" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
from common import *
pid = sys.argv[2]
cases = [
    ("sport_0", ["--sport", "0"], "0"),
    ("sport_70000", ["--sport", "70000"], "70000"),
    ("dport_reversed", ["--dport", "10-5"], "10-5"),
    ("src_300", ["--src", "300.1.1.1"], "300.1.1.1"),
    ("dst_prefix_33", ["--dst", "1.2.3.4/33"], "1.2.3.4/33"),
    ("state_nosuch", ["--state", "nosuch"], "nosuch"),
    ("by_nosuch", ["--by", "nosuch"], "nosuch"),
    ("pid_abc", ["--pid", "abc"], "abc"),
    ("netns_dotdot", ["-N", "../x"], "../x"),
    ("all_netns_and_N", ["--all-netns", "-N", "x"], "--all-netns"),
    ("too_many_values", [a for i in range(1, 18) for a in ("--sport", str(i))], "16"),
]
for name, args, needle in cases:
    c = Checks()
    def one():
        rc, out, err = run(["sockets", "-j"] + args)
        c.eq(rc, 2, "exit status")
        c.eq(out, "", "stdout")
        first = err.split("\n", 1)[0]
        c.true(first.startswith("sockmem: ") and needle in first and "Usage" not in first,
               f"first stderr line {first!r} does not name {needle!r}")
    c.guard(one)
    c.report(f"bad_value_{name}")
# a well-formed name that does not exist is a runtime error, not a usage one
c = Checks()
def missing_ns():
    rc, out, err = run(["sockets", "-j", "-N", f"sockmem-nosuch-{pid}"])
    c.eq(rc, 1, "exit status")
    c.eq(out, "", "stdout")
    c.eq(len(err.strip().splitlines()), 1, "stderr lines")
    c.true(err.startswith("sockmem: "), f"stderr {err!r}")
c.guard(missing_ns)
c.report("bad_value_netns_missing")
EOF
	tally <"$tmp/res.txt"
}

t_cgroup
t_netns
t_filters
t_bad_values
finish
