# shellcheck shell=bash
# shellcheck disable=SC2154  # mode, raw, dir, port, build, rounds, duration, LIB, cpu_server: scripts/bench's
# scripts/bench: the session store backends, side by side. Sourced by scripts/bench after
# conf.sh; uses its wrk_run, check_stat, server_ticks, fail_part and the run's $dir, $raw,
# $port, $build, $mode, $rounds, $duration.
#
#   store_backends_phase
#       starts a redis-server of its own on a free loopback port (no persistence, as the
#       benchmark's user) and three small servers of their own, each with location (b):
#         (shm)     SenceSessionStore shm (the default)
#         (redis)   SenceSessionStore redis:127.0.0.1:P, SenceStoreLocalCache 5s
#         (redis0)  the same with SenceStoreLocalCache 0: every request asks redis
#       opens a SENCE session on each by a round trip through its simulator, then measures
#       the gated file on each in rounds of rotating order (the rows' CPU column counts
#       redis-server's CPU with httpd's for the redis rows). Then, full run only, records
#       redis's memory per record (gate pages of participants of their own: one pending
#       attempt each). --smoke: (shm) and (redis) once, no (redis0), no sizing.
#
# Raw lines: label/url/http/unavail for the rows shm, redis, redis0 (as the static-file
# rows), "backend ROW hit_rate=… hits=… misses=… reachable=…" from each server's status page
# after measuring, and facts redis_version, redis_records (keys in redis at the end),
# redis_records_per_gate_page, redis_bytes_attempt, redis_bytes_session, redis_bytes_index
# (MEMORY USAGE, averaged over up to 200 keys of each kind).

store_backends_phase() {
  local sdir rdir rport rpid='' rcli=() pids=() k kport ck out i n r body used1 keys0 keys1 run
  local -A kport_of=() kpid_of=() kcookie_of=()
  local rows=(shm redis redis0) measured=()
  [[ $mode == smoke ]] && rows=(shm redis)
  {
    printf 'label\tshm\tmod_sence, shm store (default)\n'
    printf 'label\tredis\tmod_sence, redis store, SenceStoreLocalCache 5s\n'
    printf 'label\tredis0\tmod_sence, redis store, SenceStoreLocalCache 0\n'
    for k in shm redis redis0; do printf 'url\t%s\t/b/%s\n' "$k" "$BENCH_PAGE"; done
  } >>"$raw"
  [[ $mode == smoke ]] && printf 'unavail\tredis0\tnot run by --smoke\n' >>"$raw"

  sdir=$dir/stores
  rdir=$sdir/redis
  mkdir -p "$rdir"
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    printf 'unavail\tredis\tredis-server is not installed\nunavail\tredis0\tredis-server is not installed\n' >>"$raw"
    rows=(shm)
  fi

  # The servers: capacity 2,000 (the local copy, for the redis ones), each its own port.
  kport=$((port + 110))
  for k in "${rows[@]}"; do
    mkdir -p "$sdir/$k"
    kport_of[$k]=$(sence_free_port "$kport") || { fail_part "store backends: no free port"; return; }
    kport=$((kport_of[$k] + 1))
  done
  for k in "${rows[@]}"; do
    if [[ $k == shm ]]; then
      bench_write_conf "$sdir/$k" "${kport_of[$k]}" "$build" 2000
    else
      [[ -n ${rport:-} ]] || rport=$(sence_free_port $((kport + 10))) ||
        { fail_part "store backends: no free port for redis"; return; }
      BENCH_REDIS_PORT=$rport BENCH_REDIS_CACHE=$([[ $k == redis ]] && echo 5s || echo 0) \
        bench_write_conf "$sdir/$k" "${kport_of[$k]}" "$build" 2000
    fi
    [[ -n $BENCH_USER ]] && chown -R "$BENCH_USER:$BENCH_GROUP" "$sdir/$k/logs"
  done
  # the children (and redis) run as the benchmark's user: the way down to their files
  [[ -n $BENCH_USER ]] && chmod 0755 "$dir" "$sdir"

  # redis-server as the benchmark's user, loopback only, nothing written to disk
  if [[ -n ${rport:-} ]]; then
    rcli=(redis-cli -h 127.0.0.1 -p "$rport")
    local as=()
    if [[ -n $BENCH_USER ]]; then
      chown "$BENCH_USER:$BENCH_GROUP" "$rdir"
      as=(setpriv --reuid="$BENCH_USER" --regid="$BENCH_GROUP" --clear-groups --)
    fi
    "${as[@]}" redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$rdir" >"$rdir/redis.log" 2>&1 &
    rpid=$!
    store_redis_pid=$rpid
    for ((i = 0; i < 100; i++)); do
      [[ $("${rcli[@]}" ping 2>/dev/null) == PONG ]] && break
      kill -0 "$rpid" 2>/dev/null || break
      sleep 0.1
    done
    if [[ $("${rcli[@]}" ping 2>/dev/null) != PONG ]]; then
      tail -n 5 "$rdir/redis.log" >&2
      fail_part "store backends: redis-server did not start on 127.0.0.1:$rport"
      printf 'unavail\tredis\tredis-server did not start\nunavail\tredis0\tredis-server did not start\n' >>"$raw"
      rows=(shm)
    else
      fact redis_version "$("${rcli[@]}" info server | sed -n 's/^redis_version:\([^[:space:]]*\).*/\1/p')"
    fi
  fi

  # start each server and open its session
  for k in "${rows[@]}"; do
    if ! "${cpu_server[@]}" apache2 -f "$sdir/$k/httpd.conf" -k start >"$sdir/$k/logs/start.log" 2>&1 ||
      ! sence_wait_http "http://127.0.0.1:${kport_of[$k]}/" 15; then
      tail -n 5 "$sdir/$k/logs/error.log" "$sdir/$k/logs/start.log" >&2 2>/dev/null || true
      fail_part "store backends: the ($k) server did not start"
      printf 'unavail\t%s\tits server did not start\n' "$k" >>"$raw"
      continue
    fi
    store_servers+=("$sdir/$k")
    for ((i = 0; i < 50; i++)); do [[ -s $sdir/$k/run/httpd.pid ]] && break; sleep 0.1; done
    kpid_of[$k]=$(cat "$sdir/$k/run/httpd.pid" 2>/dev/null || true)
    if ! ck=$(timeout 60 perl "$LIB/roundtrip.pl" --url "http://127.0.0.1:${kport_of[$k]}/b/$BENCH_PAGE" \
                --header "X-Bench-Run: $BENCH_RUN" --password "$SENCE_DEMO_SENCE_PASSWORD" \
                --expect "$BENCH_MARKER" 2>"$sdir/$k/roundtrip.log"); then
      cat "$sdir/$k/roundtrip.log" >&2
      fail_part "store backends: ($k) round trip through the simulator"
      printf 'unavail\t%s\tround trip failed: %s\n' "$k" "$(head -1 "$sdir/$k/roundtrip.log")" >>"$raw"
      continue
    fi
    kcookie_of[$k]=$ck
    measured+=("$k")
  done

  # rounds of rotating order, the redis rows with redis-server's CPU counted
  sence_say "store backends: (${measured[*]}) x $rounds rounds x ${duration}s"
  for ((r = 1; r <= rounds; r++)); do
    n=${#measured[@]}
    for ((i = 0; i < n; i++)); do
      k=${measured[$(((i + r - 1) % n))]}
      pids=("${kpid_of[$k]}")
      [[ $k != shm ]] && pids+=("$rpid")
      store_measure "$k" "$r" "http://127.0.0.1:${kport_of[$k]}/b/$BENCH_PAGE" "${kcookie_of[$k]}" \
        "${pids[@]}"
    done
  done
  for k in "${measured[@]}"; do
    body=$(curl -s --max-time 10 -H "X-Bench-Run: $BENCH_RUN" -H "Cookie: ${kcookie_of[$k]}" \
             "http://127.0.0.1:${kport_of[$k]}/b/$BENCH_PAGE" || true)
    [[ $body == *"$BENCH_MARKER"* ]] || fail_part "store backends: ($k) no longer serves the file after measuring"
    # the status page's store: backend, reachable, the local copy's hits and misses
    out=$(curl -s --max-time 10 "http://127.0.0.1:${kport_of[$k]}/sence-status?json" || true)
    perl -MJSON::PP -e '
      my $d = eval { JSON::PP::decode_json(join "", <STDIN>) } or exit 1;
      my $s = $d->{store} or exit 1; my $c = $s->{local_cache} // {};
      printf "backend\t%s\tbackend=%s reachable=%s hits=%s misses=%s hit_rate=%s errors=%s\n", $ARGV[0],
        $s->{backend} // "?", ($s->{reachable} ? 1 : 0), $c->{hits} // "-", $c->{misses} // "-",
        $c->{hit_rate} // "-", $s->{errors} // "-";' "$k" <<<"$out" >>"$raw" ||
      fail_part "store backends: ($k) status page without a store section"
  done

  # redis's memory per record: one pending attempt per gate page, each a participant of its
  # own (RUNs from 70,000,001 with their check digit), so one attempt key and one participant
  # index key each. MEMORY USAGE (value, key and redis's overhead) averaged per kind of key:
  # mod_sence: then the hex of "a:ID" (attempt), "s:ID" (session), "o…" (a participant's index)
  if [[ $mode == full && " ${measured[*]} " == *" redis "* ]]; then
    n=500
    keys0=$("${rcli[@]}" dbsize)
    for ((i = 1; i <= n; i++)); do
      run=$(bench_run_of $((70000000 + i)))
      curl -s -o /dev/null --max-time 10 -H "X-Bench-Run: $run" \
        "http://127.0.0.1:${kport_of[redis]}/b/$BENCH_PAGE" || true
    done
    keys1=$("${rcli[@]}" dbsize)
    if ((keys1 > keys0)); then
      fact redis_records "$keys1"
      fact redis_records_per_gate_page "$(awk -v a="$keys0" -v b="$keys1" -v n="$n" 'BEGIN { printf "%.2f", (b - a) / n }')"
      for k in attempt:613a session:733a index:6f; do
        used1=$("${rcli[@]}" --scan --pattern "mod_sence:${k#*:}*" | awk 'NR <= 200' |
                  while IFS= read -r key; do "${rcli[@]}" memory usage "$key"; done |
                  awk '$1 ~ /^[0-9]+$/ { s += $1; n++ } END { if (n) printf "%d\n", s / n }')
        [[ -n $used1 ]] && fact "redis_bytes_${k%%:*}" "$used1"
        sence_say "  redis: ${used1:-?} bytes per ${k%%:*} key (MEMORY USAGE)"
      done
    else
      fail_part "store backends: $n gate pages made no record in redis"
    fi
  fi

  for k in "${measured[@]}"; do
    if grep -E '\[(emerg|alert|crit|error)\]|\[[a-z_]+:(emerg|alert|crit|error)\]' \
         "$sdir/$k/logs/error.log" >"$sdir/$k/errors.txt"; then
      head -3 "$sdir/$k/errors.txt" >&2
      fail_part "store backends: the ($k) server logged errors"
    fi
  done
  store_backends_stop
}

# store_measure ROW ROUND URL COOKIE PID... : one wrk run of the gated file with that
# cookie, the CPU of the PIDs (and their children) counted.
store_measure() {
  local k=$1 r=$2 url=$3 ck=$4 out stat rps p50 p99 t0 t1
  shift 4
  t0=$(server_ticks "$@")
  out=$(wrk_run "$url" -s "$LIB/stats.lua" -H "X-Bench-Run: $BENCH_RUN" -H "Cookie: $ck") || true
  t1=$(server_ticks "$@")
  stat=$(grep '^WRKSTAT ' <<<"$out" | head -1 || true)
  if [[ -z $stat ]]; then
    printf '%s\n' "$out" | tail -5 >&2
    fail_part "wrk on ($k), round $r"
    return 0
  fi
  stat+=" cpu_ticks=$((t1 - t0)) clk_tck=$clk_tck"
  printf 'http\t%s\t%s\t%s\n' "$k" "$r" "$stat" >>"$raw"
  check_stat "($k) round $r" "$stat"
  read -r _ _ _ rps p50 _ p99 _ <<<"$stat"
  printf '  round %d (%s) %s %s %s\n' "$r" "$k" "$rps" "$p50" "$p99"
}

# Stops what store_backends_phase started (also from scripts/bench's exit trap).
store_servers=()
store_redis_pid=''
store_backends_stop() {
  local s i
  for s in "${store_servers[@]}"; do
    apache2 -f "$s/httpd.conf" -k stop >/dev/null 2>&1 || true
  done
  store_servers=()
  if [[ -n $store_redis_pid ]]; then
    kill -TERM "$store_redis_pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$store_redis_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$store_redis_pid" 2>/dev/null || true
    wait "$store_redis_pid" 2>/dev/null || true
    store_redis_pid=''
  fi
}

# A RUN with its check digit (modulo 11) for the body N: 70000001 -> 70000001-k
bench_run_of() {
  local body=$1 sum=0 m=2 d i
  for ((i = ${#body} - 1; i >= 0; i--)); do
    sum=$((sum + ${body:i:1} * m))
    m=$((m == 7 ? 2 : m + 1))
  done
  d=$((11 - sum % 11))
  case $d in 11) d=0 ;; 10) d=k ;; esac
  printf '%s-%s\n' "$body" "$d"
}
