# Moodle mode, binding: the SENCE session belongs to the Moodle user. Logging out of Moodle
# or into another account in the same browser never carries it over.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

reset_fixture();
my $p = '/moodle/course/view.php?id=2';
my $m = '/moodle/mod/page/view.php?id=201';
my $sid1 = login('alumno1');
my $ua = moodle_ua(sid => $sid1);
my $r = roundtrip(ua => $ua, path => $p, run => '12345678-5', codes => CODES_C2,
                  content => qr/\AFAKE-MOODLE\n/, name => 'alumno1 starts a SENCE session');
passes_ok($ua->request(GET url($m)), 'alumno1: course open', $m);

# Another account in the same browser (Moodle issues a new sid): gated at once, for that RUN.
my $sid2 = login('alumno2');
set_moodle_cookie($ua, $sid2);
my $res = $ua->request(GET url($p));
gated_ok($res, run => '11111111-1', codes => CODES_C2, name => 'alumno2 in the browser of alumno1');
ok(!reached_moodle($ua->request(GET url($m))), 'alumno2: activity not opened by the session of alumno1');

# alumno2 logs out, alumno1 logs in again (new sid): a SENCE session never outlives the Moodle
# session it was started in, not even for the same user (logging out never carries a
# SENCE session over), so alumno1 starts a new one.
logout($sid2);
my $sid3 = login('alumno1');
set_moodle_cookie($ua, $sid3);
gated_ok($ua->request(GET url($m)), run => '12345678-5', codes => CODES_C2,
         name => 'alumno1 logged in again (new Moodle session): SENCE again');

# Logout: the row is deleted. After the cache TTL the browser is anonymous for the gate: left to
# Moodle (which sends it to its login page), never the gate page.
logout($sid3);
wait_ttl();
$res = $ua->request(GET url($p));
passes_ok($res, 'after Moodle logout: left to Moodle', $p);
ok(!is_gate_page($res), 'after logout: no gate page');

# Then another user logs in in that browser: gated, the old SENCE cookie notwithstanding.
my $sid4 = login('becario');
my $sid5 = login('alumno2');
set_moodle_cookie($ua, $sid5);
gated_ok($ua->request(GET url($m)), run => '11111111-1', codes => CODES_C2, name => 'alumno2 after alumno1 logged out');

# A stale row: the same, once the cache TTL has passed.
{
    my $s = login('alumno1');
    my $u = moodle_ua(sid => $s);
    roundtrip(ua => $u, path => $m, run => '12345678-5', codes => CODES_C2,
              content => qr/\AFAKE-MOODLE\n/, name => 'alumno1 in another browser');
    make_stale($s);
    wait_ttl();
    my $x = $u->request(GET url($p));
    passes_ok($x, 'stale Moodle session: left to Moodle', $p);
    # ... and the sid is taken over by nobody else: a new account in this browser is gated
    set_moodle_cookie($u, login('profesor'));
    gated_ok($u->request(GET url('/moodle/course/view.php?id=3')), run => '10000013-k', codes => CODES_C3,
             name => 'profesor in that browser, course 3');
}

# The sid of alumno1 presented with the SENCE cookie of alumno2 (cookie jars swapped).
{
    my $a2 = moodle_ua(sid => login('alumno2'));
    roundtrip(ua => $a2, path => $p, run => '11111111-1', codes => CODES_C2,
              content => qr/\AFAKE-MOODLE\n/, name => 'alumno2 starts a SENCE session');
    my $s1 = login('alumno1');
    set_moodle_cookie($a2, $s1);
    gated_ok($a2->request(GET url($p)), run => '12345678-5', codes => CODES_C2,
             name => 'alumno1 with the SENCE cookie of alumno2');
}

done_testing;
