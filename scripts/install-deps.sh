#!/usr/bin/env bash
# install-deps.sh - installs what building, running, testing or benchmarking involve needs.
#
#   scripts/install-deps.sh run     compiler, libraries and Node.js for `make run`
#   scripts/install-deps.sh check   + Criterion, Chromium, PostgreSQL 15, nginx, clang (fuzzing)
#   scripts/install-deps.sh bench   + wrk, jq, and git (bench/compare.sh builds an older revision)
#   scripts/install-deps.sh list MODE   prints the Debian packages MODE needs beyond `run`'s,
#                                       one a line, and installs nothing (tests use it)
#
# Safe to run again and again: it asks dpkg which Debian packages are missing and only then
# runs `apt-get update` (once) and `apt-get install` for those, and it runs `npm ci` only when
# node_modules is missing or older than the committed package-lock.json.  It says nothing when
# there is nothing to do.  Runs as root, or through sudo when it is there.
set -euo pipefail

mode=${1:-run}
list_only=
if [ "$mode" = list ]; then
	list_only=1
	mode=${2:-}
fi
case "$mode" in
run | check | bench) ;;
*)
	echo "usage: $0 [run|check|bench] | list [check|bench]" >&2
	exit 2
	;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# zlib and brotli compress pages as they are sent; python3-brotli compresses the static files
# when building (web/meson.build), in the Python that runs meson.  liboath checks the one-time
# codes of staff's second factor; libqrencode and cairo draw QR codes and printable code sheets,
# and Pango lays out the sheets' text in any script.  libcurl hands the outbox's mail to an SMTP
# server (OpenSSL for its TLS, as the rest of the system has it).  libxlsxwriter writes survey
# responses as Excel workbooks; liblinear trains and libstemmer stems for the free-text
# classifiers (`involve themes`); libxml2 reads LimeSurvey survey files and the HTML in them
# (`involve survey import-lss`).
packages=(build-essential pkg-config meson ninja-build libmicrohttpd-dev libsqlite3-dev
	libsodium-dev libjansson-dev libcmark-dev libpq-dev libutf8proc-dev zlib1g-dev libbrotli-dev python3-brotli
	liboath-dev libqrencode-dev libcairo2-dev libpango1.0-dev libcurl4-openssl-dev libxlsxwriter-dev
	ca-certificates liblinear-dev libstemmer-dev libxml2-dev)
run_package_n=${#packages[@]}
# Node.js may come from elsewhere (CI machines have Node 20); Debian's Node 18 is enough.
# Asking for Debian's npm beside another vendor's node would conflict, so only what is absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# gettext: msgfmt --check reads the catalogues (po/) in the tests, as translators' tools do.
# python3-aiosmtpd is the real SMTP server the mail tests send to (tests/lib/smtp_server.py).
# python3-openpyxl opens the XLSX exports in the tests as a spreadsheet program would.
# chromium-headless-shell is Chromium for the browser tests without the browser around its pages.
if [ "$mode" = check ] || [ "$mode" = bench ]; then
	packages+=(libcriterion-dev chromium-headless-shell fonts-liberation curl sqlite3
		postgresql-15 postgresql-client-15 nginx-light clang libclang-rt-14-dev gettext
		python3-aiosmtpd python3-openpyxl)
fi
if [ "$mode" = bench ]; then
	packages+=(wrk jq git)
fi

if [ -n "$list_only" ]; then
	printf '%s\n' "${packages[@]:$run_package_n}" | grep -v -x -e nodejs -e npm || true
	exit 0
fi

# A package counts as present only when dpkg says it is fully installed ("ii").
missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing+=("$p") ;;
	esac
done

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "install-deps: need root (or sudo) to run: $*" >&2
		return 1
	fi
}

if [ "${#missing[@]}" -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	# apt is noisy; keep its output and show it only when something goes wrong.
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get -q update >"$log" 2>&1; then
		cat "$log" >&2
		echo "install-deps: apt-get update failed" >&2
		exit 1
	fi
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get -q install -y \
		--no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" </dev/null >"$log" 2>&1; then
		cat "$log" >&2
		echo "install-deps: apt-get install failed" >&2
		exit 1
	fi
fi

# Front-end packages exactly as package-lock.json pins them: for `run` only the NHS.UK frontend
# (npm's --omit=dev), for the tests and benchmarks the browser-test tools too.  The stamp says
# which set is installed; it is written after a successful `npm ci`, so an interrupted install
# is redone next time, and a full set serves `run` as well.
stamp="$root/node_modules/.involve-installed"
want=full
[ "$mode" = run ] && want=run
have=$(cat "$stamp" 2>/dev/null || true)
if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ] ||
	{ [ "$want" = full ] && [ "$have" != full ]; }; then
	omit=()
	[ "$want" = run ] && omit=(--omit=dev)
	echo "install-deps: npm ci ${omit[*]}"
	(cd "$root" && npm ci "${omit[@]}" --no-audit --no-fund --loglevel=error </dev/null)
	echo "$want" >"$stamp"
fi
