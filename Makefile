# sockmem - where TCP socket buffer memory goes.
# Targets: all install uninstall check clean run deps bench bench-large fuzz fuzz-build fuzz-regress
#          deb deb-check

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=
PKG_CONFIG ?= pkg-config
CC ?= cc

MNL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmnl 2>/dev/null)
MNL_LIBS := $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null || echo -lmnl)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
# jansson reads snapshots (collect/snapfile.c, sockmem VIEW --from FILE).
JANSSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
JANSSON_LIBS := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)
# libm: plot's scales (render/plot_axis.c).
MATH_LIBS := -lm
# The in-kernel owner walk (--owner-walk bpf; collect/owners_bpf.c) is built
# when clang, bpftool, libbpf and the build machine's kernel BTF are there
# (Debian: clang bpftool libbpf-dev); WITH_BPF=0 builds without it, and then
# --owner-walk auto means the /proc walk. The BPF object is CO-RE: built
# against this kernel's types, it runs on any kernel with BTF.
CLANG ?= clang
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),$(wildcard /usr/sbin/bpftool))
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
WITH_BPF ?= $(if $(and $(BPFTOOL),$(shell command -v $(CLANG) 2>/dev/null),$(wildcard \
	$(VMLINUX_BTF)),$(shell $(PKG_CONFIG) --exists libbpf 2>/dev/null && echo y)),1,0)
ifeq ($(WITH_BPF),1)
BPF_CFLAGS := -DSOCKMEM_BPF -Ibuild/gen $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
BPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null)
endif

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition
# The one place the version is defined; cmd/main.c gets it as SOCKMEM_VERSION.
VERSION := 0.1.0
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -pthread $(WARN) -Iinclude $(MNL_CFLAGS) $(JANSSON_CFLAGS) \
	$(CFLAGS)
# libs every binary that links the collectors needs
LIBS := $(MNL_LIBS) $(JANSSON_LIBS) $(MATH_LIBS) $(BPF_LIBS)
# -MMD -MP: each object records the headers it includes (build/**/*.d).
DEPFLAGS = -MMD -MP
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

ifeq ($(V),1)
Q :=
else
Q := @
endif

# One folder per layer: util, collect, model, render, cmd (see make lint).
LAYERS := util collect model render cmd
SRCS := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
LIB_SRCS := $(filter-out src/cmd/main.c,$(SRCS))
OBJS := $(patsubst src/%.c,build/obj/%.o,$(SRCS))
LIB_OBJS := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRCS))
SAN_LIB_OBJS := $(patsubst src/%.c,build/san/%.o,$(LIB_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRCS))
SAN_UNIT_BINS := $(patsubst tests/unit/%.c,build/san-tests/%,$(UNIT_SRCS))
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,build/helpers/%,$(HELPER_SRCS))

all: sockmem

sockmem: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LIBS) -pthread

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(CPPFLAGS) -c -o $@ $<

build/san/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(DEPFLAGS) $(CPPFLAGS) -c -o $@ $<

# The BPF program, its skeleton (build/gen/collect/owners_bpf.skel.h) and
# the vmlinux.h it is compiled against, all generated here.
build/gen/vmlinux.h:
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

build/gen/owners.bpf.o: src/collect/bpf/owners.bpf.c include/collect/owners_bpf_rec.h \
		build/gen/vmlinux.h
	@echo "  BPF     $<"
	$(Q)$(CLANG) -target bpf -g -O2 -Wall -Ibuild/gen -Iinclude -c -o $@ $<

build/gen/collect/owners_bpf.skel.h: build/gen/owners.bpf.o
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) gen skeleton $< name owners_bpf > $@

ifeq ($(WITH_BPF),1)
build/obj/collect/owners_bpf.o build/san/collect/owners_bpf.o: CPPFLAGS += $(BPF_CFLAGS)
build/obj/collect/owners_bpf.o build/san/collect/owners_bpf.o: build/gen/collect/owners_bpf.skel.h
endif
# a change of WITH_BPF rebuilds the loader
build/obj/collect/owners_bpf.o build/san/collect/owners_bpf.o: build/gen/with_bpf
build/gen/with_bpf: FORCE
	@mkdir -p $(dir $@)
	@echo $(WITH_BPF) | cmp -s - $@ || echo $(WITH_BPF) > $@
FORCE:

# (and render/out_prom.c, for sockmem_build_info; render/out.c, for JSON meta.version)
VERSIONED := build/obj/cmd/main.o build/san/cmd/main.o build/obj/render/out_prom.o \
	build/san/render/out_prom.o build/obj/render/out.o build/san/render/out.o
$(VERSIONED): CPPFLAGS += -DSOCKMEM_VERSION='"$(VERSION)"'
# a version change rebuilds them
$(VERSIONED): Makefile

build/sockmem-san: $(SAN_LIB_OBJS) build/san/cmd/main.o
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) -pthread

build/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@mkdir -p build/dep/tests
	$(Q)$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(DEPFLAGS) -MF build/dep/tests/$(notdir $@).d -Itests/unit $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS) $(CMOCKA_LIBS) -pthread

build/san-tests/%: tests/unit/%.c $(SAN_LIB_OBJS)
	@mkdir -p $(dir $@)
	@mkdir -p build/dep/san-tests
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(CPPFLAGS) $(DEPFLAGS) -MF build/dep/san-tests/$(notdir $@).d -Itests/unit $(LDFLAGS) -o $@ $< $(SAN_LIB_OBJS) $(LIBS) $(CMOCKA_LIBS) -pthread

build/helpers/%: tests/helpers/%.c $(wildcard tests/helpers/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $< -pthread

# One command that makes a fresh Debian 12 machine ready (run as root).
deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		gcc make pkg-config libmnl-dev libcmocka-dev mandoc jq valgrind iproute2 \
		util-linux procps python3 clang libclang-rt-14-dev strace libjansson-dev libbpf-dev bpftool perl \
		prometheus prometheus-node-exporter

run: deps
	$(MAKE) sockmem
	./sockmem report

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

unit-san: $(SAN_UNIT_BINS)
	@set -e; for t in $(SAN_UNIT_BINS); do echo "== $$t (asan+ubsan)"; $$t; done

integration: sockmem build/sockmem-san $(HELPER_BINS)
	SOCKMEM=./sockmem SOCKMEM_SAN=build/sockmem-san HELPERS=build/helpers tests/integration/run.sh

manlint:
	mandoc -Tlint -W warning man/sockmem.8

# Builds every fuzz target (clang, libFuzzer; into build/fuzz/).
fuzz-build:
	tests/fuzz/run.sh --build

# Replays every fuzz target over its seeds and kept crash inputs (seconds).
fuzz-regress:
	tests/fuzz/regress.sh

# Every suite, ending with one line "check: N passed, M failed" (", K skipped"
# when K > 0: the root-only suites, when run by another user).
check: lint sockmem build/sockmem-san $(UNIT_BINS) $(SAN_UNIT_BINS) $(HELPER_BINS)
	@tests/check.sh

install: sockmem
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 sockmem $(DESTDIR)$(BINDIR)/sockmem
	install -m 0644 man/sockmem.8 $(DESTDIR)$(MANDIR)/man8/sockmem.8
	install -m 0644 contrib/bash-completion/sockmem $(DESTDIR)$(BASHCOMPDIR)/sockmem

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sockmem $(DESTDIR)$(MANDIR)/man8/sockmem.8 \
		$(DESTDIR)$(BASHCOMPDIR)/sockmem

# The Debian package (debian/), built by dpkg-buildpackage -us -uc -b from a
# clean copy of the tree (the files git tracks) in build/deb/, where the
# .deb lands: nothing is written into the source tree. About a minute.
deb:
	tests/deb/build.sh build/deb

# deb, then lintian, dpkg -i, sockmem --version, man -w, and dpkg --purge
# leaving nothing behind (root; installs into this system).
deb-check:
	tests/deb/check.sh build/deb

# Benchmark at 10k/50k/100k loopback sockets against ss and the floor programs.
bench: sockmem
	bench/run.sh

# The same at 100k/500k/1M sockets (~6 GB of kernel memory at 1M; not in check).
bench-large: sockmem
	bench/large.sh

# Bounded libFuzzer runs of every fuzz target (FUZZ_SECONDS each, default 60).
fuzz:
	tests/fuzz/run.sh

clean:
	rm -rf build sockmem

.PHONY: FORCE lint all deps run unit unit-san integration manlint fuzz-build fuzz-regress check install uninstall \
	clean bench bench-large fuzz deb deb-check
.DELETE_ON_ERROR:

# Layering: model/ and render/ never include collect/ (they work on data,
# wherever it came from), model/ includes neither render/ nor cmd/, and
# collect/ includes neither render/ nor cmd/. util/ includes only util/.
lint:
	@tests/lint.sh

-include $(shell find build -name '*.d' 2>/dev/null)
