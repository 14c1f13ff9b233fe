# shellcheck shell=bash
# Shared helpers for scripts/demo, scripts/browser-test and scripts/test. Source it; it
# defines functions and variables only and changes no shell option of the caller.
#
#   sence_need SET... [-- PKG...]     install what is missing of the package sets named in
#                                     scripts/lib/packages (apt-get as root) or exit 1
#   sence_build                       cmake configure + build into $SENCE_BUILD_DIR
#   sence_write_demo_conf DIR PORT BUILD
#                                     write the demo sites (Basic-auth course, Moodle-like
#                                     site + its SQLite database) and DIR/httpd.conf
#                                     (journal DIR/logs/journal.log, status /sence-status);
#                                     SENCE_DEMO_PUBLIC_HOST / SENCE_DEMO_SENCE_HOST name the
#                                     course's and the simulator's host (default 127.0.0.1),
#                                     SENCE_DEMO_CLOSE=0 leaves SenceCloseSession off (default on),
#                                     SENCE_DEMO_CALLBACK_ORIGIN=strict|off sets SenceCallbackOrigin,
#                                     SENCE_DEMO_SMTP_PORT=n sends alert mails to 127.0.0.1:n
#   sence_free_port [FIRST]           print the first free loopback TCP port from FIRST
#   sence_wait_http URL SECONDS [PID] wait until URL answers (fails early if PID dies)

SENCE_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SENCE_APACHE_MODULES=${SENCE_APACHE_MODULES:-/usr/lib/apache2/modules}
# The demo's OTEC, course and participants (the simulator is configured to match).
SENCE_DEMO_RUT_OTEC=76543210-3
SENCE_DEMO_COD_SENCE=1237654321
SENCE_DEMO_CODIGO_CURSO=RLAB-19-02-08-0071-1
SENCE_DEMO_LINEA=3
SENCE_DEMO_USERS=("12345678-5" "11111111-1")
SENCE_DEMO_PLATFORM_PASSWORD=alumno
SENCE_DEMO_SENCE_PASSWORD=secreto
# Course 3 (shortname WORD-BAS): CodSence and CodigoCurso; course 2 (EXCEL-INT) uses
# SENCE_DEMO_COD_SENCE and its Moodle ID number, which is SENCE_DEMO_CODIGO_CURSO.
SENCE_MOODLE_C3_COD_SENCE=2234567890
SENCE_MOODLE_C3_CODIGO_CURSO=RLAB-20-01-01-0001-1
# RUNs of fixture users that SENCE may see (alumno1, alumno2 are in SENCE_DEMO_USERS;
# profesor is a student of WORD-BAS), accepted by the simulator with SENCE_DEMO_SENCE_PASSWORD.
SENCE_MOODLE_EXTRA_RUNS=("10000013-K")

sence_say() { printf '%s: %s\n' "${SENCE_PROG:-${0##*/}}" "$*"; }
sence_die() { printf '%s: ERROR: %s\n' "${SENCE_PROG:-${0##*/}}" "$*" >&2; exit 1; }

sence_is_root() { [[ $(id -u) -eq 0 ]]; }

# The packages of the named sets of scripts/lib/packages, one per line.
sence_packages() {
  local set found
  for set in "$@"; do
    found=$(sed -n "s/^$set:[[:space:]]*//p" "$SENCE_REPO/scripts/lib/packages")
    [[ -n $found ]] || sence_die "no package set '$set' in scripts/lib/packages"
    printf '%s\n' $found
  done
}

# Installs what is missing of the named package sets (scripts/lib/packages) and of the
# packages given after "--" (what a script adds only in some cases).
sence_need() {
  local -a sets=() extra=()
  while (($#)) && [[ $1 != -- ]]; do sets+=("$1"); shift; done
  (($#)) && shift
  extra=("$@")
  local -a pkgs
  mapfile -t pkgs < <(sence_packages "${sets[@]}") || exit 1
  ((${#pkgs[@]})) || exit 1
  sence_need_packages "${pkgs[@]}" "${extra[@]}"
}

# Installs every missing Debian package in one go. Not root: lists them and exits 1.
sence_need_packages() {
  local p missing=()
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  ((${#missing[@]})) || return 0
  if ! sence_is_root; then
    printf '%s: missing packages: %s\n  install them with: sudo apt-get install %s\n' \
      "${SENCE_PROG:-${0##*/}}" "${missing[*]}" "${missing[*]}" >&2
    exit 1
  fi
  sence_say "installing: ${missing[*]}"
  if [[ -z ${SENCE_APT_UPDATED:-} ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || sence_die "apt-get update failed"
    SENCE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null || sence_die "apt-get install ${missing[*]} failed"
}

# Builds build/mod_sence.so and build/mod_sence_sim.so; prints nothing on success but
# the compiler's own output. SENCE_BUILD_DIR overrides the directory; -Werror under CI.
sence_build() {
  local build=${SENCE_BUILD_DIR:-$SENCE_REPO/build} flags=()
  case "$build" in /*) ;; *) build="$SENCE_REPO/$build" ;; esac
  [[ -n ${CI:-} ]] && flags+=(-DSENCE_WERROR=ON)
  cmake -S "$SENCE_REPO" -B "$build" "${flags[@]}" >/dev/null || sence_die "cmake configure failed"
  cmake --build "$build" -j2 >/dev/null || {
    cmake --build "$build" -j1 >&2 || true
    sence_die "build failed"
  }
  local so
  for so in mod_sence.so mod_sence_sim.so; do
    [[ -f "$build/$so" ]] || sence_die "$build/$so was not built"
  done
}

# The demo's platform users (RUNs) with their platform password, for Basic auth.
sence_write_htpasswd() {
  local flag=-bc u
  for u in "${SENCE_DEMO_USERS[@]}"; do
    htpasswd "$flag" "$1" "$u" "$SENCE_DEMO_PLATFORM_PASSWORD" >/dev/null 2>&1 ||
      sence_die "htpasswd failed"
    flag=-b
  done
}

# First loopback TCP port >= FIRST (default 18180) on which nothing listens.
sence_free_port() {
  local port=${1:-18180} last=$(( ${1:-18180} + 200 ))
  while ((port < last)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
    port=$((port + 1))
  done
  return 1
}

# Waits until URL gives any HTTP answer; returns 1 after SECONDS or when PID is gone.
sence_wait_http() {
  local url=$1 secs=$2 pid=${3:-} i
  for ((i = 0; i < secs * 10; i++)); do
    if curl -s -o /dev/null --max-time 2 "$url"; then
      return 0
    fi
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# The unprivileged account the children run as when the server starts as root.
sence_demo_account() {
  local u
  for u in www-data nobody; do
    if id -u "$u" >/dev/null 2>&1; then
      printf '%s %s\n' "$u" "$(id -gn "$u")"
      return 0
    fi
  done
  return 1
}

# Writes, under DIR: httpd.conf (the Define lines of this demo, then conf/demo/httpd.conf),
# the static site (conf/demo/htdocs), the Moodle-like site's CGI (t/moodle/cgi/site.pl) and its
# SQLite database, htpasswd, the simulator's roster, a 0600 token file, run/, logs/ and conf.d/
# (more configuration, *.conf). PORT is the loopback port; BUILD holds mod_sence.so and
# mod_sence_sim.so. SENCE_MPM=prefork switches from the event MPM.
sence_write_demo_conf() {
  local dir=$1 port=$2 build=$3
  local mpm=${SENCE_MPM:-event} token account
  [[ -d $dir && -n $port && -n $build ]] || sence_die "usage: sence_write_demo_conf DIR PORT BUILD"
  case "$mpm" in event | prefork | worker) ;; *) sence_die "SENCE_MPM must be event or prefork, not '$mpm'" ;; esac
  local public_host=${SENCE_DEMO_PUBLIC_HOST:-127.0.0.1} sence_host=${SENCE_DEMO_SENCE_HOST:-127.0.0.1} h
  for h in "$public_host" "$sence_host"; do
    [[ $h =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]] ||
      sence_die "SENCE_DEMO_PUBLIC_HOST / SENCE_DEMO_SENCE_HOST must be host names, not '$h'"
  done
  local -a defines=()
  case "${SENCE_DEMO_CLOSE:-1}" in 0) ;; 1) defines+=("Define DEMO_CLOSE") ;;
    *) sence_die "SENCE_DEMO_CLOSE must be 0 or 1" ;; esac
  case "${SENCE_DEMO_SMTP_PORT:-}" in '') ;;
    *[!0-9]*) sence_die "SENCE_DEMO_SMTP_PORT must be a port number" ;;
    *) defines+=("Define DEMO_SMTP_PORT $SENCE_DEMO_SMTP_PORT") ;; esac
  case "${SENCE_DEMO_CALLBACK_ORIGIN:-}" in '') ;;
    strict | off) defines+=("Define DEMO_CALLBACK_ORIGIN $SENCE_DEMO_CALLBACK_ORIGIN") ;;
    *) sence_die "SENCE_DEMO_CALLBACK_ORIGIN must be strict or off" ;; esac
  dir=$(cd "$dir" && pwd)
  build=$(cd "$build" && pwd)
  local so
  for so in mod_sence.so mod_sence_sim.so; do
    [[ -f "$build/$so" ]] || sence_die "$build/$so not found: build first"
  done

  mkdir -p "$dir/run" "$dir/logs" "$dir/conf.d" "$dir/cgi"
  : >"$dir/.sence-demo"
  cp -R "$SENCE_REPO/conf/demo/htdocs" "$dir/htdocs"
  cp "$SENCE_REPO/conf/demo/httpd.conf" "$dir/demo.conf"
  cp "$SENCE_REPO/t/moodle/cgi/site.pl" "$dir/cgi/site.pl"
  chmod 0755 "$dir/cgi/site.pl"

  token=$(cat /proc/sys/kernel/random/uuid)
  (umask 077 && printf '%s\n' "$token" >"$dir/token")
  chmod 0600 "$dir/token"
  {
    printf '# RUN and password at the simulated SENCE login (stands in for Clave Única)\n'
    local u
    for u in "${SENCE_DEMO_USERS[@]}" "${SENCE_MOODLE_EXTRA_RUNS[@]}"; do
      printf '%s %s\n' "$u" "$SENCE_DEMO_SENCE_PASSWORD"
    done
  } >"$dir/roster.txt"
  chmod 0600 "$dir/roster.txt"

  # The platform's own login (Basic auth): users are RUNs.
  sence_write_htpasswd "$dir/htpasswd"
  _sence_build_moodle_db "$dir/moodle.db"

  if sence_is_root; then
    account=$(sence_demo_account) || sence_die "no www-data or nobody account to run the children as"
    defines+=("Define DEMO_USER ${account% *}" "Define DEMO_GROUP ${account#* }")
    # The children read the site, the password file and the database; the rest stays root's.
    chmod 0755 "$dir" "$dir/logs" "$dir/cgi"
    chmod 0700 "$dir/run"
    chgrp "${account#* }" "$dir/htpasswd" "$dir/moodle.db"
    chmod 0640 "$dir/htpasswd" "$dir/moodle.db"
    find "$dir/htdocs" -type d -exec chmod 0755 {} +
    find "$dir/htdocs" -type f -exec chmod 0644 {} +
  fi

  local types=/dev/null
  [[ -f /etc/mime.types ]] && types=/etc/mime.types
  {
    printf '# mod_sence demo: the values for demo.conf (a copy of conf/demo/httpd.conf), written by\n'
    printf '# scripts/lib/common.sh (sence_write_demo_conf).\n'
    printf 'Define %s "%s"\n' \
      DEMO_DIR "$dir" DEMO_PORT "$port" DEMO_BUILD "$build" DEMO_MODULES "$SENCE_APACHE_MODULES" \
      DEMO_MPM "$mpm" DEMO_MIME_TYPES "$types" DEMO_PUBLIC_HOST "$public_host" \
      DEMO_SENCE_HOST "$sence_host" DEMO_RUT_OTEC "$SENCE_DEMO_RUT_OTEC" DEMO_TOKEN "$token" \
      DEMO_COD_SENCE "$SENCE_DEMO_COD_SENCE" DEMO_CODIGO_CURSO "$SENCE_DEMO_CODIGO_CURSO" \
      DEMO_LINEA "$SENCE_DEMO_LINEA" DEMO_C3_COD_SENCE "$SENCE_MOODLE_C3_COD_SENCE" \
      DEMO_C3_CODIGO_CURSO "$SENCE_MOODLE_C3_CODIGO_CURSO" \
      DEMO_SENCE_PASSWORD "$SENCE_DEMO_SENCE_PASSWORD"
    ((${#defines[@]})) && printf '%s\n' "${defines[@]}"
    printf 'Include "%s/demo.conf"\n' "$dir"
  } >"$dir/httpd.conf"
  chmod 0600 "$dir/httpd.conf"
  chmod 0644 "$dir/demo.conf"
}

# ---- Moodle mode ------------------------------------------------------------------------

# The suite's Moodle-shaped fixture as SQL for SQLite and PostgreSQL alike: t/moodle/schema.sql,
# data.sql, then freshen.sql with the current time (live sessions carry timemodified 0 in
# data.sql: they stay live for Moodle's sessiontimeout, 8 h in the fixture; the stale row
# stays stale). The one loader of the fixture; t/lib/SenceMoodle.pm reads freshen.sql too.
sence_fixture_sql() {
  local fixture="$SENCE_REPO/t/moodle"
  [[ -f $fixture/schema.sql && -f $fixture/data.sql && -f $fixture/freshen.sql ]] || return 1
  cat "$fixture/schema.sql" "$fixture/data.sql" &&
    sed "s/@NOW@/$(date +%s)/g" "$fixture/freshen.sql"
}

# Builds the SQLite file DB from the fixture.
_sence_build_moodle_db() {
  local db=$1
  command -v sqlite3 >/dev/null 2>&1 || sence_die "sqlite3 not found (apt-get install sqlite3)"
  rm -f "$db"
  sence_fixture_sql | sqlite3 -bail -batch "$db" >/dev/null ||
    sence_die "cannot build $db from $SENCE_REPO/t/moodle"
}
