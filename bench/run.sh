#!/bin/bash
# Measures the PAM module, the NSS module and the two tools of edgesupport
# next to the stock pieces they run beside, and prints one table.
#
#   bench/run.sh [BUILDDIR]
#
# Instruction counts (Ir) come from valgrind --tool=callgrind and are
# user-space instructions only: stable from run to run, but blind to the
# kernel's share of a system call. Wall times are medians of many runs on a
# shared machine, for reference only.
#
# Without BUILDDIR the project is configured and built in
# ${TMPDIR:-/tmp}/edgesupport-bench-build; with it, that build directory is
# brought up to date with make. Needs root (uid 0's kernel keyring, mount
# namespaces), valgrind, unshare and mkpasswd (package whois). The files
# /etc/passwd, /etc/shadow and /etc/nsswitch.conf are replaced only inside
# private mount namespaces (unshare -m), and the script checks at the end
# that the host's copies are byte-for-byte unchanged. BENCH_KEEP=1 keeps
# the work directory with the callgrind profiles.
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-${TMPDIR:-/tmp}/edgesupport-bench-build}
# The control of the shipped pam-auth-update profile. libpam rejects its
# "end", which pam-auth-update expands into a jump, so the stacks here use
# "done" when our module is the last line and a jump over one line else.
pam_last='[success=done new_authtok_reqd=done ignore=ignore default=die]'
pam_skip1='[success=1 new_authtok_reqd=done ignore=ignore default=die]'

declare -A IR NS OWN ROW
row_count=0

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

progress() {
	printf 'bench: %s\n' "$*" >&2
}

check_requirements() {
	local cmd

	[ $# -le 1 ] || die "usage: bench/run.sh [BUILDDIR]"
	[ "$(id -u)" = 0 ] || die "run as root: the benchmark reads uid 0's" \
		"kernel keyring and bind-mounts files in mount namespaces"
	for cmd in valgrind callgrind_annotate mkpasswd unshare mount gcc \
		sha256sum awk; do
		command -v "$cmd" >/dev/null 2>&1 ||
			die "command '$cmd' not found; install it (mkpasswd is" \
				"in the package whois)"
	done
}

build_project() {
	# PAM service files need absolute module paths.
	mkdir -p "$builddir"
	builddir=$(cd "$builddir" && pwd)
	if [ ! -f "$builddir/Makefile" ]; then
		[ -x "$srcdir/configure" ] || (cd "$srcdir" && ./autogen.sh)
		progress "configuring in $builddir"
		(cd "$builddir" && "$srcdir/configure") \
			>"$builddir/bench-configure.log" 2>&1 ||
			die "configure failed; see $builddir/bench-configure.log"
	fi
	progress "building in $builddir"
	make -C "$builddir" -j"$(nproc)" all tests/pam/es-enable \
		>"$builddir/bench-make.log" 2>&1 ||
		die "make failed; see $builddir/bench-make.log"

	pam_module=$builddir/pam_edgesupport/.libs/pam_edgesupport.so
	nss_module=$builddir/nss_edgesupport/.libs/libnss_edgesupport.so.2
	ctl=$builddir/edgesupport-ctl
	decrypt=$builddir/edgesupport-decrypt
	es_enable=$builddir/tests/pam/es-enable
	for f in "$pam_module" "$nss_module" "$ctl" "$decrypt" "$es_enable"; do
		[ -e "$f" ] || die "$f not found after make; see" \
			"$builddir/bench-make.log"
	done
}

compile_drivers() {
	local driver

	for driver in pam-loop nss-loop keyctl-loop; do
		"${CC:-gcc}" -std=gnu11 -O2 -g -Wall -Wextra -Werror \
			-o "$work/$driver" "$srcdir/bench/$driver.c" \
			-lpam -lkeyutils ||
			die "compiling bench/$driver.c failed"
	done
}

# Picks a uid with no passwd entry and no process, for the support account
# that "edgesupport-ctl disable" ends the processes of.
pick_unused_uid() {
	local uid=$((64000 + $$ % 500))

	while getent passwd "$uid" >/dev/null ||
		ps -e -o uid= | grep -qx " *$uid"; do
		uid=$((uid + 1))
	done
	echo "$uid"
}

# Writes a passwd file of $2 lines: root, generated users, and "lastuser"
# as the last line.
make_passwd() {
	{
		echo 'root:x:0:0:root:/root:/bin/bash'
		awk -v n=$(($2 - 2)) 'BEGIN {
			for (i = 1; i <= n; i++)
				printf "user%06d:x:%d:%d:Bench user %d:" \
				    "/home/user%06d:/usr/sbin/nologin\n",
				    i, 100000 + i, 100000 + i, i, i
		}'
		echo 'lastuser:x:60010:60010:Last user:/nonexistent:/usr/sbin/nologin'
	} >"$1"
}

write_config() {
	cat >"$1" <<EOF
# Support account for the benchmark; the key name is unique to this run.
user = edgesupport
uid = $support_uid
gid = $support_uid
certificate = $3
key_name = $2
lock_file = $work/run/lock
EOF
}

setup_files() {
	local hash

	mkdir -p "$work/cg" "$work/lib" "$work/pam.d" "$work/run"
	cp "$nss_module" "$work/lib/"
	support_uid=$(pick_unused_uid)
	write_config "$work/es.conf" "edgesupport-bench-$$:otp" \
		"$work/support-2048.cer"
	write_config "$work/ctl-2048.conf" "edgesupport-bench-$$:ctl" \
		"$work/support-2048.cer"
	write_config "$work/ctl-4096.conf" "edgesupport-bench-$$:ctl" \
		"$work/support-4096.cer"

	# Passwords for the throwaway record and user, in files so that they
	# stay out of argv.
	(umask 077
	 head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 15 \
		>"$work/password"
	 echo "Unix-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" \
		>"$work/unix-password")

	# Debian 12's login.defs leaves YESCRYPT_COST_FACTOR unset, which
	# means cost 5. libxcrypt's crypt_gensalt() writes cost 5, also its
	# default, as the parameter string j9T.
	hash=$(mkpasswd -m yescrypt --stdin <"$work/unix-password")
	case $hash in
	'$y$j9T$'*) ;;
	*) die "mkpasswd made '${hash:0:8}...', expected the default yescrypt cost \$y\$j9T\$" ;;
	esac
	cp /etc/passwd "$work/passwd.pam"
	echo 'esbench:x:60020:60020:bench:/nonexistent:/usr/sbin/nologin' \
		>>"$work/passwd.pam"
	cp -p /etc/shadow "$work/shadow.pam"
	echo "esbench:$hash:19000:0:99999:7:::" >>"$work/shadow.pam"

	printf 'passwd: files\ngroup: files\nshadow: files\n' \
		>"$work/nsswitch.files"
	printf 'passwd: files edgesupport\ngroup: files\nshadow: files\n' \
		>"$work/nsswitch.both"
	printf 'passwd: edgesupport\ngroup: files\nshadow: files\n' \
		>"$work/nsswitch.module"
	make_passwd "$work/passwd.10" 10
	make_passwd "$work/passwd.1000" 1000
	make_passwd "$work/passwd.100000" 100000

	echo "auth required pam_permit.so" >"$work/pam.d/permit"
	echo "auth $pam_last $pam_module nodelay config=$work/es.conf" \
		>"$work/pam.d/ours"
	echo "auth required pam_unix.so nodelay" >"$work/pam.d/unix"
	cat >"$work/pam.d/other-ours" <<EOF
auth $pam_skip1 $pam_module nodelay config=$work/es.conf
auth required pam_permit.so
account $pam_skip1 $pam_module nodelay config=$work/es.conf
account required pam_permit.so
EOF
	printf 'auth required pam_permit.so\naccount required pam_permit.so\n' \
		>"$work/pam.d/other-permit"

	# A small environment like a login shell's, the same for every row.
	# The NSS module calls secure_getenv() for its config variable on each
	# freshness check. The variable comes last, so that scan costs as much
	# as one for a variable that is not set.
	bench_env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
		LANG=C.UTF-8 TERM=dumb USER=root LOGNAME=root SHELL=/bin/sh
		LD_LIBRARY_PATH="$work/lib"
		EDGESUPPORT_NSS_CONFIG="$work/es.conf")
}

host_state() {
	sha256sum /etc/passwd /etc/shadow /etc/group /etc/nsswitch.conf
}

cleanup() {
	if [ -n "${work:-}" ] && [ -d "$work" ]; then
		"$es_enable" --disable "$work/es.conf" >/dev/null 2>&1 || true
		"$ctl" --config "$work/ctl-2048.conf" disable >/dev/null 2>&1 ||
			true
		if [ "${BENCH_KEEP:-0}" = 1 ]; then
			progress "kept $work (BENCH_KEEP=1)"
		else
			rm -rf "$work"
		fi
	fi
}

# Sets the files that in_namespace mounts over /etc/nsswitch.conf,
# /etc/passwd and /etc/shadow.
use_files() {
	ns_nsswitch=$1 ns_passwd=$2 ns_shadow=$3
}

# Runs a command in a private mount namespace over the files use_files set,
# with the environment bench_env and nothing else.
in_namespace() {
	unshare -m --propagation private sh -c '
		mount --bind "$1" /etc/nsswitch.conf &&
		mount --bind "$2" /etc/passwd &&
		mount --bind "$3" /etc/shadow || exit 99
		shift 3
		exec "$@"' sh "$ns_nsswitch" "$ns_passwd" "$ns_shadow" \
		env -i "${bench_env[@]}" "$@"
}

# measure_loop ID CG_CALLS WALL_CALLS ROUNDS DRIVER ARGS...
# Runs a loop driver under callgrind with CG_CALLS measured calls, so
# IR[ID] is the instruction count of one call and the profile stays in
# $work/cg/ID.out. Then it runs the driver natively, ROUNDS rounds of
# WALL_CALLS calls, and NS[ID] is the median nanoseconds of one call.
measure_loop() {
	local id=$1 cg_calls=$2 wall_calls=$3 rounds=$4
	local out=$work/cg/$id.out total

	shift 4
	progress "measuring $id"
	in_namespace valgrind --tool=callgrind -q \
		--toggle-collect=measure_calls --callgrind-out-file="$out" \
		"$@" "$cg_calls" 1 >/dev/null 2>"$work/cg/$id.err" ||
		die "$id under callgrind failed: $(cat "$work/cg/$id.err")"
	total=$(sed -n 's/^totals: *//p' "$out")
	[ -n "$total" ] || die "$id: no totals line in $out"
	IR[$id]=$(((total + cg_calls / 2) / cg_calls))

	NS[$id]=$(in_namespace "$@" "$wall_calls" "$rounds" \
		2>"$work/cg/$id.err") ||
		die "$id failed: $(cat "$work/cg/$id.err")"
}

# measure_process ID RUNS COMMAND...
# IR[ID] is the instruction count of the whole process under callgrind,
# NS[ID] the median wall time of RUNS native runs. The standard output of
# the callgrind run stays in $work/ID.stdout.
measure_process() {
	local id=$1 runs=$2
	local out=$work/cg/$id.out

	shift 2
	progress "measuring $id"
	env -i "${bench_env[@]}" valgrind --tool=callgrind -q \
		--callgrind-out-file="$out" "$@" >"$work/$id.stdout" \
		2>"$work/cg/$id.err" ||
		die "$id under callgrind failed: $(cat "$work/cg/$id.err")"
	IR[$id]=$(sed -n 's/^totals: *//p' "$out")

	# The first run is not timed: it fills the page cache.
	NS[$id]=$(env -i "${bench_env[@]}" bash -c '
		runs=$1
		shift
		"$@" >/dev/null || exit 1
		for ((i = 0; i < runs; i++)); do
			start=$EPOCHREALTIME
			"$@" >/dev/null || exit 1
			echo "$start $EPOCHREALTIME"
		done' bash "$runs" "$@" 2>"$work/cg/$id.err" |
		awk '{ printf "%.0f\n", ($2 - $1) * 1e9 }' | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') ||
		die "$id failed: $(cat "$work/cg/$id.err")"
}

# Caches callgrind_annotate's listing of a profile: self costs, or
# inclusive costs with "inclusive".
annotate() {
	local out=$1 mode=${2:-self}
	local cache=$out.$mode

	if [ ! -f "$cache" ]; then
		if [ "$mode" = inclusive ]; then
			callgrind_annotate --auto=no --threshold=100 \
				--inclusive=yes "$out" >"$cache"
		else
			callgrind_annotate --auto=no --threshold=100 "$out" \
				>"$cache"
		fi
	fi
	cat "$cache"
}

# Turns callgrind_annotate lines into "COST<TAB>FUNCTION<TAB>OBJECT". A
# function can appear more than once (parts with and without line
# information); the callers add up self costs and take the largest
# inclusive cost.
annotate_rows() {
	awk '
	match($0, /^ *[0-9,]+ +\( *[0-9.]+%\) +/) {
		cost = $1
		gsub(",", "", cost)
		rest = substr($0, RLENGTH + 1)
		if (rest ~ /^PROGRAM TOTALS/ || rest ~ /^=>/)
			next
		obj = ""
		if (match(rest, / \[[^]]*\]$/)) {
			obj = substr(rest, RSTART + 2, RLENGTH - 3)
			rest = substr(rest, 1, RSTART - 1)
			sub(/.*\//, "", obj)
		}
		n = split(rest, part, ":")
		fn = part[n]
		sub(/@.*/, "", fn)	# symbol version, as in @@GLIBC_2.17
		printf "%s\t%s\t%s\n", cost, fn, obj
	}'
}

# Prints the inclusive instruction count of one call of function fn in the
# profile of row id, or 0 when fn does not appear.
inclusive_cost() {
	local id=$1 fn=$2 calls=$3

	annotate "$work/cg/$id.out" inclusive | annotate_rows |
		awk -F '\t' -v fn="$fn" -v calls="$calls" '
		$2 == fn && $1 > max { max = $1 }
		END { printf "%.0f\n", max / calls }'
}

# Prints how many times function caller called function callee in the
# profile of row id, from callgrind_annotate's call tree.
call_count() {
	local id=$1 caller=$2 callee=$3

	callgrind_annotate --auto=no --threshold=100 --inclusive=yes \
		--tree=calling "$work/cg/$id.out" | awk -v caller="$caller" \
		-v callee="$callee" '
		/^ *[0-9,]+ .*\*  / {
			inside = index($0, ":" caller " [") > 0
			next
		}
		inside && /^ *[0-9,]+ .*>  / && index($0, ":" callee " (") {
			match($0, /\([0-9]+x\)/)
			n += substr($0, RSTART + 1, RLENGTH - 3)
		}
		END { print n + 0 }'
}

# Prints the functions whose self cost per call grew most from the profile
# of row base to that of row added: callgrind_annotate's top functions for
# what the added piece costs.
profile_added() {
	local base=$1 base_calls=$2 added=$3 added_calls=$4

	{
		annotate "$work/cg/$base.out" | annotate_rows |
			sed "s/^/$base_calls\t-1\t/"
		annotate "$work/cg/$added.out" | annotate_rows |
			sed "s/^/$added_calls\t1\t/"
	} | awk -F '\t' '
	{
		key = $4
		if (key ~ /^0x/)
			key = key "@" $5
		delta[key] += $2 * $3 / $1
		if ($5 != "")
			object[key] = $5
	}
	END {
		for (key in delta)
			if (delta[key] >= 0.5)
				printf "%.0f\t%s\t%s\n", delta[key], key,
				    object[key]
	}' | sort -t "$(printf '\t')" -k1,1nr | awk 'NR <= 8' |
		while IFS="$(printf '\t')" read -r cost fn obj; do
			printf '      %10s  %s (%s)\n' "+$(fmt_int "$cost")" \
				"${fn%@*}" "${obj:-?}"
		done
}

fmt_int() {
	awk -v n="$1" 'BEGIN {
		s = sprintf("%.0f", n < 0 ? -n : n)
		r = ""
		while (length(s) > 3) {
			r = "," substr(s, length(s) - 2) r
			s = substr(s, 1, length(s) - 3)
		}
		print (n < 0 ? "-" : "") s r
	}'
}

fmt_ns() {
	awk -v n="$1" 'BEGIN {
		a = n < 0 ? -n : n
		if (a < 1e3)
			printf "%d ns\n", n
		else if (a < 1e6)
			printf "%.1f us\n", n / 1e3
		else if (a < 1e9)
			printf "%.2f ms\n", n / 1e6
		else
			printf "%.2f s\n", n / 1e9
	}'
}

calc() {
	awk "BEGIN { printf \"%.${2:-2}f\n\", $1 }"
}

# Prints one table row for id and records its number in ROW.
row() {
	local id=$1 label=$2 note=${3:-}

	row_count=$((row_count + 1))
	ROW[$id]=$row_count
	printf '| %3d | %-60s | %13s | %10s | %s\n' "$row_count" "$label" \
		"$(fmt_int "${IR[$id]}")" "$(fmt_ns "${NS[$id]}")" "$note|"
}

section() {
	printf '| | **%s** | | | |\n' "$1"
}

measure_pam() {
	use_files "$work/nsswitch.files" "$work/passwd.pam" "$work/shadow.pam"
	"$es_enable" "$work/es.conf" <"$work/password" ||
		die "es-enable failed to store the benchmark record in the keyring"

	measure_loop pam-permit 20 1000 21 "$work/pam-loop" "$work/pam.d" \
		permit edgesupport "$work/password" auth
	measure_loop pam-ours 20 200 21 "$work/pam-loop" "$work/pam.d" \
		ours edgesupport "$work/password" auth
	measure_loop pam-unix 2 3 7 "$work/pam-loop" "$work/pam.d" \
		unix esbench "$work/unix-password" auth
	measure_loop keyctl-read 200 2000 21 "$work/keyctl-loop"
	measure_loop pam-other-ours 20 500 21 "$work/pam-loop" "$work/pam.d" \
		other-ours benchother "$work/password" auth+account
	measure_loop pam-other-permit 20 500 21 "$work/pam-loop" \
		"$work/pam.d" other-permit benchother "$work/password" \
		auth+account
	IR[pam-other-cost]=$((IR[pam-other-ours] - IR[pam-other-permit]))
	NS[pam-other-cost]=$((NS[pam-other-ours] - NS[pam-other-permit]))

	"$es_enable" --disable "$work/es.conf" ||
		die "es-enable failed to remove the benchmark record from the keyring"
}

# measure_nss LINES CG_CALLS WALL_CALLS ROUNDS
measure_nss() {
	local lines=$1 cg=$2 wall=$3 rounds=$4
	local passwd=$work/passwd.$lines
	local loop=$work/nss-loop

	use_files "$work/nsswitch.files" "$passwd" "$work/shadow.pam"
	measure_loop "nss-$lines-miss-files" "$cg" "$wall" "$rounds" \
		"$loop" name nosuchuser missing
	measure_loop "nss-$lines-hit-files" "$cg" "$wall" "$rounds" \
		"$loop" name lastuser found

	use_files "$work/nsswitch.both" "$passwd" "$work/shadow.pam"
	measure_loop "nss-$lines-miss-both" "$cg" "$wall" "$rounds" \
		"$loop" name nosuchuser missing
	measure_loop "nss-$lines-hit-both" "$cg" "$wall" "$rounds" \
		"$loop" name edgesupport found
	OWN[nss-$lines-miss-both]=$(inclusive_cost "nss-$lines-miss-both" \
		_nss_edgesupport_getpwnam_r "$cg")
	OWN[nss-$lines-hit-both]=$(inclusive_cost "nss-$lines-hit-both" \
		_nss_edgesupport_getpwnam_r "$cg")
	[ "${OWN[nss-$lines-miss-both]}" -gt 0 ] ||
		die "nss-$lines-miss-both: the module never ran; check" \
			"LD_LIBRARY_PATH=$work/lib"

	[ "$lines" = 10 ] || return 0

	measure_loop nss-10-uidmiss-both "$cg" "$wall" "$rounds" \
		"$loop" uid 60999 missing
	OWN[nss-10-uidmiss-both]=$(inclusive_cost nss-10-uidmiss-both \
		_nss_edgesupport_getpwuid_r "$cg")
	use_files "$work/nsswitch.files" "$passwd" "$work/shadow.pam"
	measure_loop nss-10-uidmiss-files "$cg" "$wall" "$rounds" \
		"$loop" uid 60999 missing
	use_files "$work/nsswitch.module" "$passwd" "$work/shadow.pam"
	measure_loop nss-10-hit-module "$cg" "$wall" "$rounds" \
		"$loop" name edgesupport found
}

measure_tools() {
	local bits

	for bits in 2048 4096; do
		progress "making a $bits-bit test certificate"
		"$decrypt" new-cert --dns "bench-$bits.invalid" --bits "$bits" \
			--out-cert "$work/support-$bits.cer" \
			--out-key "$work/support-$bits.key" >/dev/null ||
			die "edgesupport-decrypt new-cert --bits $bits failed"
	done
	for bits in 2048 4096; do
		measure_process "enable-$bits" 21 \
			"$ctl" --config "$work/ctl-$bits.conf" enable
		measure_process "decrypt-$bits" 21 "$decrypt" \
			--key "$work/support-$bits.key" \
			--cert "$work/support-$bits.cer" \
			"$(cat "$work/enable-$bits.stdout")"
		[ "$(wc -c <"$work/decrypt-$bits.stdout")" = 16 ] ||
			die "edgesupport-decrypt printed no 15-character" \
				"password for the $bits-bit blob"
	done
	"$ctl" --config "$work/ctl-2048.conf" disable >/dev/null 2>&1 ||
		die "edgesupport-ctl disable failed for the benchmark key"
}

print_nss_rows() {
	local lines=$1 label

	label=$(fmt_int "$lines")
	row "nss-$lines-miss-files" "getpwnam miss, \`files\`, $label lines"
	row "nss-$lines-miss-both" "getpwnam miss, \`files edgesupport\`" \
		"+$(calc "(${IR[nss-$lines-miss-both]} - ${IR[nss-$lines-miss-files]}) * 100 / ${IR[nss-$lines-miss-files]}" 3)% of row ${ROW[nss-$lines-miss-files]}; module's own: $(fmt_int "${OWN[nss-$lines-miss-both]}") Ir "
	if [ "$lines" = 10 ]; then
		row nss-10-uidmiss-files "getpwuid miss, \`files\`"
		row nss-10-uidmiss-both "getpwuid miss, \`files edgesupport\`" \
			"+$(calc "(${IR[nss-10-uidmiss-both]} - ${IR[nss-10-uidmiss-files]}) * 100 / ${IR[nss-10-uidmiss-files]}" 3)% of row ${ROW[nss-10-uidmiss-files]}; module's own: $(fmt_int "${OWN[nss-10-uidmiss-both]}") Ir "
	fi
	row "nss-$lines-hit-files" "getpwnam hit, \`files\`, user on line $label"
	row "nss-$lines-hit-both" \
		"getpwnam hit, support user, \`files edgesupport\`" \
		"$(calc "${IR[nss-$lines-hit-both]} / ${IR[nss-$lines-hit-files]}")x row ${ROW[nss-$lines-hit-files]}; module's own: $(fmt_int "${OWN[nss-$lines-hit-both]}") Ir "
	if [ "$lines" = 10 ]; then
		row nss-10-hit-module \
			"getpwnam hit, support user, \`edgesupport\` alone"
	fi
}

print_table() {
	local bits

	printf '| row | %-60s | %13s | %10s | %s\n' "measurement" "Ir/call" \
		"wall/call" "note |"
	echo '|----:|------------------------------------------------------------|--------------:|-----------:|------|'
	section "PAM, one handle reused; pam_fail_delay disabled (nodelay on pam_edgesupport and pam_unix)"
	row pam-permit "auth, support user: pam_permit (the floor)"
	row pam-ours "auth, support user: pam_edgesupport nodelay, success" \
		"$(calc "${IR[pam-ours]} / ${IR[pam-permit]}")x row ${ROW[pam-permit]}; module's own: $(fmt_int "$(inclusive_cost pam-ours pam_sm_authenticate 20)") Ir "
	row pam-unix "auth, throwaway user: pam_unix nodelay, yescrypt \$y\$j9T\$" \
		"row ${ROW[pam-ours]} is $(calc "${IR[pam-ours]} * 100 / ${IR[pam-unix]}" 3)% of this "
	row keyctl-read "one keyctl_read_alloc() of a 144-byte user key"
	row pam-other-ours "auth+account, other user: pam_edgesupport + pam_permit"
	row pam-other-permit "auth+account, other user: pam_permit alone"
	row pam-other-cost "our cost for another user: row ${ROW[pam-other-ours]} - row ${ROW[pam-other-permit]}" \
		"$(calc "${IR[pam-other-cost]} * 100 / ${IR[pam-other-permit]}" 1)% of row ${ROW[pam-other-permit]}; module's own: $(fmt_int $(($(inclusive_cost pam-other-ours pam_sm_authenticate 20) + $(inclusive_cost pam-other-ours pam_sm_acct_mgmt 20)))) Ir "
	section "NSS through glibc, 10-line /etc/passwd"
	print_nss_rows 10
	section "NSS growth with /etc/passwd size"
	print_nss_rows 1000
	print_nss_rows 100000
	section "tools, whole process (includes process start and OpenSSL setup)"
	for bits in 2048 4096; do
		row "enable-$bits" "edgesupport-ctl enable, $bits-bit certificate"
	done
	for bits in 2048 4096; do
		row "decrypt-$bits" "edgesupport-decrypt, $bits-bit key"
	done
}

# Prints PASS or MISS for a condition given as an awk expression.
verdict() {
	awk "BEGIN { print ($1) ? \"PASS\" : \"MISS\" }"
}

check_pam_target() {
	local limit status

	limit=$((2 * IR[pam-permit] + IR[keyctl-read]))
	status=$(verdict "${IR[pam-ours]} <= $limit")
	printf '%s  PAM auth success path: row %d = %s Ir; limit 2 x row %d + row %d = %s Ir; ratio %s of the limit\n' \
		"$status" "${ROW[pam-ours]}" "$(fmt_int "${IR[pam-ours]}")" \
		"${ROW[pam-permit]}" "${ROW[keyctl-read]}" \
		"$(fmt_int "$limit")" \
		"$(calc "${IR[pam-ours]} / $limit")"
	[ "$status" = MISS ] || return 0

	echo "      Why (callgrind_annotate): Ir per call inside pam_edgesupport, inclusive:"
	for fn in pam_sm_authenticate es_config_load es_log es_record_verify \
		es_store_open es_store_lock es_store_get es_store_update \
		pam_get_authtok; do
		printf '%s\t%s\n' "$(inclusive_cost pam-ours "$fn" 20)" "$fn"
	done | sort -k1,1nr | while read -r cost fn; do
		printf '      %10s  %s\n' "$(fmt_int "$cost")" "$fn"
	done
	echo "      Functions whose self Ir per call grew most from row ${ROW[pam-permit]} to row ${ROW[pam-ours]}:"
	profile_added pam-permit 20 pam-ours 20
}

check_nss_miss_target() {
	local kind base added status per_line

	for kind in miss uidmiss; do
		base=nss-10-$kind-files added=nss-10-$kind-both
		status=$(verdict "(${IR[$added]} - ${IR[$base]}) * 100 < ${IR[$base]}")
		printf '%s  NSS %s for another user adds %s%% (%s Ir) to a `files` miss (row %d vs %d); target < 1%%\n' \
			"$status" \
			"$([ $kind = miss ] && echo getpwnam || echo getpwuid)" \
			"$(calc "(${IR[$added]} - ${IR[$base]}) * 100 / ${IR[$base]}" 2)" \
			"$(fmt_int $((IR[$added] - IR[$base])))" \
			"${ROW[$added]}" "${ROW[$base]}"
		[ "$status" = MISS ] || continue

		printf '      Why (callgrind_annotate): the module itself runs %s Ir per lookup (inclusive);\n' \
			"$(fmt_int "${OWN[$added]}")"
		printf '      the rest, %s Ir, is glibc calling a second NSS module. Inside the module:\n' \
			"$(fmt_int $((IR[$added] - IR[$base] - OWN[$added])))"
		for fn in cache_refresh secure_getenv clock_gettime \
			pthread_mutex_lock pthread_mutex_unlock; do
			printf '%s\t%s\n' \
				"$(inclusive_cost "$added" "$fn" 200)" "$fn"
		done | sort -k1,1nr | while read -r cost fn; do
			printf '      %10s  %s\n' "$(fmt_int "$cost")" "$fn"
		done
		echo "      Functions whose self Ir per call grew most from row ${ROW[$base]} to row ${ROW[$added]}:"
		profile_added "$base" 200 "$added" 200
	done

	per_line=$(calc "(${IR[nss-1000-miss-files]} - ${IR[nss-10-miss-files]}) / 990" 0)
	added=$((IR[nss-10-miss-both] - IR[nss-10-miss-files]))
	echo "      The added cost is fixed: a \`files\` miss costs" \
		"$(fmt_int "$per_line") Ir per line (rows ${ROW[nss-10-miss-files]} and ${ROW[nss-1000-miss-files]}), so the"
	echo "      getpwnam share falls under 1% from about" \
		"$(fmt_int "$(calc "100 * $added / $per_line" 0)") lines of /etc/passwd."
}

check_nss_hit_target() {
	local status

	status=$(verdict "${IR[nss-10-hit-both]} <= 2 * ${IR[nss-10-hit-files]}")
	printf '%s  NSS hit: support user through `files edgesupport` = %sx a `files` hit on line 10 of a 10-line /etc/passwd (row %d vs %d); target <= 2x\n' \
		"$status" \
		"$(calc "${IR[nss-10-hit-both]} / ${IR[nss-10-hit-files]}")" \
		"${ROW[nss-10-hit-both]}" "${ROW[nss-10-hit-files]}"
	[ "$status" = MISS ] || return 0

	echo "      Functions whose self Ir per call grew most from row ${ROW[nss-10-hit-files]} to row ${ROW[nss-10-hit-both]}:"
	profile_added nss-10-hit-files 200 nss-10-hit-both 200
}

# Checks that the module's own cost stays flat while /etc/passwd grows
# 10,000-fold: at most 1.5 times its cost at 10 lines.
check_flat() {
	local kind lines small large growth checks

	for kind in miss hit; do
		small=${OWN[nss-10-$kind-both]}
		large=${OWN[nss-100000-$kind-both]}
		growth=$(calc "${IR[nss-100000-$kind-files]} / ${IR[nss-10-$kind-files]}" 0)
		printf '%s  NSS module'\''s own cost per %s at 10 / 1,000 / 100,000 lines: %s / %s / %s Ir (limit 1.5x the first); `files` grew %sx\n' \
			"$(verdict "$large <= 1.5 * $small")" "$kind" \
			"$(fmt_int "$small")" \
			"$(fmt_int "${OWN[nss-1000-$kind-both]}")" \
			"$(fmt_int "$large")" "$(fmt_int "$growth")"
		checks=
		for lines in 10 1000 100000; do
			checks="$checks / $(call_count "nss-$lines-$kind-both" \
				cache_refresh stat)"
		done
		echo "      stat() calls on the config per callgrind run," \
			"2 warm-up lookups included: ${checks# / }."
		echo "      The module checks its config at most once a" \
			"second, so under callgrind a lookup slower than a second"
		echo "      (100,000 lines) pays for one check every time:" \
			"the $(fmt_int $((large - small))) Ir above the 10-line cost." \
			"Natively that is once per 50 or more lookups."
	done
}

main() {
	local started

	check_requirements "$@"
	started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
	build_project
	work=$(mktemp -d "${TMPDIR:-/tmp}/edgesupport-bench.XXXXXX")
	chmod 755 "$work"
	trap cleanup EXIT
	host_state >"$work/host.before"
	compile_drivers
	setup_files

	measure_tools
	measure_pam
	measure_nss 10 200 2000 21
	measure_nss 1000 20 200 21
	measure_nss 100000 2 3 11

	host_state >"$work/host.after"
	cmp -s "$work/host.before" "$work/host.after" ||
		die "host files changed: $(diff "$work/host.before" "$work/host.after")"

	echo "edgesupport benchmark, started $started"
	echo "source $srcdir (commit $(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)), build $builddir"
	echo "Ir = user-space instructions from valgrind --tool=callgrind (stable; kernel time of system calls not counted)."
	echo "wall = median per call of many native runs, for reference only."
	echo "PAM rows: pam_fail_delay is disabled (nodelay), so no row contains the 2 s failure delay."
	echo
	print_table
	echo
	echo "Targets (instruction counts):"
	check_pam_target
	check_nss_miss_target
	check_nss_hit_target
	check_flat
	echo
	echo "host /etc/passwd, /etc/shadow, /etc/group and /etc/nsswitch.conf unchanged"
}

main "$@"
