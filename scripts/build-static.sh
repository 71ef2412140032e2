#!/usr/bin/env bash
# build-static.sh - copies the compiled NHS.UK frontend out of node_modules into web/static/nhsuk/.
#
# web/static/ is what the server serves under /static/.  Our own app.css and app.js live there
# and are committed; web/static/nhsuk/ is made here from the package pinned in
# package-lock.json and is never committed.  It must run before the program is built, which
# carries these files inside it (the Makefile runs it first).  The server
# hashes file contents itself at start-up, so nothing here renames files or writes a manifest.
#
# Two changes are made to the vendor stylesheet, both so that a page needs nothing but our own
# origin (the server's Content-Security-Policy allows nothing else):
#   - its icon URLs point at /assets/images/...; they are made relative (assets/images/...), so
#     they resolve next to the stylesheet, to /static/nhsuk/assets/images/...
#   - its @font-face rules fetch the Frutiger web font from a third-party host; they are removed
#     and text falls back to the stylesheet's own fallback (Arial, or Liberation Sans on Linux).
# Source-map comments are dropped because the maps are not copied.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src="$root/node_modules/nhsuk-frontend/dist/nhsuk"
dest="$root/web/static/nhsuk"

if [ ! -d "$src" ]; then
	echo "build-static: $src is missing; run scripts/install-deps.sh first" >&2
	exit 1
fi
for f in nhsuk-frontend.min.css nhsuk-frontend.min.js assets/images/favicon.ico; do
	if [ ! -f "$src/$f" ]; then
		echo "build-static: $src/$f is missing; has the nhsuk-frontend layout changed?" >&2
		exit 1
	fi
done

# Build beside web/static (on the same file system) and swap it in, so nothing ever sees half a
# copy; not inside web/static, whose time would then change on every run.
tmp="$root/web/.nhsuk.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp/assets/images"

sed -E \
	-e 's#url\(/assets/images/#url(assets/images/#g' \
	-e 's#@font-face\{[^}]*\}##g' \
	-e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
	"$src/nhsuk-frontend.min.css" >"$tmp/nhsuk-frontend.min.css"
sed -e '/^\/\/# sourceMappingURL=/d' -e 's#//\# sourceMappingURL=.*$##' \
	"$src/nhsuk-frontend.min.js" >"$tmp/nhsuk-frontend.min.js"
cp "$src"/assets/images/* "$tmp/assets/images/"

# The rewrites above must have taken: a vendor update that changes the minified form would
# otherwise quietly bring the third-party font or broken icon URLs back.
if grep -q -e '@font-face' -e 'url(/assets/' "$tmp/nhsuk-frontend.min.css"; then
	echo "build-static: could not rewrite nhsuk-frontend.min.css (font or icon URLs remain)" >&2
	exit 1
fi

# The files are built into the program (web/meson.build), which ninja rebuilds when a file or
# folder under web/static is newer: an unchanged copy is left alone, so running this before
# every build costs no rebuild.
if [ -d "$dest" ] && diff -r -q "$tmp" "$dest" >/dev/null 2>&1; then
	exit 0
fi
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
