# Moodle mode: the test database is loaded, the server runs with mod_dbd, and Moodle's
# site-wide pages (no course) pass the gate for everyone.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

my $kind = db_kind();
diag("Moodle database: $kind");
ok(SenceMoodle::reset_fixture(), "fixture loaded into $kind");

# The fixture as the tests expect it.
is(sql_value('SELECT COUNT(*) FROM mdl_course'), 4, '4 courses');
is(sql_value("SELECT idnumber FROM mdl_course WHERE shortname = 'EXCEL-INT'"), 'RLAB-19-02-08-0071-1', 'EXCEL-INT idnumber');
is(sql_value("SELECT value FROM mdl_config WHERE name = 'sessiontimeout'"), '28800', 'sessiontimeout');
is(sql_value("SELECT value FROM mdl_config WHERE name = 'siteadmins'"), '2,8', 'siteadmins');
is(sql_value('SELECT COUNT(*) FROM mdl_sessions WHERE timemodified > ?', time - 60), 11, '11 live sessions');
is(sql_value("SELECT COUNT(*) FROM mdl_sessions WHERE sid = 'sid-stale' AND timemodified < ?", time - 28800), 1,
   'one stale session');
is(sql_value("SELECT path FROM mdl_context WHERE id = 66"), '/1/20/61/66', 'block context path');
is(sql_value("SELECT firstname FROM mdl_user WHERE id = 10"), 'Héctor', 'UTF-8 survives the load');

# Session helpers.
{
    my $sid = login('alumno2');
    like($sid, qr/\A[a-v0-9]{26}\z/, 'login: a PHP-like sid');
    is(sql_value('SELECT userid FROM mdl_sessions WHERE sid = ?', $sid), 4, 'login: row for the user');
    make_stale($sid);
    ok(sql_value('SELECT timemodified FROM mdl_sessions WHERE sid = ?', $sid) < time - 28800, 'make_stale');
    touch_session($sid);
    ok(sql_value('SELECT timemodified FROM mdl_sessions WHERE sid = ?', $sid) >= time - 5, 'touch_session');
    logout($sid);
    is(sql_value('SELECT COUNT(*) FROM mdl_sessions WHERE sid = ?', $sid), 0, 'logout deletes the row');
}

# The server: mod_dbd and mod_sence loaded, the fake Moodle answers.
{
    my $list = new_ua()->request(GET url('/server-info?list'));
    like($list->decoded_content // '', qr/\bmod_dbd\.c\b/, 'mod_dbd loaded');
    like($list->decoded_content // '', qr/\bmod_socache_shmcb\.c\b/, 'mod_socache_shmcb loaded');
    my $res = new_ua()->request(GET url('/moodle/index.php?redirect=0'));
    passes_ok($res, 'front page, no cookie', '/moodle/index.php?redirect=0');
    my $e = echo_of($res);
    is($e->{method}, 'GET', 'fake Moodle echoes the method');
}

# Site-wide pages of a logged-in student pass (no course in them).
my $ua = moodle_ua(user => 'alumno1');
for my $p ('/moodle/index.php',
           '/moodle/my/index.php',
           '/moodle/my/courses.php',
           '/moodle/login/index.php',
           '/moodle/user/profile.php?id=3',
           '/moodle/course/index.php?categoryid=1',
           '/moodle/course/search.php?search=excel',
           '/moodle/theme/styles.php/boost/1700000000_1/all',
           '/moodle/theme/image.php/boost/core/1700000000/t/edit',
           '/moodle/lib/javascript.php/1700000000/lib/requirejs/require.min.js',
           '/moodle/lib/requirejs.php/1700000000/core/first.js',
           '/moodle/theme/yui_combo.php?rollup/3.18.1/yui-moodlesimple-min.js',
           '/moodle/lib/ajax/service-nologin.php?info=core_get_string&cachekey=1',
           '/moodle/message/index.php') {
    passes_ok($ua->request(GET url($p)), "alumno1 $p", $p);
}
# Not on the allow-list: the calendar shows event descriptions of every course.
gated_ok($ua->request(GET url('/moodle/calendar/view.php?view=month')), run => '12345678-5',
         codes => CODES_C2, name => 'alumno1 calendar: gated content of every gated course');

done_testing;
