# shellcheck shell=bash
# scripts/bench: the private httpd of the benchmark. Source after scripts/lib/common.sh.
#
#   bench_write_conf DIR PORT BUILD CAPACITY
#       writes DIR/httpd.conf, the site (DIR/htdocs), the simulator's roster, a 0600 token
#       file and an htpasswd; the Moodle-mode part is inside <IfDefine BENCH_MOODLE> and
#       needs DIR/moodle.db (bench_moodle_db).
#   bench_moodle_db DIR   loads t/moodle/schema.sql + data.sql into DIR/moodle.db (sqlite3)
#
# One server on 127.0.0.1:PORT, event MPM, LogLevel warn, no access log, serving the same
# small static file at the same URL ($BENCH_PAGE, Moodle's course page) under four locations,
# so that the rows differ only in the gate in front of it:
#   /a/course/view.php?id=2        (a) ungated
#   /b/course/view.php?id=2        (b) mod_sence, identity from the X-Bench-Run header
#   /c/course/view.php?id=2        (c) mod_auth_form + mod_session_cookie + mod_session_crypto
#   /moodle/course/view.php?id=2   (d) mod_sence in Moodle mode (course 2 of the fixture)
#   /moodle/my/index.html          (e0) the same, an HTML site page for a user gated nowhere
#                                  (e)  that page for a gated participant without a session:
#                                       the output filter reads it up to its <body> tag
# the SENCE simulator at /rcetest (the same arrangement as scripts/demo) and mod_sence's
# status page at /sence-status (live sessions and pending attempts, read between phases).

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

# A static file of about 1 KiB: the size of a small stylesheet, icon or AJAX answer.
_bench_static_file() {
  local i
  printf '<!DOCTYPE html>\n<html lang="es-CL"><head><meta charset="utf-8"><title>%s</title></head>\n<body>\n' "$BENCH_MARKER"
  for ((i = 1; i <= 12; i++)); do
    printf '<p>Línea %02d de contenido estático del curso, del tamaño de un recurso pequeño.</p>\n' "$i"
  done
  printf '</body></html>\n'
}

# (e0)/(e): a Moodle-like HTML page of the site (the dashboard): a 24 KB <head> as Moodle's
# (inline configuration), then <body class="... course-1 ...">, then the static file's text.
_bench_moodle_page() {
  local i
  printf '<!DOCTYPE html>\n<html lang="es-CL"><head><meta charset="utf-8"><title>%s</title>\n' "$BENCH_MARKER"
  for ((i = 1; i <= 300; i++)); do
    printf '<script>M.cfg.x%03d = "%s";</script>\n' "$i" "configuración del sitio, línea de relleno"
  done
  printf '</head>\n<body id="page-my-index" class="limitedwidth path-my chrome dir-ltr lang-es course-1 context-5">\n'
  for ((i = 1; i <= 12; i++)); do
    printf '<p>Línea %02d del área personal.</p>\n' "$i"
  done
  printf '</body></html>\n'
}

bench_write_conf() {
  local dir=$1 port=$2 build=$3 capacity=$4
  local mpm=event token passphrase account types=/dev/null u
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

  mkdir -p "$dir/htdocs/a/course" "$dir/htdocs/b/course" "$dir/htdocs/c/course" \
    "$dir/htdocs/moodle/course" "$dir/run" "$dir/logs"
  _bench_static_file >"$dir/htdocs/a/course/view.php"
  cp "$dir/htdocs/a/course/view.php" "$dir/htdocs/b/course/view.php"
  cp "$dir/htdocs/a/course/view.php" "$dir/htdocs/c/course/view.php"
  cp "$dir/htdocs/a/course/view.php" "$dir/htdocs/moodle/course/view.php"
  mkdir -p "$dir/htdocs/moodle/my"
  _bench_moodle_page >"$dir/htdocs/moodle/my/index.html"

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

  local m=$SENCE_APACHE_MODULES
  cat >"$dir/httpd.conf" <<CONF
# mod_sence benchmark: generated by scripts/lib/bench/conf.sh. Loopback only.
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/run/httpd.pid"
DefaultRuntimeDir "$dir/run"
ErrorLog "$dir/logs/error.log"
LogLevel warn
$([[ -n $BENCH_USER ]] && printf 'User %s\nGroup %s\n' "$BENCH_USER" "$BENCH_GROUP")
LoadModule mpm_${mpm}_module $m/mod_mpm_${mpm}.so
LoadModule authn_core_module $m/mod_authn_core.so
LoadModule authn_file_module $m/mod_authn_file.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule authz_user_module $m/mod_authz_user.so
LoadModule auth_form_module $m/mod_auth_form.so
LoadModule request_module $m/mod_request.so
LoadModule session_module $m/mod_session.so
LoadModule session_cookie_module $m/mod_session_cookie.so
LoadModule session_crypto_module $m/mod_session_crypto.so
LoadModule mime_module $m/mod_mime.so
LoadModule sence_module "$build/mod_sence.so"
LoadModule sence_sim_module "$build/mod_sence_sim.so"
<IfDefine BENCH_MOODLE>
LoadModule dbd_module $m/mod_dbd.so
LoadModule socache_shmcb_module $m/mod_socache_shmcb.so
</IfDefine>

# Two processes that never change during a run: no spawning or reaping mid-measurement.
StartServers 2
ServerLimit 2
ThreadsPerChild 32
MaxRequestWorkers 64
MinSpareThreads 1
MaxSpareThreads 64
# Persistent connections for the whole run (the default 100 requests per connection would
# add a reconnect every 100 requests to every variant alike).
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 15

TypesConfig $types
AddDefaultCharset utf-8
DocumentRoot "$dir/htdocs"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "$dir/htdocs">
    Options None
    AllowOverride None
    Require all granted
    # the same answer everywhere (no PHP here: view.php is a static file)
    ForceType text/html
</Directory>

# ---- mod_sence, server-wide ------------------------------------------------------------
SencePublicURL http://127.0.0.1:$port
SenceEndpoint  http://127.0.0.1:$port/rcetest
SenceRutOtec   $SENCE_DEMO_RUT_OTEC
SenceTokenFile "$dir/token"
SenceSessionCacheSize $capacity
<Location /sence>
    Require all granted
</Location>

# ---- the status page: scripts/bench reads the store's sessions and attempts (?json) -----
<Location /sence-status>
    SetHandler sence-status
    Require all granted
</Location>

# ---- the SENCE simulator, on this same server (as in scripts/demo) ---------------------
SenceSimRoster "$dir/roster.txt"
SenceSimOtec $SENCE_DEMO_RUT_OTEC $token
SenceSimCourse $BENCH_B_COD_SENCE $BENCH_B_CODIGO_CURSO $BENCH_LINEA
SenceSimCourse $BENCH_D_COD_SENCE $BENCH_D_CODIGO_CURSO $BENCH_LINEA
<Location /rcetest>
    SetHandler sence-sim
</Location>

# ---- (a) ungated -------------------------------------------------------------------------
# /a/: nothing but the static file.

# ---- (b) gated by mod_sence; identity from a header (a trusted front end's, in real use)
<Location /b/>
    Sence On
    SenceRun "%{HTTP:X-Bench-Run}"
    SenceCodSence $BENCH_B_COD_SENCE
    SenceCodigoCurso $BENCH_B_CODIGO_CURSO
    SenceLinea $BENCH_LINEA
</Location>

# ---- (c) Apache's own gate: form login, session in an encrypted cookie ------------------
<Location /c/>
    AuthType form
    AuthName "bench"
    AuthFormProvider file
    AuthUserFile "$dir/htpasswd"
    Session On
    SessionCookieName bench_session path=/;httponly
    SessionCryptoPassphrase $passphrase
    Require valid-user
</Location>
<Location /c-login>
    SetHandler form-login-handler
    AuthType form
    AuthName "bench"
    AuthFormProvider file
    AuthUserFile "$dir/htpasswd"
    AuthFormLoginSuccessLocation "/c/$BENCH_PAGE"
    Session On
    SessionCookieName bench_session path=/;httponly
    SessionCryptoPassphrase $passphrase
    Require all granted
</Location>

# ---- (d) mod_sence in Moodle mode: participant, course and roles from Moodle's database
<IfDefine BENCH_MOODLE>
DBDriver sqlite3
DBDParams "$dir/moodle.db"
SenceMoodleCourse $BENCH_MOODLE_COURSE $BENCH_D_COD_SENCE
<Location /moodle/>
    Sence On
    SenceMoodle On
    SenceLinea $BENCH_LINEA
</Location>
</IfDefine>
CONF
  chmod 0644 "$dir/httpd.conf"
}
