# Moodle mode, lib/ajax/service.php: the course is only in the JSON body. Without a SENCE
# session a call naming a gated course, module or context gets 401 JSON; other calls, and
# every call that passes, reach Moodle with the body intact.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(POST);
use Digest::MD5 qw(md5_hex);
use JSON::PP ();
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

reset_fixture();
my $svc = '/moodle/lib/ajax/service.php?sesskey=Xy12abCD34&info=';

sub call {
    my ($ua, $method, $args, %o) = @_;
    my $json = $o{raw} // JSON::PP->new->canonical->encode(
        [ { index => 0, methodname => $method, args => $args } ]);
    return ($ua->request(POST url($svc . $method),
                         'Content-Type' => 'application/json', 'X-Requested-With' => 'XMLHttpRequest',
                         'Sec-Fetch-Mode' => 'cors', Accept => 'application/json, text/javascript, */*; q=0.01',
                         Content => $json), $json);
}

sub refused_ok {
    my ($res, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    subtest $name => sub {
        is($res->code, 401, 'status 401');
        like(scalar($res->header('Content-Type')) // '', qr{^application/json}i, 'Content-Type JSON');
        my $j = eval { JSON::PP->new->decode($res->content) };
        is(ref $j eq 'HASH' && $j->{error}, 'sence_session_required', 'error: sence_session_required');
        ok(!reached_moodle($res), 'Moodle not reached');
        like(scalar($res->header('Cache-Control')) // '', qr/no-store/i, 'no-store');
    };
}

sub intact_ok {
    my ($res, $json, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    subtest $name => sub {
        passes_ok($res, $name);
        my $e = echo_of($res);
        is($e->{method}, 'POST', 'POST');
        is($e->{length}, length $json, 'length');
        is($e->{md5}, md5_hex($json), 'body bytes');
    };
}

my $ua = moodle_ua(user => 'alumno1');

refused_ok((call($ua, 'core_courseformat_get_state', { courseid => 2 }))[0], 'courseid 2');
refused_ok((call($ua, 'core_courseformat_get_state', { courseid => 3 }))[0], 'courseid 3');
refused_ok((call($ua, 'core_course_get_module', { id => 201 }))[0], 'module 201');
refused_ok((call($ua, 'core_get_fragment', { contextid => 81 }))[0],
           'a function not known to be harmless, even naming course 4');
refused_ok((call($ua, 'mod_forum_get_discussion_posts', { discussionid => 701 }))[0],
           'discussion 701 of course 2');
refused_ok((call($ua, 'mod_page_get_pages_by_courses', { courseids => [] }))[0],
           'pages of every course');
refused_ok((call($ua, 'core_courseformat_get_state', { courseid => 2e0 },
                 raw => '[{"index":0,"methodname":"core_courseformat_get_state","args":{"courseid":20e-1}}]'))[0],
           'courseid 20e-1');
refused_ok((call($ua, 'core_get_fragment', { contextid => 61, component => 'mod_page' }))[0], 'contextid 61 (module)');
refused_ok((call($ua, 'core_block_fetch_addable_blocks', { contextid => 65 }))[0], 'contextid 65 (block)');
refused_ok((call($ua, 'core_get_fragment', { contextid => 20 }))[0], 'contextid 20 (course)');
refused_ok((call($ua, 'x', undef, raw =>
    '[{"index":0,"methodname":"core_fetch_notifications","args":{"contextid":1}},'
  . '{"index":1,"methodname":"core_courseformat_get_state","args":{"courseid":2}}]'))[0],
    'batch: the second call names course 2');
refused_ok((call($ua, 'core_course_get_state', { courseid => 2 }, raw =>
    qq{[\n  {\n    "index": 0,\n    "methodname": "core_courseformat_get_state",\n    "args": { "courseid" : 2 }\n  }\n]}))[0],
    'pretty-printed JSON');

# Not gated: another course, the front page, no course, an anonymous visitor, a teacher.
{
    my ($res, $json) = call($ua, 'core_courseformat_get_state', { courseid => 4 });
    intact_ok($res, $json, 'courseid 4 (not configured)');
    ($res, $json) = call($ua, 'core_courseformat_get_state', { courseid => 1 });
    intact_ok($res, $json, 'courseid 1 (front page)');
    ($res, $json) = call($ua, 'core_fetch_notifications', { contextid => 1 });
    intact_ok($res, $json, 'no course (notifications, system context)');
    ($res, $json) = call($ua, 'core_course_get_module', { id => 401 });
    intact_ok($res, $json, 'module 401 (course 4)');
    ($res, $json) = call($ua, 'core_output_load_template_with_dependencies',
                         { component => 'core', template => 'core/loading', themename => 'boost', lang => 'es' });
    intact_ok($res, $json, 'template load');
    my $pad = 'x' x 4000;
    ($res, $json) = call($ua, 'x', undef, raw =>
        qq{[{"index":0,"methodname":"core_user_update_user_preferences","args":{"preferences":[{"type":"p","value":"$pad"}]}}]});
    intact_ok($res, $json, '4 KB body without a course');
    ($res, $json) = call(moodle_ua(sid => 'sid-anon'), 'core_courseformat_get_state', { courseid => 2 });
    intact_ok($res, $json, 'anonymous visitor, courseid 2');
    ($res, $json) = call(moodle_ua(user => 'profesor'), 'core_courseformat_get_state', { courseid => 2 });
    intact_ok($res, $json, 'teacher, courseid 2');
    ($res, $json) = call(moodle_ua(user => 'becario'), 'core_course_get_module', { cmid => 201 });
    intact_ok($res, $json, 'exempt group, cmid 201');
}

# service-nologin.php is site-wide (strings, templates).
{
    my $json = '[{"index":0,"methodname":"core_get_string","args":{"stringid":"ok","component":"core"}}]';
    my $res = $ua->request(POST url('/moodle/lib/ajax/service-nologin.php?info=core_get_string'),
                           'Content-Type' => 'application/json', 'X-Requested-With' => 'XMLHttpRequest',
                           Content => $json);
    intact_ok($res, $json, 'service-nologin.php');
}

# Course in the query string of service.php: gated as on any page.
{
    my $res = $ua->request(POST url('/moodle/lib/ajax/service.php?sesskey=x&info=y&courseid=2'),
                           'Content-Type' => 'application/json', 'X-Requested-With' => 'XMLHttpRequest',
                           Content => '[]');
    is($res->code, 401, 'courseid=2 in the query string: 401');
    ok(!reached_moodle($res), '... Moodle not reached');
}

done_testing;
