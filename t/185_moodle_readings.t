# Moodle mode: requests that PHP and Moodle read as a gated course in ways the plain URL does
# not show (found by hand against a real Moodle 4.4): PARAM_INT casts, name= over id=, POST
# bodies read before the query, multipart fields, PATH_INFO, JSON lists, section pages, the
# mobile app's tokens, and bodies too long to read whole. Each must be gated.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST PUT);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

reset_fixture();
my $run = '12345678-5';
my $ua = moodle_ua(user => 'alumno1');

for my $case (
    ['/moodle/course/view.php?id=2abc',              'PARAM_INT cast of 2abc'],
    ['/moodle/course/view.php?id=%202',              'PARAM_INT cast of " 2"'],
    ['/moodle/course/view.php?id=2.0',               'PARAM_INT cast of 2.0'],
    ['/moodle/course/view.php?id=4&name=EXCEL-INT',  'name= read before id='],
    ['/moodle/course/view.php?id=4&idnumber=RLAB-19-02-08-0071-1', 'idnumber= read before id='],
    ['/moodle/mod/page/view.php?id=401&p=11',        'p= read before id='],
    ['/moodle/pluginfile.php/1/x?file=/61/mod_page/content/1/leccion.png', 'short path with ?file='],
    ['/moodle/grade/report/user/index.php?id=2',     'grade report: id is the course'],
    ['/moodle/user/index.php?id=2',                  'participants: id is the course'],
    ['/moodle/course/section.php?id=502',            'section page: id is a section of course 2'],
) {
    my ($p, $what) = @$case;
    gated_ok($ua->request(GET url($p)), run => $run, codes => CODES_C2, name => "$what ($p)");
}
passes_ok($ua->request(GET url('/moodle/course/section.php?id=601')),
          'a section of the ungated course 4 passes');

# Moodle reads the POST body before the query string.
{
    my $res = $ua->request(POST url('/moodle/course/view.php?id=4'), [id => 2, sesskey => 'x']);
    is($res->code, 403, 'form POST naming course 2 in the body: 403');
    ok(!reached_moodle($res), '... Moodle not reached');
    $res = $ua->request(POST url('/moodle/course/view.php'), Content_Type => 'form-data',
                        Content => [id => 2]);
    is($res->code, 403, 'multipart POST naming course 2: 403');
    $res = $ua->request(POST url('/moodle/pluginfile.php'), Content_Type => 'form-data',
                        Content => [file => '/61/mod_page/content/1/leccion.png']);
    is($res->code, 403, 'multipart POST to pluginfile naming a file of course 2: 403');
    $res = moodle_ua(user => 'profesor')->request(
        POST url('/moodle/course/view.php?id=4'), [id => 2, sesskey => 'x']);
    passes_ok($res, 'the teacher posts the same form');
    is(echo_of($res)->{body}, 'id=2&sesskey=x', '... and Moodle gets the body unchanged');
}

# A body longer than SenceMoodleMaxBody (1 MiB) whose readable part names no course.
{
    my $body = 'pad=' . ('x' x (2 * 1024 * 1024)) . '&id=2';
    my $res = $ua->request(POST url('/moodle/course/view.php'),
                           'Content-Type' => 'application/x-www-form-urlencoded', Content => $body);
    is($res->code, 413, 'gated participant, body too long to read whole: 413');
    ok(!reached_moodle($res), '... Moodle not reached');
    $res = moodle_ua(user => 'admin')->request(POST url('/moodle/course/view.php'),
        'Content-Type' => 'application/x-www-form-urlencoded', Content => $body);
    passes_ok($res, 'a site admin (gated nowhere): the long body passes');
    is(length(echo_of($res)->{body} // ''), length($body), '... whole, to the last byte');
}

# AJAX readings: PATH_INFO, lists of ids, course-module calls, other methods.
{
    my @x = ('Content-Type' => 'application/json', 'X-Requested-With' => 'XMLHttpRequest');
    for my $case (
        ['/moodle/lib/ajax/service.php/x?sesskey=x', POST =>
         '[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":2}}]', 'PATH_INFO'],
        ['/moodle/lib/ajax/service.php?sesskey=x', POST =>
         '[{"index":0,"methodname":"core_course_get_courses","args":{"courseids":[4,2]}}]', 'list of course ids'],
        ['/moodle/lib/ajax/service.php?sesskey=x', POST =>
         '[{"index":0,"methodname":"core_course_get_module","args":{"id":201}}]', 'core_course_get_module id'],
        ['/moodle/lib/ajax/service.php?sesskey=x', PUT =>
         '[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":2}}]', 'PUT'],
    ) {
        my ($p, $method, $json, $what) = @$case;
        my $req = $method eq 'PUT' ? PUT(url($p), @x, Content => $json) : POST(url($p), @x, Content => $json);
        my $res = $ua->request($req);
        is($res->code, 401, "AJAX $what: 401");
        ok(!reached_moodle($res), "AJAX $what: Moodle not reached");
    }
}

# The mobile app: identity by token, never a browser to send to SENCE.
{
    my $ws = '/moodle/webservice/rest/server.php?moodlewsrestformat=json';
    my $res = new_ua()->request(POST url($ws), [wstoken => 'wstokenalumno1',
                                wsfunction => 'core_course_get_contents', courseid => 2]);
    is($res->code, 403, 'app token of a student, course 2: 403');
    like($res->decoded_content // '', qr/sence_browser_required/, '... JSON says to use the browser');
    ok(!reached_moodle($res), '... Moodle not reached');
    passes_ok(new_ua()->request(POST url($ws), [wstoken => 'wstokenprofesor',
                                wsfunction => 'core_course_get_contents', courseid => 2]),
              'app token of the teacher passes');
    $res = new_ua()->request(GET url('/moodle/webservice/pluginfile.php/61/mod_page/content/1/leccion.png?token=wstokenalumno1'));
    is($res->code, 403, 'webservice/pluginfile with a student token: 403');
    $res = new_ua()->request(GET url('/moodle/tokenpluginfile.php/filekeyalumno1/61/mod_page/content/1/leccion.png'));
    is($res->code, 403, 'tokenpluginfile with a student key: 403');
    passes_ok(new_ua()->request(GET url('/moodle/webservice/pluginfile.php/61/mod_page/content/1/leccion.png?token=unknown')),
              'unknown token: left to Moodle');
}

done_testing;
