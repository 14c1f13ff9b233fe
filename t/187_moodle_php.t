# Moodle mode: requests PHP and Moodle read otherwise than a naive parser (the bypass families
# found against a real Moodle 4.4). For a gated participant each is read as PHP reads it or
# refused with 400 and a SENCE2013 log line; never served. The same spellings from a teacher,
# and the ordinary spellings of a free course, pass. Then the second line of defence: a page
# that Moodle renders as a gated course's although the first line let it through.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request;
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

reset_fixture();
my $run = '12345678-5';
my $ua = moodle_ua(user => 'alumno1');
my $prof = moodle_ua(user => 'profesor');

# refused (400, Spanish page) or the gate; never Moodle
sub not_served {
    my ($res, $name, %o) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = !reached_moodle($res) && !($res->content =~ /FAKE-MOODLE/);
    $ok &&= $res->code == 400 && $res->decoded_content =~ /Solicitud no válida/ if $o{refused};
    ok($ok, "$name: " . ($o{refused} ? 'refused (400)' : 'not served'))
        or diag($res->status_line . "\n" . substr($res->as_string, 0, 300));
}

sub raw_request {
    my ($ua, $method, $path, $ctype, $body, @h) = @_;
    my $req = HTTP::Request->new($method => url($path), [ @h, ($ctype ? ('Content-Type' => $ctype) : ()) ],
                                 $body);
    return $ua->request($req);
}

# ---- 1. names PHP rewrites: leading spaces, ' ' and '.' to '_', NUL, unclosed '[' ----------
{
    my $mark = log_mark();
    for my $q ('+id=2', '%20id=2', '++id=2', '%20%20id=2', 'i%00d=2', 'id%00x=2', 'id[=2', 'id%5B=2',
               '+id=4&+id=2', 'id.x=1&+id=2') {
        not_served($ua->request(GET url("/moodle/course/view.php?$q")), "course/view.php?$q", refused => 1);
    }
    for my $q ('+p=11', 'p.=11', '%20p=11') {
        not_served($ua->request(GET url("/moodle/mod/page/view.php?$q")), "mod/page/view.php?$q", refused => 1);
    }
    not_served($ua->request(GET url('/moodle/pluginfile.php?+file=/61/mod_page/content/1/leccion.png')),
               'pluginfile.php?+file=', refused => 1);
    for my $body ('+courseid=2&sesskey=x', '%20id=2', 'id%00=2', ' id=2') {
        not_served(raw_request($ua, POST => '/moodle/course/view.php?id=4',
                               'application/x-www-form-urlencoded', $body), "POST body '$body'", refused => 1);
    }
    my @l = wait_log($mark, qr/SENCE2013: .*course\/view\.php refused for a gated participant: a parameter name PHP rewrites/);
    ok(@l >= 1, 'SENCE2013 says what was ambiguous');
    # the same spellings from a user gated nowhere pass: only gated participants are refused
    passes_ok(moodle_ua(user => 'admin')->request(GET url('/moodle/course/view.php?+id=2')),
              'site admin, course/view.php?+id=2');
    # PHP-equal spellings PHP reads the same way are read so (no refusal needed)
    gated_ok($ua->request(GET url('/moodle/course/view.php?%69d=2')), run => $run, codes => CODES_C2,
             name => 'course/view.php?%69d=2');
    gated_ok($ua->request(GET url('/moodle/course/view.php?id=4&id=2')), run => $run, codes => CODES_C2,
             name => 'repeated id: PHP keeps the last');
    gated_ok($ua->request(GET url('/moodle/course/view.php?id[]=2')), run => $run, codes => CODES_C2,
             name => 'id[]=2 (an array: Moodle reads its elements)');
}

# ---- 2. file paths Moodle cleans (PARAM_PATH) --------------------------------------------------
{
    for my $p ('/moodle/pluginfile.php/6:1/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php/%5C61/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php/61%5C/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php/%3A61/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php/6%7F1/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php/61%22/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php?file=/6:1/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php?file=//61/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php?file=/./61/mod_page/content/1/leccion.png',
               '/moodle/pluginfile.php?file=%5C61/mod_page/content/1/leccion.png',
               '/moodle/webservice/pluginfile.php/6:1/mod_page/content/1/leccion.png?token=wstokenalumno1',
               '/moodle/tokenpluginfile.php/filekeyalumno1/6:1/mod_page/content/1/leccion.png') {
        not_served($ua->request(GET url($p)), $p, refused => 1);
    }
    # read as Moodle reads them
    gated_ok($ua->request(GET url('/moodle/pluginfile.php/moodle/pluginfile.php/61/mod_page/content/1/leccion.png')),
             run => $run, codes => CODES_C2, name => 'PATH_INFO repeating the script name');
    my $res = new_ua()->request(GET url('/moodle/tokenpluginfile.php/filekey:alumno1/61/mod_page/content/1/leccion.png'));
    is($res->code, 403, 'tokenpluginfile with ":" in the key: the key Moodle reads, a student: 403');
    ok(!reached_moodle($res), '... Moodle not reached');
    $res = new_ua()->request(GET url('/moodle/webservice/pluginfile.php/61/mod_page/content/1/leccion.png?token=wstoken-alumno1'));
    is($res->code, 403, 'webservice/pluginfile token with "-": PARAM_ALPHANUM, a student: 403');
}

# ---- 3. the session cookie as PHP decodes it -----------------------------------------------------
{
    my $enc = join '', map { sprintf '%%%02X', ord } split //, 'sid-alumno1';
    for my $c ("MoodleSession=$enc", 'MoodleSession=%73id-alumno1', 'MoodleSession=sid%2Dalumno1',
               "a=1;MoodleSession=%73id-alumno1") {
        my $res = new_ua()->request(GET url('/moodle/course/view.php?id=2'), Cookie => $c);
        not_served($res, "Cookie: $c", refused => 1);
    }
    # PHP's reading: name[...] makes $_COOKIE[name] an array, no session: Moodle's login page
    my $res = new_ua()->request(GET url('/moodle/course/view.php?id=2'),
                                Cookie => 'MoodleSession=sid-alumno1; MoodleSession[x]=1');
    ok(reached_moodle($res) && echo_of($res)->{cookie} =~ /MoodleSession\[x\]/,
       'MoodleSession and MoodleSession[x]: no session for PHP, left to Moodle (its login)');
    # PHP's reading: ';' only; the first of two wins; leading blanks dropped
    gated_ok(new_ua()->request(GET url('/moodle/course/view.php?id=2'), Cookie => " \tMoodleSession=sid-alumno1"),
             run => $run, codes => CODES_C2, name => 'Cookie with leading blanks');
    gated_ok(new_ua()->request(GET url('/moodle/course/view.php?id=2'),
                               Cookie => 'MoodleSession=sid-alumno1; MoodleSession=sid-profesor'),
             run => $run, codes => CODES_C2, name => 'two MoodleSession cookies: the first is PHP\'s');
    passes_ok(new_ua()->request(GET url('/moodle/course/view.php?id=2'),
                                Cookie => 'MoodleSession=sid-profesor; MoodleSession=sid-alumno1'),
              'two MoodleSession cookies, the teacher\'s first');
}

# ---- 4. bodies PHP reads otherwise ---------------------------------------------------------------
{
    my $form = 'application/x-www-form-urlencoded';
    not_served(raw_request($ua, POST => '/moodle/course/view.php?id=4', $form, "x=%00&id=2"),
               'x=%00&id=2', refused => 1);
    not_served(raw_request($ua, POST => '/moodle/course/view.php?id=4', $form, "x=\0&id=2"),
               'a literal NUL byte', refused => 1);
    my $mp = sub {
        my ($disp) = @_;
        return "--B0undary\r\nContent-Disposition: $disp\r\n\r\n2\r\n--B0undary--\r\n";
    };
    for my $case (['multipart/form-data; boundary=B0undary', $mp->('form-data; name=id'), 'name=id unquoted'],
                  ['multipart/form-data; boundary=B0undary', $mp->("form-data; name='id'"), "name='id'"],
                  ['multipart/form-data; boundary=B0undary', $mp->('form-data; name="id"; name="x"'), 'two names'],
                  ['multipart/form-data; boundary=B0undary', $mp->('form-data;name="id"'), 'no space'],
                  ['multipart/form-data; boundary=B0undary; boundary=other', $mp->('form-data; name="id"'), 'two boundary parameters'],
                  ['multipart/form-data; boundary=B0undary,x', $mp->('form-data; name="id"'), 'boundary=real,x'],
                  ['multipart/form-data; boundary="B0undary', $mp->('form-data; name="id"'), 'unclosed quote'],
                  ['multipart/form-data; xboundary=B0undary', $mp->('form-data; name="id"'), 'xboundary='],
                  ['multipart/form-data; boundary=B0undary',
                   "preamble\r\n" . $mp->('form-data; name="id"'), 'a preamble'],
                  ['multipart/form-data; boundary=B0undary',
                   "--B0undary\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\n--B0undary\r\n"
                   . "Content-Disposition: form-data; name=\"id\"\r\n\r\n2\r\n--B0undary--\r\n", 'LF before a boundary'],
                  ['multipart/form-data; boundary=B0undary', $mp->('form-data; name=" id"'), 'name " id"']) {
        my ($ct, $body, $what) = @$case;
        not_served(raw_request($ua, POST => '/moodle/course/view.php?id=4', $ct, $body),
                   "multipart: $what", refused => 1);
    }
    # as browsers write it: read, and gated
    my $res = $ua->request(POST url('/moodle/course/view.php?id=4'), Content_Type => 'form-data',
                           Content => [sesskey => 'x', id => 2]);
    is($res->code, 403, 'multipart as browsers write it, naming course 2: 403');
    $res = $prof->request(POST url('/moodle/course/view.php?id=4'), Content_Type => 'form-data',
                          Content => [sesskey => 'x', id => 2]);
    passes_ok($res, 'the teacher posts the same');
}

# ---- 5. JSON numbers and strings as PARAM_INT reads them ---------------------------------------
{
    my @x = ('Content-Type' => 'application/json', 'X-Requested-With' => 'XMLHttpRequest');
    for my $v ('2', '20e-1', '0.2e1', '2.0', '2E0', '"2"', '" 2"', '"2abc"', '[2]') {
        my $json = qq{[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":$v}}]};
        my $res = $ua->request(POST url('/moodle/lib/ajax/service.php?sesskey=x'), @x, Content => $json);
        ok(!reached_moodle($res) && $res->code =~ /^40[01]$/, "AJAX courseid $v: not served (" . $res->code . ')');
    }
    for my $json ('[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":4,"courseid":2}}]',
                  '[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":4}},]',
                  qq{[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":4}}]\0},
                  '[{"index":0,"methodname":"core_courseformat_get_state!","args":{"courseid":4}}]') {
        my $res = $ua->request(POST url('/moodle/lib/ajax/service.php?sesskey=x'), @x, Content => $json);
        not_served($res, "AJAX " . substr($json, 60, 30), refused => 1);
    }
    my $ok = '[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":4}}]';
    passes_ok($ua->request(POST url('/moodle/lib/ajax/service.php?sesskey=x'), @x, Content => $ok),
              'AJAX courseid 4 (free course)');
}

# ---- 6 and 7: the right id for the right script, content by other ids ----------------------------
{
    gated_ok($ua->request(GET url('/moodle/mod/book/tool/print/index.php?id=201')), run => $run,
             codes => CODES_C2, name => 'book print: id is a module');
    passes_ok($ua->request(GET url('/moodle/mod/book/tool/print/index.php?id=401')),
              'book print: module 401 of the free course', '/moodle/mod/book/tool/print/index.php?id=401');
    gated_ok($ua->request(GET url('/moodle/mod/forum/user.php?id=401')), run => $run, codes => CODES_C2,
             name => 'forum/user.php: id is a user, every course');
    for my $p ('/moodle/mod/forum/discuss.php?d=701', '/moodle/mod/glossary/showentry.php?eid=901',
               '/moodle/mod/quiz/attempt.php?attempt=1001', '/moodle/mod/quiz/summary.php?attempt=1001') {
        gated_ok($ua->request(GET url($p)), run => $run, codes => CODES_C2, name => $p);
    }
    my $ws = '/moodle/webservice/rest/server.php?moodlewsrestformat=json';
    for my $fn (['mod_forum_get_discussion_posts', discussionid => 701],
                ['mod_page_get_pages_by_courses'],
                ['mod_quiz_get_attempt_data', attemptid => 1001],
                ['core_calendar_get_calendar_upcoming_view'],
                ['block_recentlyaccesseditems_get_recent_items'],
                ['mod_page_get_pages_by_courses', 'courseids[0]' => 4]) {
        my ($name, @args) = @$fn;
        my $res = new_ua()->request(POST url($ws), [wstoken => 'wstokenalumno1', wsfunction => $name, @args]);
        if ($name eq 'mod_page_get_pages_by_courses' && @args) {
            passes_ok($res, "web service $name of the free course");
        }
        else {
            is($res->code, 403, "web service $name: 403");
            ok(!reached_moodle($res), "... Moodle not reached");
        }
    }
    my $res = new_ua()->request(POST url('/moodle/webservice/rest/simpleserver.php'),
                                [wsusername => 'alumno2', wspassword => 'x', wsfunction => 'mod_page_get_pages_by_courses']);
    is($res->code, 403, 'simpleserver.php: wsusername names the user');
}

# ---- URLs mod_rewrite changed: read as asked and as PHP gets them ---------------------------------
{
    gated_ok($ua->request(GET url('/moodle/c/2')), run => $run, codes => CODES_C2,
             name => 'a friendly URL rewritten to course/view.php?id=2');
    passes_ok($ua->request(GET url('/moodle/c/4')), 'the same for the free course 4',
              '/moodle/c/4');
    gated_ok($ua->request(GET url('/moodle/mod/page/view.php?id=201&static=1')), run => $run,
             codes => CODES_C2, name => 'a page URL of course 2 rewritten to a static file');
    my $res = moodle_ua(user => 'admin')->request(GET url('/moodle/mod/page/view.php?id=201&static=1'));
    ok($res->code == 200 && $res->content =~ /STATIC-PAGE/, '... which a site admin gets');
}

# ---- the second line: Moodle's body tag names a gated course the first line did not see --------
{
    my $mark = log_mark();
    my $res = $ua->request(GET url('/moodle/my/index.php?fake_body_course=2'));
    gated_ok($res, run => $run, codes => CODES_C2, name => 'a site page rendered as course 2');
    unlike($res->content, qr/FAKE-MOODLE|page-course-view/, '... none of the page reaches the browser');
    my @l = wait_log($mark, qr/SENCE2014: missed reading: GET \/moodle\/my\/index\.php\?fake_body_course=2 is a page of gated course 2/);
    ok(@l == 1, '... logged as a missed reading (SENCE2014)');
    $res = $ua->request(GET url('/moodle/my/index.php?fake_body_course=4'));
    ok($res->code == 200 && $res->content =~ /FAKE-MOODLE/ && $res->content =~ /course-4 /,
       'a page of the free course passes whole') or diag($res->status_line);
    $res = $prof->request(GET url('/moodle/my/index.php?fake_body_course=2'));
    ok($res->code == 200 && $res->content =~ /FAKE-MOODLE/,
       'teacher of course 2, student of course 3 without a session: course 2\'s page passes');
    $res = $prof->request(GET url('/moodle/my/index.php?fake_body_course=3'));
    gated_ok($res, run => '10000013-k', codes => CODES_C3, name => '... course 3\'s page does not');
    $res = moodle_ua(user => 'admin')->request(GET url('/moodle/my/index.php?fake_body_course=2'));
    ok($res->code == 200 && $res->content =~ /FAKE-MOODLE/, 'a site admin gets the page');
    $res = $ua->request(GET url('/moodle/my/index.php?fake_body_course=2'), 'X-Requested-With' => 'XMLHttpRequest');
    is($res->code, 401, 'an XHR answer of course 2 without a session: 401');
    unlike($res->content, qr/FAKE-MOODLE/, '... without the page');
}

done_testing;
