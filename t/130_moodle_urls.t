# Moodle mode, the course from the URL: every URL family of a configured course is gated for
# a student; the front page, unconfigured courses, public course files and site pages are not.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET HEAD);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

reset_fixture();
my $ua = moodle_ua(user => 'alumno1');
my $run = '12345678-5';

my @c2 = (
    '/moodle/course/view.php?id=2',
    '/moodle/course/view.php?id=2&section=1',
    '/moodle/course/view.php?name=EXCEL-INT',
    '/moodle/course/view.php?idnumber=RLAB-19-02-08-0071-1',
    '/moodle/mod/page/view.php?id=201',
    '/moodle/mod/resource/view.php?id=202',
    '/moodle/mod/forum/view.php?id=203',
    '/moodle/mod/url/view.php?id=204',
    '/moodle/mod/resource/view.php?cmid=202',
    '/moodle/mod/page/view.php?p=11',
    '/moodle/mod/resource/view.php?r=21',
    '/moodle/mod/url/view.php?u=41',
    '/moodle/mod/forum/view.php?f=31',
    '/moodle/mod/forum/discuss.php?d=701',
    '/moodle/mod/forum/post.php?reply=801',
    '/moodle/mod/glossary/showentry.php?eid=901',
    '/moodle/mod/glossary/showentry.php?eid=902&courseid=2',
    '/moodle/mod/quiz/attempt.php?attempt=1001',
    '/moodle/mod/quiz/summary.php?attempt=1001',
    '/moodle/mod/quiz/review.php?attempt=1001&cmid=401',
    '/moodle/mod/forum/user.php?id=3&course=2',
    '/moodle/mod/book/tool/print/index.php?id=201',
    '/moodle/calendar/view.php?view=month&course=2',
    '/moodle/blog/index.php?courseid=2',
    '/moodle/files/index.php?contextid=20',
    '/moodle/files/index.php?contextid=61',
    '/moodle/files/index.php?contextid=65',
    '/moodle/pluginfile.php/20/course/section/1/intro.png',
    '/moodle/pluginfile.php/61/mod_page/content/1/leccion.png',
    '/moodle/pluginfile.php/62/mod_resource/content/1/guia.pdf',
    '/moodle/pluginfile.php/62/mod_resource/content/1/guia.pdf?forcedownload=1',
    '/moodle/pluginfile.php/63/mod_forum/attachment/7/adjunto.docx',
    '/moodle/pluginfile.php/65/block_html/content/imagen.png',
    '/moodle/pluginfile.php/66/block_html/content/imagen.png',
    '/moodle/pluginfile.php?file=%2F61%2Fmod_page%2Fcontent%2F1%2Fleccion.png',
    '/moodle/pluginfile.php?file=/62/mod_resource/content/1/guia.pdf',
    '/moodle/pluginfile.php?file=%2F65%2Fblock_html%2Fcontent%2Fimagen.png',
);
my @c3 = (
    '/moodle/course/view.php?id=3',
    '/moodle/course/view.php?name=WORD-BAS',
    '/moodle/course/view.php?idnumber=RLAB-20-01-01-0001-1',
    '/moodle/mod/page/view.php?id=301',
    '/moodle/mod/page/view.php?p=12',
    '/moodle/mod/resource/view.php?r=22',
    '/moodle/calendar/view.php?course=3',
    '/moodle/files/index.php?contextid=30',
    '/moodle/pluginfile.php/30/course/section/2/x.png',
    '/moodle/pluginfile.php/71/mod_page/content/1/estilos.png',
    '/moodle/pluginfile.php/73/block_html/content/x.png',
    '/moodle/pluginfile.php?file=%2F72%2Fmod_resource%2Fcontent%2F1%2Fcarta.docx',
);
my @open = (
    '/moodle/course/view.php?id=1',
    '/moodle/course/view.php?id=4',
    '/moodle/course/view.php?name=LIBRE',
    '/moodle/mod/page/view.php?id=401',
    '/moodle/mod/forum/view.php?id=402',
    '/moodle/mod/page/view.php?p=13',
    '/moodle/mod/forum/view.php?f=32',
    '/moodle/mod/forum/view.php?id=101',
    '/moodle/mod/forum/view.php?f=30',
    '/moodle/mod/forum/discuss.php?d=702',
    '/moodle/mod/forum/post.php?reply=802',
    '/moodle/mod/glossary/showentry.php?eid=902',
    '/moodle/mod/quiz/attempt.php?attempt=1002',
    '/moodle/mod/quiz/summary.php?attempt=1002&cmid=401',
    '/moodle/mod/forum/user.php?id=3&course=4',
    '/moodle/pluginfile.php/20/course/summary/portada.png',
    '/moodle/pluginfile.php/20/course/overviewfiles/portada.png',
    '/moodle/pluginfile.php/30/course/overviewfiles/portada.jpg',
    '/moodle/pluginfile.php?file=%2F20%2Fcourse%2Foverviewfiles%2Fportada.png',
    '/moodle/pluginfile.php/81/mod_page/content/1/x.png',
    '/moodle/pluginfile.php/82/mod_forum/attachment/1/x.txt',
    '/moodle/pluginfile.php/2/course/section/1/x.png',
    '/moodle/pluginfile.php/91/mod_forum/attachment/1/x.txt',
    '/moodle/pluginfile.php/1/core_admin/logocompact/300x300/1700000000/logo.png',
    '/moodle/pluginfile.php/3/coursecat/description/x.png',
    '/moodle/pluginfile.php/5/user/icon/boost/f1?rev=1',
    '/moodle/pluginfile.php/6/block_html/content/x.png',
);

# Default deny: ids that name nothing, and entry points not known to show no course content,
# are gated content of every gated course of the participant (course 2 is asked first).
my @unknown = (
    '/moodle/course/view.php?id=999',
    '/moodle/course/view.php?name=NO-EXISTE',
    '/moodle/mod/page/view.php?id=9999',
    '/moodle/calendar/view.php?course=1',
    '/moodle/calendar/view.php?course=4',
    '/moodle/calendar/view.php?view=upcoming',
    '/moodle/calendar/export_execute.php?userid=3&authtoken=x&preset_what=all&preset_time=recentupcoming',
    '/moodle/files/index.php?contextid=1',
    '/moodle/files/index.php?contextid=81',
    '/moodle/files/index.php?contextid=5',
    '/moodle/pluginfile.php/99999/mod_page/content/1/x.png',
    '/moodle/lib/ajax/getnavbranch.php?id=2&type=20',
    '/moodle/mod/forum/user.php?id=3',
    '/moodle/mod/glossary/showentry.php?concept=Celda',
    '/moodle/local/unknown/index.php',
    '/moodle/course/view',
);
gated_ok($ua->request(GET url($_)), run => $run, codes => CODES_C2, name => "unattributed: $_")
    for @unknown;
gated_ok($ua->request(GET url($_)), run => $run, codes => CODES_C2, name => "course 2: $_") for @c2;
gated_ok($ua->request(GET url($_)), run => $run, codes => CODES_C3, name => "course 3: $_") for @c3;
for my $p (@open) {
    passes_ok($ua->request(GET url($p)), "not gated: $p", $p);
}

# The gate page itself, as in core (for one URL of each kind).
check_gate_page($ua->request(GET url('/moodle/mod/page/view.php?p=11')), run => $run, codes => CODES_C2,
                name => 'instance id: full gate page');
check_gate_page($ua->request(GET url('/moodle/pluginfile.php/66/block_html/content/imagen.png')),
                run => $run, codes => CODES_C2, name => 'pluginfile of a block on a module page: full gate page');

# HEAD is gated like GET; a subresource fetch gets 401, not the page.
{
    my $h = $ua->request(HEAD url('/moodle/course/view.php?id=2'));
    is($h->code, 200, 'HEAD course page: 200 (gate)');
    ok(!$h->header('X-Fake-Moodle'), 'HEAD: Moodle not reached');
    my $img = $ua->request(GET url('/moodle/pluginfile.php/61/mod_page/content/1/leccion.png'),
                           Accept => 'image/avif,image/webp,*/*', 'Sec-Fetch-Mode' => 'no-cors',
                           'Sec-Fetch-Dest' => 'image');
    is($img->code, 401, 'image subresource of course 2: 401');
    ok(!reached_moodle($img), '... Moodle not reached');
}

# The same URLs for a teacher pass (the families are recognised, the user is exempt).
{
    my $t = moodle_ua(user => 'profesor');
    passes_ok($t->request(GET url($_)), "profesor: $_", $_)
        for ('/moodle/course/view.php?id=2', '/moodle/mod/page/view.php?id=201',
             '/moodle/mod/page/view.php?p=11', '/moodle/mod/forum/discuss.php?d=701',
             '/moodle/pluginfile.php/61/mod_page/content/1/leccion.png',
             '/moodle/pluginfile.php?file=/62/mod_resource/content/1/guia.pdf');
    # ... but, a student of course 3, not pages that name no course
    gated_ok($t->request(GET url('/moodle/files/index.php?contextid=61')), run => '10000013-k',
             codes => CODES_C3, name => 'profesor, an unknown entry point: gate of course 3');
}

done_testing;
