#!/bin/sh
# Checks that each tool's --help and its manual page name the same long
# options and commands, that --version prints the package version, and
# that every manual page renders without groff warnings.
. "$top_srcdir/tests/lib.sh"

require_cmd groff
make_tmpdir

# Prints the sorted long options (--name) found in a text.
long_options() {
	grep -o -E -- '--[a-z][a-z-]+' | sort -u
}

# Prints the long options of a man page, with roff escapes removed.
man_options() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1" | long_options
}

# compare_options TOOL MANPAGE: both lists must be equal.
compare_options() {
	tool=$1 page=$2

	"$top_builddir/$tool" --help | long_options >"$es_tmp/help" ||
		fail "$tool --help failed"
	man_options "$top_srcdir/man/$page" >"$es_tmp/man"
	if diff -u "$es_tmp/help" "$es_tmp/man" >"$es_tmp/diff"; then
		pass "$tool --help and $page name the same options"
	else
		fail "$tool --help and $page differ in options: $(cat "$es_tmp/diff")"
	fi
}

compare_options edgesupport-ctl edgesupport-ctl.8
compare_options edgesupport-decrypt edgesupport-decrypt.1

# Every command in edgesupport-ctl --help has its own entry in the page.
for cmd in enable disable status expire "cert install" "cert show" check; do
	"$top_builddir/edgesupport-ctl" --help | grep -q -E "^  $cmd" ||
		fail "edgesupport-ctl --help does not list '$cmd'"
	sed 's/\\-/-/g' "$top_srcdir/man/edgesupport-ctl.8" |
	    grep -q -E "^\.(B|BR|BI|TP|SS).*$cmd|^$cmd" ||
		fail "edgesupport-ctl.8 does not describe '$cmd'"
done
pass "edgesupport-ctl commands are in --help and the page"

for tool in edgesupport-ctl edgesupport-decrypt; do
	version=$("$top_builddir/$tool" --version)
	assert_contains "$version" "$PACKAGE_VERSION" "$tool --version"
done

for page in "$top_srcdir"/man/*.[158]; do
	case $page in
	*/nss-edgesupport.8) continue ;;	# a .so link page
	esac
	warnings=$(groff -man -ww -z "$page" 2>&1)
	assert_eq "$warnings" "" "groff renders $(basename "$page") cleanly"
done

finish
