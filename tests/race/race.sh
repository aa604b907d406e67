#!/bin/sh
# Races between PAM authentications and edgesupport-ctl, against the real
# kernel keyring and the store lock:
# 1. Eight workers authenticate in a loop for $race_seconds with the
#    current password while a controller enables (a new password each
#    time) and disables. Times are on CLOCK_MONOTONIC. No authentication
#    that started after an enable or a disable returned may succeed with a
#    password from before it.
# 2. 40 parallel wrong passwords count exactly: 20 failures and a lockout
#    with max_failures = 20, 40 failures and no lockout with 50.
# 3. Parallel right passwords against --max-logins: exactly N succeed.
# Every loop has its own deadline, so the test stops by itself.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

require_root
require_cmd keyctl timeout
. "$top_srcdir/tests/fault/env.sh"

: "${race_seconds:=20}"
workers=8

now() {
	"$pam_run" now
}

# Enables access with edgesupport-ctl and decrypts the blob, as support
# would; further arguments go to enable. Prints the password.
enable_real() {
	ctl enable "$@" >"$d/blob" 2>/dev/null || return 1
	"$decrypt_bin" --key "$d/support.key" --cert "$d/support.cer" \
		<"$d/blob" 2>/dev/null
}

# Starts $1 pam-run processes that each authenticate once with password
# file $2 at the same moment and prints how many succeeded.
parallel_auth() {
	n=$1 pw=$2
	start=$(awk -v t="$(now)" 'BEGIN { printf "%.6f", t + 1.0 }')
	i=0
	while [ "$i" -lt "$n" ]; do
		timeout 60 "$pam_run" -d "$d/pam.d" -s es-test -p "$pw" \
			-a "$start" auth >"$d/par.$i" 2>&1 &
		i=$((i + 1))
	done
	wait
	grep -l '^auth: 0 ' "$d"/par.* 2>/dev/null | wc -l
	rm -f "$d"/par.*
}

# --- 1. authentications against enable and disable ---------------------------

write_config "max_failures = 0"
gen=1
pw=$(enable_real) || fatal "enable failed"
echo "enable $gen $(now)" >"$d/events"
printf '%s %s\n' "$gen" "$pw" >"$d/current"

i=0
while [ "$i" -lt "$workers" ]; do
	timeout $((race_seconds + 30)) "$pam_run" -d "$d/pam.d" -s es-test \
		-g "$d/current" -l "$race_seconds" >"$d/worker.$i" 2>&1 &
	i=$((i + 1))
done

# The controller: enable twice (the second replaces the first at once),
# then disable, until the workers' time is up. Each event is logged with
# the monotonic time taken after the command returned.
deadline=$(awk -v t="$(now)" -v s="$race_seconds" \
	'BEGIN { printf "%d", t + s - 1 }')
while [ "$(now | cut -d. -f1)" -lt "$deadline" ]; do
	for step in enable enable disable; do
		if [ "$step" = enable ]; then
			gen=$((gen + 1))
			pw=$(enable_real) || fatal "enable failed"
			echo "enable $gen $(now)" >>"$d/events"
			printf '%s %s\n' "$gen" "$pw" >"$d/current.tmp"
			mv "$d/current.tmp" "$d/current"
		else
			ctl disable >/dev/null 2>&1 || fatal "disable failed"
			echo "disable - $(now)" >>"$d/events"
		fi
		sleep 0.4
	done
done
wait

cat "$d"/worker.* >"$d/attempts"
grep -v '^[0-9.]* [0-9.]* [0-9-]* [0-9]*$' "$d/attempts" >"$d/odd"
[ -s "$d/odd" ] && fatal "worker output not understood: $(head -3 "$d/odd")"

# For each generation, the time its password stopped being valid: the
# first event after its enable returned.
awk '
	FNR == NR {
		if ($1 == "enable") {
			if (current != "") end[current] = $3
			current = $2
		} else if (current != "") {
			end[current] = $3
			current = ""
		}
		next
	}
	{
		attempts++
		if ($4 == 0) successes++
		if (!($3 in end) || $1 <= end[$3]) next
		stale++
		if ($4 == 0) {
			late++
			printf "password %s accepted in an authentication that " \
			    "started at %s, after it was replaced or disabled " \
			    "at %s\n", $3, $1, end[$3]
		}
	}
	END {
		printf "attempts %d successes %d stale %d late %d\n",
		    attempts, successes, stale, late
	}
' "$d/events" "$d/attempts" >"$d/analysis"

summary=$(tail -n 1 "$d/analysis")
echo "race: $summary, $(grep -c '^enable' "$d/events") enables," \
	"$(grep -c '^disable' "$d/events") disables"
set -- $summary
attempts=$2 successes=$4 stale=$6 late=$8
[ "$attempts" -gt 100 ] && pass "race: $attempts authentications ran" ||
	fail "race: only $attempts authentications ran"
[ "$successes" -gt 0 ] && pass "race: current passwords logged in" ||
	fail "race: no authentication succeeded"
[ "$stale" -gt 0 ] && pass "race: old passwords were tried after their end" ||
	fail "race: no authentication used a password after its end"
if [ "$late" = 0 ]; then
	pass "race: no old password logged in after enable or disable returned"
else
	fail "race: $late old password(s) logged in: $(head -3 "$d/analysis")"
fi

# --- 2. parallel wrong passwords count exactly -------------------------------

printf 'Wrong4pw0Wrong4' >"$d/wrong.pw"
for max in 20 50; do
	write_config "max_failures = $max" "lockout_time = 15m"
	pw=$(enable_real) || fatal "enable failed"
	printf %s "$pw" >"$d/right.pw"
	succeeded=$(parallel_auth 40 "$d/wrong.pw")
	assert_eq "$succeeded" 0 "40 parallel wrong passwords all fail (max $max)"
	if [ "$max" = 20 ]; then
		assert_eq "$(json_field failures)" 20 \
			"max_failures 20: the counter stops at 20"
		assert_eq "$(json_field locked)" true \
			"max_failures 20: the account is locked"
		assert_status 7 "max_failures 20: the right password is locked out" \
			pam "$d/right.pw" auth
	else
		assert_eq "$(json_field failures)" 40 \
			"max_failures 50: 40 failures counted"
		assert_eq "$(json_field locked)" false \
			"max_failures 50: the account is not locked"
		assert_status 0 "max_failures 50: the right password logs in" \
			pam "$d/right.pw" auth
	fi
done

# --- 3. --max-logins under parallel logins -----------------------------------

write_config "max_failures = 0"
for max in 1 3; do
	pw=$(enable_real --max-logins "$max") || fatal "enable failed"
	printf %s "$pw" >"$d/right.pw"
	succeeded=$(parallel_auth 8 "$d/right.pw")
	assert_eq "$succeeded" "$max" \
		"max_logins $max: $max of 8 parallel logins succeed"
	assert_eq "$(json_field logins)" "$max" \
		"max_logins $max: the record counts $max logins"
done

finish
