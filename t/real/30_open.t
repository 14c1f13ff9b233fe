# Real Moodle: what must keep working for a student WITHOUT a SENCE session (false
# positives): Moodle's own pages, the theme's CSS/JS/images, and the course that is not gated
# (LIBRE, course C) with every activity and file.
use strict;
use warnings;
use Test::More;
use HTML::LinkExtor ();
use HTTP::Request ();
use RealMoodle;

my $ids = IDS;
my $C = $ids->{courses}{C};
my $uid = $ids->{users}{alumno}{id};

my $ua = new_browser();
my $dash = moodle_login($ua, 'alumno') or BAIL_OUT('cannot log in as alumno');
my $html = $dash->decoded_content // '';

# ---- Moodle's own pages ---------------------------------------------------------------------
my %pages = (
    '/login/index.php'                => qr/logintoken|You are logged in as|login\/logout\.php/,
    '/my/'                            => qr/page-my-index|pagelayout-mydashboard/,
    '/my/courses.php'                 => qr/page-my-index|page-my-courses|pagelayout-mycourses/,
    '/user/profile.php'               => qr/page-user-profile/,
    "/user/profile.php?id=$uid"       => qr/page-user-profile/,
    '/user/preferences.php'           => qr/page-user-preferences/,
    '/message/index.php'              => qr/page-message-index/,
    '/course/index.php'               => qr/page-course-index/,
    '/'                               => qr/page-site-index|page-my-index/,
);
for my $p (sort keys %pages) {
    my $res = fetch($ua, $p);
    ok(!is_gate($res) && $res->code == 200 && ($res->decoded_content // '') =~ $pages{$p},
       "no SENCE session: $p is Moodle's page (" . status_line($res) . ')')
        or diag(substr($res->decoded_content // '', 0, 300));
}

# Not on the allow-list (default deny): the calendar (event descriptions of every course) and
# the grade overview (every course) are gated content of every gated course for this student.
for my $p ('/calendar/view.php?view=month', '/grade/report/overview/index.php',
           "/calendar/view.php?view=upcoming&course=$C->{id}") {
    my $res = fetch($ua, $p);
    ok(is_gate($res), "no SENCE session: $p is gated (default deny), " . status_line($res));
}

# ---- theme CSS / JS / images, Moodle's JavaScript loaders -----------------------------------
my %assets;
my $p = HTML::LinkExtor->new(sub {
    my ($tag, %a) = @_;
    for (grep { defined } @a{qw(href src)}) {
        $assets{$_} = 1 if m{/theme/(?:styles|image|font|yui_combo)\.php|/lib/(?:javascript|requirejs)\.php|/theme/javascript\.php};
    }
}, $dash->base);
$p->parse($html);
$p->eof;
my @assets = sort keys %assets;
ok(scalar(grep { m{/theme/styles\.php/} } @assets), 'the dashboard links the theme CSS (/theme/styles.php/...)');
ok(scalar(grep { m{/lib/javascript\.php/|/lib/requirejs\.php/} } @assets), 'the dashboard links Moodle JS (/lib/javascript.php/...)');
ok(scalar(grep { m{/theme/image\.php/} } @assets), 'the dashboard links a theme image (/theme/image.php/...)');
my $n = 0;
for my $a (@assets) {
    last if ++$n > 12;
    my $res = fetch($ua, $a);
    ok($res->code == 200 && !is_gate($res) && ($res->header('Content-Type') // '') !~ m{text/html},
       'no SENCE session: ' . short_url($a) . ' -> ' . $res->code . ' ' . ($res->header('Content-Type') // ''));
}
# theme CSS by its stock URL, and a font/image path with PATH_INFO
for my $a ('/theme/image.php/boost/core/1/t/edit', '/theme/styles.php/boost/1/all') {
    my $res = fetch($ua, $a);
    ok($res->code == 200 && !is_gate($res), "no SENCE session: $a -> " . status_line($res));
}

# ---- course C (not gated): page, every activity and its files -------------------------------
my $cp = fetch($ua, "/course/view.php?id=$C->{id}");
ok(!is_gate($cp) && $cp->code == 200, 'course C (not gated): its page, no gate') or diag(status_line($cp));
my @cm = markers_in($cp, qr/\AFREE-C-/);
ok(scalar(grep { /section1-summary/ } @cm), 'course C page: its section summary') or diag("markers: @cm");
ok(scalar(grep { /label-text/ } @cm), 'course C page: its label');
my %expect = (
    page     => [qw(page-content)],
    resource => [qw(resource-file)],
    forum    => [qw(forum-intro)],
    book     => [qw(chapter1-content)],
    glossary => [qw(glossary-definition)],
    quiz     => [qw(quiz-intro)],
    assign   => [qw(assign-intro)],
    url      => [qw()],
);
for my $mod (sort keys %expect) {
    my $m = $C->{mods}{$mod};
    my $res = fetch($ua, "/mod/$mod/view.php?id=$m->{cmid}");
    my @f = markers_in($res, qr/\AFREE-C-/);
    if ($mod eq 'url') {
        ok(!is_gate($res) && ($res->code == 200 || grep { m{example\.invalid} } ($res->header('Location') // '')),
           "course C: url view -> " . status_line($res));
        next;
    }
    ok(!is_gate($res) && $res->code == 200, "course C: $mod view -> " . status_line($res));
    for my $what (@{ $expect{$mod} }) {
        ok(scalar(grep { /\AFREE-C-\Q$what\E-/ } @f), "course C: $mod view shows FREE-C-$what") or diag("markers: @f");
    }
}
my $m = $C->{mods};
my %more = (
    "/pluginfile.php$m->{page}{file}"                                     => 'page-svg',
    "/pluginfile.php$m->{resource}{file}"                                 => 'resource-file',
    "/mod/forum/discuss.php?d=$m->{forum}{discussion}"                    => 'discussion-message',
    "/mod/glossary/showentry.php?eid=$m->{glossary}{entry}"               => 'glossary-definition',
    "/mod/book/tool/print/index.php?id=$m->{book}{cmid}"                  => 'chapter2-content',
    "/mod/quiz/review.php?attempt=$m->{quiz}{attempt_finished}"           => 'question-text',
    "/mod/quiz/attempt.php?attempt=$m->{quiz}{attempt_open}"              => 'question-text',
    "/webservice/pluginfile.php$m->{page}{file}?token=$ids->{users}{alumno}{wstoken}" => 'page-svg',
    "/tokenpluginfile.php/$ids->{users}{alumno}{fileskey}$m->{resource}{file}"       => 'resource-file',
    "/webservice/rest/server.php?wstoken=$ids->{users}{alumno}{wstoken}&moodlewsrestformat=json&wsfunction=core_course_get_contents&courseid=$C->{id}" => 'page-name',
);
for my $u (sort keys %more) {
    my $res = fetch($ua, $u);
    my @f = markers_in($res, qr/\AFREE-C-/);
    ok(!is_gate($res) && $res->code == 200 && grep({ /\AFREE-C-\Q$more{$u}\E-/ } @f),
       'course C: ' . short_url($u) . " shows FREE-C-$more{$u} (" . status_line($res) . ')') or diag("markers: @f");
}
# AJAX for course C
my $sk = sesskey_of($dash);
my $aj = fetch($ua, HTTP::Request->new(POST => url("/lib/ajax/service.php?sesskey=$sk&info=mod_forum_get_discussion_posts"),
    ['Content-Type' => 'application/json'],
    qq([{"index":0,"methodname":"mod_forum_get_discussion_posts","args":{"discussionid":$m->{forum}{discussion},"sortby":"created","sortdirection":"ASC"}}])));
ok($aj->code == 200 && grep({ /FREE-C-discussion-message/ } markers_in($aj)), 'course C: AJAX mod_forum_get_discussion_posts -> '
   . $aj->code) or diag(substr($aj->decoded_content // '', 0, 300));

# ---- the server's error log over the whole run: no crashed child, no emerg/alert/crit ---------
{
    my $log = $ENV{SENCE_REAL_ERRORLOG};
    ok($log && -r $log, 'the error log is readable (SENCE_REAL_ERRORLOG)');
    open my $fh, '<', $log or die "$log: $!";
    my @lines = <$fh>;
    my @bad = grep { /exit signal|Segmentation fault|\[(?:[a-z_]+:)?(?:emerg|alert|crit)\]/ } @lines;
    is(scalar @bad, 0, 'error log: no crashed child, no emerg/alert/crit line') or diag(@bad[0 .. ($#bad < 9 ? $#bad : 9)]);
    # the second line of defence never had to act: every leak it would catch is a reading to fix
    my @missed = grep { /SENCE2014/ } @lines;
    is(scalar @missed, 0, 'error log: no missed reading (SENCE2014)') or diag(@missed[0 .. ($#missed < 9 ? $#missed : 9)]);
}

done_testing();
