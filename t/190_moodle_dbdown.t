# Moodle mode, the database unavailable: fail closed with a Spanish 503 page, no-store, a
# "SENCE" error-log line, bounded by a timeout, never the course content.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use IO::Socket::INET ();
use Time::HiRes qw(time sleep);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

reset_fixture();
my $kind = db_kind();
my $p = '/moodle/course/view.php?id=2';

sub down_ok {
    my ($res, $secs, $name, $mark) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    subtest $name => sub {
        is($res->code, 503, 'status 503') or diag(substr($res->as_string, 0, 500));
        like(scalar($res->header('Cache-Control')) // '', qr/no-store/i, 'Cache-Control: no-store');
        ok(!reached_moodle($res), 'Moodle not reached');
        ok(!is_gate_page($res), 'no gate page');
        like(scalar($res->header('Content-Type')) // '', qr{^text/html}i, 'HTML');
        like($res->decoded_content // '', qr/no disponible|intente/i, 'Spanish text');
        ok($secs < 10, sprintf('answered in %.1f s', $secs));
        ok(wait_log($mark, qr/SENCE/), 'error-log line with SENCE') if defined $mark;
    };
}

sub timed {
    my ($ua, $u, @h) = @_;
    my $t0 = time;
    my $res = $ua->request(GET $u, @h);
    return ($res, time - $t0);
}

# A Moodle whose database is not there, and the right database with the wrong prefix.
for my $vh (qw(moodle_down moodle_prefix)) {
    for my $path ($p, '/moodle/mod/page/view.php?p=11', '/moodle/pluginfile.php/61/mod_page/content/1/x.png') {
        my $mark = log_mark();
        my ($res, $secs) = timed(moodle_ua(sid => login('alumno1')), vurl($vh, $path));
        down_ok($res, $secs, "$vh: $path", $mark);
    }
    # XHR: an error status, never the content.
    my $ua = moodle_ua(sid => login('alumno1'));
    my $res = $ua->request(POST vurl($vh, '/moodle/lib/ajax/service.php?sesskey=x&info=y'),
                           'Content-Type' => 'application/json', 'X-Requested-With' => 'XMLHttpRequest',
                           Content => '[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":2}}]');
    is($res->code, 503, "$vh: AJAX 503");
    ok(!reached_moodle($res), "$vh: AJAX not reached");
    # A teacher's request cannot be decided either: it fails closed too.
    ($res) = timed(moodle_ua(user => 'profesor'), vurl($vh, $p));
    is($res->code, 503, "$vh: teacher: 503 (roles unknown)");
    # Without a MoodleSession cookie there is nothing to look up: left to Moodle.
    ($res) = timed(new_ua(), vurl($vh, $p));
    passes_ok($res, "$vh: no MoodleSession cookie", $p);
}

# PostgreSQL only: a server that accepts the connection but never answers (bounded by
# connect_timeout=3), then the real server stopped and started again.
SKIP: {
    skip 'PostgreSQL only', 4 unless $kind eq 'pgsql';
    my $port = SenceMoodle::pg_down_port();
    my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Listen => 16, ReuseAddr => 1);
    ok($srv, "silent listener on $port") or diag("$!");
    if ($srv) {
        my $mark = log_mark();
        my ($res, $secs) = timed(moodle_ua(sid => login('alumno1')), vurl('moodle_down', $p));
        down_ok($res, $secs, 'database that never answers', $mark);
        close $srv;
    }

    my $data = $ENV{SENCE_PG_DATA};
    skip 'SENCE_PG_DATA not set: cannot stop the server', 3 unless $data && -d $data;
    my $bin = $ENV{SENCE_PG_BIN} || '/usr/lib/postgresql/15/bin';
    my $sock = $ENV{SENCE_PG_SOCKDIR} || $data;
    my $pgport = SenceMoodle::pg_port();
    my $sid = login('alumno1');
    SenceMoodle::disconnect();
    my $stopped = system("$bin/pg_ctl", '-D', $data, '-m', 'fast', '-w', 'stop') == 0;
    my $restart = sub {
        system("$bin/pg_ctl", '-D', $data, '-w', '-l', "$data/../postgresql.log",
               '-o', "-k $sock -h 127.0.0.1 -p $pgport", 'start') == 0;
    };
    ok($stopped, 'PostgreSQL stopped');
    if ($stopped) {
        my $ok = eval {
            wait_ttl();
            my $mark = log_mark();
            my ($res, $secs) = timed(moodle_ua(sid => $sid), url($p));
            down_ok($res, $secs, 'main server with PostgreSQL stopped', $mark);
            1;
        };
        my $err = $@;
        ok($restart->(), 'PostgreSQL started again');
        die $err unless $ok;
        # pooled connections are dead: a few 503s, then the gate again
        my ($res, $seen_content);
        for (1 .. 40) {
            $res = moodle_ua(sid => $sid)->request(GET url($p));
            $seen_content ||= reached_moodle($res);
            last if is_gate_page($res);
            sleep 0.25;
        }
        gated_ok($res, run => '12345678-5', codes => CODES_C2, name => 'database back: gated again');
        ok(!$seen_content, 'never the content meanwhile');
    }
    else { fail('PostgreSQL started again'); fail('database back') }
}

done_testing;
