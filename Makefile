# Makefile - the front door.  Each target installs what it is missing first, so on a fresh
# Debian 12 machine (as root):
#   make run     build and serve a demo on http://127.0.0.1:8080 (data kept in ./var)
#   make check   every test once, in an AddressSanitizer + UndefinedBehaviorSanitizer build
#   make bench   the benchmarks, in a release build (SQLite; the poll page against nginx;
#                votes under a flood of refused ones; /healthz and votes under a flood
#                of wrong passwords; PostgreSQL behind nginx);
#                BENCH_PREVIOUS=REV also builds revision REV and measures it alternately with
#                this build (bench/compare.sh, in place of bench/run.sh)
#   make fuzz    the libFuzzer targets of tests/fuzz, FUZZ_SECONDS (300) each, in build-fuzz
#   make pot     remakes po/involve.pot, the catalogue template, from the marked messages
#                (then `msgmerge -U po/LANG.po po/involve.pot` brings each language up to date)
# The C build itself is described by meson.build; this file only chooses build directories.

SHELL := /bin/bash
.DEFAULT_GOAL := run

BUILD_DIR := build
CHECK_DIR := build-check
RELEASE_DIR := build-release

BUILD_OPTS := -Dbuildtype=debugoptimized -Dtests=disabled
CHECK_OPTS := -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false \
	-Dtests=enabled
RELEASE_OPTS := -Dbuildtype=release -Dtests=disabled

# Sets up build directory $(1) with options $(2), or applies the options to one set up before.
# The options last applied are remembered beside it, so an unchanged directory is not
# reconfigured (which would make ninja regenerate everything on every run).
meson_dir = if [ ! -f $(1)/build.ninja ]; then \
		meson setup $(1) $(2) || meson setup --wipe $(1) $(2); \
	elif [ "$$(cat $(1)/.make-options 2>/dev/null)" != '$(2)' ]; then \
		meson configure $(1) $(2); \
	fi && echo '$(2)' >$(1)/.make-options

.PHONY: deps check-deps bench-deps build static run check bench fuzz pot clean distclean

deps:
	@scripts/install-deps.sh run

check-deps:
	@scripts/install-deps.sh check

bench-deps:
	@scripts/install-deps.sh bench

static:
	@scripts/build-static.sh

# The static files are built into the program, so they are copied in before ninja runs.
build: deps
	@scripts/build-static.sh
	@$(call meson_dir,$(BUILD_DIR),$(BUILD_OPTS))
	ninja -C $(BUILD_DIR)

run: deps build
	exec ./build/src/cli/involve serve --data ./var --demo

# A build that does not compile still ends with the closing count, so the failure is counted.
check: check-deps
	@scripts/build-static.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
	@$(call meson_dir,$(CHECK_DIR),$(CHECK_OPTS))
	@ninja -C $(CHECK_DIR) || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
	@INVOLVE_BIN=$(CURDIR)/$(CHECK_DIR)/src/cli/involve CHECK_BUILD_DIR=$(CHECK_DIR) \
		scripts/check.sh

bench: bench-deps
	@scripts/build-static.sh
	@$(call meson_dir,$(RELEASE_DIR),$(RELEASE_OPTS))
	ninja -C $(RELEASE_DIR)
	INVOLVE_BIN=$(CURDIR)/$(RELEASE_DIR)/src/cli/involve \
		bench/$(if $(BENCH_PREVIOUS),compare,run).sh
	INVOLVE_BIN=$(CURDIR)/$(RELEASE_DIR)/src/cli/involve bench/page.sh
	INVOLVE_BIN=$(CURDIR)/$(RELEASE_DIR)/src/cli/involve bench/flood.sh
	INVOLVE_BIN=$(CURDIR)/$(RELEASE_DIR)/src/cli/involve bench/signin.sh
	INVOLVE_BIN=$(CURDIR)/$(RELEASE_DIR)/src/cli/involve bench/pg.sh

# The fuzzing build is clang's, set up by scripts/fuzz.sh (see tests/fuzz/README.md): every
# committed input once, then each target for FUZZ_SECONDS.  It builds only the fuzz targets,
# which read web/ from the source tree, so it needs no static files built in.
FUZZ_SECONDS ?= 300

fuzz: check-deps
	@scripts/fuzz.sh build
	@scripts/fuzz.sh regress
	@scripts/fuzz.sh run $(FUZZ_SECONDS)

# Every message marked in the templates and the C sources (scripts/po.py says how); a test
# fails when the committed template is not what this makes.
# POT names the file written (the test writes elsewhere and compares).
POT ?= po/involve.pot
POT_SOURCES = $(sort $(wildcard web/templates/*.html web/templates/*/*.html src/*/*.c src/*/*/*.c))

pot:
	@scripts/po.py extract $(POT) $(POT_SOURCES)

clean:
	rm -rf $(BUILD_DIR) $(CHECK_DIR) $(RELEASE_DIR) build-fuzz web/static/nhsuk

# Also forgets the installed front-end packages.  Never touches ./var (the demo's data).
distclean: clean
	rm -rf node_modules
