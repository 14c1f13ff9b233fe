# Real Moodle: the gate in front of course pages for each role, the SENCE round trip through
# the simulator, and the binding to the Moodle login (logout + login again: gated again).
use strict;
use warnings;
use Test::More;
use RealMoodle;

my $ids = IDS;
my ($A, $B) = @{ $ids->{courses} }{qw(A B)};
my $apath = "/course/view.php?id=$A->{id}";
my $bpath = "/course/view.php?id=$B->{id}";
my $run = $ids->{users}{alumno}{idnumber};

sub gate_fields {
    my $res = shift;
    my $f = gate_form($res) or return {};
    return { map { ($_->name // '') => $_->value } $f->inputs };
}

# ---- alumno: gated on A, round trip, content ------------------------------------------------
my $ua = new_browser();
my $dash = moodle_login($ua, 'alumno') or BAIL_OUT('cannot log in to Moodle as alumno');
my $gate = fetch($ua, $apath);
ok(is_gate($gate), "alumno, no SENCE session: $apath is the gate page") or diag(status_line($gate));
is_deeply([leak_markers($gate)], [], 'the gate page shows no marker of A');
my $g = gate_fields($gate);
is($g->{RunAlumno}, $run, 'gate: RunAlumno is alumno\'s ID number');
is($g->{CodigoCurso}, $A->{idnumber}, 'gate: CodigoCurso is course A\'s ID number');
like($g->{CodSence} // '', qr/\A\d{10}\z/, 'gate: CodSence of SENCE-A');
like($g->{UrlRetoma} // '', qr{\A\Q${\ BASE}\E/sence/retoma\z}, 'gate: UrlRetoma on this server');

my $course = sence_roundtrip($ua, $apath, $run, gate => $gate, name => 'alumno: round trip for course A');
SKIP: {
    skip 'no course page after the round trip', 3 unless $course;
    my @m = markers_in($course, qr/\AMARK-A-/);
    ok(scalar(grep { /course-summary|section1-summary/ } @m) || scalar(grep { /page-name/ } @m),
       'course A page after the round trip shows A\'s markers') or diag("markers: @m");
    my $page = fetch($ua, "/mod/page/view.php?id=$A->{mods}{page}{cmid}");
    ok(!is_gate($page) && grep({ /MARK-A-page-content/ } markers_in($page)),
       'an activity of A: no gate, content shown') or diag(status_line($page));
    my $other = fetch($ua, "/mod/book/view.php?id=$A->{mods}{book}{cmid}");
    ok(!is_gate($other) && grep({ /MARK-A-chapter1-content/ } markers_in($other)), 'the book of A: content shown')
        or diag(status_line($other));
}

# ---- logout, then log in again in the same browser: gated again -----------------------------
my $out = moodle_logout($ua, $course // $dash);
ok($out->code == 200 || $out->is_redirect, 'logout through /login/logout.php?sesskey=') or diag(status_line($out));
my $after = fetch($ua, $apath);
ok(!grep({ /MARK-A-/ } leak_markers($after)), 'logged out: course A shows no marker') or diag(status_line($after));
moodle_login($ua, 'alumno');
my $again = fetch($ua, $apath);
ok(is_gate($again), 'logged in again: course A is gated again') or diag(status_line($again));
is_deeply([leak_markers($again)], [], 'logged in again: no marker of A');

# ---- exempt users: no gate ----------------------------------------------------------------
for my $who (qw(profesor admin becario)) {
    my $b = new_browser();
    moodle_login($b, $who) or next;
    my $res = fetch($b, $apath);
    ok(!is_gate($res) && $res->code == 200, "$who: course A without the gate") or diag(status_line($res));
    ok(scalar(grep { /MARK-A-/ } markers_in($res)), "$who: course A shows its content");
}

# ---- alumno2: gated on A and on B, one session per course -------------------------------------
my $ub = new_browser();
moodle_login($ub, 'alumno2');
my $run2 = $ids->{users}{alumno2}{idnumber};
my $gb = fetch($ub, $bpath);
ok(is_gate($gb), 'alumno2: course B is gated') or diag(status_line($gb));
is(gate_fields($gb)->{CodigoCurso}, $B->{idnumber}, 'gate of B: CodigoCurso is course B\'s ID number');
isnt(gate_fields($gb)->{CodSence}, $g->{CodSence}, 'gate of B: another CodSence than A');
my $cb = sence_roundtrip($ub, $bpath, $run2, gate => $gb, name => 'alumno2: round trip for course B');
ok($cb && grep({ /MARK-B-/ } markers_in($cb)), 'course B after the round trip shows B\'s markers');
my $ga = fetch($ub, $apath);
ok(is_gate($ga), 'alumno2 with a SENCE session for B only: course A is still gated') or diag(status_line($ga));
is_deeply([leak_markers($ga)], [], 'alumno2: no marker on A\'s gate page');

done_testing();
