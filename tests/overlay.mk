# SPDX-License-Identifier: GPL-2.0
#
# The suites of the LKL repository that are not kernel selftests: they
# check the repository's own build, packages, documentation and patch
# series, or run the kernel's other tests (KUnit, net and timers
# selftests) against LKL. tests/Makefile includes this file after lib.mk;
# the upstream series leaves it out, with these suites.
#
# docs/, kunit/ and series/ hold script tests, run as <dir>-<name> through
# the same wrapper as the selftests' own: docs/docs-test.sh builds the
# htmldocs, kunit/kunit-test.sh boots the KUnit kernel that "make
# kunit-build" leaves in build/kunit-tools, series/series-test.sh makes
# the series. package/*-test.sh take the tools directory: man-test.sh
# checks the man pages against the built programs; deb-test.sh runs make
# deb, which takes many minutes, so it joins only with LKL_TEST_DEB=1.
# kselftest/ builds the kernel's own net and timers selftests from the
# tree into $(OUTPUT)/kselftest, whose <name>-test scripts run as
# kselftest-<name>.

OVERLAY_SCRIPTS	:= docs/docs kunit/kunit series/series
PACKAGE_TESTS	:= man $(if $(filter 1,$(LKL_TEST_DEB)),deb)
KSFT_TESTS	:= net timers

OVERLAY_PROGS	:= $(addprefix $(OUTPUT)/,$(subst /,-,$(OVERLAY_SCRIPTS)) \
		   $(addprefix package-,$(PACKAGE_TESTS)) \
		   $(addprefix kselftest-,$(KSFT_TESTS)))
TEST_GEN_PROGS	+= $(OVERLAY_PROGS)
EXTRA_CLEAN	+= $(OUTPUT)/kselftest

all: $(OVERLAY_PROGS) kselftest-build

$(foreach p,$(OVERLAY_SCRIPTS),$(eval $(call script,$(p))))

define package
$(OUTPUT)/package-$(1): package/$(1)-test.sh $(OUTPUT)/.flags
	$$(call msg,GEN,,$$@)
	$$(Q)printf '#!/bin/sh\nexec "%s" "%s"\n' '$$(abspath $$<)' '$$(TOOLS)' > $$@
	$$(Q)chmod +x $$@
endef
$(foreach t,$(PACKAGE_TESTS),$(eval $(call package,$(t))))

# Without LKL_TEST_DEB=1, an earlier deb test must not run either.
ifneq ($(LKL_TEST_DEB),1)
all: no-deb-test
no-deb-test:
	$(Q)rm -f $(OUTPUT)/package-deb
endif

kselftest-build: $(LIBLKL)
	+$(Q)$(MAKE) --no-print-directory -C $(LKL_SELFTESTS)/kselftest \
		O=$(OUTPUT)/kselftest LKL_TOOLS=$(TOOLS) LINUX_SRC=$(KSRC) \
		$(if $(V),V=$(V))

define ksft
$(OUTPUT)/kselftest-$(1): FORCE
	$$(Q)printf '#!/bin/sh\nexec %s "$$$$@"\n' '$$(OUTPUT)/kselftest/$(1)-test' | \
		cmp -s - $$@ || { printf '#!/bin/sh\nexec %s "$$$$@"\n' \
		'$$(OUTPUT)/kselftest/$(1)-test' > $$@; chmod +x $$@; }
endef
$(foreach t,$(KSFT_TESTS),$(eval $(call ksft,$(t))))

.PHONY: kselftest-build no-deb-test
