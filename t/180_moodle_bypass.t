# Moodle mode, ways around the gate: URLs that PHP/Moodle reads as a gated course although
# they are written differently. Each must be gated like its plain form.
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

reset_fixture();
my $run = '12345678-5';
my $ua = moodle_ua(user => 'alumno1');

for my $case (
    ['/moodle/course/view.php?id=4&id=2',            'repeated id: PHP keeps the last'],
    ['/moodle/course/view.php?id=02',                'leading zero (PARAM_INT)'],
    ['/moodle/course/view.php?id=%32',               'percent-encoded digit'],
    ['/moodle/course/view.php?%69d=2',               'percent-encoded parameter name'],
    ['/moodle/course/view.php/extra?id=2',           'path info after view.php (PHP still runs it)'],
    ['/moodle//course/view.php?id=2',                'double slash'],
    ['/moodle/course/./view.php?id=2',               'dot segment'],
    ['/moodle/course/view%2Ephp?id=2',               'percent-encoded dot in the script name'],
    ['/moodle/mod/page/view.php?id=201&foo=bar',     'extra parameters'],
    ['/moodle/mod/page/view.php?foo=1&p=11',         'instance id not first'],
    ['/moodle/pluginfile.php//61/mod_page/content/1/leccion.png', 'pluginfile with a double slash'],
    ['/moodle/pluginfile.php?forcedownload=1&file=%2F61%2Fmod_page%2Fcontent%2F1%2Fleccion.png',
                                                     'pluginfile query form, file not first'],
    ['/moodle/mod/forum/index.php?id=2',             'mod/NAME/index.php?id= is a course id'],
) {
    my ($p, $what) = @$case;
    gated_ok($ua->request(GET url($p)), run => $run, codes => CODES_C2, name => "$what ($p)");
}

# Two MoodleSession cookies: PHP uses the first one.
{
    my $res = new_ua()->request(GET url('/moodle/course/view.php?id=2'),
                                Cookie => 'MoodleSession=sid-alumno1; MoodleSession=sid-anon');
    gated_ok($res, run => $run, codes => CODES_C2, name => 'two MoodleSession cookies, the live student first');
}

# JSON that PHP's json_decode reads as a gated course.
{
    my $svc = '/moodle/lib/ajax/service.php?sesskey=x&info=core_courseformat_get_state';
    for my $case (
        ['[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":"2"}}]', 'courseid as a string'],
        ['[{"index":0,"methodname":"core_courseformat_get_state","args":{"course\u0069d":2}}]', 'escaped key'],
        ['[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":4,"courseid":2}}]',
         'repeated key: json_decode keeps the last'],
    ) {
        my ($json, $what) = @$case;
        my $res = $ua->request(POST url($svc), 'Content-Type' => 'application/json',
                               'X-Requested-With' => 'XMLHttpRequest', Content => $json);
        ok(!reached_moodle($res), "AJAX $what: Moodle not reached")
            or diag($res->status_line);
        is($res->code, $what =~ /repeated key/ ? 400 : 401,
           "AJAX $what: " . ($what =~ /repeated key/ ? '400 (PHP could read it otherwise)' : '401'));
    }
}

done_testing;
