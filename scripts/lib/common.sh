# shellcheck shell=bash
# Shared helpers for scripts/demo, scripts/browser-test and scripts/test. Source it; it
# defines functions and variables only and changes no shell option of the caller.
#
#   sence_need_packages PKG...        install what is missing (apt-get as root) or exit 1
#   sence_build                       cmake configure + build into $SENCE_BUILD_DIR
#   sence_write_demo_conf DIR PORT BUILD
#                                     write the demo sites (Basic-auth course, Moodle-like
#                                     site + its SQLite database) and DIR/httpd.conf
#                                     (journal DIR/logs/journal.log, status /sence-status);
#                                     SENCE_DEMO_PUBLIC_HOST / SENCE_DEMO_SENCE_HOST name the
#                                     course's and the simulator's host (default 127.0.0.1),
#                                     SENCE_DEMO_CLOSE=1 adds SenceCloseSession On to /curso,
#                                     SENCE_DEMO_CALLBACK_ORIGIN=strict|off sets SenceCallbackOrigin
#   sence_free_port [FIRST]           print the first free loopback TCP port from FIRST
#   sence_wait_http URL SECONDS [PID] wait until URL answers (fails early if PID dies)

SENCE_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SENCE_APACHE_MODULES=${SENCE_APACHE_MODULES:-/usr/lib/apache2/modules}
# shellcheck disable=SC2034  # used by the scripts that source this file
SENCE_BASE_PACKAGES=(
  build-essential cmake apache2 apache2-dev apache2-utils
  libapr1-dev libaprutil1-dev libcurl4-openssl-dev libxml2-dev
)
# The demo's OTEC, course and participants (the simulator is configured to match).
SENCE_DEMO_RUT_OTEC=76543210-3
SENCE_DEMO_COD_SENCE=1237654321
SENCE_DEMO_CODIGO_CURSO=RLAB-19-02-08-0071-1
SENCE_DEMO_LINEA=3
SENCE_DEMO_USERS=("12345678-5" "11111111-1")
SENCE_DEMO_PLATFORM_PASSWORD=alumno
SENCE_DEMO_SENCE_PASSWORD=secreto
# Moodle mode: the Moodle-like site under /moodle/ reads Moodle's tables from an SQLite file
# built from the test fixture (t/moodle/schema.sql + data.sql) through mod_dbd.
# shellcheck disable=SC2034  # used by the scripts that source this file
SENCE_MOODLE_PACKAGES=(sqlite3 libaprutil1-dbd-sqlite3)
# Demo logins (/moodle/login/as/NAME sets MoodleSession=sid-NAME, the fixture's sid).
SENCE_MOODLE_LOGINS=(alumno1 alumno2 becario profesor admin)
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

# Writes, under DIR: httpd.conf, the sample site (htdocs/), htpasswd, the simulator's
# roster, a 0600 token file, and run/ + logs/. PORT is the loopback port; BUILD holds
# mod_sence.so and mod_sence_sim.so. SENCE_MPM=prefork switches from the event MPM.
sence_write_demo_conf() {
  local dir=$1 port=$2 build=$3
  local mpm=${SENCE_MPM:-event} user='' group='' token account
  [[ -d $dir && -n $port && -n $build ]] || sence_die "usage: sence_write_demo_conf DIR PORT BUILD"
  case "$mpm" in event | prefork | worker) ;; *) sence_die "SENCE_MPM must be event or prefork, not '$mpm'" ;; esac
  local public_host=${SENCE_DEMO_PUBLIC_HOST:-127.0.0.1} sence_host=${SENCE_DEMO_SENCE_HOST:-127.0.0.1} h
  for h in "$public_host" "$sence_host"; do
    [[ $h =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]] ||
      sence_die "SENCE_DEMO_PUBLIC_HOST / SENCE_DEMO_SENCE_HOST must be host names, not '$h'"
  done
  local close_dir='' origin_dir=''
  case "${SENCE_DEMO_CLOSE:-0}" in 0) ;; 1) close_dir='    SenceCloseSession On' ;;
    *) sence_die "SENCE_DEMO_CLOSE must be 0 or 1" ;; esac
  case "${SENCE_DEMO_CALLBACK_ORIGIN:-}" in '') ;;
    strict | off) origin_dir="SenceCallbackOrigin $SENCE_DEMO_CALLBACK_ORIGIN" ;;
    *) sence_die "SENCE_DEMO_CALLBACK_ORIGIN must be strict or off" ;; esac
  dir=$(cd "$dir" && pwd)
  build=$(cd "$build" && pwd)
  local so
  for so in mod_sence.so mod_sence_sim.so; do
    [[ -f "$build/$so" ]] || sence_die "$build/$so not found: build first"
  done

  mkdir -p "$dir/htdocs/curso" "$dir/run" "$dir/logs"
  : >"$dir/.sence-demo"

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

  _sence_write_demo_site "$dir/htdocs" "$port"
  _sence_build_moodle_db "$dir/moodle.db"
  _sence_write_moodle_site "$dir/htdocs/moodle" "$dir/moodle.db"

  if sence_is_root; then
    account=$(sence_demo_account) || sence_die "no www-data or nobody account to run the children as"
    user=${account% *}
    group=${account#* }
    # The children read the site and the password file; the rest stays root-only.
    chmod 0755 "$dir" "$dir/htdocs" "$dir/htdocs/curso" "$dir/logs"
    chmod 0700 "$dir/run"
    chgrp "$group" "$dir/htpasswd" "$dir/moodle.db"
    chmod 0640 "$dir/htpasswd" "$dir/moodle.db"
    find "$dir/htdocs" -type d -exec chmod 0755 {} +
    find "$dir/htdocs" -type f -exec chmod 0644 {} +
  fi

  local types=/dev/null
  [[ -f /etc/mime.types ]] && types=/etc/mime.types

  cat >"$dir/httpd.conf" <<CONF
# mod_sence demo: generated by scripts/lib/common.sh (sence_write_demo_conf). Loopback only.
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/run/httpd.pid"
DefaultRuntimeDir "$dir/run"
ErrorLog "$dir/logs/error.log"
LogLevel warn sence:info sence_sim:info
$( [[ -n $user ]] && printf 'User %s\nGroup %s\n' "$user" "$group" )
LoadModule mpm_${mpm}_module $SENCE_APACHE_MODULES/mod_mpm_${mpm}.so
LoadModule authn_core_module $SENCE_APACHE_MODULES/mod_authn_core.so
LoadModule authn_file_module $SENCE_APACHE_MODULES/mod_authn_file.so
LoadModule authz_core_module $SENCE_APACHE_MODULES/mod_authz_core.so
LoadModule authz_user_module $SENCE_APACHE_MODULES/mod_authz_user.so
LoadModule authz_host_module $SENCE_APACHE_MODULES/mod_authz_host.so
LoadModule auth_basic_module $SENCE_APACHE_MODULES/mod_auth_basic.so
LoadModule mime_module $SENCE_APACHE_MODULES/mod_mime.so
LoadModule dir_module $SENCE_APACHE_MODULES/mod_dir.so
LoadModule alias_module $SENCE_APACHE_MODULES/mod_alias.so
LoadModule headers_module $SENCE_APACHE_MODULES/mod_headers.so
LoadModule rewrite_module $SENCE_APACHE_MODULES/mod_rewrite.so
LoadModule include_module $SENCE_APACHE_MODULES/mod_include.so
LoadModule dbd_module $SENCE_APACHE_MODULES/mod_dbd.so
LoadModule socache_shmcb_module $SENCE_APACHE_MODULES/mod_socache_shmcb.so
<IfModule !log_config_module>
LoadModule log_config_module $SENCE_APACHE_MODULES/mod_log_config.so
</IfModule>
LoadModule sence_module "$build/mod_sence.so"
LoadModule sence_sim_module "$build/mod_sence_sim.so"

<IfModule mpm_prefork_module>
StartServers 3
MinSpareServers 2
MaxSpareServers 4
</IfModule>
<IfModule mpm_event_module>
StartServers 2
ThreadsPerChild 10
MinSpareThreads 10
MaxSpareThreads 20
MaxRequestWorkers 40
</IfModule>

TypesConfig $types
AddType text/html .html
AddType text/css .css
AddType image/svg+xml .svg
AddDefaultCharset utf-8
LogFormat "%h %l %u %t \"%r\" %>s %b \"%{User-Agent}i\"" demo
CustomLog "$dir/logs/access.log" demo

DocumentRoot "$dir/htdocs"
DirectoryIndex index.html
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "$dir/htdocs">
    Options None
    AllowOverride None
    Require all granted
</Directory>

# ---- mod_sence, server-wide ------------------------------------------------------------
# The course and the simulator may be given other names (both on this loopback server).
SencePublicURL http://$public_host:$port
SenceEndpoint  http://$sence_host:$port/rcetest
SenceRutOtec   $SENCE_DEMO_RUT_OTEC
SenceTokenFile "$dir/token"
SenceJournal   "$dir/logs/journal.log"
$origin_dir
<Location /sence-status>
    SetHandler sence-status
    Require ip 127.0.0.1 ::1
</Location>

# ---- the SENCE simulator, on this same server (stands in for sistemas.sence.cl) --------
SenceSimRoster "$dir/roster.txt"
SenceSimOtec $SENCE_DEMO_RUT_OTEC $token
SenceSimCourse $SENCE_DEMO_COD_SENCE $SENCE_DEMO_CODIGO_CURSO $SENCE_DEMO_LINEA
SenceSimCourse $SENCE_MOODLE_C3_COD_SENCE $SENCE_MOODLE_C3_CODIGO_CURSO $SENCE_DEMO_LINEA
<Location /rcetest>
    SetHandler sence-sim
</Location>

# ---- the gated course: platform login (Basic auth, users are RUNs), then SENCE ---------
<Location /curso>
    AuthType Basic
    AuthName "Plataforma de cursos (demo mod_sence)"
    AuthBasicProvider file
    AuthUserFile "$dir/htpasswd"
    Require valid-user
    Sence On
    SenceCodSence $SENCE_DEMO_COD_SENCE
    SenceCodigoCurso $SENCE_DEMO_CODIGO_CURSO
    SenceLinea $SENCE_DEMO_LINEA
$close_dir
</Location>

# ---- Moodle mode: a Moodle-like site under /moodle/ (static pages standing in for Moodle's
# PHP), gated per course from Moodle's own tables (SQLite file built from t/moodle/*.sql).
DBDriver sqlite3
DBDParams "$dir/moodle.db"
SenceMoodleCacheTTL 5s
# Course 2 (EXCEL-INT) by id: CodigoCurso is its Moodle ID number ($SENCE_DEMO_CODIGO_CURSO).
SenceMoodleCourse 2 $SENCE_DEMO_COD_SENCE
# Course 3 by shortname, with an explicit CodigoCurso. Course 4 (LIBRE) is not listed: open.
SenceMoodleCourse WORD-BAS $SENCE_MOODLE_C3_COD_SENCE $SENCE_MOODLE_C3_CODIGO_CURSO
<Location /moodle/>
    Sence On
    SenceMoodle On
    SenceLinea $SENCE_DEMO_LINEA
    SenceMoodleExemptGroups Becarios
</Location>

<Directory "$dir/htdocs/moodle">
    # Server-side includes only show the logged-in user's name (from the MoodleSession cookie).
    Options +IncludesNOEXEC
    AddType text/html .php
    AddOutputFilter INCLUDES .html .php
    DirectoryIndex index.php
</Directory>

RewriteEngine On
# The static stand-ins are reached only through Moodle's own URLs (the gate reads the course
# from the URL the browser asked for: /moodle/course/view-2.html itself names no course).
RewriteRule "^/moodle/(course/view-|mod/[a-z]+/view-|pluginfile/)" - [F]
# Moodle's require_login(): no logged-in MoodleSession -> Moodle's login page (mod_sence leaves
# anonymous visitors and guests to Moodle).
RewriteCond %{HTTP_COOKIE} !(^|;\s*)MoodleSession=sid-($(IFS='|'; printf '%s' "${SENCE_MOODLE_LOGINS[*]}"))(;|\$)
RewriteRule "^/moodle/(course/view\.php|mod/|my/)" /moodle/login/index.php [R=302,QSD,L]
RewriteCond %{QUERY_STRING} (^|&)id=([0-9]+)(&|\$)
RewriteRule "^/moodle/course/view\.php\$" /moodle/course/view-%2.html [PT,L]
RewriteCond %{QUERY_STRING} (^|&)id=([0-9]+)(&|\$)
RewriteRule "^/moodle/mod/([a-z]+)/view\.php\$" /moodle/mod/\$1/view-%2.html [PT,L]
RewriteRule "^/moodle/pluginfile\.php/([0-9]+/.+)\$" /moodle/pluginfile/\$1 [PT,L]

# Demo logins: Moodle's session cookie with the fixture's sid for that user; logout gives an
# anonymous session (a sessions row with userid 0), as Moodle does.
$(for u in "${SENCE_MOODLE_LOGINS[@]}"; do
    printf '<Location /moodle/login/as/%s>
' "$u"
    printf '    Header always set Set-Cookie "MoodleSession=sid-%s; Path=/; HttpOnly"
' "$u"
    printf '    Redirect 302 /moodle/my/
</Location>
'
  done)
<Location /moodle/login/logout>
    Header always set Set-Cookie "MoodleSession=sid-anon; Path=/; HttpOnly"
    Redirect 302 /moodle/
</Location>
CONF
  chmod 0644 "$dir/httpd.conf"
}

# The sample site: a public home page and the gated course "Excel intermedio".
_sence_write_demo_site() {
  local root=$1 port=$2
  cat >"$root/estilo.css" <<'CSS'
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f7f7f4;color:#222}
header{background:#1f6f43;color:#fff;padding:1rem 2rem}
header a{color:#fff}
main{max-width:46rem;margin:2rem auto;padding:0 1.5rem}
.nota{background:#fff;border-left:4px solid #1f6f43;padding:.8rem 1rem}
code{background:#eee;padding:.1rem .3rem;border-radius:.2rem}
CSS
  cat >"$root/index.html" <<HTML
<!DOCTYPE html>
<html lang="es-CL">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plataforma de capacitación (demo mod_sence)</title>
<link rel="stylesheet" href="/estilo.css">
</head>
<body>
<header><h1>Plataforma de capacitación</h1></header>
<main>
<p>Bienvenido. Esta página es pública. Los cursos con franquicia SENCE exigen iniciar la sesión
de asistencia en SENCE antes de mostrar su contenido.</p>
<h2>Cursos disponibles</h2>
<ul>
<li><a href="/curso/">Excel intermedio</a> (código SENCE 1237654321)</li>
</ul>
<p>También hay un <a href="/moodle/">sitio tipo Moodle</a> cuyos cursos SENCE se controlan
desde la base de datos de Moodle (modo Moodle).</p>
<div class="nota">
<p>Demo: el usuario de la plataforma es el RUN <code>12345678-5</code> con contraseña
<code>alumno</code>. En el SENCE simulado (en este mismo servidor, puerto $port) la clave es
<code>secreto</code>.</p>
</div>
</main>
</body>
</html>
HTML
  cat >"$root/curso/curso.css" <<'CSS'
body{font-family:Georgia,"Times New Roman",serif;margin:0;background:#fff;color:#1d1d1d}
header{display:flex;align-items:center;gap:1rem;background:#e8f3ec;border-bottom:3px solid #1f6f43;padding:.8rem 2rem}
header img{width:64px;height:64px}
header h1{margin:0;font-size:1.6rem;color:#1f6f43}
nav{padding:.5rem 2rem;background:#f4f4f4}
nav a{margin-right:1rem;color:#1f6f43}
main{max-width:46rem;margin:1.5rem auto;padding:0 1.5rem;line-height:1.5}
table{border-collapse:collapse}
td,th{border:1px solid #bbb;padding:.3rem .7rem}
.contenido-curso{border:1px solid #cfe3d6;border-radius:.4rem;padding:1rem 1.5rem}
CSS
  cat >"$root/curso/logo.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect x="2" y="2" width="60" height="60" rx="8" fill="#1f6f43"/>
<g stroke="#fff" stroke-width="2" fill="none">
<rect x="12" y="14" width="40" height="36"/>
<line x1="12" y1="26" x2="52" y2="26"/><line x1="12" y1="38" x2="52" y2="38"/>
<line x1="25" y1="14" x2="25" y2="50"/><line x1="38" y1="14" x2="38" y2="50"/>
</g>
<text x="32" y="61" font-size="8" fill="#fff" text-anchor="middle" font-family="sans-serif">XLS</text>
</svg>
SVG
  cat >"$root/curso/index.html" <<'HTML'
<!DOCTYPE html>
<html lang="es-CL">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Excel intermedio — Módulo 1</title>
<link rel="stylesheet" href="curso.css">
</head>
<body>
<header><img src="logo.svg" alt="Logo del curso"><h1>Excel intermedio</h1></header>
<nav><a href="/">Inicio</a><a href="./">Módulo 1</a><a href="modulo2.html">Módulo 2</a></nav>
<main class="contenido-curso" id="contenido-curso">
<h2>Módulo 1: Fórmulas y referencias</h2>
<p>Bienvenido al curso. Su sesión de asistencia SENCE está activa, por lo que puede ver el
contenido.</p>
<p>En este módulo aprenderá a usar referencias relativas y absolutas:</p>
<table>
<tr><th>Referencia</th><th>Ejemplo</th><th>Al copiar la fórmula</th></tr>
<tr><td>Relativa</td><td><code>=A1*B1</code></td><td>cambia fila y columna</td></tr>
<tr><td>Absoluta</td><td><code>=$A$1*B1</code></td><td><code>$A$1</code> no cambia</td></tr>
<tr><td>Mixta</td><td><code>=A$1*B1</code></td><td>solo cambia la columna</td></tr>
</table>
<p>Continúe con el <a href="modulo2.html">Módulo 2: Tablas dinámicas</a>.</p>
</main>
</body>
</html>
HTML
  cat >"$root/curso/modulo2.html" <<'HTML'
<!DOCTYPE html>
<html lang="es-CL">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Excel intermedio — Módulo 2</title>
<link rel="stylesheet" href="curso.css">
</head>
<body>
<header><img src="logo.svg" alt="Logo del curso"><h1>Excel intermedio</h1></header>
<nav><a href="/">Inicio</a><a href="./">Módulo 1</a><a href="modulo2.html">Módulo 2</a></nav>
<main class="contenido-curso" id="contenido-curso">
<h2>Módulo 2: Tablas dinámicas</h2>
<ol>
<li>Seleccione el rango de datos, incluidos los encabezados.</li>
<li>Menú <em>Insertar</em> → <em>Tabla dinámica</em>.</li>
<li>Arrastre los campos a Filas, Columnas y Valores.</li>
</ol>
<p><a href="./">Volver al Módulo 1</a></p>
</main>
</body>
</html>
HTML
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

# HTML-escapes $1.
_sence_h() {
  local s=$1
  s=${s//&/&amp;}
  s=${s//</&lt;}
  s=${s//>/&gt;}
  s=${s//\"/&quot;}
  printf '%s' "$s"
}

# One query against DB; columns separated by US (0x1f: IFS=$'\x1f' keeps empty columns).
_sence_q() { sqlite3 -batch -noheader -separator $'\x1f' "$1" "$2"; }

# The Moodle-like site under ROOT (= htdocs/moodle), from the courses, activities, users and
# enrolments in DB. Static pages stand in for Moodle's PHP; mod_rewrite maps Moodle's URLs to
# them (see the configuration). The user menu comes from the MoodleSession cookie via SSI.
_sence_write_moodle_site() {
  local root=$1 db=$2 line id full short idn cm mod name ctx
  mkdir -p "$root/theme/boost" "$root/login" "$root/my" "$root/course" \
    "$root/mod/page" "$root/mod/resource" "$root/mod/forum" "$root/mod/url"

  # Demo logins: sid-NAME -> "Firstname Lastname" and RUN (mdl_user.idnumber).
  local -A uname=() urun=() uid=()
  local u
  for u in "${SENCE_MOODLE_LOGINS[@]}"; do
    line=$(_sence_q "$db" "SELECT u.id, u.firstname || ' ' || u.lastname, u.idnumber FROM mdl_sessions s
      JOIN mdl_user u ON u.id = s.userid WHERE s.sid = 'sid-$u'")
    [[ -n $line ]] || sence_die "the Moodle fixture has no session sid-$u"
    local i n r
    IFS=$'\x1f' read -r i n r <<<"$line"
    uid[$u]=$i uname[$u]=$n urun[$u]=$r
  done
  # What each demo user shows (matches the fixture's roles and groups; see the banner).
  local -A uhint=(
    [alumno1]="Estudiante de Excel intermedio, Word básico y Curso libre: SENCE le pide iniciar sesión en los dos primeros."
    [alumno2]="Estudiante de Excel intermedio: SENCE le pide iniciar sesión. Su grupo «Becarios» es de otro curso y no lo exime."
    [becario]="Grupo «Becarios» de Excel intermedio: entra sin SENCE (agrupador excluyente)."
    [profesor]="Profesor con permiso de edición en Excel intermedio (entra sin SENCE); estudiante de Word básico (SENCE)."
    [admin]="Administrador del sitio: entra a todos los cursos sin SENCE."
  )

  # The user menu: name of the logged-in user, or "Acceder".
  local menu='' first=1
  for u in "${SENCE_MOODLE_LOGINS[@]}"; do
    if ((first)); then menu+='<!--#if '; first=0; else menu+='<!--#elif '; fi
    menu+="expr=\"%{HTTP_COOKIE} =~ /(^|; *)MoodleSession=sid-$u(;|\$)/\" -->"
    menu+="<span class=\"usertext\">$(_sence_h "${uname[$u]}")</span> <a class=\"btn-small\" href=\"/moodle/login/logout\">Salir</a>"
  done
  menu+='<!--#else --><span class="usertext">Usted no se ha identificado.</span> <a class="btn-small" href="/moodle/login/index.php">Acceder</a><!--#endif -->'

  # The demo-login box (home page and login page).
  _sence_moodle_logins() {
    local u
    printf '<div class="card" id="demo-login">\n<h3>Acceso de demostración</h3>\n'
    printf '<p class="meta">Sin contraseña: cada enlace inicia la sesión de Moodle de ese usuario.</p>\n<ul class="logins">\n'
    for u in "${SENCE_MOODLE_LOGINS[@]}"; do
      printf '<li><a href="/moodle/login/as/%s">%s</a> · %s%s<span class="hint">%s</span></li>\n' \
        "$u" "$u" "$(_sence_h "${uname[$u]}")" "${urun[$u]:+ (RUN $(_sence_h "${urun[$u]}"))}" \
        "$(_sence_h "${uhint[$u]}")"
    done
    printf '<li><a href="/moodle/login/logout">Salir</a><span class="hint">Sesión anónima: Moodle pide acceder antes de mostrar un curso.</span></li>\n'
    printf '</ul>\n<p class="note">En el SENCE simulado (en este mismo servidor) la clave es <code>%s</code>.</p>\n</div>\n' \
      "$SENCE_DEMO_SENCE_PASSWORD"
  }

  # $1 title, $2 body class; prints the page head and the navigation bar.
  _sence_moodle_head() {
    cat <<HTML
<!DOCTYPE html>
<html lang="es" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$1</title>
<link rel="stylesheet" href="/moodle/theme/boost/style.css">
</head>
<body class="$2">
<nav class="navbar">
<a class="brand" href="/moodle/"><span class="logo">P</span> Plataforma de capacitación</a>
<a class="nav-link" href="/moodle/">Página Principal</a>
<a class="nav-link" href="/moodle/my/">Área personal</a>
<span class="usermenu">$menu</span>
</nav>
HTML
  }
  _sence_moodle_foot() {
    cat <<'HTML'
<footer class="footer">Sitio de demostración de mod_sence: imita a Moodle con páginas estáticas.
Los cursos con franquicia SENCE exigen iniciar la sesión de asistencia en SENCE (simulado en
este mismo servidor).</footer>
</body>
</html>
HTML
  }
  # A course's SENCE configuration as shown to people (mirrors SenceMoodleCourse).
  _sence_moodle_sence_of() {
    case "$1" in
      2) printf '%s' "$SENCE_DEMO_COD_SENCE" ;;
      3) printf '%s' "$SENCE_MOODLE_C3_COD_SENCE" ;;
    esac
  }

  # ---- theme (never gated: no course in its URL) ----
  cat >"$root/theme/boost/style.css" <<'CSS'
:root{--primary:#0f6cbf;--dark:#1d2125;--muted:#6a737b;--border:#dee2e6;--bg:#f5f6f8}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:15px;color:var(--dark);background:var(--bg);line-height:1.5}
a{color:var(--primary);text-decoration:none}
a:hover{text-decoration:underline}
.navbar{display:flex;align-items:center;gap:1.2rem;background:#fff;border-bottom:1px solid var(--border);box-shadow:0 2px 4px rgba(0,0,0,.06);padding:.55rem 1.5rem;position:sticky;top:0}
.brand{font-weight:600;color:var(--dark);font-size:1.05rem;display:flex;align-items:center;gap:.5rem}
.logo{display:inline-grid;place-items:center;width:30px;height:30px;border-radius:6px;background:#f98012;color:#fff;font-weight:700}
.nav-link{color:var(--dark);padding:.3rem 0;border-bottom:3px solid transparent}
.nav-link:hover{border-bottom-color:var(--primary);text-decoration:none}
.usermenu{margin-left:auto;display:flex;align-items:center;gap:.6rem;color:var(--muted)}
.usertext{font-weight:500;color:var(--dark)}
.btn-small,.btn{display:inline-block;border:1px solid var(--primary);color:var(--primary);border-radius:.4rem;padding:.15rem .6rem;font-size:.9rem;background:#fff}
.btn{background:var(--primary);color:#fff;padding:.4rem .9rem}
.page{max-width:62rem;margin:1.5rem auto;padding:0 1.5rem}
.page-header{background:#fff;border:1px solid var(--border);border-radius:.5rem;padding:1rem 1.5rem;margin-bottom:1rem}
.page-header h1{margin:.2rem 0 .3rem;font-size:1.7rem;font-weight:600}
.breadcrumb{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.4rem;color:var(--muted);font-size:.9rem}
.breadcrumb li+li:before{content:"/";margin-right:.4rem;color:#adb5bd}
.secondary-nav{display:flex;gap:1.2rem;border-bottom:1px solid var(--border);margin:-.2rem 0 1rem;padding:0 .2rem}
.secondary-nav span{padding:.4rem 0;color:var(--muted)}
.secondary-nav .active{color:var(--dark);border-bottom:3px solid var(--primary)}
.card{background:#fff;border:1px solid var(--border);border-radius:.5rem;padding:1rem 1.3rem;margin-bottom:1rem}
.card h2,.card h3{margin-top:0;font-weight:600}
.courses{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:1rem}
.coursebox{background:#fff;border:1px solid var(--border);border-radius:.5rem;overflow:hidden}
.coursebox img{display:block;width:100%;height:7.5rem;object-fit:cover;background:#e9ecef}
.coursebox .body{padding:.8rem 1rem}
.coursebox h3{margin:0 0 .3rem;font-size:1.1rem}
.meta{color:var(--muted);font-size:.85rem}
.badge{display:inline-block;border-radius:.3rem;padding:.05rem .45rem;font-size:.78rem;font-weight:600}
.badge-sence{background:#fff3cd;color:#7a5700;border:1px solid #f0d58a}
.badge-open{background:#e7f5ec;color:#1e6b3a;border:1px solid #b7dfc5}
.layout{display:grid;grid-template-columns:1fr 20rem;gap:1rem;align-items:start}
@media (max-width:60rem){.layout{grid-template-columns:1fr}}
.logins{list-style:none;margin:0;padding:0}
.logins li{padding:.5rem 0;border-top:1px solid var(--border)}
.logins li:first-child{border-top:0}
.logins a{font-weight:600}
.logins .hint{display:block;color:var(--muted);font-size:.85rem}
.note{background:#e8f1fa;border-left:4px solid var(--primary);padding:.6rem .9rem;border-radius:.3rem;font-size:.9rem}
.section{background:#fff;border:1px solid var(--border);border-radius:.5rem;padding:1rem 1.3rem;margin-bottom:1rem}
.section h3{margin:0 0 .6rem;font-size:1.2rem}
.activities{list-style:none;margin:0;padding:0}
.activity{display:flex;align-items:center;gap:.8rem;padding:.55rem .3rem;border-top:1px solid #f0f0f0}
.activity:first-child{border-top:0}
.icon{display:inline-grid;place-items:center;width:34px;height:34px;border-radius:.4rem;color:#fff;font-weight:700;font-size:.8rem;flex:none}
.icon-page,.icon-url{background:#399be2}.icon-resource{background:#eb66a2}.icon-forum{background:#11a676}
.modtype{display:block;color:var(--muted);font-size:.78rem;text-transform:uppercase;letter-spacing:.03em}
.summary img{max-width:100%;border-radius:.4rem;border:1px solid var(--border)}
table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid var(--border);padding:.35rem .7rem;text-align:left}
th{background:#f1f3f5}
code{background:#f1f3f5;padding:.05rem .3rem;border-radius:.2rem}
.footer{max-width:62rem;margin:2rem auto;padding:1rem 1.5rem;color:var(--muted);font-size:.8rem;border-top:1px solid var(--border)}
.login-box{max-width:34rem;margin:2rem auto}
.news{margin-top:1rem}
CSS

  # ---- course images: overview (public in Moodle too) and a section image (gated) ----
  _sence_moodle_svg() { # $1 colour, $2 label
    cat <<SVG
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 120" width="320" height="120">
<rect width="320" height="120" fill="$1"/>
<g fill="none" stroke="#fff" stroke-opacity=".35" stroke-width="2">
<circle cx="270" cy="20" r="60"/><circle cx="40" cy="120" r="50"/><path d="M0 80 L320 30"/>
</g>
<text x="20" y="70" font-family="sans-serif" font-size="28" font-weight="700" fill="#fff">$2</text>
</svg>
SVG
  }
  local -A colour=([2]="#1f7a4d" [3]="#2b579a" [4]="#6f42c1")
  while IFS=$'\x1f' read -r id full short idn ctx; do
    mkdir -p "$root/pluginfile/$ctx/course/overviewfiles" "$root/pluginfile/$ctx/course/section/1"
    _sence_moodle_svg "${colour[$id]:-#495057}" "$short" \
      >"$root/pluginfile/$ctx/course/overviewfiles/portada.svg"
  done < <(_sence_q "$db" "SELECT c.id, c.fullname, c.shortname, c.idnumber, x.id FROM mdl_course c
    JOIN mdl_context x ON x.contextlevel = 50 AND x.instanceid = c.id
    WHERE c.id > 1 AND c.visible = 1 ORDER BY c.id")
  # The section image of course 2: a table, shown on the course page (gated like the page).
  cat >"$root/pluginfile/20/course/section/1/referencias.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 120" width="360" height="120">
<rect width="360" height="120" fill="#fff"/>
<g stroke="#1f7a4d" stroke-width="1.5" fill="none">
<rect x="10" y="10" width="340" height="100"/>
<line x1="10" y1="35" x2="350" y2="35"/><line x1="10" y1="60" x2="350" y2="60"/><line x1="10" y1="85" x2="350" y2="85"/>
<line x1="60" y1="10" x2="60" y2="110"/><line x1="160" y1="10" x2="160" y2="110"/><line x1="260" y1="10" x2="260" y2="110"/>
</g>
<rect x="61" y="36" width="99" height="24" fill="#cfe8d9"/>
<text x="70" y="53" font-family="monospace" font-size="14" fill="#1d2125">=$A$1*B2</text>
<text x="170" y="53" font-family="sans-serif" font-size="12" fill="#1d2125">fija A1</text>
</svg>
SVG

  # ---- home page ----
  {
    _sence_moodle_head "Plataforma de capacitación" "pagelayout-frontpage"
    cat <<'HTML'
<div class="page">
<header class="page-header"><h1>Plataforma de capacitación</h1>
<p class="meta">Cursos de capacitación con franquicia SENCE. Los cursos marcados «SENCE» exigen
registrar la asistencia en SENCE antes de mostrar su contenido.</p></header>
<div class="layout">
<main>
<h2>Cursos disponibles</h2>
<div class="courses" id="frontpage-course-list">
HTML
    while IFS=$'\x1f' read -r id full short idn ctx; do
      local cod badge
      cod=$(_sence_moodle_sence_of "$id")
      if [[ -n $cod ]]; then
        badge="<span class=\"badge badge-sence\">SENCE $cod</span>"
      else
        badge='<span class="badge badge-open">Sin registro SENCE</span>'
      fi
      cat <<HTML
<div class="coursebox" data-courseid="$id">
<a href="/moodle/course/view.php?id=$id"><img src="/moodle/pluginfile.php/$ctx/course/overviewfiles/portada.svg" alt=""></a>
<div class="body"><h3><a href="/moodle/course/view.php?id=$id">$(_sence_h "$full")</a></h3>
<div class="meta">$(_sence_h "$short")${idn:+ · ID $(_sence_h "$idn")}</div>
$badge</div>
</div>
HTML
    done < <(_sence_q "$db" "SELECT c.id, c.fullname, c.shortname, c.idnumber, x.id FROM mdl_course c
      JOIN mdl_context x ON x.contextlevel = 50 AND x.instanceid = c.id
      WHERE c.id > 1 AND c.visible = 1 ORDER BY c.id")
    cat <<'HTML'
</div>
<div class="card news">
<h3>Novedades del sitio</h3>
<p><a href="/moodle/mod/forum/view.php?id=101">Novedades del sitio</a> (foro de la página principal).</p>
</div>
</main>
<aside>
HTML
    _sence_moodle_logins
    cat <<'HTML'
</aside>
</div>
</div>
HTML
    _sence_moodle_foot
  } >"$root/index.php"

  # ---- login page (Moodle sends visitors here) ----
  {
    _sence_moodle_head "Acceder | Plataforma de capacitación" "pagelayout-login"
    printf '<div class="page login-box">\n'
    _sence_moodle_logins
    printf '</div>\n'
    _sence_moodle_foot
  } >"$root/login/index.php"

  # ---- dashboard: the user's courses (from the role assignments), per user via SSI ----
  local -A rolename=([student]="Estudiante" [editingteacher]="Profesor" [teacher]="Profesor sin permiso de edición" [manager]="Gestor")
  {
    _sence_moodle_head "Área personal | Plataforma de capacitación" "pagelayout-mydashboard"
    printf '<div class="page">\n<header class="page-header"><h1>Área personal</h1></header>\n'
    printf '<div class="card" id="mis-cursos">\n<h2>Mis cursos</h2>\n'
    first=1
    for u in "${SENCE_MOODLE_LOGINS[@]}"; do
      if ((first)); then printf '<!--#if '; first=0; else printf '<!--#elif '; fi
      printf 'expr="%%{HTTP_COOKIE} =~ /(^|; *)MoodleSession=sid-%s(;|$)/" -->\n' "$u"
      printf '<p>Hola, <strong>%s</strong>%s.</p>\n' "$(_sence_h "${uname[$u]}")" \
        "${urun[$u]:+ (RUN $(_sence_h "${urun[$u]}"))}"
      printf '<p class="note">%s</p>\n<ul class="activities">\n' "$(_sence_h "${uhint[$u]}")"
      local roles any=0
      while IFS=$'\x1f' read -r id full short roles; do
        any=1
        local label='' r cod
        for r in ${roles//,/ }; do label+="${label:+, }${rolename[$r]:-$r}"; done
        cod=$(_sence_moodle_sence_of "$id")
        printf '<li class="activity"><span class="icon icon-page">%s</span><span><a href="/moodle/course/view.php?id=%s">%s</a> <span class="meta">%s</span> %s</span></li>\n' \
          "${short:0:2}" "$id" "$(_sence_h "$full")" "$(_sence_h "$label")" \
          "${cod:+<span class=\"badge badge-sence\">SENCE</span>}"
      done < <(_sence_q "$db" "SELECT c.id, c.fullname, c.shortname, group_concat(r.shortname, ',')
        FROM mdl_role_assignments ra JOIN mdl_role r ON r.id = ra.roleid
        JOIN mdl_context x ON x.id = ra.contextid AND x.contextlevel = 50
        JOIN mdl_course c ON c.id = x.instanceid
        WHERE ra.userid = ${uid[$u]} GROUP BY c.id ORDER BY c.id")
      if ((!any)); then
        printf '<li>No está matriculado en cursos; como administrador puede abrirlos todos desde la <a href="/moodle/">página principal</a>.</li>\n'
      fi
      printf '</ul>\n'
    done
    printf '<!--#else --><p>Usted no se ha identificado. <a href="/moodle/login/index.php">Acceder</a></p><!--#endif -->\n'
    printf '</div>\n</div>\n'
    _sence_moodle_foot
  } >"$root/my/index.php"

  # ---- course pages: /moodle/course/view.php?id=N -> course/view-N.html ----
  local -A modlabel=([page]="Página" [resource]="Archivo" [forum]="Foro" [url]="URL")
  while IFS=$'\x1f' read -r id full short idn ctx; do
    local cod
    cod=$(_sence_moodle_sence_of "$id")
    {
      _sence_moodle_head "Curso: $(_sence_h "$full")" "path-course pagelayout-course course-$id"
      cat <<HTML
<div class="page">
<header class="page-header">
<ol class="breadcrumb"><li><a href="/moodle/my/">Mis cursos</a></li><li>$(_sence_h "$short")</li></ol>
<h1>$(_sence_h "$full")</h1>
<div class="meta">${idn:+Número ID del curso: $(_sence_h "$idn") · }$([[ -n $cod ]] && printf 'Código SENCE %s' "$cod" || printf 'Curso sin registro de asistencia SENCE')</div>
</header>
<nav class="secondary-nav"><span class="active">Curso</span><span>Participantes</span><span>Calificaciones</span><span>Informes</span></nav>
<main id="region-main" class="course-content">
HTML
      local sect
      for sect in 0 1; do
        if ((sect == 0)); then
          printf '<section class="section" id="section-0"><h3>General</h3>\n'
        else
          printf '<section class="section" id="section-1"><h3>Tema 1</h3>\n'
          if ((id == 2)); then
            printf '<div class="summary"><p>Referencias relativas, absolutas y mixtas:</p><img src="/moodle/pluginfile.php/%s/course/section/1/referencias.svg" alt="Tabla de referencias" id="imagen-seccion"></div>\n' "$ctx"
          fi
        fi
        printf '<ul class="activities">\n'
        while IFS=$'\x1f' read -r cm mod name; do
          if { [[ $mod == forum ]] && ((sect == 0)); } || { [[ $mod != forum ]] && ((sect == 1)); }; then
            printf '<li class="activity modtype_%s" id="module-%s"><span class="icon icon-%s">%s</span><span><span class="modtype">%s</span><a href="/moodle/mod/%s/view.php?id=%s">%s</a></span></li>\n' \
              "$mod" "$cm" "$mod" "${mod:0:1}" "${modlabel[$mod]:-$mod}" "$mod" "$cm" "$(_sence_h "$name")"
          fi
        done < <(_sence_moodle_activities "$db" "$id")
        printf '</ul>\n</section>\n'
      done
      printf '</main>\n</div>\n'
      _sence_moodle_foot
    } >"$root/course/view-$id.html"

    # ---- activity pages: /moodle/mod/NAME/view.php?id=CMID -> mod/NAME/view-CMID.html ----
    while IFS=$'\x1f' read -r cm mod name; do
      {
        _sence_moodle_head "$(_sence_h "$short"): $(_sence_h "$name")" "path-mod path-mod-$mod cmid-$cm"
        cat <<HTML
<div class="page">
<header class="page-header">
<ol class="breadcrumb"><li><a href="/moodle/my/">Mis cursos</a></li><li><a href="/moodle/course/view.php?id=$id">$(_sence_h "$short")</a></li><li>$(_sence_h "$name")</li></ol>
<h1>$(_sence_h "$name")</h1>
</header>
<main id="region-main" class="card activity-content">
HTML
        _sence_moodle_activity_body "$cm" "$mod"
        printf '<p><a href="/moodle/course/view.php?id=%s">Volver al curso</a></p>\n</main>\n</div>\n' "$id"
        _sence_moodle_foot
      } >"$root/mod/$mod/view-$cm.html"
    done < <(_sence_moodle_activities "$db" "$id")
  done < <(_sence_q "$db" "SELECT c.id, c.fullname, c.shortname, c.idnumber, x.id FROM mdl_course c
    JOIN mdl_context x ON x.contextlevel = 50 AND x.instanceid = c.id
    WHERE c.id > 1 AND c.visible = 1 ORDER BY c.id")

  # The front page's forum (course 1, the site: never gated).
  {
    _sence_moodle_head "Novedades del sitio" "path-mod path-mod-forum cmid-101"
    cat <<'HTML'
<div class="page">
<header class="page-header"><ol class="breadcrumb"><li><a href="/moodle/">Inicio</a></li><li>Novedades del sitio</li></ol>
<h1>Novedades del sitio</h1></header>
<main id="region-main" class="card activity-content">
<p><strong>Bienvenidos.</strong> Recuerde que en los cursos con franquicia SENCE debe iniciar la
sesión de asistencia en SENCE cada vez que entra al curso.</p>
</main>
</div>
HTML
    _sence_moodle_foot
  } >"$root/mod/forum/view-101.html"
}

# Rows "CMID US MODULE US NAME" of the visible activities of course $2 in DB $1.
_sence_moodle_activities() {
  _sence_q "$1" "SELECT cm.id, m.name, COALESCE(p.name, r.name, f.name, u.name, m.name)
    FROM mdl_course_modules cm JOIN mdl_modules m ON m.id = cm.module
    LEFT JOIN mdl_page p ON m.name = 'page' AND p.id = cm.instance
    LEFT JOIN mdl_resource r ON m.name = 'resource' AND r.id = cm.instance
    LEFT JOIN mdl_forum f ON m.name = 'forum' AND f.id = cm.instance
    LEFT JOIN mdl_url u ON m.name = 'url' AND u.id = cm.instance
    WHERE cm.course = $2 AND cm.visible = 1 ORDER BY cm.id"
}

# The content of activity CMID $1 (module $2).
_sence_moodle_activity_body() {
  case "$1" in
    201)
      cat <<'HTML'
<h2>Módulo 1: fórmulas y referencias</h2>
<p>Una referencia indica a Excel qué celdas usar en una fórmula. Al copiar la fórmula, las
referencias relativas se ajustan y las absolutas (con <code>$</code>) no:</p>
<table>
<tr><th>Referencia</th><th>Ejemplo</th><th>Al copiar la fórmula</th></tr>
<tr><td>Relativa</td><td><code>=A1*B1</code></td><td>cambia fila y columna</td></tr>
<tr><td>Absoluta</td><td><code>=$A$1*B1</code></td><td><code>$A$1</code> no cambia</td></tr>
<tr><td>Mixta</td><td><code>=A$1*B1</code></td><td>solo cambia la columna</td></tr>
</table>
HTML
      ;;
    202) printf '<p>Guía de ejercicios del Módulo 1 (en Moodle, este enlace descargaría el PDF por <code>pluginfile.php</code>).</p>\n<ol><li>Sume una columna con <code>=SUMA()</code>.</li><li>Calcule el IVA con una referencia absoluta.</li></ol>\n' ;;
    203) printf '<p>Foro de consultas del curso. Aún no hay temas de discusión.</p>\n' ;;
    204) printf '<p>Enlace a la documentación oficial de Excel (en esta demostración no se sale del servidor).</p>\n' ;;
    301)
      cat <<'HTML'
<h2>Unidad 1: estilos</h2>
<p>Los estilos de Word (Título 1, Título 2, Normal) dan formato coherente al documento y
permiten generar la tabla de contenido automáticamente.</p>
HTML
      ;;
    302) printf '<p>Plantilla de carta formal para practicar estilos y combinación de correspondencia.</p>\n' ;;
    401) printf '<p>Bienvenida al curso libre. Este curso no tiene franquicia SENCE: no se registra asistencia.</p>\n' ;;
    *) printf '<p>Contenido de la actividad (%s).</p>\n' "$2" ;;
  esac
}
