#!/usr/bin/env bash
# Instructions per request of the benchmark's variants, counted by callgrind: deterministic,
# so unlike the throughput it does not depend on other load on the machine. For each variant
# it starts apache2 -X (one process) under valgrind with the configuration of scripts/bench,
# opens the session it needs (round trip through the simulator, form login), sends N1 and
# then, in a second server, N2 keep-alive requests with ab, and reports
# (Ir(N2) - Ir(N1)) / (N2 - N1): the marginal cost of one request, without start-up and
# warm-up. Only user-space instructions count (the kernel's share is not seen).
#
#   scripts/lib/bench/profile.sh [VARIANT...]     default: a b d g
#
# Variants: a b c d as in scripts/bench, and g: the gate page (a request without a session:
# one pending attempt). c costs about 38 million instructions per request (mod_session_crypto
# derives its key with PBKDF2 on every request): expect minutes for it.
# Environment: SENCE_BUILD_DIR (default build; must be built), PROFILE_N1 (default 1000),
# PROFILE_N2 (default 3000), PROFILE_KEEP=1 keeps the callgrind files, PROFILE_PORT.
# Output: "VARIANT IR_PER_REQUEST" lines, then the files kept (if any).
set -euo pipefail
# shellcheck disable=SC2034  # read by lib/common.sh
SENCE_PROG=profile
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
# shellcheck source-path=SCRIPTDIR source=conf.sh
. "$SENCE_REPO/scripts/lib/bench/conf.sh"

n1=${PROFILE_N1:-1000} n2=${PROFILE_N2:-3000}
if ! [[ $n1 =~ ^[0-9]+$ && $n2 =~ ^[0-9]+$ ]] || ((n1 < 100 || n2 <= n1 || n2 > 100000)); then
  sence_die "PROFILE_N1 >= 100 and PROFILE_N1 < PROFILE_N2 <= 100000"
fi
variants=("$@")
((${#variants[@]})) || variants=(a b d g)
for v in "${variants[@]}"; do
  [[ $v =~ ^[abcdg]$ ]] || sence_die "unknown variant '$v' (a b c d g)"
done
sence_need build moodle profile
build=${SENCE_BUILD_DIR:-$SENCE_REPO/build}
case "$build" in /*) ;; *) build="$SENCE_REPO/$build" ;; esac
[[ -f $build/mod_sence.so && -f $build/mod_sence_sim.so ]] || sence_die "build first (cmake --build $build)"

work=$(mktemp -d "${TMPDIR:-/tmp}/sence-profile.XXXXXX")
vgpid=''
# shellcheck disable=SC2317  # called through trap
finish() {
  local rc=$?
  trap - INT TERM EXIT
  [[ -n $vgpid ]] && stop_server
  if [[ ${PROFILE_KEEP:-0} == 1 ]]; then sence_say "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

port=$(sence_free_port "${PROFILE_PORT:-18680}") || sence_die "no free port"
base="http://127.0.0.1:$port"
bench_write_conf "$work" "$port" "$build" 1000
bench_moodle_db "$work" >/dev/null || sence_die "cannot load the Moodle fixture"
# One process, no privilege change: as root the whole server runs as the children's user.
run_as=()
if [[ -n $BENCH_USER ]]; then
  sed -i -e '/^User /d' -e '/^Group /d' "$work/httpd.conf"
  chown -R "$BENCH_USER:$BENCH_GROUP" "$work"
  run_as=(runuser -u "$BENCH_USER" --)
fi

# Stops the server (the process in the pid file, under valgrind) and waits until it is gone.
stop_server() {
  local hp i
  hp=$(cat "$work/run/httpd.pid" 2>/dev/null || true)
  [[ $hp =~ ^[0-9]+$ ]] && kill -TERM "$hp" 2>/dev/null
  for ((i = 0; i < 600; i++)); do
    { [[ $hp =~ ^[0-9]+$ ]] && kill -0 "$hp" 2>/dev/null; } || break
    sleep 0.1
  done
  wait "$vgpid" 2>/dev/null || true
  rm -f "$work/run/httpd.pid"
}

# count VARIANT N: prints the instructions callgrind collected in ap_run_process_connection.
count() {
  local v=$1 n=$2 out=$work/callgrind.$1.$2.out ck="MoodleSession=$BENCH_MOODLE_SID" url i
  "${run_as[@]}" valgrind --tool=callgrind --collect-atstart=no \
    --toggle-collect=ap_run_process_connection --callgrind-out-file="$out" \
    apache2 -X -D BENCH_MOODLE -f "$work/httpd.conf" >"$work/valgrind.$v.$n.log" 2>&1 &
  vgpid=$!
  for ((i = 0; i < 300; i++)); do
    curl -s -o /dev/null --max-time 2 "$base/a/$BENCH_PAGE" && break
    kill -0 "$vgpid" 2>/dev/null || sence_die "apache2 under valgrind did not start: $work/valgrind.$v.$n.log"
    sleep 0.2
  done
  case $v in
    a) url="/a/$BENCH_PAGE" ;;
    b) url="/b/$BENCH_PAGE"
       ck+="; $(perl "$SENCE_REPO/scripts/lib/bench/roundtrip.pl" --url "$base$url" \
                  --header "X-Bench-Run: $BENCH_RUN" --password "$SENCE_DEMO_SENCE_PASSWORD")" ;;
    c) url="/c/$BENCH_PAGE"
       ck+="; $(curl -s -o /dev/null -D - --data-urlencode "httpd_username=$BENCH_RUN" \
                  --data-urlencode "httpd_password=$SENCE_DEMO_PLATFORM_PASSWORD" "$base/c-login" |
                sed -n 's/^[Ss]et-[Cc]ookie: \(bench_session=[^;]*\).*/\1/p' | tr -d '\r')" ;;
    d) url="/moodle/course/view.php?id=$BENCH_MOODLE_COURSE"
       ck+="; $(perl "$SENCE_REPO/scripts/lib/bench/roundtrip.pl" --url "$base$url" \
                  --header "Cookie: MoodleSession=$BENCH_MOODLE_SID" --password "$SENCE_DEMO_SENCE_PASSWORD")" ;;
    g) url="/b/$BENCH_PAGE" ;;
  esac
  ab -q -k -n "$n" -c 1 -s 600 -H "X-Bench-Run: $BENCH_RUN" -H "Cookie: $ck" "$base$url" \
    >"$work/ab.$v.$n.log" 2>&1 || sence_die "ab failed: $work/ab.$v.$n.log"
  grep -q '^Non-2xx' "$work/ab.$v.$n.log" && sence_die "($v) answered errors: $work/ab.$v.$n.log"
  stop_server
  vgpid=''
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/valgrind.$v.$n.log" | tail -1
}

for v in "${variants[@]}"; do
  i1=$(count "$v" "$n1")
  i2=$(count "$v" "$n2")
  [[ -n $i1 && -n $i2 ]] || sence_die "no instruction count for ($v)"
  printf '%s %d\n' "$v" $(((i2 - i1) / (n2 - n1)))
done
