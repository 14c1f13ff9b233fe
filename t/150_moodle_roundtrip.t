# Moodle mode, the whole round trip through the simulator with a MoodleSession cookie; after
# it every URL family of the course opens, another course stays gated, and course AJAX passes
# with its body intact.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use Digest::MD5 qw(md5_hex);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

reset_fixture();
my $run = '12345678-5';
my $sid = login('alumno1');
my $ua = moodle_ua(sid => $sid);

my $path = '/moodle/course/view.php?id=2&section=1';
my $r = roundtrip(ua => $ua, path => $path, run => $run, codes => CODES_C2,
                  content => qr/\AFAKE-MOODLE\n/, name => 'alumno1: round trip for course 2');
ok($r->{content} && reached_moodle($r->{content}), 'course page served by Moodle after the round trip');
like($r->{gate} ? $r->{gate}->decoded_content : '', qr{<dt>Curso</dt><dd>Excel intermedio</dd>},
     "the gate page names the course as Moodle does (its full name)");
is($r->{content} && echo_of($r->{content})->{uri}, $path, 'Moodle got the original URL');
like($r->{content} ? echo_of($r->{content})->{cookie} : '', qr/\bMoodleSession=\Q$sid\E\b/,
     'Moodle still gets its session cookie');

my @c2 = (
    '/moodle/course/view.php?id=2',
    '/moodle/course/view.php?name=EXCEL-INT',
    '/moodle/mod/page/view.php?id=201',
    '/moodle/mod/resource/view.php?r=21',
    '/moodle/mod/forum/view.php?f=31',
    '/moodle/mod/url/view.php?u=41',
    '/moodle/pluginfile.php/61/mod_page/content/1/leccion.png',
    '/moodle/pluginfile.php/66/block_html/content/imagen.png',
    '/moodle/pluginfile.php?file=%2F62%2Fmod_resource%2Fcontent%2F1%2Fguia.pdf',
);
passes_ok($ua->request(GET url($_)), "with the SENCE session: $_", $_) for @c2;
# Pages not attributed to one course need every gated course's session: course 3's is missing.
for ('/moodle/calendar/view.php?course=2', '/moodle/files/index.php?contextid=65') {
    gated_ok($ua->request(GET url($_)), run => '12345678-5', codes => CODES_C3,
             name => "course 2's session only, unattributed $_: gate of course 3");
}

# Course AJAX with the session: passes, the handler gets the exact body.
{
    my $json = '[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":2}}]';
    my $res = $ua->request(POST url('/moodle/lib/ajax/service.php?sesskey=abc123&info=core_courseformat_get_state'),
                           'Content-Type' => 'application/json', 'X-Requested-With' => 'XMLHttpRequest',
                           'Sec-Fetch-Mode' => 'cors', Accept => 'application/json, text/javascript, */*; q=0.01',
                           Content => $json);
    passes_ok($res, 'AJAX courseid 2 with the session');
    my $e = echo_of($res);
    is($e->{method}, 'POST', 'AJAX: POST reached Moodle');
    is($e->{length}, length $json, 'AJAX: body length intact');
    is($e->{body}, $json, 'AJAX: body intact');

    my $big = '[{"index":0,"methodname":"core_courseformat_update_course","args":{"courseid":2,'
            . '"action":"cm_move","ids":[201,202],"pad":"' . ('ñ' x 1500) . '"}}]';
    my $bytes = $big; utf8::encode($bytes);
    $res = $ua->request(POST url('/moodle/lib/ajax/service.php?sesskey=abc123&info=core_courseformat_update_course'),
                        'Content-Type' => 'application/json; charset=utf-8', 'X-Requested-With' => 'XMLHttpRequest',
                        Content => $bytes);
    passes_ok($res, 'AJAX, 3 KB UTF-8 body, with the session');
    $e = echo_of($res);
    is($e->{length}, length $bytes, 'AJAX 3 KB: length intact');
    is($e->{md5}, md5_hex($bytes), 'AJAX 3 KB: bytes intact');
}

# Another course stays gated; its own round trip opens it.
gated_ok($ua->request(GET url('/moodle/course/view.php?id=3')), run => $run, codes => CODES_C3,
         name => 'session of course 2 does not open course 3');
roundtrip(ua => $ua, path => '/moodle/mod/page/view.php?p=12', run => $run, codes => CODES_C3,
          content => qr/\AFAKE-MOODLE\n/, name => 'alumno1: round trip for course 3 from an activity');
passes_ok($ua->request(GET url('/moodle/course/view.php?name=WORD-BAS')), 'course 3 open', '/moodle/course/view.php?name=WORD-BAS');
passes_ok($ua->request(GET url('/moodle/course/view.php?id=2')), 'course 2 still open', '/moodle/course/view.php?id=2');

# Another browser of the same Moodle user, without the SENCE cookie: gated.
gated_ok(moodle_ua(sid => login('alumno1'))->request(GET url('/moodle/course/view.php?id=2')),
         run => $run, codes => CODES_C2, name => 'same user, other browser');

# The session also holds after Moodle refreshes timemodified and after the cache TTL.
touch_session($sid);
wait_ttl();
passes_ok($ua->request(GET url('/moodle/mod/page/view.php?id=201')), 'after the cache TTL', '/moodle/mod/page/view.php?id=201');

done_testing;
