# Moodle mode, the participant: MoodleSession -> live mdl_sessions row -> mdl_user -> RUN.
# Visitors without a live Moodle login are left to Moodle, never sent to SENCE.
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

# ---- not logged in to Moodle: passes untouched ---------------------------------------------
passes_ok(new_ua()->request(GET url($p)), 'no MoodleSession cookie', $p);
passes_ok(moodle_ua(sid => 'sid-anon')->request(GET url($p)), 'anonymous session row (userid 0)', $p);
passes_ok(moodle_ua(sid => 'sid-guest')->request(GET url($p)), 'guest user session', $p);
passes_ok(moodle_ua(sid => 'k3v9unknown0000000000000000')->request(GET url($p)), 'sid with no row', $p);
passes_ok(moodle_ua(sid => 'sid-stale')->request(GET url($p)), 'stale row of a gated student', $p);
passes_ok(moodle_ua(sid => '')->request(GET url($p)), 'empty MoodleSession cookie', $p);
{
    # MOODLEID1_ (the login form's remembered username) is never trusted.
    my $ua = new_ua();
    set_moodle_cookie($ua, '%25F1%25BF%2594%25C3%2591alumno1', 'MOODLEID1_');
    passes_ok($ua->request(GET url($p)), 'only a MOODLEID1_ cookie', $p);
    # A cookie of another name holding a live sid is not the session cookie.
    my $ua2 = new_ua();
    set_moodle_cookie($ua2, 'sid-alumno1', 'MoodleSessionOtro');
    passes_ok($ua2->request(GET url($p)), 'live sid under another cookie name', $p);
}
{
    my $res = moodle_ua(sid => q{' OR '1'='1})->request(GET url($p));
    passes_ok($res, 'sid with SQL metacharacters', $p);
}

# ---- a logged-in student: the gate, RUN from mdl_user.idnumber -------------------------------
{
    my $res = moodle_ua(user => 'alumno1')->request(GET url($p));
    check_gate_page($res, run => '12345678-5', codes => CODES_C2, name => 'alumno1, course 2: full gate page');
    unlike($res->decoded_content // '', qr/FAKE-MOODLE/, 'gate page does not leak Moodle');
    gated_ok(moodle_ua(user => 'alumno2')->request(GET url($p)), run => '11111111-1', codes => CODES_C2,
             name => 'alumno2 (username alumno2): RUN from idnumber');
    gated_ok(moodle_ua(user => 'alumno1')->request(GET url('/moodle/course/view.php?id=3')),
             run => '12345678-5', codes => CODES_C3, name => 'alumno1, course 3 by shortname config');
}

# Bad RUN in the profile: 403, no gate form, no content.
for my $case (['alumno3', 'idnumber with a wrong check digit'], ['alumno4', 'empty idnumber']) {
    my ($u, $what) = @$case;
    my $res = moodle_ua(user => $u)->request(GET url($p));
    is($res->code, 403, "$u ($what): 403");
    ok(!is_gate_page($res), "$u: no gate form");
    ok(!reached_moodle($res), "$u: Moodle not reached");
    like(scalar($res->header('Content-Type')) // '', qr{^text/html}i, "$u: HTML page");
}

# ---- SenceMoodleRunField username (/moodle-u/) ------------------------------------------------
{
    my $pu = '/moodle-u/course/view.php?id=2';
    gated_ok(moodle_ua(user => 'alumno4')->request(GET url($pu)), run => '5126663-3', codes => CODES_C2,
             name => 'RunField username: alumno4 (username 5126663-3, empty idnumber)');
    gated_ok(moodle_ua(user => 'alumno1')->request(GET url($pu)), run => '12345678-5', codes => CODES_C2,
             name => 'RunField username: alumno1');
    my $res = moodle_ua(user => 'alumno2')->request(GET url($pu));
    is($res->code, 403, 'RunField username: username "alumno2" is not a RUN: 403');
    ok(!reached_moodle($res), '... Moodle not reached');
    passes_ok(moodle_ua(sid => 'sid-anon')->request(GET url($pu)), 'RunField username: anonymous', $pu);

    # One browser session, the two locations in quick succession: each process remembers its
    # decision per location's settings, so one location's never answers for the other.
    my $ua = moodle_ua(user => 'alumno4');
    for my $i (1 .. 3) {
        is($ua->request(GET url($p))->code, 403, "alumno4 on /moodle/ ($i): 403, RUN from the empty idnumber");
        gated_ok($ua->request(GET url($pu)), run => '5126663-3', codes => CODES_C2,
                 name => "alumno4 on /moodle-u/ right after ($i): RUN from the username");
    }
}

# ---- liveness from timemodified and mdl_config.sessiontimeout --------------------------------
{
    my $sid = login('alumno2');
    dbh()->do('UPDATE mdl_sessions SET timemodified = ? WHERE sid = ?', undef, time - 7200, $sid);
    gated_ok(moodle_ua(sid => $sid)->request(GET url($p)), run => '11111111-1',
             name => 'row 2 h old, sessiontimeout 8 h: live');

    my $sid2 = login('alumno2');
    dbh()->do('UPDATE mdl_sessions SET timemodified = ? WHERE sid = ?', undef, time - 7200, $sid2);
    dbh()->do(q{UPDATE mdl_config SET value = '3600' WHERE name = 'sessiontimeout'});
    wait_ttl();
    passes_ok(moodle_ua(sid => $sid2)->request(GET url($p)), 'row 2 h old, sessiontimeout lowered to 1 h: stale', $p);
    dbh()->do(q{UPDATE mdl_config SET value = '28800' WHERE name = 'sessiontimeout'});
    wait_ttl();

    # A fresh login never seen before is recognised at once; making it stale takes effect
    # once SenceMoodleCacheTTL has passed.
    my $sid3 = login('alumno1');
    gated_ok(moodle_ua(sid => $sid3)->request(GET url($p)), run => '12345678-5', name => 'new login: gated');
    make_stale($sid3);
    wait_ttl();
    passes_ok(moodle_ua(sid => $sid3)->request(GET url($p)), 'same sid once stale (after the cache TTL)', $p);
    touch_session($sid3);
    wait_ttl();
    gated_ok(moodle_ua(sid => $sid3)->request(GET url($p)), run => '12345678-5', name => 'touched again: gated');
}

done_testing;
