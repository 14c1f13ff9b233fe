# sencectl check against the bundled simulator over HTTPS (a throwaway CA made here, a small
# apache2 of this test's own with mod_ssl and mod_sence_sim): a clean pass, each GlosaError
# code the check must report, 208 alone as OK, several codes at once, an unreachable and a
# slow endpoint, an untrusted certificate, oddly written answers, courses read from a
# configuration (-D DUMP_SENCE_JSON: a production course skipped, an inline token), --json;
# sencectl rut; sencectl status against the suite's server. The token never shows.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use File::Temp qw(tempdir);
use IO::Socket::INET ();
use JSON::PP ();
use Time::HiRes qw(sleep);
use SenceTest qw(url);

my $t_dir = Apache::Test::vars('t_dir');
my $mods = $ENV{SENCE_MODULES_DIR} // "$t_dir/../build";
my $ctl = $ENV{SENCECTL} || "$mods/sencectl";
my $libexec = -d '/usr/lib/apache2/modules' ? '/usr/lib/apache2/modules' : do {
    chomp(my $d = `apxs -q LIBEXECDIR 2>/dev/null` // ''); $d };
# The httpd Apache::Test runs (under the sanitizer stage, a wrapper that preloads ASan for the
# instrumented modules), for this test's own server and for the configuration dumps.
my $httpd = Apache::Test::vars('httpd') || (-x '/usr/sbin/apache2' ? '/usr/sbin/apache2' : 'apache2');
my $mpm = $ENV{SENCE_TEST_MPM} || 'event';

ok(-x $ctl, "sencectl found ($ctl)") or do { done_testing; exit };
for my $need ("$libexec/mod_ssl.so", "$mods/mod_sence_sim.so", "$mods/mod_sence.so") {
    ok(-e $need, "$need exists") or do { done_testing; exit };
}
my ($openssl) = grep { -x } map { "$_/openssl" } split(/:/, $ENV{PATH} // ''), '/usr/bin';
ok($openssl, 'openssl CLI found') or do { done_testing; exit };

my $dir = tempdir('sencectl-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub sh {
    my @cmd = @_;
    my $out = `@{[ join ' ', map { "'$_'" } @cmd ]} 2>&1`;
    die "@cmd: $out" if $?;
}

# RUT with its check digit (modulo 11).
sub rut {
    my $body = shift;
    my ($s, $f) = (0, 2);
    for my $d (reverse split //, $body) { $s += $d * $f; $f = $f == 7 ? 2 : $f + 1 }
    my $dv = 11 - $s % 11;
    return "$body-" . ($dv == 11 ? 0 : $dv == 10 ? 'k' : $dv);
}

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1)
        or die "no free port: $!";
    my $p = $s->sockport;
    close $s;
    return $p;
}

# ---- the throwaway CA, the server's certificate ------------------------------------------------
sh($openssl, qw(req -x509 -newkey rsa:2048 -nodes -days 2 -subj), '/CN=sencectl test CA',
   -keyout => "$dir/ca.key", -out => "$dir/ca.pem");
sh($openssl, qw(req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1), -keyout => "$dir/srv.key",
   -out => "$dir/srv.csr");
open(my $ext, '>', "$dir/ext.cnf") or die;
print $ext "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n";
close $ext;
sh($openssl, qw(x509 -req -days 2 -CAcreateserial), -in => "$dir/srv.csr", -CA => "$dir/ca.pem",
   -CAkey => "$dir/ca.key", -out => "$dir/srv.pem", -extfile => "$dir/ext.cnf");

# ---- the simulator ------------------------------------------------------------------------------
my %TOKEN = (a => 'A1111111-2222-3333-4444-555555555555', old => 'B1111111-2222-3333-4444-555555555555',
             b => 'C1111111-2222-3333-4444-555555555555', none => 'D1111111-2222-3333-4444-555555555555');
my ($RUT, $RUT_B) = (rut('76543210'), rut('77777777'));
for my $k (keys %TOKEN) {
    open(my $fh, '>', "$dir/token-$k") or die;
    print $fh "$TOKEN{$k}\n";
    close $fh;
    chmod 0600, "$dir/token-$k";
}
my $port = free_port();
my $closed = free_port();
my @shapes = qw(reordered unquoted broken several table entities noform);
my $shape_locations = join '', map { "<Location /shape-$_>\n    SetHandler sence-sim\n    SenceSimAnswerShape $_\n</Location>\n" } @shapes;
my $conf = "$dir/httpd.conf";
open(my $cf, '>', $conf) or die;
print $cf <<"EOF";
ServerRoot "$dir"
DefaultRuntimeDir "$dir"
Mutex file:$dir default
Listen 127.0.0.1:$port
LoadModule mpm_${mpm}_module "$libexec/mod_mpm_${mpm}.so"
LoadModule authz_core_module "$libexec/mod_authz_core.so"
LoadModule socache_shmcb_module "$libexec/mod_socache_shmcb.so"
LoadModule ssl_module "$libexec/mod_ssl.so"
LoadModule sence_sim_module "$mods/mod_sence_sim.so"
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error.log"
LogLevel warn
ServerName 127.0.0.1
DocumentRoot "$dir"
StartServers 1
MaxRequestWorkers 10
<IfModule mpm_event_module>
    ThreadsPerChild 10
    ServerLimit 1
</IfModule>
SSLEngine on
SSLCertificateFile "$dir/srv.pem"
SSLCertificateKeyFile "$dir/srv.key"
SSLSessionCache none

SenceSimOtec $RUT $TOKEN{a} vigente
SenceSimOtec $RUT $TOKEN{old} vencido
SenceSimOtec $RUT_B $TOKEN{b} vigente
SenceSimCourse 1234567890 RLAB-19-02-08-0071-1 3 11111111-1
SenceSimCourse 2234567890 RLAB-20-01-01-0001-1 3
SenceSimCourse - CURSO-LINEA-1 1
SenceSimCourse 3234567890 CURSO-PRESENCIAL-1 3
SenceSimCourseState CURSO-PRESENCIAL-1 presencial
SenceSimCourse 4234567890 CURSO-FUERA-FECHAS-1 3
SenceSimCourseState CURSO-FUERA-FECHAS-1 fuera-de-fechas
<Location /rcetest>
    SetHandler sence-sim
</Location>
<Location /slow>
    SetHandler sence-sim
    SenceSimDelay 20
</Location>
$shape_locations
EOF
close $cf;
{
    my $out = `'$httpd' -f '$conf' -k start 2>&1`;
    is($?, 0, 'the HTTPS simulator starts') or diag($out);
}
my $up = 0;
for (1 .. 100) {
    if (IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 1)) { $up = 1; last }
    sleep 0.1;
}
ok($up, "the simulator listens on 127.0.0.1:$port") or do { done_testing; exit };
END {
    if ($dir && -f "$dir/httpd.pid") {
        `'$httpd' -f '$conf' -k stop 2>&1`;
        for (1 .. 50) { last unless -f "$dir/httpd.pid"; sleep 0.1 }
    }
}

my $BASE = "https://127.0.0.1:$port/rcetest";
my @everything;    # every output, to look for the tokens

# Runs sencectl; returns (exit status, stdout, stderr).
sub ctl {
    my @args = @_;
    my $err = "$dir/stderr";
    my $pid = open(my $out, '-|') // die "fork: $!";
    if (!$pid) {
        open(STDERR, '>', $err) or exit 127;
        open(STDIN, '<', '/dev/null') or exit 127;
        exec $ctl, @args;
        exit 127;
    }
    binmode $out, ':encoding(UTF-8)';
    my $o = do { local $/; <$out> // '' };
    close $out;
    my $rc = $? >> 8;
    open(my $efh, '<:encoding(UTF-8)', $err) or die;
    my $e = do { local $/; <$efh> // '' };
    push @everything, $o, $e;
    return ($rc, $o, $e);
}

# check of explicit courses against the simulator, trusting the test CA.
sub check {
    my (%o) = @_;
    my @args = ('check', '--rut-otec', $o{rut} // $RUT, '--token-file', "$dir/token-" . ($o{token} // 'a'),
                '--endpoint', $o{endpoint} // $BASE, '--cacert', "$dir/ca.pem",
                map { ('--course', $_) } @{ $o{courses} });
    push @args, @{ $o{extra} // [] };
    return ctl(@args);
}

my $JSON = JSON::PP->new->utf8(0);
sub check_json {
    my ($rc, $out, $err) = check(@_, extra => ['--json', @{ { @_ }->{extra} // [] }]);
    my $j = eval { $JSON->decode($out) };
    ok(ref $j eq 'ARRAY', 'the --json output is a JSON array') or diag("$out\n$err");
    return ($rc, $j // [], $err);
}

my $OK_COURSE = '2234567890:RLAB-20-01-01-0001-1:3';

# ---- a clean pass; 208 alone is OK ---------------------------------------------------------------
{
    my ($rc, $out, $err) = check(courses => [$OK_COURSE, '1234567890:RLAB-19-02-08-0071-1:3', ':CURSO-LINEA-1:1']);
    is($rc, 0, 'clean pass: exit 0') or diag("$out\n$err");
    my @lines = grep { /\S/ && !/^\s/ } split /\n/, $out;
    is(scalar @lines, 3, 'one line per course');
    like($lines[0], qr/^OK\b.*login page/, 'a course SENCE accepts: its login page, OK');
    like($lines[1], qr/^OK\b.*208 only/, 'the probe RUN not enrolled (208 alone): OK');
    like($lines[2], qr/^OK\b.*CodigoCurso CURSO-LINEA-1 linea 1/, 'line 1, no CodSence: OK');
}

# ---- each code, its Spanish description and the directive to fix ----------------------------------
my @CASES = (
    [204 => { courses => ['12345:RLAB-20-01-01-0001-1:3'] }, qr/SenceCodSence/],
    [205 => { courses => ['2234567890:ABC:3'] }, qr/SenceCodigoCurso/],
    [206 => { courses => ['2234567890:RLAB-20-01-01-0001-1:4'] }, qr/SenceLinea/],
    [211 => { rut => $RUT_B, courses => [$OK_COURSE] }, qr/SenceToken\/SenceTokenFile/],
    [212 => { token => 'old', courses => [$OK_COURSE] }, qr/SenceToken\/SenceTokenFile/],
    [303 => { token => 'none', courses => [$OK_COURSE] }, qr/SenceToken\/SenceTokenFile/],
    [306 => { courses => ['9999999999:RLAB-20-01-01-0001-1:3'] }, qr/SenceCodigoCurso, SenceCodSence/],
    [307 => { courses => ['3234567890:CURSO-PRESENCIAL-1:3'] }, qr/e-learning/],
    [309 => { courses => ['4234567890:CURSO-FUERA-FECHAS-1:3'] }, qr/fechas/],
);
my %TEXT = (204 => qr/Código SENCE/, 205 => qr/Código Curso/, 206 => qr/línea de capacitación/,
            211 => qr/no pertenece al OTEC/, 212 => qr/no está vigente/, 303 => qr/no existe/,
            306 => qr/no corresponde al Código SENCE/, 307 => qr/e-learning/,
            309 => qr/fuera de las fechas/);
for my $case (@CASES) {
    my ($code, $o, $fix) = @$case;
    my ($rc, $out, $err) = check(%$o);
    is($rc, 1, "$code: exit 1") or diag("$out\n$err");
    like($out, qr/^ERROR\b/m, "$code: the course is an error");
    like($out, qr/^\s+\Q$code\E \S.*$TEXT{$code}.* -> .*$fix/m, "$code: description and directive")
        or diag($out);
    my @codes = $out =~ /^\s+(\d{3}) /mg;
    is_deeply(\@codes, [$code], "$code: that code only");
}

# several at once: an unknown token and a short CodSence
{
    my ($rc, $out) = check(token => 'none', courses => ['12345:RLAB-20-01-01-0001-1:3']);
    is($rc, 1, 'several codes: exit 1');
    my @codes = $out =~ /^\s+(\d{3}) /mg;
    is_deeply(\@codes, [204, 303], 'several codes: both, as SENCE listed them');
}

# one bad course among good ones: exit 1, the others still OK
{
    my ($rc, $out) = check(courses => [$OK_COURSE, '12345:RLAB-20-01-01-0001-1:3']);
    is($rc, 1, 'a bad course among good ones: exit 1');
    like($out, qr/^OK\b.*\n^ERROR\b/m, 'one OK line, one ERROR line');
}

# ---- --json ------------------------------------------------------------------------------------------
{
    my ($rc, $j) = check_json(token => 'none', courses => [$OK_COURSE, '12345:RLAB-20-01-01-0001-1:3']);
    is($rc, 1, '--json: exit 1');
    is(scalar @$j, 2, '--json: one object per course');
    is_deeply([sort keys %{ $j->[0] }], [sort qw(cod_sence codigo_curso linea environment status codes)],
              '--json: exactly the documented keys');
    is_deeply([map { $_->{status} } @$j], ['error', 'error'], '--json: statuses');
    is($j->[0]{cod_sence}, '2234567890', '--json: cod_sence');
    is($j->[0]{codigo_curso}, 'RLAB-20-01-01-0001-1', '--json: codigo_curso');
    is($j->[0]{linea}, 3, '--json: linea is a number');
    is($j->[0]{environment}, 'test', '--json: environment');
    is_deeply([map { $_->{code} } @{ $j->[1]{codes} }], [204, 303], '--json: codes in order');
    like($j->[1]{codes}[1]{text}, qr/\AEl Token no existe/, '--json: Spanish text from the catalogue');
    like($j->[1]{codes}[1]{fix}, qr/SenceTokenFile/, '--json: the directive to fix');
    ($rc, $j) = check_json(courses => [$OK_COURSE, '1234567890:RLAB-19-02-08-0071-1:3']);
    is($rc, 0, '--json clean: exit 0');
    is_deeply([map { $_->{status} } @$j], ['ok', 'ok'], '--json: ok, and 208 alone is ok');
    is_deeply($j->[1]{codes}, [{ code => 208, text => $j->[1]{codes}[0]{text}, fix => undef }],
              '--json: the 208 is still listed');
}

# ---- SENCE unreachable, slow, untrusted --------------------------------------------------------------
{
    my ($rc, $out, $err) = check(endpoint => "https://127.0.0.1:$closed/rcetest", courses => [$OK_COURSE]);
    is($rc, 2, 'unreachable endpoint: exit 2');
    like($out, qr/^UNREACHABLE\b/m, 'unreachable endpoint: UNREACHABLE');
    my $j;
    ($rc, $j) = check_json(endpoint => "https://127.0.0.1:$closed/rcetest", courses => [$OK_COURSE]);
    is($j->[0]{status}, 'unreachable', '--json: status unreachable');

    ($rc, $out) = check(endpoint => "https://127.0.0.1:$port/slow", courses => [$OK_COURSE], extra => ['--timeout', 2]);
    is($rc, 2, 'a slow SENCE: exit 2 (--timeout 2)');
    like($out, qr/^UNREACHABLE\b.*(?i:timeout|timed out)/m, 'a slow SENCE: the timeout said');

    # 2 wins over 1
    ($rc) = check(courses => ['12345:RLAB-20-01-01-0001-1:3'], extra => ['--course', $OK_COURSE, '--endpoint', "https://127.0.0.1:$closed/x"]);
    is($rc, 2, 'unreachable wins over errors: exit 2');

    ($rc, $out, $err) = ctl('check', '--rut-otec', $RUT, '--token-file', "$dir/token-a", '--endpoint', $BASE,
                            '--course', $OK_COURSE);
    is($rc, 2, 'an untrusted certificate (no --cacert): exit 2');
    like($out, qr/^UNREACHABLE\b.*(?i:certificate|SSL)/m, '... the certificate is the reason') or diag($out);

    ($rc, undef, $err) = check(endpoint => 'http://sistemas.sence.example/rcetest', courses => [$OK_COURSE]);
    is($rc, 2, 'http:// to a host other than loopback: refused, exit 2');
    like($err, qr/https/, '... and said');
}

# ---- oddly written answers ------------------------------------------------------------------------------
for my $shape (@shapes) {
    my ($rc, $out) = check(endpoint => "https://127.0.0.1:$port/shape-$shape", token => 'none',
                           courses => ['12345:RLAB-20-01-01-0001-1:3']);
    if ($shape eq 'noform') {
        is($rc, 2, "shape $shape: no form, nothing readable: exit 2 (never OK)");
        like($out, qr/^UNREACHABLE\b.*unrecognisable/m, "shape $shape: unrecognisable answer");
        next;
    }
    is($rc, 1, "shape $shape: exit 1") or diag($out);
    my @codes = $out =~ /^\s+(\d{3}) /mg;
    is_deeply(\@codes, [204, 303], "shape $shape: both codes read");
    # the same shape with nothing wrong: the login page
    ($rc) = check(endpoint => "https://127.0.0.1:$port/shape-$shape", courses => [$OK_COURSE]);
    is($rc, 0, "shape $shape: a good course is OK");
}

# ---- courses from a configuration (-D DUMP_SENCE_JSON) --------------------------------------------------
{
    my $mc = "$dir/module.conf";
    open(my $fh, '>', $mc) or die;
    print $fh <<"EOF";
ServerRoot "$dir"
DefaultRuntimeDir "$dir"
Listen 127.0.0.1:$closed
LoadModule mpm_${mpm}_module "$libexec/mod_mpm_${mpm}.so"
LoadModule authz_core_module "$libexec/mod_authz_core.so"
LoadModule sence_module "$mods/mod_sence.so"
PidFile "$dir/module.pid"
ErrorLog "$dir/module-error.log"
ServerName 127.0.0.1
SencePublicURL https://127.0.0.1:$closed
SenceRutOtec $RUT
SenceTokenFile "$dir/token-a"
SenceEndpoint $BASE
<Location /curso-test/>
    Sence On
    SenceCodSence 2234567890
    SenceCodigoCurso RLAB-20-01-01-0001-1
    SenceLinea 3
    SenceRun %{REMOTE_USER}
</Location>
<Location /curso-malo/>
    Sence On
    SenceCodSence 9999999999
    SenceCodigoCurso RLAB-20-01-01-0001-1
    SenceLinea 3
    SenceRun %{REMOTE_USER}
</Location>
<Location /curso-prod/>
    Sence On
    SenceEnvironment production
    SenceCodSence 1234567890
    SenceCodigoCurso RLAB-19-02-08-0071-1
    SenceLinea 3
    SenceRun %{REMOTE_USER}
</Location>
<Location /curso-inline/>
    Sence On
    SenceToken $TOKEN{a}
    SenceCodigoCurso CURSO-LINEA-1
    SenceLinea 1
    SenceRun %{REMOTE_USER}
</Location>
EOF
    close $fh;
    my $dump = `'$httpd' -f '$mc' -t -D DUMP_SENCE_JSON 2>/dev/null`;
    push @everything, $dump;
    my $d = eval { JSON::PP->new->decode($dump) };
    ok($d && ref $d->{courses} eq 'ARRAY', 'DUMP_SENCE_JSON: a JSON document') or diag($dump);
    my %by = map { $_->{path} => $_ } @{ $d->{courses} // [] };
    is_deeply([sort keys %by], [sort qw(/curso-test/ /curso-malo/ /curso-prod/ /curso-inline/)], 'DUMP_SENCE_JSON: every gated section');
    is($by{'/curso-test/'}{token_source}, "$dir/token-a", 'DUMP_SENCE_JSON: the token file');
    is($by{'/curso-inline/'}{token_source}, 'inline', 'DUMP_SENCE_JSON: an inline token is "inline"');
    is($by{'/curso-prod/'}{environment}, 'production', 'DUMP_SENCE_JSON: environment');
    like($by{'/curso-test/'}{where}, qr/\Q$mc\E:\d+\z/, 'DUMP_SENCE_JSON: file:line');
    is_deeply([@{ $by{'/curso-test/'} }{qw(cod_sence codigo_curso linea rut_otec endpoint)}],
              ['2234567890', 'RLAB-20-01-01-0001-1', 3, $RUT, $BASE], 'DUMP_SENCE_JSON: codes, line, OTEC, endpoint');

    my ($rc, $out, $err) = ctl('check', '--httpd', $httpd, '--apache-config', $mc, '--cacert', "$dir/ca.pem");
    is($rc, 1, 'from the configuration: exit 1 (one bad course)') or diag("$out\n$err");
    like($out, qr/^OK\b.*\/curso-test\/ \(\Q$mc\E:\d+\)/m, '/curso-test/: OK, with file:line');
    like($out, qr/^ERROR\b.*\/curso-malo\/.*\n\s+306 /m, '/curso-malo/: 306');
    like($out, qr/^SKIPPED\b.*\/curso-prod\/.*production.*--production/m,
         'a production course: skipped without --production, and why');
    like($out, qr/^SKIPPED\b.*\/curso-inline\/.*inline.*--token-file/m,
         'an inline token: skipped, --token-file asked for');

    ($rc, $out) = ctl('check', '--httpd', $httpd, '--apache-config', $mc, '--cacert', "$dir/ca.pem", '--token-file', "$dir/token-a");
    like($out, qr/^OK\b.*\/curso-inline\//m, 'an inline token with --token-file: checked');

    my $j;
    ($rc, $out) = ctl('check', '--httpd', $httpd, '--apache-config', $mc, '--cacert', "$dir/ca.pem", '--json');
    $j = eval { JSON::PP->new->decode($out) } // [];
    is_deeply([map { $_->{status} } @$j], [qw(ok error skipped skipped)], '--json from the configuration: statuses');
    is($j->[2]{environment}, 'production', '--json: the skipped one is production');

    # --production: the production course is checked (here against the simulator, which does
    # not know it for this OTEC's... it knows it: 208 alone, OK)
    ($rc, $out) = ctl('check', '--httpd', $httpd, '--apache-config', $mc, '--cacert', "$dir/ca.pem", '--production');
    like($out, qr/^OK\b.*\/curso-prod\//m, '--production: the production course is checked');

    # The configuration does not load: exit 2, the reason shown.
    open($fh, '>', "$dir/broken.conf") or die;
    print $fh "LoadModule mpm_${mpm}_module \"$libexec/mod_mpm_${mpm}.so\"\n"
        . "LoadModule sence_module \"$mods/mod_sence.so\"\nNoSuchDirective x\n";
    close $fh;
    ($rc, undef, $err) = ctl('check', '--httpd', $httpd, '--apache-config', "$dir/broken.conf");
    is($rc, 2, 'a configuration that does not load: exit 2');
    like($err, qr/NoSuchDirective|Invalid command/, '... httpd\'s message shown');
}

# ---- Moodle courses: the CodigoCurso from the course's ID number in Moodle's database ----------
SKIP: {
    my $db = $ENV{SENCE_MOODLE_SQLITE};
    skip 'the Moodle courses from SQLite (SENCE_TEST_DB=sqlite only)', 8
        unless ($ENV{SENCE_TEST_DB} // 'sqlite') eq 'sqlite' && $db && -r $db;
    my $mc = "$dir/moodle.conf";
    open(my $fh, '>', $mc) or die;
    print $fh <<"EOF";
ServerRoot "$dir"
DefaultRuntimeDir "$dir"
Listen 127.0.0.1:$closed
LoadModule mpm_${mpm}_module "$libexec/mod_mpm_${mpm}.so"
LoadModule authz_core_module "$libexec/mod_authz_core.so"
LoadModule dbd_module "$libexec/mod_dbd.so"
LoadModule socache_shmcb_module "$libexec/mod_socache_shmcb.so"
LoadModule sence_module "$mods/mod_sence.so"
PidFile "$dir/moodle.pid"
ErrorLog "$dir/moodle-error.log"
ServerName 127.0.0.1
SencePublicURL https://127.0.0.1:$closed
SenceRutOtec $RUT
SenceTokenFile "$dir/token-a"
SenceEndpoint $BASE
DBDriver sqlite3
DBDParams "$db"
SenceMoodleCourse 2 1234567890
SenceMoodleCourse WORD-BAS 2234567890
SenceMoodleCourse LIBRE 2234567890
SenceMoodleCourse 99 2234567890
<Location /moodle/>
    Sence On
    SenceMoodle On
    SenceLinea 3
</Location>
EOF
    close $fh;
    my ($rc, $out, $err) = ctl('check', '--httpd', $httpd, '--apache-config', $mc, '--cacert', "$dir/ca.pem");
    like($out, qr/^OK\b.*SenceMoodleCourse 2 .*CodigoCurso RLAB-19-02-08-0071-1/m,
         'Moodle course by id: its ID number read from the database, OK (208 alone)') or diag("$out\n$err");
    like($out, qr/^OK\b.*SenceMoodleCourse WORD-BAS .*CodigoCurso RLAB-20-01-01-0001-1/m,
         'Moodle course by shortname: its ID number read, OK');
    like($out, qr/^SKIPPED\b.*SenceMoodleCourse LIBRE .*no ID number.*--codigo-curso LIBRE=CODIGO/m,
         'a Moodle course without an ID number: skipped, --codigo-curso asked for');
    like($out, qr/^SKIPPED\b.*SenceMoodleCourse 99 .*no course '99'/m, 'a course Moodle does not have: skipped');
    ($rc, $out) = ctl('check', '--httpd', $httpd, '--apache-config', $mc, '--cacert', "$dir/ca.pem", '--codigo-curso', 'LIBRE=ABC');
    like($out, qr/^ERROR\b.*SenceMoodleCourse LIBRE .*CodigoCurso ABC.*\n\s+205 .*SenceMoodleCourse/m,
         '--codigo-curso: used, and the fix names SenceMoodleCourse');
    my $dump = `'$httpd' -f '$mc' -t -D DUMP_SENCE_JSON -D DUMP_SENCE_JSON_DBD 2>/dev/null`;
    push @everything, $dump;
    my ($two) = grep { ($_->{moodle_course} // '') eq '2' } @{ (eval { JSON::PP->new->decode($dump) } // {})->{courses} // [] };
    is_deeply([@{ $two // {} }{qw(dbd_driver dbd_params moodle_prefix codigo_curso)}], ['sqlite3', $db, 'mdl_', undef],
              'DUMP_SENCE_JSON with DUMP_SENCE_JSON_DBD: a Moodle course with its database');
    my $plain = `'$httpd' -f '$mc' -t -D DUMP_SENCE_JSON 2>/dev/null`;
    ($two) = grep { ($_->{moodle_course} // '') eq '2' } @{ (eval { JSON::PP->new->decode($plain) } // {})->{courses} // [] };
    like(($two // {})->{dbd_params} // '', qr/\A\(hidden/, 'DUMP_SENCE_JSON alone: DBDParams hidden');
    unlike($plain, qr/\Q$db\E/, '... nowhere in the dump');
}

# ---- usage errors -------------------------------------------------------------------------------------------
{
    my ($rc) = ctl('check', '--course', $OK_COURSE);
    is($rc, 2, '--course without --rut-otec/--token-file: exit 2');
    ($rc) = ctl('check', '--rut-otec', $RUT, '--token-file', "$dir/token-a", '--course', 'a:b');
    is($rc, 2, 'a malformed --course: exit 2');
    ($rc) = ctl('check', '--timeout', 'x');
    is($rc, 2, 'a bad --timeout: exit 2');
    my $out;
    ($rc, $out) = ctl('check', '--help');
    is($rc, 0, 'check --help: exit 0');
    like($out, qr/--production/, 'check --help documents --production');
    ($rc, $out) = ctl('--help');
    like($out, qr/check.*\n.*\n.*rut.*\n.*report.*\n.*status/s, 'sencectl --help lists the commands');
}

# ---- sencectl rut ------------------------------------------------------------------------------------------
{
    my ($rc, $out) = ctl('rut', '12.345.678-5', '10000013-K');
    is($rc, 0, 'rut: valid values, exit 0');
    like($out, qr/12\.345\.678-5 -> 12345678-5/, 'rut: normalised');
    like($out, qr/10000013-K -> 10000013-k/, 'rut: k in lower case');
    ($rc, $out) = ctl('rut', '12345678-5', '12345678-4', '12x45');
    is($rc, 1, 'rut: an invalid value, exit 1');
    like($out, qr/'12345678-4'.*check digit/, 'rut: the wrong check digit said');
    like($out, qr/'12x45'.*malformed/, 'rut: a malformed one said');
    open(my $fh, '>', "$dir/runs.txt") or die;
    print $fh "# participantes\n12.345.678-5\n\n11111111-2\n10000013-k\nabc\n";
    close $fh;
    ($rc, $out) = ctl('rut', '--file', "$dir/runs.txt");
    is($rc, 1, 'rut --file: exit 1');
    my @bad = $out =~ /:(\d+): /g;
    is_deeply(\@bad, [4, 6], 'rut --file: the line numbers of the bad ones');
    like($out, qr/4 values, 2 invalid/, 'rut --file: a summary');
    ($rc) = ctl('rut', '--file', "$dir/no-such-file");
    is($rc, 2, 'rut --file of a missing file: exit 2');
}

# ---- sencectl status against the suite's server -------------------------------------------------------------
{
    my ($rc, $out, $err) = ctl('status', url('/j-status'));
    is($rc, 0, 'status: exit 0') or diag($err);
    like($out, qr/^store: capacity \d+/m, 'status: the store');
    like($out, qr/^gated locations\n\s+server\s+path\s+environment/m, 'status: the locations table');
    like($out, qr/\/j-cierre\/\s+test\s+/, 'status: a gated location listed');
    ($rc) = ctl('status', "http://127.0.0.1:$closed/sence-status");
    is($rc, 2, 'status: unreachable, exit 2');
}

# ---- the token never shows ------------------------------------------------------------------------------------
{
    my $all = join "\n", @everything;
    for my $k (sort keys %TOKEN) {
        unlike($all, qr/\Q$TOKEN{$k}\E/i, "token '$k' never printed");
    }
}

done_testing;
