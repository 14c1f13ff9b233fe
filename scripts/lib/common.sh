# shellcheck shell=bash
# Shared helpers for scripts/demo, scripts/browser-test and scripts/test. Source it; it
# defines functions and variables only and changes no shell option of the caller.
#
#   sence_need_packages PKG...        install what is missing (apt-get as root) or exit 1
#   sence_build                       cmake configure + build into $SENCE_BUILD_DIR
#   sence_write_demo_conf DIR PORT BUILD
#                                     write the demo site and DIR/httpd.conf
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
    for u in "${SENCE_DEMO_USERS[@]}"; do printf '%s %s\n' "$u" "$SENCE_DEMO_SENCE_PASSWORD"; done
  } >"$dir/roster.txt"
  chmod 0600 "$dir/roster.txt"

  # The platform's own login (Basic auth): users are RUNs.
  local first=1 u
  for u in "${SENCE_DEMO_USERS[@]}"; do
    if ((first)); then
      htpasswd -bc "$dir/htpasswd" "$u" "$SENCE_DEMO_PLATFORM_PASSWORD" >/dev/null 2>&1 ||
        sence_die "htpasswd failed"
      first=0
    else
      htpasswd -b "$dir/htpasswd" "$u" "$SENCE_DEMO_PLATFORM_PASSWORD" >/dev/null 2>&1 ||
        sence_die "htpasswd failed"
    fi
  done

  _sence_write_demo_site "$dir/htdocs" "$port"

  if sence_is_root; then
    account=$(sence_demo_account) || sence_die "no www-data or nobody account to run the children as"
    user=${account% *}
    group=${account#* }
    # The children read the site and the password file; the rest stays root-only.
    chmod 0755 "$dir" "$dir/htdocs" "$dir/htdocs/curso" "$dir/logs"
    chmod 0700 "$dir/run"
    chgrp "$group" "$dir/htpasswd"
    chmod 0640 "$dir/htpasswd"
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
LoadModule auth_basic_module $SENCE_APACHE_MODULES/mod_auth_basic.so
LoadModule mime_module $SENCE_APACHE_MODULES/mod_mime.so
LoadModule dir_module $SENCE_APACHE_MODULES/mod_dir.so
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
SencePublicURL http://127.0.0.1:$port
SenceEndpoint  http://127.0.0.1:$port/rcetest
SenceRutOtec   $SENCE_DEMO_RUT_OTEC
SenceTokenFile "$dir/token"

# ---- the SENCE simulator, on this same server (stands in for sistemas.sence.cl) --------
SenceSimRoster "$dir/roster.txt"
SenceSimOtec $SENCE_DEMO_RUT_OTEC $token
SenceSimCourse $SENCE_DEMO_COD_SENCE $SENCE_DEMO_CODIGO_CURSO $SENCE_DEMO_LINEA
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
