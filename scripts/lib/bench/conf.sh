# shellcheck shell=bash
# scripts/bench: the private httpd of the benchmark. Source after scripts/lib/common.sh.
#
#   bench_write_conf DIR PORT BUILD CAPACITY
#       writes DIR/httpd.conf (the Define lines, then DIR/bench.conf, a copy of
#       conf/bench/httpd.conf), the site (DIR/htdocs, from conf/bench/htdocs), the simulator's
#       roster, a 0600 token file and an htpasswd; the Moodle-mode part is inside
#       <IfDefine BENCH_MOODLE> and needs DIR/moodle.db (bench_moodle_db).
#   bench_moodle_db DIR   loads t/moodle/schema.sql + data.sql into DIR/moodle.db (sqlite3)
#
# The server itself is conf/bench/httpd.conf (what each location measures is said there);
# BENCH_CHAOS=1 in the environment adds scripts/chaos's part of it; BENCH_SMTP_PORT=n the
# alert phase's location (f), with alert mails to 127.0.0.1:n; BENCH_REDIS_PORT=n the store
# phase's redis store at 127.0.0.1:n, with SenceStoreLocalCache BENCH_REDIS_CACHE (default 5s).

# shellcheck disable=SC2034  # used by scripts/bench
# Course codes. (b) has its own course; (d) is Moodle course 2 "EXCEL-INT", whose ID number
# (the CodigoCurso) is the demo course's, with the demo's CodSence.
BENCH_B_COD_SENCE=3234567890
BENCH_B_CODIGO_CURSO=RLAB-20-01-01-0002-1
BENCH_D_COD_SENCE=$SENCE_DEMO_COD_SENCE
BENCH_D_CODIGO_CURSO=$SENCE_DEMO_CODIGO_CURSO
BENCH_LINEA=3
BENCH_RUN=${SENCE_DEMO_USERS[0]}            # 12345678-5: also Moodle user 3 (alumno1)
BENCH_MOODLE_SID=sid-alumno1                # that user's MoodleSession in t/moodle/data.sql
BENCH_MOODLE_COURSE=2
BENCH_MARKER=BENCH-STATIC-FILE              # in the static file: proves the file was served
BENCH_PAGE="course/view.php?id=$BENCH_MOODLE_COURSE" # the URL of every row, after /a/, /b/...

bench_moodle_db() {
  local dir=$1 fixture=$SENCE_REPO/t/moodle
  [[ -f $fixture/schema.sql && -f $fixture/data.sql && -f $fixture/freshen.sql ]] || {
    echo "no Moodle fixture ($fixture/schema.sql, data.sql)"
    return 1
  }
  command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed"; return 1; }
  rm -f "$dir/moodle.db"
  if ! sence_fixture_sql | sqlite3 -bail "$dir/moodle.db" 2>&1; then
    echo "loading the Moodle fixture into SQLite failed"
    return 1
  fi
  if [[ -n ${BENCH_USER:-} ]]; then
    chown "$BENCH_USER:$BENCH_GROUP" "$dir/moodle.db"
  fi
  chmod 0644 "$dir/moodle.db"
  return 0
}

bench_write_conf() {
  local dir=$1 port=$2 build=$3 capacity=$4
  local token passphrase account types=/dev/null u
  [[ -d $dir && -n $port && -n $build && -n $capacity ]] ||
    sence_die "usage: bench_write_conf DIR PORT BUILD CAPACITY"
  dir=$(cd "$dir" && pwd)
  build=$(cd "$build" && pwd)
  BENCH_USER=''
  BENCH_GROUP=''
  if sence_is_root; then
    account=$(sence_demo_account) || sence_die "no www-data or nobody account to run the children as"
    BENCH_USER=${account% *}
    BENCH_GROUP=${account#* }
  fi

  local site=$SENCE_REPO/conf/bench
  mkdir -p "$dir/htdocs/a/course" "$dir/htdocs/b/course" "$dir/htdocs/c/course" \
    "$dir/htdocs/moodle/course" "$dir/htdocs/moodle/my" "$dir/run" "$dir/logs"
  # A static file of about 1 KiB (a small stylesheet, icon or AJAX answer) at the same URL
  # under each location; (e0)/(e): a Moodle-like page with a 24 KB <head> as Moodle's.
  mkdir -p "$dir/htdocs/f/course"
  for u in a b c f moodle; do cp "$site/htdocs/view.php" "$dir/htdocs/$u/course/view.php"; done
  cp "$site/htdocs/my.html" "$dir/htdocs/moodle/my/index.html"
  cp "$site/httpd.conf" "$dir/bench.conf"

  token=$(cat /proc/sys/kernel/random/uuid)
  passphrase=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  (umask 077 && printf '%s\n' "$token" >"$dir/token")
  {
    printf '# RUN and password at the simulated SENCE login\n'
    for u in "${SENCE_DEMO_USERS[@]}"; do printf '%s %s\n' "$u" "$SENCE_DEMO_SENCE_PASSWORD"; done
  } >"$dir/roster.txt"
  chmod 0600 "$dir/token" "$dir/roster.txt"
  sence_write_htpasswd "$dir/htpasswd"
  if [[ -n $BENCH_USER ]]; then
    chmod 0755 "$dir" "$dir/logs"
    chmod 0700 "$dir/run"
    chgrp "$BENCH_GROUP" "$dir/htpasswd"
    chmod 0640 "$dir/htpasswd"
    find "$dir/htdocs" -type d -exec chmod 0755 {} +
    find "$dir/htdocs" -type f -exec chmod 0644 {} +
  fi
  [[ -f /etc/mime.types ]] && types=/etc/mime.types
  if [[ ${BENCH_CHAOS:-0} == 1 ]]; then mkdir -p "$dir/cores"; fi

  {
    printf '# The values for bench.conf (a copy of conf/bench/httpd.conf), written by\n'
    printf '# scripts/lib/bench/conf.sh (bench_write_conf).\n'
    printf 'Define %s "%s"\n' \
      BENCH_DIR "$dir" BENCH_PORT "$port" BENCH_BUILD "$build" \
      BENCH_MODULES "$SENCE_APACHE_MODULES" BENCH_MIME_TYPES "$types" BENCH_CAPACITY "$capacity" \
      BENCH_RUT_OTEC "$SENCE_DEMO_RUT_OTEC" BENCH_TOKEN "$token" BENCH_PASSPHRASE "$passphrase" \
      BENCH_B_COD_SENCE "$BENCH_B_COD_SENCE" BENCH_B_CODIGO_CURSO "$BENCH_B_CODIGO_CURSO" \
      BENCH_D_COD_SENCE "$BENCH_D_COD_SENCE" BENCH_D_CODIGO_CURSO "$BENCH_D_CODIGO_CURSO" \
      BENCH_LINEA "$BENCH_LINEA" BENCH_PAGE "$BENCH_PAGE" BENCH_MOODLE_COURSE "$BENCH_MOODLE_COURSE"
    if [[ -n $BENCH_USER ]]; then
      printf 'Define %s "%s"\n' BENCH_USER "$BENCH_USER" BENCH_GROUP "$BENCH_GROUP"
    fi
    if [[ ${BENCH_CHAOS:-0} == 1 ]]; then printf 'Define BENCH_CHAOS\n'; fi
    if [[ -n ${BENCH_SMTP_PORT:-} ]]; then
      printf 'Define BENCH_ALERT\nDefine BENCH_SMTP_PORT %s\n' "$BENCH_SMTP_PORT"
    fi
    if [[ -n ${BENCH_REDIS_PORT:-} ]]; then
      printf 'Define BENCH_REDIS\nDefine BENCH_REDIS_PORT %s\nDefine BENCH_REDIS_CACHE %s\n' \
        "$BENCH_REDIS_PORT" "${BENCH_REDIS_CACHE:-5s}"
    fi
    printf 'Include "%s/bench.conf"\n' "$dir"
  } >"$dir/httpd.conf"
  chmod 0600 "$dir/httpd.conf"
  chmod 0644 "$dir/bench.conf"
}
