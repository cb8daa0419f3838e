# SPDX-License-Identifier: GPL-2.0
#
# LKL, the Linux Kernel Library: an overlay on a Linux 6.12 tree.
#
#   make            build lkl.o, liblkl.a, liblkl.so.0 and the lkl_ headers
#   make HOST=nt    the same for 64-bit Windows, with mingw-w64, into
#                   build/nt: lkl.dll, liblkl.a, the tests as .exe
#                   (Documentation/virt/lkl/nt-host.rst)
#   make run        build, then run the demo and programs under the hijack
#   make test       build, then run every test suite (tests/, laid into the
#                   tree as the kselftests tools/testing/selftests/lkl)
#   make SANITIZE=address,undefined test  the same with the host side (tools
#                   and tests, not lkl.o) built with ASan and UBSan, into
#                   build/tools-san (Documentation/virt/lkl/reliability.rst)
#   make test TESTS="hijack-fork net-%"  only those test programs (by
#                   their built names, make's % patterns), also with SANITIZE
#   make check      checkpatch --strict and sparse on the overlay
#   make htmldocs   the kernel's htmldocs for Documentation/virt, into
#                   build/docs; fails on any warning from LKL's pages
#   make crash      kill cptofs and lklfuse 20 times each while they write
#                   ext4, xfs and btrfs images, then fsck and check every
#                   synced file (a short run is part of make test)
#   make lockdep    build a kernel with lockdep (build/lockdep-kernel) and
#                   run the boot, net and disk suites against it; any
#                   lockdep report fails (not part of make test)
#   make kunit      build a KUnit kernel (build/kunit), boot its suites in a
#                   process and parse the KTAP with kunit.py
#   make bench-core boot, syscall, context switch and RSS figures
#   make bench-disk cptofs, cpfromfs and lklfuse throughput against dd
#   make bench-net  TCP throughput and latency, LKL against native (root)
#   make bench-timer timer wake delay, LKL against the host
#   make bench-threads 1 to 64 threads making system calls on one kernel,
#                   LKL against the host, plus a blocking mix (~5 minutes)
#   make bench-server a null call and a 1-byte TCP round trip through
#                   lkl-server, against LKL in the process and the host
#   make bench-bbr  BBR and cubic goodput through a lossy middlebox (root)
#   make bench-nt-net TCP throughput over the udp backend, a Windows LKL
#                   under wine against a POSIX LKL, and POSIX to POSIX
#   make bench-sweep TCP stream both ways, UDP stream and TCP request/response
#                   at message sizes 64 to 65507, native veth against LKL over
#                   tap, raw and pipe, offloads on and off (root, ~15 minutes)
#   make bench      all of the above, into build/bench: CSV, JSON, Markdown
#                   and plots (not part of make test; up to 30 minutes)
#   make unikernel build/unikernel/lkl-unikernel.elf: lkl.o, the rump host
#                   and the bare-metal x86_64 platform in one PVH image
#   make bench-unikernel the unikernel's TCP throughput both ways and round
#                   trip on a tap, against a native peer on a veth (root)
#   make unikernel-run boot it under qemu-system-x86_64 -M microvm with a
#                   virtio-blk disk; ends with "N passed, N failed"
#   make soak       a hijacked nginx under wrk -c 1000 for 10 minutes, then
#                   1 MiB files checked, against native nginx (root; not in
#                   make test; SOAK_SECONDS=N shortens it)
#   make fuzz       libFuzzer harnesses against a clang-14 kernel with
#                   coverage and debug checks (build/fuzz-kernel), each run
#                   for FUZZ_SECONDS (60); a table of execs/s, coverage and
#                   crashes (not part of make test)
#   make install PREFIX=/usr/local [DESTDIR=<staging dir>]; writes lkl.pc too,
#                   and the man pages when rst2man is installed
#   make deb        liblkl0, liblkl-dev and lkl-tools packages into build/deb,
#                   checked by lintian
#   make series     the patch series against pristine 6.12.y, in build/series
#   make series-check apply it patch by patch: build, checkpatch, sparse
#
# LINUX_SRC=/path/to/linux-6.12.y uses that tree instead of Debian's
# linux-source-6.12 package. The tree is copied under build/, never changed.

TOP		:= $(abspath .)
BUILD		:= $(TOP)/build
KSRC		:= $(BUILD)/linux
KOBJ		:= $(BUILD)/kernel
TOBJ		:= $(BUILD)/tools
# SANITIZE=address,undefined (gcc's -fsanitize= list): the host side is
# built with the sanitizers in its own directory; lkl.o stays as it is.
ifneq ($(SANITIZE),)
TOBJ		:= $(BUILD)/tools-san
SAN_VARS	:= $(shell $(TOP)/scripts/lkl-sanitize.sh flags "$(SANITIZE)")
endif
PREFIX		?= /usr/local
DEBIAN_TARBALL	:= /usr/src/linux-source-6.12.tar.xz

# Kernel builds are the slow part: use ccache when it is there. The
# compiler is looked up when a recipe first uses it, after the deps step
# has installed ccache on a fresh machine: decided at parse time, the
# first build would use plain gcc and the next one, with ccache, would
# rebuild the whole kernel for the changed CC.
KCC		= $(if $(shell command -v ccache 2>/dev/null),ccache gcc,gcc)
JOBS		?= $(shell nproc)
KMAKE		= $(MAKE) -C $(KSRC) O=$(KOBJ) ARCH=lkl CC="$(KCC)" \
		  $(if $(V),V=$(V),-s) -j$(JOBS)

export CCACHE_DIR ?= $(BUILD)/ccache
export CCACHE_BASEDIR := $(TOP)

.PHONY: all deps source kernel headers tools tests run test test-deps check nt \
	kunit kunit-build crash lockdep \
	bench-core bench-disk bench-net bench-timer bench-threads bench-bbr \
	bench-server bench-sweep bench-deps bench soak htmldocs docs-deps unikernel \
	unikernel-run bench-unikernel fuzz \
	install deb clean distclean series series-check \
	FORCE

all: $(if $(filter nt,$(HOST)),nt,tools)

deps:
	@$(TOP)/scripts/lkl-deps.sh build

# Unpack (or copy) the base tree once, then lay the overlay into it as
# symlinks, so that an edit in this repository is an edit in the tree and
# kbuild rebuilds only what depends on it.
$(KSRC)/.lkl-unpacked: | deps
	@$(TOP)/scripts/lkl-source.sh "$(KSRC)" "$(LINUX_SRC)" "$(DEBIAN_TARBALL)"
	@touch $@

$(KSRC)/.lkl-overlay: $(KSRC)/.lkl-unpacked $(wildcard $(TOP)/patches/*.patch) \
		      $(wildcard $(TOP)/tests/*)
	@$(TOP)/scripts/lkl-overlay.sh "$(TOP)" "$(KSRC)"
	@touch $@

source: $(KSRC)/.lkl-overlay

$(KOBJ)/.config: $(KSRC)/.lkl-overlay $(TOP)/arch/lkl/configs/defconfig
	@mkdir -p $(KOBJ)
	+$(KMAKE) defconfig

# Two kbuilds in one tree corrupt it: serialise concurrent make runs.
KLOCK		= flock $(BUILD)/.kernel.lock

kernel: $(KOBJ)/.config
	@echo "  LINUX   $$(cat $(KSRC)/.lkl-version)"
	+$(KLOCK) $(KMAKE) lkl

headers: $(KOBJ)/.config
	+$(KLOCK) $(KMAKE) headers_install INSTALL_HDR_PATH=$(KOBJ)/usr
	@python3 $(TOP)/arch/lkl/scripts/lkl-headers.py \
		$(KOBJ)/usr/include $(KSRC) $(KOBJ) $(TOBJ)/include

tools: kernel headers
	+$(MAKE) -C $(TOP)/tools/lkl O=$(TOBJ) LKL_KOBJ=$(KOBJ) \
		LINUX_SRC=$(KSRC) $(if $(V),V=$(V)) $(SAN_VARS)

# The selftests build in the tree, as tools/testing/selftests/lkl.
tests: tools
	+$(MAKE) -C $(KSRC)/tools/testing/selftests/lkl OUTPUT=$(TOBJ)/tests \
		LKL_TOOLS=$(TOBJ) LKL_KOBJ=$(KOBJ) $(if $(V),V=$(V)) $(SAN_VARS)

# The demo, then unmodified programs under liblkl-hijack.so; no root.
run: tools
	@$(TOP)/tools/lkl/run-demo.sh $(TOBJ)

test-deps:
	@$(TOP)/scripts/lkl-deps.sh test

test: test-deps tests kunit-build nt unikernel
	@$(if $(SANITIZE),$(TOP)/scripts/lkl-sanitize.sh run "$(SANITIZE)") \
		$(TOP)/scripts/lkl-run-tests.sh $(KSRC) $(TOBJ)/tests LKL_TOOLS=$(TOBJ) \
		LKL_KOBJ=$(KOBJ) $(SAN_VARS) $(if $(TESTS),TESTS="$(TESTS)")

# The Windows build, in build/nt, from the same lkl.o and headers.
nt: kernel headers
	@$(TOP)/scripts/lkl-nt.sh "$(TOP)" "$(KOBJ)" "$(TOBJ)" $(JOBS)

# The unikernel: the same lkl.o, linked with the bare-metal platform.
unikernel: kernel headers
	+$(MAKE) -C $(TOP)/tools/lkl/unikernel O=$(BUILD)/unikernel LKL_KOBJ=$(KOBJ) \
		LKL_TOOLS=$(TOBJ) $(if $(V),V=$(V))

unikernel-run: unikernel
	@$(TOP)/scripts/lkl-unikernel.sh run $(BUILD)/unikernel/lkl-unikernel.elf

bench-unikernel: unikernel
	@$(TOP)/tests/bench/bench-unikernel.sh $(BUILD)/unikernel/lkl-unikernel.elf $(BUILD)/bench

# KUnit: its own kernel and host library in build/kunit and
# build/kunit-tools, never build/kernel (Documentation/virt/lkl/kunit.rst).
kunit-build: source
	@$(TOP)/scripts/lkl-kunit.sh build "$(TOP)" "$(KSRC)" CC="$(KCC)" \
		$(if $(V),V=$(V)) -j$(JOBS)

kunit: kunit-build
	@$(TOP)/scripts/lkl-kunit.sh run "$(TOP)" "$(KSRC)"

# Crash consistency, the long run (Documentation/virt/lkl/reliability.rst).
crash: tools
	@LKL_TOOLS=$(TOBJ) $(TOP)/tests/disk/crash-test.sh 20

check: $(KOBJ)/.config
	@$(TOP)/scripts/lkl-check.sh "$(TOP)" "$(KSRC)" "$(KOBJ)" CC="$(KCC)" -j$(JOBS)

docs-deps:
	@$(TOP)/scripts/lkl-deps.sh docs

# The kernel's own "make htmldocs SPHINXDIRS=virt" in the overlaid tree.
htmldocs: docs-deps source
	@$(TOP)/scripts/lkl-htmldocs.sh "$(TOP)" "$(KSRC)" "$(BUILD)/docs" virt

bench-core: tests
	@$(TOBJ)/tests/bench-core

bench-disk: tools
	@$(TOP)/tests/bench/bench-disk.sh $(TOBJ)

bench-net: tests
	@$(TOP)/tests/bench/bench-net.sh $(TOBJ)/tests/bench-net

bench-timer: tests
	@$(TOBJ)/tests/bench-timer

bench-threads: tests
	@$(TOBJ)/tests/bench-threads $(BENCH_THREADS_ARGS)

bench-server: tests
	@$(TOP)/scripts/lkl-bench-server.sh $(TOBJ) $(TOBJ)/tests

bench-bbr: tools
	@$(TOP)/tests/bench/bench-bbr.sh $(TOBJ) $(BUILD)/bench

bench-sweep: tools
	@$(TOP)/tests/bench/bench-sweep.sh $(TOBJ) $(BUILD)/bench

.PHONY: bench-nt-net
bench-nt-net: tests nt
	@$(TOP)/tests/bench/bench-nt-net.sh $(BUILD)/nt $(TOBJ)/tests/net-peer

bench-deps:
	@$(TOP)/scripts/lkl-deps.sh bench

soak: tools
	@$(TOP)/scripts/lkl-soak.sh $(TOBJ)

bench: bench-deps tests
	@$(TOP)/tests/bench/bench-all.sh $(TOBJ) $(BUILD)/bench

# Lockdep: its own kernel, host library and tests in build/lockdep*
lockdep: source test-deps
	@$(TOP)/scripts/lkl-lockdep.sh "$(TOP)" "$(KSRC)" CC="$(KCC)" -j$(JOBS)

# Fuzzing: its own kernel, host library and harnesses in build/fuzz*
# (Documentation/virt/lkl/reliability.rst).
fuzz: source
	@$(TOP)/scripts/lkl-deps.sh fuzz
	@$(TOP)/scripts/lkl-fuzz.sh "$(TOP)" "$(KSRC)"

install: tools
	+$(MAKE) -C $(TOP)/tools/lkl O=$(TOBJ) LKL_KOBJ=$(KOBJ) \
		LINUX_SRC=$(KSRC) PREFIX=$(PREFIX) install

# Built from a copy of the tree under build/deb, as Debian builds it.
deb:
	@$(TOP)/scripts/lkl-deb.sh $(TOP)

# The upstream form: scripts/lkl-series.txt says what goes in which patch.
series:
	@python3 $(TOP)/scripts/lkl-series.py series $(TOP) $(BUILD)/series

series-check: series
	@python3 $(TOP)/scripts/lkl-series.py check $(TOP) $(BUILD)/series-check

clean:
	rm -rf $(KOBJ) $(TOBJ) $(BUILD)/kunit $(BUILD)/kunit-tools $(BUILD)/unikernel

distclean:
	rm -rf $(BUILD)
