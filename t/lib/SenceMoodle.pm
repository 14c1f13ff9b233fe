package SenceMoodle;
# Moodle mode of the mod_sence suite: the Moodle-shaped test database (t/moodle/schema.sql,
# t/moodle/data.sql) through DBI, the httpd snippets that point mod_dbd at it, and user-agent
# helpers that carry a MoodleSession cookie.
#
# Environment (read by t/TEST.PL through prepare(), and by the tests):
#   SENCE_TEST_DB        sqlite (default) | pgsql
#   SENCE_MOODLE_SQLITE  SQLite file (default t/moodle/moodle.db, built when missing)
#   SENCE_PG_PORT        PostgreSQL port on 127.0.0.1 (default 5432)
#   SENCE_PG_USER        PostgreSQL user (default: the current user); trust authentication
#   SENCE_PG_DB          database name (default moodle)
#   SENCE_PG_DATA        data directory of the private cluster (pgsql only: lets
#                        t/190_moodle_dbdown.t stop and restart the server)
#   SENCE_PG_BIN         directory of pg_ctl (default /usr/lib/postgresql/15/bin)
#   SENCE_PG_SOCKDIR     unix socket directory given to the cluster with -k (for the restart)
use strict;
use warnings FATAL => 'all';
use utf8;

use Exporter 'import';
use File::Spec ();
use Socket ();
use Time::HiRes qw(sleep time);

our @EXPORT_OK = qw(TTL CODES_C2 CODES_C3 %MUSER db_kind dbh reset_fixture freshen touch_session
                    logout login make_stale moodle_ua set_moodle_cookie clear_moodle_cookie
                    vurl reached_moodle echo_of passes_ok gated_ok wait_ttl sql_value);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# SenceMoodleCacheTTL in t/conf/extra.conf.in.
use constant TTL => 1;

# (CodSence, CodigoCurso, LineaCapacitacion) the gate sends for course 2 (EXCEL-INT, by id)
# and course 3 (WORD-BAS, by shortname); CodigoCurso is the course's idnumber in Moodle.
use constant CODES_C2 => [ '1234567890', 'RLAB-19-02-08-0071-1', 3 ];
use constant CODES_C3 => [ '2234567890', 'RLAB-20-01-01-0001-1', 3 ];

# The fixture's users: name => [id, fixed sid, RUN the gate should send (undef: none)].
our %MUSER = (
    guest       => [ 1,  'sid-guest',       undef ],
    admin       => [ 2,  'sid-admin',       undef ],
    alumno1     => [ 3,  'sid-alumno1',     '12345678-5' ],
    alumno2     => [ 4,  'sid-alumno2',     '11111111-1' ],
    becario     => [ 5,  'sid-becario',     '22222222-2' ],
    profesor    => [ 6,  'sid-profesor',    '10000013-k' ],
    alumno3     => [ 7,  'sid-alumno3',     undef ],          # idnumber 12345678-4: bad check digit
    admin2      => [ 8,  'sid-admin2',      '14141414-3' ],   # listed in siteadmins, also a student
    coordinador => [ 9,  'sid-coordinador', '13131313-6' ],   # student and manager in course 2
    alumno4     => [ 10, 'sid-alumno4',     undef ],          # idnumber empty, username 5126663-3
);

my @TABLES = qw(config sessions user course modules course_modules page resource forum url
                context groups groups_members role role_assignments course_sections
                external_tokens user_private_key forum_discussions forum_posts glossary
                glossary_entries quiz quiz_attempts);

sub db_kind {
    my $k = lc($ENV{SENCE_TEST_DB} || 'sqlite');
    die "SENCE_TEST_DB must be sqlite or pgsql, not '$k'\n" unless $k =~ /\A(?:sqlite|pgsql)\z/;
    return $k;
}

sub t_dir {
    return $ENV{SENCE_MOODLE_T_DIR} if $ENV{SENCE_MOODLE_T_DIR};
    require Apache::Test;
    return Apache::Test::vars('t_dir');
}

sub fixture_file { File::Spec->catfile(t_dir(), 'moodle', $_[0]) }

sub sqlite_path {
    my $t = shift // t_dir();
    return $ENV{SENCE_MOODLE_SQLITE} || File::Spec->catfile($t, 'moodle', 'moodle.db');
}

sub pg_port { $ENV{SENCE_PG_PORT} || 5432 }
sub pg_user { $ENV{SENCE_PG_USER} || scalar(getpwuid($<)) }
sub pg_db   { $ENV{SENCE_PG_DB} || 'moodle' }

# ---- DBI ----------------------------------------------------------------------------

our $DBH;

sub connect_db {
    my %o = @_;
    require DBI;
    if (db_kind() eq 'sqlite') {
        my $path = $o{path} // sqlite_path();
        my $dbh = DBI->connect("dbi:SQLite:dbname=$path", '', '',
                               { RaiseError => 1, PrintError => 0, AutoCommit => 1, sqlite_unicode => 1 })
            or die "cannot open $path: $DBI::errstr\n";
        $dbh->sqlite_busy_timeout(10_000);
        return $dbh;
    }
    my $dsn = sprintf 'dbi:Pg:host=127.0.0.1;port=%d;dbname=%s', pg_port(), pg_db();
    my $dbh = DBI->connect($dsn, pg_user(), '',
                           { RaiseError => 1, PrintError => 0, AutoCommit => 1, pg_enable_utf8 => 1,
                             pg_server_prepare => 0 })
        or die "cannot connect to $dsn: $DBI::errstr\n";
    return $dbh;
}

sub dbh {
    return $DBH if $DBH && eval { $DBH->ping };
    return $DBH = connect_db();
}

sub disconnect { $DBH->disconnect if $DBH; undef $DBH }

# Statements of an SQL file: "--" comment lines dropped, split at ";" ending a line.
sub sql_statements {
    my $file = shift;
    open my $fh, '<:encoding(UTF-8)', $file or die "cannot read $file: $!\n";
    my $sql = join '', grep { !/^\s*--/ } <$fh>;
    return grep { /\S/ } split /;\s*\n/, $sql;
}

sub tables_exist {
    my $dbh = shift;
    my $ok = eval { $dbh->selectrow_array('SELECT COUNT(*) FROM mdl_config'); 1 };
    return $ok ? 1 : 0;
}

sub load_schema {
    my ($dbh, $dir) = @_;
    $dbh->do($_) for sql_statements(File::Spec->catfile($dir, 'schema.sql'));
}

# Empties every table and loads data.sql again, then makes the live sessions fresh.
# Plain DELETE/INSERT (no DDL), so the statements httpd has prepared stay valid.
sub reset_fixture {
    my $dir = shift // File::Spec->catdir(t_dir(), 'moodle');
    my $dbh = dbh();
    load_schema($dbh, $dir) unless tables_exist($dbh);
    $dbh->begin_work;
    eval {
        $dbh->do("DELETE FROM mdl_$_") for @TABLES;
        $dbh->do($_) for sql_statements(File::Spec->catfile($dir, 'data.sql'));
        freshen($dbh);
        $dbh->commit;
        1;
    } or do { my $e = $@; eval { $dbh->rollback }; die "reset_fixture: $e" };
    return 1;
}

# Live sessions of data.sql (timemodified 0) get the current time: t/moodle/freshen.sql, the
# statement every loader of the fixture applies.
sub freshen {
    my $dbh = shift // dbh();
    my $now = time_now();
    require Apache::Test;
    my $file = Apache::Test::vars('t_dir') . '/moodle/freshen.sql';
    open my $fh, '<', $file or die "freshen: $file: $!";
    my $sql = join '', grep { !/^\s*--/ } <$fh>;
    $sql =~ s/\@NOW\@/$now/g;
    $sql =~ s/;\s*\z//;
    return $dbh->do($sql);
}

sub time_now { int(CORE::time()) }

sub sql_value {
    my ($sql, @bind) = @_;
    return scalar dbh()->selectrow_array($sql, undef, @bind);
}

sub user_id {
    my $u = shift;
    return $u if $u =~ /\A\d+\z/;
    return $MUSER{$u}[0] if $MUSER{$u};
    my $id = sql_value('SELECT id FROM mdl_user WHERE username = ?', $u);
    die "no Moodle user '$u'\n" unless defined $id;
    return $id;
}

# Moodle's activity refresh: timemodified = now.
sub touch_session {
    my $sid = shift;
    return dbh()->do('UPDATE mdl_sessions SET timemodified = ? WHERE sid = ?', undef, time_now(), $sid);
}

# Moodle's logout: the row is deleted.
sub logout {
    my $sid = shift;
    return dbh()->do('DELETE FROM mdl_sessions WHERE sid = ?', undef, $sid);
}

# Moodle's login: a new row with a new sid for the user; returns the sid.
sub login {
    my $user = shift;
    my $uid = user_id($user);
    my @c = ('a' .. 'v', 0 .. 9);    # PHP's default session id alphabet, 26 characters
    my $sid = join '', map { $c[ int rand @c ] } 1 .. 26;
    my $dbh = dbh();
    my $now = time_now();
    for my $try (1 .. 5) {
        my $id = ($dbh->selectrow_array('SELECT MAX(id) FROM mdl_sessions') // 0) + 1;
        my $ok = eval {
            $dbh->do('INSERT INTO mdl_sessions (id, state, sid, userid, sessdata, timecreated, timemodified, '
                     . 'firstip, lastip) VALUES (?, 0, ?, ?, NULL, ?, ?, ?, ?)',
                     undef, $id, $sid, $uid, $now, $now, '127.0.0.1', '127.0.0.1');
            1;
        };
        return $sid if $ok;
    }
    die "login($user): cannot insert a session row\n";
}

# A row Moodle's cron has not purged yet: older than sessiontimeout.
sub make_stale {
    my $sid = shift;
    my $timeout = sql_value("SELECT value FROM mdl_config WHERE name = 'sessiontimeout'") || 28800;
    my $old = time_now() - $timeout - 120;
    return dbh()->do('UPDATE mdl_sessions SET timemodified = ? WHERE sid = ?', undef, $old, $sid);
}

# Lets SenceMoodleCacheTTL pass, so that what the module cached is read again.
sub wait_ttl { sleep(TTL + 0.6) }

# ---- httpd configuration (called by t/TEST.PL before Apache::Test configures) ------------

# A free port below Linux's ephemeral range (32768-60999): a port picked from that range can
# be taken by any outgoing connection before the test listens on it.
sub free_port {
    for my $p (map { 20000 + int rand 12000 } 1 .. 50) {
        socket(my $s, Socket::PF_INET(), Socket::SOCK_STREAM(), 0) or next;
        my $ok = bind($s, Socket::pack_sockaddr_in($p, Socket::inet_aton('127.0.0.1')));
        close $s;
        return $p if $ok;
    }
    die "no free port\n";
}

sub write_file {
    my ($file, $text) = @_;
    open my $fh, '>', "$file.tmp$$" or die "cannot write $file: $!\n";
    print $fh $text;
    close $fh or die "cannot write $file: $!\n";
    rename "$file.tmp$$", $file or die "cannot rename $file: $!\n";
}

sub dbd_lines {
    my (%o) = @_;
    if (db_kind() eq 'sqlite') {
        return qq{DBDriver sqlite3\nDBDParams "$o{path}"\n};
    }
    return sprintf qq{DBDriver pgsql\nDBDParams "host=127.0.0.1 port=%d dbname=%s user=%s connect_timeout=3"\n},
        $o{port}, pg_db(), pg_user();
}

# Makes sure the test database exists and writes the snippets t/conf/extra.conf.in includes:
#   conf/moodle_db.conf       DBDriver/DBDParams of the fixture (main server, moodle_prefix vhost)
#   conf/moodle_db_down.conf  DBDriver/DBDParams of a database that is not there (moodle_down)
sub prepare {
    my $t = shift;
    local $ENV{SENCE_MOODLE_T_DIR} = $t;
    my $kind = db_kind();
    $ENV{SENCE_TEST_DB} = $kind;
    my $dir = File::Spec->catdir($t, 'moodle');
    my ($main, $down, $note);
    if ($kind eq 'sqlite') {
        my $path = sqlite_path($t);
        $ENV{SENCE_MOODLE_SQLITE} = $path;
        if (!-s $path) {
            my $dbh = connect_db(path => $path);
            load_schema($dbh, $dir);
            $dbh->disconnect;
            local $DBH;
            $DBH = connect_db(path => $path);
            reset_fixture($dir);
            $DBH->disconnect;
        }
        $main = dbd_lines(path => $path);
        # a directory that does not exist: sqlite3_open() fails
        $down = dbd_lines(path => File::Spec->catfile($t, 'moodle', 'no-such-dir', 'moodle.db'));
        $note = "# SENCE_TEST_DB=sqlite\n";
    }
    else {
        local $DBH;
        my $dbh = eval { $DBH = connect_db() }
            or die "TEST.PL: SENCE_TEST_DB=pgsql but no PostgreSQL at 127.0.0.1:" . pg_port()
                 . " (database " . pg_db() . ", user " . pg_user() . "): $@";
        reset_fixture($dir) unless tables_exist($dbh);
        $dbh->disconnect;
        my $down_port = free_port();
        $main = dbd_lines(port => pg_port());
        # nothing listens there (t/190_moodle_dbdown.t may listen without answering)
        $down = dbd_lines(port => $down_port);
        $note = "# SENCE_TEST_DB=pgsql\n# SENCE_PG_DOWN_PORT=$down_port\n";
    }
    my $hdr = "# generated by t/TEST.PL (t/lib/SenceMoodle.pm); do not edit\n";
    write_file(File::Spec->catfile($t, 'conf', 'moodle_db.conf'), $hdr . $note . $main);
    write_file(File::Spec->catfile($t, 'conf', 'moodle_db_down.conf'), $hdr . $note . $down);
    return 1;
}

# The port moodle_db_down.conf points at (pgsql), from the generated file.
sub pg_down_port {
    my $f = File::Spec->catfile(t_dir(), 'conf', 'moodle_db_down.conf');
    open my $fh, '<', $f or return;
    while (<$fh>) { return $1 if /^# SENCE_PG_DOWN_PORT=(\d+)/ }
    return;
}

# ---- user agents --------------------------------------------------------------------

# A browser holding the MoodleSession cookie of $sid (as Moodle sets it: path=/; HttpOnly).
#   moodle_ua(sid => 'sid-alumno1', %new_ua_options)   or   moodle_ua(user => 'alumno1')
sub moodle_ua {
    my %o = @_;
    my $sid = delete $o{sid};
    my $user = delete $o{user};
    $sid //= $MUSER{$user}[1] if defined $user;
    require SenceTest;
    my $ua = SenceTest::new_ua(%o);
    set_moodle_cookie($ua, $sid) if defined $sid;
    return $ua;
}

sub set_moodle_cookie {
    my ($ua, $sid, $name) = @_;
    require HTTP::Request;
    require HTTP::Response;
    require SenceTest;
    $name //= 'MoodleSession';
    my $base = SenceTest::base_url();
    my $req = HTTP::Request->new(GET => "$base/moodle/login/index.php");
    my $res = HTTP::Response->new(303, 'See Other');
    $res->request($req);
    $res->header('Set-Cookie' => "$name=$sid; path=/; HttpOnly");
    $ua->cookie_jar->extract_cookies($res);
    return $ua;
}

sub clear_moodle_cookie {
    my ($ua, $name) = @_;
    $name //= 'MoodleSession';
    my @gone;
    $ua->cookie_jar->scan(sub { push @gone, [ $_[4], $_[3], $_[1] ] if $_[1] eq $name });
    $ua->cookie_jar->clear(@$_) for @gone;
    return $ua;
}

# URL of a named <VirtualHost> of t/conf/extra.conf.in.
sub vurl {
    my ($vhost, $path) = @_;
    require Apache::Test;
    my $v = Apache::Test::config()->{vhosts}{$vhost} or die "no vhost $vhost\n";
    return "http://$v->{hostport}$path";
}

# ---- answers ------------------------------------------------------------------------

# The request reached the handler (t/moodle/cgi/fake_moodle.pl) untouched by the gate.
sub reached_moodle {
    my $res = shift;
    return ($res->header('X-Fake-Moodle') // '') eq '1'
        && ($res->content // '') =~ /\AFAKE-MOODLE\n/ ? 1 : 0;
}

# key => value of the fake Moodle's echo (body => the raw request body).
sub echo_of {
    my $res = shift;
    my $c = $res->content // '';
    my %e;
    my ($head, $body) = split /^body=/m, $c, 2;
    $e{body} = $body // '';
    for (split /\n/, $head // '') { $e{$1} = $2 if /\A(\w+)=(.*)\z/ }
    return \%e;
}

# The gate let the request through to Moodle ($uri: what Moodle must have seen).
sub passes_ok {
    my ($res, $name, $uri) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    require Test::More;
    require SenceTest;
    my $ok = $res->code == 200 && reached_moodle($res) && !SenceTest::is_gate_page($res);
    $ok &&= echo_of($res)->{uri} eq $uri if defined $uri;
    Test::More::ok($ok, "$name: passes to Moodle")
        or Test::More::diag('got ' . $res->status_line . "\n" . substr($res->as_string, 0, 600));
    return $ok;
}

# A navigation answered with the gate page for $run and $codes; Moodle never reached.
sub gated_ok {
    my ($res, %e) = @_;
    my $name = $e{name} // 'gated';
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    require Test::More;
    require SenceTest;
    my ($form) = SenceTest::gate_form($res);
    my $f = $form ? scalar SenceTest::form_fields($form) : {};
    my @bad;
    push @bad, 'status ' . $res->code . ' (want 200)' unless $res->code == 200;
    push @bad, 'no gate form' unless $form;
    push @bad, 'reached Moodle' if reached_moodle($res);
    if ($form) {
        push @bad, 'RunAlumno ' . ($f->{RunAlumno} // 'undef') . " (want $e{run})"
            if defined $e{run} && ($f->{RunAlumno} // '') ne $e{run};
        if (my $c = $e{codes}) {
            my @k = qw(CodSence CodigoCurso LineaCapacitacion);
            for my $i (0 .. 2) {
                push @bad, "$k[$i] " . ($f->{ $k[$i] } // 'undef') . " (want $c->[$i])"
                    if ($f->{ $k[$i] } // '') ne $c->[$i];
            }
        }
    }
    Test::More::ok(!@bad, "$name: gate page")
        or Test::More::diag(join('; ', @bad) . "\n" . substr($res->as_string, 0, 400));
    return @bad ? undef : $f;
}

1;
