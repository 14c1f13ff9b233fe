# SenceJournal outside the happy path, on private servers: a full disk (/dev/full) is an
# error-log line and the gate keeps working; a piped journal ("|command") gets the lines;
# SenceJournal only in the main server.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use IO::Socket::INET ();
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep time);
use JSON::PP ();
use SenceConf qw(:all);
use SenceServer qw(private_conf);
use SenceTest qw(new_ua is_gate_page gate_form form_fields);

my $cfg   = Apache::Test::config();
my $httpd = $cfg->{vars}{httpd} or BAIL_OUT('no httpd');
my ($COD, $CURSO, $LINEA) = @{ $COURSE{A} };

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0, ReuseAddr => 1)
        or die "no free port: $!";
    my $p = $s->sockport;
    close $s;
    return $p;
}

sub slurp { my $f = shift; open my $fh, '<', $f or return ''; local $/; return scalar(<$fh>) // '' }

# Writes a configuration in a fresh directory; returns (dir, file, port).
sub conf {
    my ($journal_line, %o) = @_;
    my $tmp = tempdir(CLEANUP => 1);
    my $port = free_port();
    my $tok = TOKEN;
    my $file = private_conf($tmp, listen => "127.0.0.1:$port", body => <<"EOC" . ($o{extra} // ''));
LogLevel warn
SencePublicURL http://localhost:$port
SenceRutOtec ${\ RUT}
SenceToken $tok
SenceEndpoint http://localhost:$port/rcetest
$journal_line
<Location /c/>
    Sence On
    SenceRun "%{HTTP:X-Test-Run}"
    SenceCodSence $COD
    SenceCodigoCurso $CURSO
    SenceLinea $LINEA
</Location>
EOC
    return ($tmp, $file, $port);
}

sub start {
    my ($tmp, $file, $port) = @_;
    my $out = `"$httpd" -f "$file" -k start 2>&1`;
    my $end = time + 10;
    while (time < $end) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 1);
        return 1 if $s && -s "$tmp/httpd.pid";
        sleep 0.1;
    }
    diag("httpd did not start: $out\n" . slurp("$tmp/error_log"));
    return 0;
}

sub stop {
    my ($tmp, $file) = @_;
    my $t0 = time;
    chomp(my $pid = slurp("$tmp/httpd.pid"));
    system($httpd, '-f', $file, '-k', 'stop');
    my $end = time + 10;
    sleep 0.1 while $pid && kill(0, $pid) && time < $end;
    note(sprintf 'stopped in %.1f s', time - $t0);
}

# ---- a full disk: /dev/full ------------------------------------------------------------
SKIP: {
    skip '/dev/full not available', 1 unless -c '/dev/full' && -w '/dev/full';
    my ($tmp, $file, $port) = conf('SenceJournal /dev/full');
    start($tmp, $file, $port) or skip 'private server did not start', 1;
    my $ua = new_ua(run => '12345678-5');
    my @codes = map { $ua->request(GET "http://127.0.0.1:$port/c/")->code } 1 .. 10;
    my $gates = grep { $_ == 200 } @codes;
    is($gates, 10, 'journal on a full disk: the gate pages still served') or diag("@codes");
    my $res = $ua->request(GET "http://127.0.0.1:$port/c/");
    ok(is_gate_page($res), '... and they are gate pages');
    stop($tmp, $file);
    my $log = slurp("$tmp/error_log");
    like($log, qr/SENCE5003.*write failed.*login_sent/, 'the failed write is an error-log line naming the event');
    my $n = () = $log =~ /SENCE5003/g;
    ok($n >= 1 && $n <= 8, "rate-limited ($n lines for 11 failures)");
    unlike($log, qr/exit signal|Segmentation fault|AH00052/, 'no child crashed');
    unlike($log, qr/\Q${\ TOKEN}\E/, 'no token in the error log');
}

# ---- a piped journal -----------------------------------------------------------------------
# "|command": spawned without a shell, like CustomLog's "|"; "|$command": through the shell,
# like CustomLog's "|$".
for my $case (['|', '"|/usr/bin/dd of=%s bs=4096 oflag=append conv=notrunc status=none"'],
              ['|$', '"|$/bin/cat >> %s"']) {
    my ($kind, $fmt) = @$case;
    SKIP: {
        my $dir = tempdir(CLEANUP => 1);
        chmod 0777, $dir;
        my $out = "$dir/piped.jsonl";
        my ($tmp, $file, $port) = conf('SenceJournal ' . sprintf($fmt, $out));
        start($tmp, $file, $port) or do { fail("SenceJournal $kind: server starts"); skip 'no server', 1 };
        my $ua = new_ua(run => '11111111-1');
        my @ids = map { form_fields(scalar gate_form($ua->request(GET "http://127.0.0.1:$port/c/")))->{IdSesionAlumno} // '' } 1 .. 3;
        my $end = time + 2;
        sleep 0.1 while time < $end && (() = slurp($out) =~ /\n/g) < 3;
        stop($tmp, $file);
        my @lines = split /\n/, slurp($out);
        is(scalar @lines, 3, "piped journal ($kind): three lines") or diag(slurp("$tmp/error_log") =~ /(.*(?:piped|AH00106|SENCE50).*)/g);
        my @j = map { my $l = $_; eval { JSON::PP->new->utf8->decode($l) } } @lines;
        is_deeply([map { $_ && $_->{event} } @j], [('login_sent') x 3], "($kind) three login_sent objects");
        is_deeply([map { $_ && $_->{id_sesion_alumno} } @j], \@ids, "($kind) in order, with the gate pages' ids");
    }
}

# ---- main server only ----------------------------------------------------------------------
{
    my ($tmp, $file) = conf('', extra => "<VirtualHost 127.0.0.1:1>\n    SenceJournal /tmp/x.jsonl\n</VirtualHost>\n");
    my $out = `"$httpd" -t -f "$file" 2>&1`;
    isnt($? >> 8, 0, 'SenceJournal in a <VirtualHost>: httpd -t fails');
    like($out, qr/SenceJournal/, '... naming the directive') or diag($out);
    ($tmp, $file) = conf('SenceJournal ""');
    $out = `"$httpd" -t -f "$file" 2>&1`;
    isnt($? >> 8, 0, 'SenceJournal "": httpd -t fails');
}

done_testing;
