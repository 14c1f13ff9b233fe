# Real Moodle: nothing of a gated course reaches a student without a SENCE session.
#
# 1. Crawl: the student WITH a SENCE session (alumno on A, alumno2 on B) collects every
#    same-host link, form action, img/script src and pluginfile URL reachable from the course
#    page and its activities (breadth-first, depth 2, at most 150 URLs for A, 90 for B;
#    SENCE_REAL_MAX_URLS changes it).
# 2. Replay: a second browser, the same student freshly logged in to Moodle WITHOUT a SENCE
#    session, requests every collected URL: no answer may carry a MARK-A-/MARK-B- marker.
# 3. Bypass families (PHP name mangling, PATH_INFO, cookie encoding, bodies, JSON numbers,
#    other ids, AJAX, web services, calendar...): each request is sent (a) by the browser
#    WITH the session (positive control: must show A's markers), (b) for the open course C by
#    the browser without session (control: Moodle understands this spelling: FREE-C markers),
#    and (c) for A by the browser WITHOUT the session: no marker allowed. Requests for which
#    neither control shows content are listed at the end (their negative check proves little).
use strict;
use warnings;
use Test::More;
use HTTP::Request ();
use HTTP::Request::Common qw(GET POST);
use HTML::LinkExtor ();
use URI ();
use URI::Escape qw(uri_escape uri_unescape);
use LWP::UserAgent ();
use JSON::PP ();
use RealMoodle;

my $ids = IDS;
# At most this many URLs per course (B mirrors A: fewer).
my %MAX_URLS = (A => $ENV{SENCE_REAL_MAX_URLS} // 150, B => int(($ENV{SENCE_REAL_MAX_URLS} // 150) * 0.6));
my $host = URI->new(BASE)->host_port;
my %student = (A => 'alumno', B => 'alumno2');
my (@leaks, @nocontrol, @catalogue);

# The markers of a response that count as leaks. A course's summary is catalogue information
# Moodle shows to every user who may browse courses (front page, course search, enrolment
# page): it is listed apart (@catalogue), not counted as a leak.
# The dashboard (allow-listed) shows by design, in its calendar block, the names of upcoming
# events of every course (assignment and quiz deadlines): names, never their text. Those are
# listed apart too; any other marker on the dashboard is a leak.
sub leaks_of {
    my ($res, $what) = @_;
    my @all = leak_markers($res);
    my $dash = ($res->request ? $res->request->uri->path : '') =~ m{\A/my/(?:index\.php)?\z};
    my $listing = $dash ? qr/-course-summary-|-(?:event|assign|quiz)-name-/ : qr/-course-summary-/;
    my @cat = grep { $_ =~ $listing } @all;
    push @catalogue, "$what: @cat" if @cat;
    return grep { $_ !~ $listing } @all;
}

# ---- crawl -------------------------------------------------------------------------------
# URLs never requested: they log out, change state or are shared static assets (the theme,
# Moodle's JavaScript loaders; t/real/30_open.t requests some of those).
my $skip = qr{
    /login/logout\.php | [?&]sesskey= | /login/ | /admin/ | /course/switchrole\.php
  | /mod/quiz/(?:startattempt|processattempt)\.php | /course/(?:mod|edit|editsection|jumpto)\.php
  | /theme/(?:styles|image|font|yui_combo|javascript)\.php | /lib/(?:javascript|requirejs)\.php
  | /lib/ajax/ | /theme/yui_combo\.php | /pix/ | /user/(?:edit|editadvanced|selector)
  | /message/ | /user/managetoken | /user/(?:portfolio|repository|forum|calendar|language|contentbank)\.php
  | /enrol/ | /badges/mybadges | /user/preferences\.php | /my/courses\.php | [?&]edit=on | [?&]action=(?:edit|delete|add)
}x;

sub links_of {
    my $res = shift;
    return () unless ($res->header('Content-Type') // '') =~ m{text/html};
    my @out;
    my $p = HTML::LinkExtor->new(sub {
        my ($tag, %a) = @_;
        for my $attr (qw(href src action data-url)) {
            push @out, $a{$attr} if defined $a{$attr};
        }
    }, $res->base);
    $p->parse($res->decoded_content // '');
    $p->eof;
    # URLs in inline JSON / data attributes (pluginfile links in M.cfg or templates).
    my $html = $res->decoded_content // '';
    while ($html =~ m{(\Q${\ BASE}\E/(?:webservice/)?pluginfile\.php/[^"'\s<>\\]+)}g) { push @out, $1 }
    return @out;
}

sub normalise {
    my $u = shift;
    my $uri = URI->new($u)->canonical;
    return undef unless $uri->scheme && $uri->scheme =~ /\Ahttps?\z/ && $uri->host_port eq $host;
    $uri->fragment(undef);
    my $s = $uri->as_string;
    return undef if $s =~ $skip;
    return undef unless $uri->path =~ m{\.php(?:/|\z)|/\z};
    return $s;
}

sub crawl {
    my ($ua, $key) = @_;
    my $c = $ids->{courses}{$key};
    my @queue = map { [url($_), 0] } ("/course/view.php?id=$c->{id}",
        map({ "/mod/$_/view.php?id=$c->{mods}{$_}{cmid}" } grep { $_ ne 'label' } sort keys %{ $c->{mods} }),
        map({ "/pluginfile.php$c->{mods}{$_}{file}" } grep { $c->{mods}{$_}{file} } sort keys %{ $c->{mods} }));
    my (%seen, @order);
    $seen{ $_->[0] } = 1 for @queue;
    while (my $item = shift @queue) {
        my ($u, $depth) = @$item;
        last if @order >= $MAX_URLS{$key};
        my $res = fetch($ua, $u);
        my @m = grep { /\AMARK-$key-/ } markers_in($res);
        push @order, { url => $u, code => $res->code, markers => \@m, gate => is_gate($res) };
        # a redirect's target is a URL of its own
        next if $depth >= 2;
        for my $l (links_of($res)) {
            my $n = normalise($l) // next;
            next if $seen{$n}++;
            push @queue, [$n, $depth + 1];
        }
    }
    return @order;
}

# ---- the two browsers per student ----------------------------------------------------------
my %with;       # browser with a SENCE session for the course
my %without;    # same user, fresh Moodle login, no SENCE session
my %sesskey;    # sesskey of each browser
for my $key (qw(A B)) {
    my $user = $student{$key};
    my $c = $ids->{courses}{$key};
    my $w = new_browser();
    moodle_login($w, $user) or BAIL_OUT("cannot log in as $user");
    my $course = sence_roundtrip($w, "/course/view.php?id=$c->{id}", $ids->{users}{$user}{idnumber},
                                 name => "$user: SENCE round trip for course $key")
        or BAIL_OUT("no SENCE session for $user on $key: the leak checks would prove nothing");
    $sesskey{"with$key"} = sesskey_of($course);
    # alumno2 (course B) is a student of A too: a session for A as well, so that the crawl of
    # B, which reaches A through the navigation, sees A's content instead of the gate.
    if ($key eq 'B') {
        my $a = $ids->{courses}{A};
        sence_roundtrip($w, "/course/view.php?id=$a->{id}", $ids->{users}{$user}{idnumber},
                        name => "$user: SENCE round trip for course A too");
    }
    $with{$key} = $w;
    my $wo = new_browser();
    my $dash = moodle_login($wo, $user) or BAIL_OUT("cannot log in as $user (second browser)");
    $sesskey{"without$key"} = sesskey_of($dash);
    $without{$key} = $wo;
    ok(is_gate(fetch($wo, "/course/view.php?id=$c->{id}")), "$user, second browser: course $key is gated");
}

# ---- 1+2: crawl with the session, replay without ---------------------------------------------
for my $key (qw(A B)) {
    my @pages = crawl($with{$key}, $key);
    my %found = map { $_ => 1 } map { @{ $_->{markers} } } @pages;
    my @gated = grep { $_->{gate} } @pages;
    note(sprintf "crawl of %s as %s: %d URLs, %d with markers, %d distinct markers", $key, $student{$key},
         scalar @pages, scalar(grep { @{ $_->{markers} } } @pages), scalar keys %found);
    ok(@pages >= 30, "crawl of $key: at least 30 URLs (" . scalar(@pages) . ')');
    is(scalar @gated, 0, "crawl of $key with a SENCE session: never the gate page")
        or diag(join "\n", map { short_url($_->{url}) } @gated);
    # Content of each kind must be reachable, or the replay below proves nothing for it.
    for my $what (qw(page-content page-svg resource-file discussion-message post-reply chapter1-content
                     glossary-definition question-text assign-intro label-text url-intro section1-summary)) {
        my $m = $ids->{markers}{$key}{$what};
        ok($found{$m}, "crawl of $key with a SENCE session shows $m");
    }
    my @missing = grep { !$found{$_} } sort values %{ $ids->{markers}{$key} };
    note("markers of $key the crawl did not see: @missing") if @missing;

    for my $p (@pages) {
        my $res = fetch($without{$key}, $p->{url});
        my @l = leaks_of($res, 'GET ' . short_url($p->{url}));
        my $name = sprintf 'crawl %s, no SENCE session: %s (with session: %d, %d markers) -> %s', $key,
            short_url($p->{url}), $p->{code}, scalar @{ $p->{markers} }, is_gate($res) ? 'gate' : $res->code;
        ok(!@l, $name) or do {
            diag("LEAK: GET " . short_url($p->{url}) . ' -> ' . status_line($res) . ": @l");
            push @leaks, 'GET ' . short_url($p->{url}) . ' -> ' . $res->code . ": @l[0 .. ($#l < 2 ? $#l : 2)]";
        };
    }
}

# ---- 3: bypass families ----------------------------------------------------------------------
my $A = $ids->{courses}{A};
my $C = $ids->{courses}{C};
my $alumno = $ids->{users}{alumno};

# A request for course $k ('A' or 'C') from a browser context $x (sesskey, cookie...).
# Each family entry: [name, sub ($k, $x) -> HTTP::Request | list of them].
sub ctx_of {
    my ($k) = @_;
    return $ids->{courses}{$k};
}
sub form_post {
    my ($path, $body, $ct) = @_;
    return HTTP::Request->new(POST => url($path),
        ['Content-Type' => $ct // 'application/x-www-form-urlencoded'], $body);
}
sub ajax {
    my ($x, $method, $args, $raw) = @_;
    my $json = $raw // JSON::PP->new->canonical->encode([{ index => 0, methodname => $method, args => $args }]);
    return HTTP::Request->new(POST => url("/lib/ajax/service.php?sesskey=$x->{sesskey}&info=$method"),
        ['Content-Type' => 'application/json', 'X-Requested-With' => 'XMLHttpRequest'], $json);
}
sub ws {
    my ($fn, %p) = @_;
    my $q = join '&', map { "$_=" . uri_escape($p{$_}) } sort keys %p;
    return GET(url("/webservice/rest/server.php?wstoken=$alumno->{wstoken}&moodlewsrestformat=json&wsfunction=$fn&$q"));
}
sub multipart {
    my ($path, $ctheader, $boundary, @parts) = @_;
    my $body = '';
    while (my ($disp, $val) = splice @parts, 0, 2) {
        $body .= "--$boundary\r\nContent-Disposition: form-data; $disp\r\n\r\n$val\r\n";
    }
    $body .= "--$boundary--\r\n";
    return HTTP::Request->new(POST => url($path), ['Content-Type' => $ctheader], $body);
}

my $uid = $alumno->{id};
my @families = (
    # -- 1. PHP name mangling (leading spaces dropped, ' ' and '.' become '_', NUL ends a name)
    ['php-names', sub { my $c = ctx_of(shift); map { GET(url("/course/view.php?$_=$c->{id}")) }
        ('+id', '%20id', '%20%20id', 'id.', 'id%00x', 'id[]', 'ID') }],
    ['php-names', sub { my $c = ctx_of(shift); GET(url("/course/view.php?id=0&id=$c->{id}")),
        GET(url("/course/view.php?id=$c->{id}.9")), GET(url("/course/view.php?id=%20$c->{id}")),
        GET(url("/course/view.php?id=0$c->{id}")), GET(url("/course/view.php?id=$c->{id}abc")) }],
    ['php-names', sub { my $c = ctx_of(shift); my $m = $c->{mods};
        GET(url("/mod/page/view.php?+p=$m->{page}{instance}")), GET(url("/mod/page/view.php?%20p=$m->{page}{instance}")),
        GET(url("/mod/page/view.php?p=$m->{page}{instance}")), GET(url("/mod/page/view.php?+id=$m->{page}{cmid}")),
        GET(url("/mod/page/view.php?id=$m->{page}{cmid}&id=")), GET(url("/mod/page/view.php?id=0&id=$m->{page}{cmid}")) }],
    ['php-names', sub { my $c = ctx_of(shift); my $m = $c->{mods};
        map { GET(url("/pluginfile.php?$_=/$m->{page}{contextid}/$m->{page}{filepath}")) } ('file', '+file', '%20file') }],
    ['php-names', sub { my $c = ctx_of(shift); map { form_post("/course/view.php", $_) }
        ("id=$c->{id}", "+id=$c->{id}", "%20id=$c->{id}", "id%00x=$c->{id}", "id.=$c->{id}&x=1") }],
    ['php-names', sub { my $c = ctx_of(shift); my $m = $c->{mods};
        form_post("/mod/page/view.php", "+id=$m->{page}{cmid}"), form_post("/mod/page/view.php?id=0", "id=$m->{page}{cmid}") }],
    ['php-names', sub { my $c = ctx_of(shift);
        GET(url("/webservice/rest/server.php?+wstoken=$alumno->{wstoken}&moodlewsrestformat=json&wsfunction=core_course_get_contents&courseid=$c->{id}")),
        GET(url("/webservice/rest/server.php?wstoken=$alumno->{wstoken}&moodlewsrestformat=json&wsfunction=core_course_get_contents&+courseid=$c->{id}")),
        form_post("/webservice/rest/server.php", "wstoken=$alumno->{wstoken}&moodlewsrestformat=json&wsfunction=core_course_get_contents&+courseid=$c->{id}"),
        form_post("/webservice/rest/server.php", "%20wstoken=$alumno->{wstoken}&moodlewsrestformat=json&wsfunction=core_course_get_contents&courseid=$c->{id}") }],

    # -- 2. PATH_INFO cleaning
    ['path-info', sub { my $c = ctx_of(shift); my @out;
        for my $mod (qw(page resource)) {
            my ($ctx, $fp) = @{ $c->{mods}{$mod} }{qw(contextid filepath)};
            push @out, map { GET(url($_)) } (
                "/pluginfile.php/$ctx/$fp", "/pluginfile.php/$ctx:5/$fp", "/pluginfile.php/%5C$ctx/$fp",
                "/pluginfile.php/pluginfile.php/$ctx/$fp", "/pluginfile.php//$ctx/$fp", "/pluginfile.php/./$ctx/$fp",
                "/pluginfile.php/0$ctx/$fp", "/pluginfile.php/+$ctx/$fp", "/pluginfile.php/%20$ctx/$fp",
                "//pluginfile.php/$ctx/$fp", "/pluginfile.php/$ctx/./$fp", "/pluginfile.php/$ctx%2F$fp",
                "/webservice/pluginfile.php/$ctx/$fp?token=$alumno->{wstoken}",
                "/webservice/pluginfile.php/$ctx:5/$fp?token=$alumno->{wstoken}",
                "/webservice/pluginfile.php/%5C$ctx/$fp?token=$alumno->{wstoken}",
                "/webservice/pluginfile.php?file=/$ctx/$fp&token=$alumno->{wstoken}",
                "/tokenpluginfile.php/$alumno->{fileskey}/$ctx/$fp",
                "/tokenpluginfile.php/$alumno->{fileskey}:1/$ctx/$fp",
                "/tokenpluginfile.php/$alumno->{fileskey}/$ctx:5/$fp",
                "/tokenpluginfile.php/$alumno->{fileskey}/pluginfile.php/$ctx/$fp");
        }
        @out }],

    # -- 3. cookie encoding: the browser's own MoodleSession, spelled otherwise (no jar)
    ['cookie', sub { my ($k, $x) = @_; my $c = ctx_of($k); my $sid = $x->{sid};
        my $enc = join '', map { sprintf '%%%02X', ord } split //, $sid;
        my $part = sprintf('%%%02X', ord substr($sid, 0, 1)) . substr($sid, 1);
        map { my $r = GET(url("/course/view.php?id=$c->{id}")); $r->header(Cookie => $_); $r->{nojar} = 1; $r }
            ("MoodleSession=$enc", "MoodleSession=$part", "MoodleSession=$sid", "MoodleSession=\"$sid\"",
             "MoodleSession=x; MoodleSession=$sid", "MoodleSession=$sid; MoodleSession=x",
             "moodlesession=$sid", "MoodleSession%20=$sid", " MoodleSession=$sid", "MoodleSession=$sid%00") }],

    # -- 4. bodies
    ['body', sub { my $c = ctx_of(shift); my $id = $c->{id};
        form_post('/course/view.php', "x=%00&id=$id"), form_post('/course/view.php', "x=\0&id=$id"),
        form_post('/course/view.php', "id=$id", 'application/x-www-form-urlencoded; charset=utf-8'),
        form_post('/course/view.php', "id=$id", 'Application/X-WWW-Form-URLencoded'),
        form_post('/course/view.php', "id=$id", 'text/plain'),
        multipart('/course/view.php', 'multipart/form-data; boundary=XyZ', 'XyZ', 'name=id', $id),
        multipart('/course/view.php', 'multipart/form-data; boundary=XyZ', 'XyZ', 'name="id"', $id),
        multipart('/course/view.php', 'multipart/form-data; boundary=AAA; boundary=XyZ', 'AAA', 'name="id"', $id),
        multipart('/course/view.php', 'multipart/form-data; boundary=AAA; boundary=XyZ', 'XyZ', 'name="id"', $id),
        multipart('/course/view.php', 'multipart/form-data; boundary=real,x', 'real', 'name="id"', $id),
        multipart('/course/view.php', 'multipart/form-data; boundary=real,x', 'real,x', 'name="id"', $id),
        multipart('/course/view.php', 'multipart/form-data; boundary="XyZ"', 'XyZ', "name=\"x\"", 'y', "name='id'", $id),
        multipart('/course/view.php', 'multipart/form-data; boundary=XyZ', 'XyZ', 'name="id"; filename=""', $id) }],

    # -- 5. JSON numbers in lib/ajax/service.php
    ['ajax-json', sub { my ($k, $x) = @_; my $c = ctx_of($k); my $id = $c->{id};
        my @spell = ($id, "\"$id\"", "\" $id\"", "${id}0e-1", "$id.0", "${id}e0", "$id.00001");
        push @spell, "0.${id}e1" if $id < 10;
        my $cm = $c->{mods}{page}{cmid};
        my @cmspell = ($cm, "\"$cm\"", "${cm}0e-1", "$cm.0", "${cm}e0");
        (map { ajax($x, 'core_calendar_get_calendar_upcoming_view', undef,
            qq([{"index":0,"methodname":"core_calendar_get_calendar_upcoming_view","args":{"courseid":$_,"categoryid":0}}])) } @spell),
        (map { ajax($x, 'core_course_get_course_module', undef,
            qq([{"index":0,"methodname":"core_course_get_course_module","args":{"cmid":$_}}])) } @cmspell) }],
    ['ajax-json', sub { my ($k, $x) = @_; my $c = ctx_of($k); my $m = $c->{mods};
        ajax($x, 'core_calendar_get_calendar_upcoming_view', { courseid => $c->{id}, categoryid => 0 }),
        ajax($x, 'core_calendar_get_calendar_upcoming_view', undef,
            qq([{"index":0,"methodname":"core_calendar_get_calendar_upcoming_view","args":{"courseid":"$c->{id}","categoryid":0}}])),
        ajax($x, 'core_calendar_get_calendar_day_view', { year => (localtime $c->{event_time})[5] + 1900,
            month => (localtime $c->{event_time})[4] + 1, day => (localtime $c->{event_time})[3], courseid => $c->{id}, categoryid => 0 }),
        ajax($x, 'core_calendar_get_calendar_event_by_id', { eventid => $c->{event} }),
        ajax($x, 'mod_forum_get_discussion_posts', { discussionid => $m->{forum}{discussion}, sortby => 'created', sortdirection => 'ASC' }),
        ajax($x, 'mod_forum_get_forum_discussions', { forumid => $m->{forum}{instance} }),
        ajax($x, 'mod_quiz_get_attempt_data', { attemptid => $m->{quiz}{attempt_open}, page => 0 }),
        ajax($x, 'core_course_get_course_module', { cmid => $m->{page}{cmid} }),
        ajax($x, 'mod_page_get_pages_by_courses', { courseids => [$c->{id}] }),
        ajax($x, 'block_recentlyaccesseditems_get_recent_items', { limit => 10 }),
        ajax($x, 'core_course_get_enrolled_courses_by_timeline_classification', { classification => 'all' }),
        ajax($x, 'core_course_get_courses_by_field', { field => 'id', value => $c->{id} }),
        ajax($x, 'core_calendar_get_action_events_by_course', { courseid => $c->{id} }),
        ajax($x, 'core_course_get_contents', undef,
            qq([{"index":0,"methodname":"core_course_view_course","args":{"courseid":1}},{"index":1,"methodname":"core_course_get_contents","args":{"courseid":$c->{id}}}])) }],

    # -- 6. scripts that show a course's content by another id
    ['other-ids', sub { my $c = ctx_of(shift); my $m = $c->{mods};
        map { GET(url($_)) } (
            "/mod/book/tool/print/index.php?id=$m->{book}{cmid}",
            "/mod/book/tool/print/index.php?id=$m->{book}{cmid}&chapterid=$m->{book}{chapters}[0]",
            "/mod/book/view.php?b=$m->{book}{instance}", "/mod/book/view.php?id=$m->{book}{cmid}&chapterid=$m->{book}{chapters}[1]",
            "/mod/forum/user.php?id=$uid&course=$c->{id}", "/mod/forum/user.php?id=$uid", "/mod/forum/user.php?id=$uid&mode=discussions",
            "/mod/forum/discuss.php?d=$m->{forum}{discussion}", "/mod/forum/discuss.php?d=$m->{forum}{discussion}&parent=$m->{forum}{reply}",
            "/mod/forum/discuss.php?d=$m->{forum}{discussion}&mode=1", "/mod/forum/post.php?reply=$m->{forum}{firstpost}",
            "/mod/forum/post.php?edit=$m->{forum}{reply}", "/mod/forum/view.php?f=$m->{forum}{instance}",
            "/mod/forum/search.php?id=$c->{id}&search=MARK", "/mod/forum/search.php?search=MARK",
            "/mod/glossary/showentry.php?eid=$m->{glossary}{entry}", "/mod/glossary/showentry.php?eid=$m->{glossary}{entry}&displayformat=dictionary",
            "/mod/glossary/showentry.php?concept=" . ($ids->{markers}{$c eq $A ? 'A' : 'C'}{'glossary-concept'}) . "&courseid=$c->{id}",
            "/mod/glossary/showentry.php?concept=" . ($ids->{markers}{$c eq $A ? 'A' : 'C'}{'glossary-concept'}),
            "/mod/glossary/view.php?g=$m->{glossary}{instance}", "/mod/glossary/print.php?id=$m->{glossary}{cmid}&mode=letter&hook=ALL&sortkey&sortorder&offset=0&pagelimit=200",
            "/mod/quiz/attempt.php?attempt=$m->{quiz}{attempt_open}", "/mod/quiz/attempt.php?attempt=$m->{quiz}{attempt_open}&cmid=$m->{quiz}{cmid}",
            "/mod/quiz/summary.php?attempt=$m->{quiz}{attempt_open}", "/mod/quiz/review.php?attempt=$m->{quiz}{attempt_finished}",
            "/mod/quiz/reviewquestion.php?attempt=$m->{quiz}{attempt_finished}&slot=1", "/mod/quiz/view.php?q=$m->{quiz}{instance}",
            "/mod/page/view.php?p=$m->{page}{instance}", "/mod/resource/view.php?r=$m->{resource}{instance}",
            "/mod/url/view.php?u=$m->{url}{instance}", "/mod/assign/view.php?id=$m->{assign}{cmid}&action=view",
            "/mod/page/index.php?id=$c->{id}", "/mod/forum/index.php?id=$c->{id}", "/mod/book/index.php?id=$c->{id}",
            "/mod/glossary/index.php?id=$c->{id}", "/mod/quiz/index.php?id=$c->{id}", "/mod/assign/index.php?id=$c->{id}",
            "/mod/resource/index.php?id=$c->{id}", "/mod/url/index.php?id=$c->{id}", "/course/resources.php?id=$c->{id}",
            "/course/info.php?id=$c->{id}", "/course/recent.php?id=$c->{id}", "/course/user.php?id=$c->{id}&user=$uid&mode=outline",
            "/course/user.php?id=$c->{id}&user=$uid&mode=complete", "/report/outline/user.php?id=$uid&course=$c->{id}&mode=complete",
            "/report/outline/user.php?id=$uid&course=$c->{id}&mode=outline",
            "/grade/report/user/index.php?id=$c->{id}", "/grade/report/overview/index.php?id=$c->{id}",
            "/grade/report/overview/index.php", "/user/view.php?id=$uid&course=$c->{id}", "/user/index.php?id=$c->{id}",
            "/course/search.php?search=MARK", "/course/search.php?q=MARK", "/course/search.php?search=FREE",
            "/blocks/completionstatus/details.php?course=$c->{id}", "/badges/view.php?type=2&id=$c->{id}",
            "/blog/index.php?courseid=$c->{id}", "/notes/index.php?course=$c->{id}", "/course/view.php?name=$c->{shortname}",
            "/course/view.php?idnumber=" . uri_escape($c->{idnumber} // ''), "/course/view.php?id=$c->{id}&section=1",
            "/course/view.php?id=$c->{id}&sectionid=$c->{sections}[1]", "/course/section.php?id=$c->{sections}[1]",
            "/calendar/view.php?view=upcoming", "/calendar/view.php?view=upcoming&course=$c->{id}",
            "/calendar/view.php?view=day&time=$c->{event_time}", "/calendar/view.php?view=day&time=$c->{event_time}&course=$c->{id}",
            "/calendar/view.php?view=month&time=$c->{event_time}", "/calendar/view.php?view=upcoming_mini",
            "/calendar/event.php?id=$c->{event}",
            "/calendar/export_execute.php?userid=$uid&authtoken=$alumno->{calendar_authtoken}&preset_what=all&preset_time=recentupcoming",
            "/calendar/export_execute.php?userid=$uid&authtoken=$alumno->{calendar_authtoken}&preset_what=courses&preset_time=weeknext",
            "/lib/ajax/getnavbranch.php?id=$c->{id}&type=20", "/lib/ajax/getnavbranch.php?id=$c->{sections}[1]&type=30",
            "/my/", "/my/courses.php", "/user/profile.php", "/user/profile.php?id=$uid",
            "/rss/file.php/$m->{forum}{contextid}/1/mod_forum/$m->{forum}{instance}/rss.xml",
            "/mod/forum/discuss.php?d=$m->{forum}{discussion}&sesskey=x") }],
    ['other-ids', sub { my $c = ctx_of(shift); my $m = $c->{mods};
        form_post('/lib/ajax/getnavbranch.php', "elementid=x&id=$c->{id}&type=20&instance=1"),
        form_post('/lib/ajax/getnavbranch.php', "elementid=x&id=$c->{sections}[1]&type=30&instance=1") }],

    # -- 7. web services (Moodle app token; the app has no SENCE cookie)
    ['webservice', sub { my $c = ctx_of(shift); my $m = $c->{mods};
        ws('core_course_get_contents', courseid => $c->{id}),
        ws('mod_page_get_pages_by_courses', 'courseids[0]' => $c->{id}),
        ws('mod_page_get_pages_by_courses'),
        ws('mod_forum_get_discussion_posts', discussionid => $m->{forum}{discussion}),
        ws('mod_forum_get_forum_discussions', forumid => $m->{forum}{instance}),
        ws('mod_quiz_get_attempt_data', attemptid => $m->{quiz}{attempt_open}, page => 0),
        ws('mod_quiz_get_attempt_review', attemptid => $m->{quiz}{attempt_finished}),
        ws('mod_glossary_get_entry_by_id', id => $m->{glossary}{entry}),
        ws('mod_glossary_get_entries_by_letter', id => $m->{glossary}{instance}, letter => 'ALL'),
        ws('mod_book_get_books_by_courses'),
        ws('mod_assign_get_assignments'),
        ws('mod_resource_get_resources_by_courses'),
        ws('core_calendar_get_calendar_upcoming_view', courseid => $c->{id}),
        ws('core_calendar_get_calendar_events'),
        ws('core_calendar_get_calendar_event_by_id', eventid => $c->{event}),
        ws('core_enrol_get_users_courses', userid => $uid),
        ws('core_course_get_courses_by_field', field => 'id', value => $c->{id}),
        ws('core_course_get_course_module', cmid => $m->{page}{cmid}),
        ws('block_recentlyaccesseditems_get_recent_items'),
        ws('tool_mobile_get_content', component => 'mod_page', method => 'mobile_course_view', 'args[0][name]' => 'courseid', 'args[0][value]' => $c->{id}) }],
);

# The browsers' contexts: sesskey, MoodleSession value.
sub sid_of {
    my $ua = shift;
    # The MoodleSession value this browser sends (as its cookie jar would add it).
    my $req = GET(url('/my/'));
    $ua->cookie_jar->add_cookie_header($req);
    return (($req->header('Cookie') // '') =~ /(?:^|;\s*)MoodleSession=([^;]+)/)[0] // '';
}
my %x = (
    with    => { sesskey => $sesskey{withA},    sid => sid_of($with{A}) },
    without => { sesskey => $sesskey{withoutA}, sid => sid_of($without{A}) },
);
my $jarless = LWP::UserAgent->new(max_redirect => 0, timeout => 90, cookie_jar => undef,
    agent => new_browser()->agent);
$jarless->requests_redirectable([]);
sub send_req {
    my ($ua, $req) = @_;
    return $req->{nojar} ? fetch($jarless, $req) : fetch($ua, $req);
}
sub describe {
    my $req = shift;
    my $d = $req->method . ' ' . short_url($req->uri->as_string);
    if (length(my $body = $req->content // '')) {
        $body =~ s/([\x00-\x1f\x7f])/sprintf('\\x%02X', ord $1)/ge;
        $d .= ' [' . ($req->header('Content-Type') // '') . '] ' . (length $body > 120 ? substr($body, 0, 117) . '...' : $body);
    }
    $d .= ' Cookie: ' . ($req->header('Cookie') =~ s/[A-Za-z0-9]{12,}/SID/gr) if $req->{nojar};
    return $d;
}

for my $f (@families) {
    my ($family, $build) = @$f;
    my (@reqA, @reqN, @reqC);
    unless (eval { @reqA = $build->('A', $x{with}); @reqN = $build->('A', $x{without});
                   @reqC = $build->('C', $x{without}); 1 }) {
        fail("$family: building its requests");
        diag($@);
        next;
    }
    for my $i (0 .. $#reqA) {
        my $pos = send_req($with{A}, $reqA[$i]);
        my $ctl = send_req($without{A}, $reqC[$i]);
        my $neg = send_req($without{A}, $reqN[$i]);
        my @pm = grep { /\AMARK-A-/ } markers_in($pos);
        my @cm = grep { /\AFREE-C-/ } markers_in($ctl);
        my $d = describe($reqN[$i]);
        my @l = leaks_of($neg, $d);
        my $outcome = is_gate($neg) ? 'gate' : $neg->code;
        ok(!@l, "$family, no SENCE session: $d -> $outcome (with session: " . (@pm ? 'content' : $pos->code . ' no content')
           . '; course C: ' . (@cm ? 'content' : 'no content') . ')') or do {
            diag("LEAK: $d -> " . status_line($neg) . ": @l");
            push @leaks, "$d -> " . $neg->code . ": @l[0 .. ($#l < 2 ? $#l : 2)]";
        };
        push @nocontrol, "$d (with session: " . status_line($pos) . ')' unless @pm || @cm;
    }
}

if (@nocontrol) {
    note("Requests with no positive control (Moodle showed no content for A with a SENCE session, nor for C):");
    note("  $_") for @nocontrol;
}
if (@catalogue) {
    note('Listing information (course summaries; event names in the dashboard\'s calendar block), not counted as leaks, seen without a SENCE session:');
    note("  $_") for @catalogue;
}
if (@leaks) {
    diag(scalar(@leaks) . ' LEAKS (URL -> status: markers):');
    diag("  $_") for @leaks;
}
done_testing();
