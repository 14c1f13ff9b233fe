#!/usr/bin/perl
# The demo's Moodle-like site (scripts/demo, conf/demo/httpd.conf): renders, at request time,
# Moodle's pages from the fixture's tables (t/moodle/*.sql in an SQLite file) at Moodle's own
# URLs, so that what mod_sence reads from a request (the course in view.php?id=, the context in
# pluginfile.php/CTX/...) is what the page shows. It imitates Moodle only as far as a person
# trying the demo needs: the user menu from the MoodleSession cookie, require_login() (no
# logged-in session: Moodle's login page), the dashboard from the role assignments, course and
# activity pages and course images.
#
# Environment (SetEnv in the demo's configuration):
#   SENCE_DEMO_DB               the SQLite file
#   SENCE_DEMO_COURSES          "ID:CODSENCE ..." what the pages say about SENCE (informative:
#                               the gate reads SenceMoodleCourse, not this)
#   SENCE_DEMO_SENCE_PASSWORD   the simulated SENCE's password, shown on the login box
use strict;
use warnings;
use utf8;
use DBI;
use DBD::SQLite::Constants qw(SQLITE_OPEN_READONLY);

binmode STDOUT, ':encoding(UTF-8)';

# The demo logins (sid-NAME in the fixture) and what each shows; see the demo's banner.
my @LOGINS = qw(alumno1 alumno2 becario profesor admin);
my %HINT = (
    alumno1  => 'Estudiante de Excel intermedio, Word básico y Curso libre: SENCE le pide iniciar sesión en los dos primeros.',
    alumno2  => 'Estudiante de Excel intermedio: SENCE le pide iniciar sesión. Su grupo «Becarios» es de otro curso y no lo exime.',
    becario  => 'Grupo «Becarios» de Excel intermedio: entra sin SENCE (agrupador excluyente).',
    profesor => 'Profesor con permiso de edición en Excel intermedio (entra sin SENCE); estudiante de Word básico (SENCE).',
    admin    => 'Administrador del sitio: entra a todos los cursos sin SENCE.',
);
my %ROLENAME = (student => 'Estudiante', editingteacher => 'Profesor',
    teacher => 'Profesor sin permiso de edición', manager => 'Gestor');
my %MODLABEL = (page => 'Página', resource => 'Archivo', forum => 'Foro', url => 'URL');
my %COLOUR = (2 => '#1f7a4d', 3 => '#2b579a', 4 => '#6f42c1');

my %SENCE = map { split /:/, $_, 2 } grep {/\A\d+:\d+\z/} split ' ', ($ENV{SENCE_DEMO_COURSES} // '');
my $SENCE_PASSWORD = $ENV{SENCE_DEMO_SENCE_PASSWORD} // '';

sub h {
    my $s = shift // '';
    $s =~ s/&/&amp;/g;
    $s =~ s/</&lt;/g;
    $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g;
    return $s;
}

sub answer {
    my ($status, $type, $body, @headers) = @_;
    print "Status: $status\r\n", "Content-Type: $type\r\n", "Cache-Control: no-store\r\n";
    print "$_\r\n" for @headers;
    print "\r\n", $body;
    exit 0;
}

sub redirect { answer('302 Found', 'text/plain; charset=utf-8', '', "Location: $_[0]") }
sub not_found { answer('404 Not Found', 'text/plain; charset=utf-8', "No encontrado\n") }

my $db = $ENV{SENCE_DEMO_DB} // '';
-r $db or answer('500 Internal Server Error', 'text/plain; charset=utf-8', "SENCE_DEMO_DB is not readable\n");
my $dbh = DBI->connect("dbi:SQLite:dbname=$db", '', '',
    { RaiseError => 1, PrintError => 0, sqlite_unicode => 1, sqlite_open_flags => SQLITE_OPEN_READONLY });

sub rows { my ($sql, @bind) = @_; return @{ $dbh->selectall_arrayref($sql, { Slice => {} }, @bind) } }
sub row  { my @r = rows(@_); return $r[0] }

# As PHP reads it: the last occurrence of a name wins, (int) takes the leading digits.
sub param_int {
    my ($name) = @_;
    my $v;
    for my $pair (split /[&]/, $ENV{QUERY_STRING} // '') {
        my ($k, $val) = split /=/, $pair, 2;
        next unless defined $k;
        $k =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
        $v = $val // '' if $k eq $name;
    }
    return undef unless defined $v;
    $v =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    return $v =~ /\A\s*(\d+)/ ? $1 + 0 : 0;
}

# The logged-in user from the first MoodleSession cookie (as PHP reads cookies), or undef for
# no session, an anonymous one or the guest.
sub current_user {
    my ($sid) = ($ENV{HTTP_COOKIE} // '') =~ /(?:^|;\s*)MoodleSession=([^;]*)/;
    return undef unless defined $sid && length $sid;
    my $u = row('SELECT u.id, u.username, u.firstname, u.lastname, u.idnumber FROM mdl_sessions s
        JOIN mdl_user u ON u.id = s.userid WHERE s.sid = ? AND s.userid > 1', $sid);
    $u->{sid} = $sid if $u;
    return $u;
}

my $ME = current_user();

sub full_name { my $u = shift; return "$u->{firstname} $u->{lastname}" }

sub usermenu {
    return '<span class="usertext">Usted no se ha identificado.</span> '
        . '<a class="btn-small" href="/moodle/login/index.php">Acceder</a>' unless $ME;
    return '<span class="usertext">' . h(full_name($ME)) . '</span> '
        . '<a class="btn-small" href="/moodle/login/logout">Salir</a>';
}

sub head {
    my ($title, $class) = @_;
    my $menu = usermenu();
    return <<HTML;
<!DOCTYPE html>
<html lang="es" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<link rel="stylesheet" href="/moodle/theme/boost/style.css">
</head>
<body class="$class">
<nav class="navbar">
<a class="brand" href="/moodle/"><span class="logo">P</span> Plataforma de capacitación</a>
<a class="nav-link" href="/moodle/">Página Principal</a>
<a class="nav-link" href="/moodle/my/">Área personal</a>
<span class="usermenu">$menu</span>
</nav>
HTML
}

sub foot {
    return <<'HTML';
<footer class="footer">Sitio de demostración de mod_sence: imita a Moodle con páginas generadas
desde sus tablas. Los cursos con franquicia SENCE exigen iniciar la sesión de asistencia en SENCE
(simulado en este mismo servidor).</footer>
</body>
</html>
HTML
}

sub page { answer('200 OK', 'text/html; charset=utf-8', head(@_[0, 1]) . $_[2] . foot()) }

sub login_user {
    my ($name) = @_;
    return row('SELECT u.id, u.firstname, u.lastname, u.idnumber FROM mdl_sessions s
        JOIN mdl_user u ON u.id = s.userid WHERE s.sid = ?', "sid-$name");
}

sub logins_box {
    my $out = qq{<div class="card" id="demo-login">\n<h3>Acceso de demostración</h3>\n}
        . qq{<p class="meta">Sin contraseña: cada enlace inicia la sesión de Moodle de ese usuario.</p>\n<ul class="logins">\n};
    for my $name (@LOGINS) {
        my $u = login_user($name) or next;
        my $run = length($u->{idnumber} // '') ? ' (RUN ' . h($u->{idnumber}) . ')' : '';
        $out .= qq{<li><a href="/moodle/login/as/$name">$name</a> · } . h(full_name($u))
            . qq{$run<span class="hint">} . h($HINT{$name}) . "</span></li>\n";
    }
    $out .= qq{<li><a href="/moodle/login/logout">Salir</a><span class="hint">Sesión anónima: Moodle pide acceder antes de mostrar un curso.</span></li>\n};
    $out .= qq{</ul>\n<p class="note">En el SENCE simulado (en este mismo servidor) la clave es <code>}
        . h($SENCE_PASSWORD) . "</code>.</p>\n</div>\n";
    return $out;
}

sub courses {
    return rows('SELECT c.id, c.fullname, c.shortname, c.idnumber, x.id AS ctx FROM mdl_course c
        JOIN mdl_context x ON x.contextlevel = 50 AND x.instanceid = c.id
        WHERE c.id > 1 AND c.visible = 1 ORDER BY c.id');
}

sub activities {
    return rows(q{SELECT cm.id, m.name AS modname, COALESCE(p.name, r.name, f.name, u.name, m.name) AS name
        FROM mdl_course_modules cm JOIN mdl_modules m ON m.id = cm.module
        LEFT JOIN mdl_page p ON m.name = 'page' AND p.id = cm.instance
        LEFT JOIN mdl_resource r ON m.name = 'resource' AND r.id = cm.instance
        LEFT JOIN mdl_forum f ON m.name = 'forum' AND f.id = cm.instance
        LEFT JOIN mdl_url u ON m.name = 'url' AND u.id = cm.instance
        WHERE cm.course = ? AND cm.visible = 1 ORDER BY cm.id}, $_[0]);
}

# ---- pages -------------------------------------------------------------------------------

sub home {
    my $list = '';
    for my $c (courses()) {
        my $cod = $SENCE{ $c->{id} };
        my $badge = defined $cod ? qq{<span class="badge badge-sence">SENCE $cod</span>}
            : '<span class="badge badge-open">Sin registro SENCE</span>';
        my $idn = length($c->{idnumber} // '') ? ' · ID ' . h($c->{idnumber}) : '';
        $list .= <<HTML;
<div class="coursebox" data-courseid="$c->{id}">
<a href="/moodle/course/view.php?id=$c->{id}"><img src="/moodle/pluginfile.php/$c->{ctx}/course/overviewfiles/portada.svg" alt=""></a>
<div class="body"><h3><a href="/moodle/course/view.php?id=$c->{id}">@{[h($c->{fullname})]}</a></h3>
<div class="meta">@{[h($c->{shortname})]}$idn</div>
$badge</div>
</div>
HTML
    }
    page('Plataforma de capacitación', 'pagelayout-frontpage', <<HTML);
<div class="page">
<header class="page-header"><h1>Plataforma de capacitación</h1>
<p class="meta">Cursos de capacitación con franquicia SENCE. Los cursos marcados «SENCE» exigen
registrar la asistencia en SENCE antes de mostrar su contenido.</p></header>
<div class="layout">
<main>
<h2>Cursos disponibles</h2>
<div class="courses" id="frontpage-course-list">
$list</div>
<div class="card news">
<h3>Novedades del sitio</h3>
<p><a href="/moodle/mod/forum/view.php?id=101">Novedades del sitio</a> (foro de la página principal).</p>
</div>
</main>
<aside>
@{[logins_box()]}</aside>
</div>
</div>
HTML
}

sub login_page {
    page('Acceder | Plataforma de capacitación', 'pagelayout-login',
        qq{<div class="page login-box">\n} . logins_box() . "</div>\n");
}

sub require_login { redirect('/moodle/login/index.php') unless $ME }

sub dashboard {
    require_login();
    my $name = (grep { "sid-$_" eq $ME->{sid} } @LOGINS)[0];
    my $run = length($ME->{idnumber} // '') ? ' (RUN ' . h($ME->{idnumber}) . ')' : '';
    my $out = qq{<div class="page">\n<header class="page-header"><h1>Área personal</h1></header>\n}
        . qq{<div class="card" id="mis-cursos">\n<h2>Mis cursos</h2>\n}
        . '<p>Hola, <strong>' . h(full_name($ME)) . "</strong>$run.</p>\n";
    $out .= '<p class="note">' . h($HINT{$name}) . "</p>\n" if defined $name;
    $out .= qq{<ul class="activities">\n};
    my @mine = rows(q{SELECT c.id, c.fullname, c.shortname, group_concat(r.shortname, ',') AS roles
        FROM mdl_role_assignments ra JOIN mdl_role r ON r.id = ra.roleid
        JOIN mdl_context x ON x.id = ra.contextid AND x.contextlevel = 50
        JOIN mdl_course c ON c.id = x.instanceid
        WHERE ra.userid = ? GROUP BY c.id ORDER BY c.id}, $ME->{id});
    for my $c (@mine) {
        my $label = join ', ', map { $ROLENAME{$_} // $_ } split /,/, $c->{roles};
        my $badge = defined $SENCE{ $c->{id} } ? ' <span class="badge badge-sence">SENCE</span>' : ' ';
        $out .= sprintf qq{<li class="activity"><span class="icon icon-page">%s</span><span><a href="/moodle/course/view.php?id=%d">%s</a> <span class="meta">%s</span>%s</span></li>\n},
            h(substr($c->{shortname}, 0, 2)), $c->{id}, h($c->{fullname}), h($label), $badge;
    }
    $out .= qq{<li>No está matriculado en cursos; como administrador puede abrirlos todos desde la <a href="/moodle/">página principal</a>.</li>\n}
        unless @mine;
    $out .= "</ul>\n</div>\n</div>\n";
    page('Área personal | Plataforma de capacitación', 'pagelayout-mydashboard', $out);
}

sub course_of_id {
    my ($id) = @_;
    return undef unless $id;
    return row('SELECT c.id, c.fullname, c.shortname, c.idnumber, x.id AS ctx FROM mdl_course c
        JOIN mdl_context x ON x.contextlevel = 50 AND x.instanceid = c.id
        WHERE c.id = ? AND c.visible = 1', $id);
}

sub course_page {
    require_login();
    my $c = course_of_id(param_int('id')) or not_found();
    my $cod = $SENCE{ $c->{id} };
    my $meta = (length($c->{idnumber} // '') ? 'Número ID del curso: ' . h($c->{idnumber}) . ' · ' : '')
        . (defined $cod ? "Código SENCE $cod" : 'Curso sin registro de asistencia SENCE');
    my $out = <<HTML;
<div class="page">
<header class="page-header">
<ol class="breadcrumb"><li><a href="/moodle/my/">Mis cursos</a></li><li>@{[h($c->{shortname})]}</li></ol>
<h1>@{[h($c->{fullname})]}</h1>
<div class="meta">$meta</div>
</header>
<nav class="secondary-nav"><span class="active">Curso</span><span>Participantes</span><span>Calificaciones</span><span>Informes</span></nav>
<main id="region-main" class="course-content">
HTML
    my @acts = activities($c->{id});
    for my $sect (0, 1) {
        if ($sect == 0) {
            $out .= qq{<section class="section" id="section-0"><h3>General</h3>\n};
        }
        else {
            $out .= qq{<section class="section" id="section-1"><h3>Tema 1</h3>\n};
            $out .= qq{<div class="summary"><p>Referencias relativas, absolutas y mixtas:</p><img src="/moodle/pluginfile.php/$c->{ctx}/course/section/1/referencias.svg" alt="Tabla de referencias" id="imagen-seccion"></div>\n}
                if $c->{id} == 2;
        }
        $out .= qq{<ul class="activities">\n};
        for my $a (@acts) {
            next unless ($a->{modname} eq 'forum') == ($sect == 0);
            $out .= sprintf qq{<li class="activity modtype_%s" id="module-%d"><span class="icon icon-%s">%s</span><span><span class="modtype">%s</span><a href="/moodle/mod/%s/view.php?id=%d">%s</a></span></li>\n},
                $a->{modname}, $a->{id}, $a->{modname}, substr($a->{modname}, 0, 1),
                $MODLABEL{ $a->{modname} } // $a->{modname}, $a->{modname}, $a->{id}, h($a->{name});
        }
        $out .= "</ul>\n</section>\n";
    }
    $out .= "</main>\n</div>\n";
    page('Curso: ' . h($c->{fullname}), "path-course pagelayout-course course-$c->{id}", $out);
}

my %BODY = (
    201 => <<'HTML',
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
    202 => "<p>Guía de ejercicios del Módulo 1 (en Moodle, este enlace descargaría el PDF por <code>pluginfile.php</code>).</p>\n"
        . "<ol><li>Sume una columna con <code>=SUMA()</code>.</li><li>Calcule el IVA con una referencia absoluta.</li></ol>\n",
    203 => "<p>Foro de consultas del curso. Aún no hay temas de discusión.</p>\n",
    204 => "<p>Enlace a la documentación oficial de Excel (en esta demostración no se sale del servidor).</p>\n",
    301 => <<'HTML',
<h2>Unidad 1: estilos</h2>
<p>Los estilos de Word (Título 1, Título 2, Normal) dan formato coherente al documento y
permiten generar la tabla de contenido automáticamente.</p>
HTML
    302 => "<p>Plantilla de carta formal para practicar estilos y combinación de correspondencia.</p>\n",
    401 => "<p>Bienvenida al curso libre. Este curso no tiene franquicia SENCE: no se registra asistencia.</p>\n",
);

# The front page's forum (course 1, the site: never gated).
my $SITE_NEWS = <<'HTML';
<div class="page">
<header class="page-header"><ol class="breadcrumb"><li><a href="/moodle/">Inicio</a></li><li>Novedades del sitio</li></ol>
<h1>Novedades del sitio</h1></header>
<main id="region-main" class="card activity-content">
<p><strong>Bienvenidos.</strong> Recuerde que en los cursos con franquicia SENCE debe iniciar la
sesión de asistencia en SENCE cada vez que entra al curso.</p>
</main>
</div>
HTML

sub activity_page {
    my ($modname) = @_;
    require_login();
    my $cmid = param_int('id') or not_found();
    if ($cmid == 101 && $modname eq 'forum') {
        page('Novedades del sitio', 'path-mod path-mod-forum cmid-101', $SITE_NEWS);
    }
    my $cm = row('SELECT cm.course FROM mdl_course_modules cm JOIN mdl_modules m ON m.id = cm.module
        WHERE cm.id = ? AND m.name = ? AND cm.visible = 1', $cmid, $modname) or not_found();
    my $c = course_of_id($cm->{course}) or not_found();
    my ($a) = grep { $_->{id} == $cmid } activities($c->{id});
    $a or not_found();
    my $body = $BODY{$cmid} // '<p>Contenido de la actividad (' . h($modname) . ").</p>\n";
    page(h($c->{shortname}) . ': ' . h($a->{name}), "path-mod path-mod-$modname cmid-$cmid", <<HTML);
<div class="page">
<header class="page-header">
<ol class="breadcrumb"><li><a href="/moodle/my/">Mis cursos</a></li><li><a href="/moodle/course/view.php?id=$c->{id}">@{[h($c->{shortname})]}</a></li><li>@{[h($a->{name})]}</li></ol>
<h1>@{[h($a->{name})]}</h1>
</header>
<main id="region-main" class="card activity-content">
$body<p><a href="/moodle/course/view.php?id=$c->{id}">Volver al curso</a></p>
</main>
</div>
HTML
}

# pluginfile.php/CTX/course/overviewfiles/portada.svg (public in Moodle too) and
# pluginfile.php/CTX/course/section/1/referencias.svg (course 2's section image, gated).
sub pluginfile {
    my ($rest) = @_;
    my ($ctx, $area) = $rest =~ m{\A/(\d+)/course/(overviewfiles/portada\.svg|section/1/referencias\.svg)\z}
        or not_found();
    my $c = row('SELECT c.id, c.shortname FROM mdl_context x JOIN mdl_course c ON c.id = x.instanceid
        WHERE x.id = ? AND x.contextlevel = 50', $ctx) or not_found();
    if ($area =~ /^overview/) {
        my $colour = $COLOUR{ $c->{id} } // '#495057';
        answer('200 OK', 'image/svg+xml', <<SVG);
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 120" width="320" height="120">
<rect width="320" height="120" fill="$colour"/>
<g fill="none" stroke="#fff" stroke-opacity=".35" stroke-width="2">
<circle cx="270" cy="20" r="60"/><circle cx="40" cy="120" r="50"/><path d="M0 80 L320 30"/>
</g>
<text x="20" y="70" font-family="sans-serif" font-size="28" font-weight="700" fill="#fff">@{[h($c->{shortname})]}</text>
</svg>
SVG
    }
    not_found() unless $c->{id} == 2;
    answer('200 OK', 'image/svg+xml', <<'SVG');
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
}

# ---- dispatch on PATH_INFO (conf/demo/httpd.conf maps /moodle/X to site.pl/X) ------------
# (The demo logins /moodle/login/as/NAME and the logout are the configuration's redirects.)
my $path = $ENV{PATH_INFO} // '';
home()                 if $path eq '/index.php';
login_page()           if $path eq '/login/index.php';
dashboard()            if $path eq '/my/index.php';
course_page()          if $path =~ m{\A/course/view\.php(?:/|\z)};
activity_page($1)      if $path =~ m{\A/mod/([a-z]+)/view\.php(?:/|\z)};
pluginfile($1)         if $path =~ m{\A/pluginfile\.php(/.*)\z};
not_found();
