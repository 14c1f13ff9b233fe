# Callbacks posted straight to <SenceCallbackPath>/retoma: success, forged, mismatched,
# malformed, wrong method. Every rejection is logged.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);

my $run = '22222222-2';

# A fresh attempt, made in a fresh browser: the gate form's fields.
sub attempt {
    my (undef, $path) = @_;
    my $res = new_ua(run => $run)->request(GET url($path // '/curso/'));
    my ($f) = gate_form($res) or return;
    return scalar form_fields($f);
}

# Asserts a rejection: status, no cookie, an error-log line with SENCE and the reason.
sub rejected {
    my ($res, $mark, $code, $reason, $what) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($res->code, $code, "$what: $code") or diag($res->as_string);
    ok(!sence_cookies($res), "$what: no cookie");
    ok(!$res->header('Location'), "$what: no redirect");
    my @l = wait_log($mark, [qr/SENCE/, $reason]);
    ok(@l, "$what: error-log line with SENCE and $reason") or diag("log:\n" . log_since($mark));
}

# Success without any cookie on the callback (cross-site POST): 303, then content.
{
    my $ua = new_ua(run => $run);
    my $g = attempt($ua, '/curso/leccion1.html?q=%C3%B1');
    ok($g, 'attempt created') or diag('no gate page');
    my $cb_ua = new_ua(run => $run);    # another jar: nothing the gate set is sent back
    my $res = sence_callback($cb_ua, 'retoma',
        callback_fields($g, Extra => 'x', UrlRetoma => 'http://evil.example/'));
    is($res->code, 303, 'direct callback: 303') or diag($res->as_string);
    is($res->header('Location'), url('/curso/leccion1.html?q=%C3%B1'),
       'Location is the stored original URL (extra fields ignored)');
    is(scalar(my @c = sence_cookies($res)), 1, 'session cookie');
    my $page = $cb_ua->request(GET $res->header('Location') // url('/curso/'));
    like($page->decoded_content, qr/CONTENIDO-CURSO-A-LECCION-1/, 'course content with the new cookie');
    # the gate UA has no cookie: still gated
    ok(is_gate_page($ua->request(GET url('/curso/'))), 'browser without the cookie still gated');
}

my $ua = new_ua(run => $run);

# Forged / unknown IdSesionAlumno: 410.
{
    my $g = attempt($ua);
    my @c = ('A' .. 'Z', 'a' .. 'z', 0 .. 9, '-', '_');
    my $len = length($g->{IdSesionAlumno} // '') || 24;
    my $forged = join '', map { $c[rand @c] } 1 .. $len;
    for my $id ($forged, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'sesion-123') {
        my $mark = log_mark();
        my $res = sence_callback($ua, 'retoma', callback_fields($g, IdSesionAlumno => $id));
        rejected($res, $mark, 410, qr/IdSesionAlumno|unknown|desconocid|not found|no pending|expired|used/i,
                 'unknown IdSesionAlumno ' . length($id) . ' chars');
    }
    # the real attempt is untouched by the forgeries
    my $res = sence_callback(new_ua(run => $run), 'retoma', callback_fields($g));
    is($res->code, 303, 'real attempt still usable after forged callbacks');
}

# Fields differing from what the gate sent: 403, and the attempt is consumed.
for my $case (
    [RunAlumno         => '11111111-1',           qr/RunAlumno|\bRUN\b/i],
    [CodSence          => $COURSE{G1}[0],         qr/CodSence/i],
    [CodigoCurso       => $COURSE{G1}[1],         qr/CodigoCurso/i],
    [LineaCapacitacion => 1,                      qr/Linea/i],
) {
    my ($field, $value, $reason) = @$case;
    my $g = attempt($ua);
    my $mark = log_mark();
    my $res = sence_callback($ua, 'retoma', callback_fields($g, $field => $value));
    rejected($res, $mark, 403, $reason, "$field mismatch");
    $mark = log_mark();
    $res = sence_callback($ua, 'retoma', callback_fields($g));
    rejected($res, $mark, 410, qr/SENCE/, "correct callback after a $field mismatch");
    ok(is_gate_page($ua->request(GET url('/curso/'))), "no session after $field mismatch");
}

# Missing fields: 400.
for my $missing (qw(IdSesionAlumno RunAlumno CodigoCurso LineaCapacitacion)) {
    my $g = attempt($ua);
    my $f = callback_fields($g);
    delete $f->{$missing};
    my $mark = log_mark();
    my $res = sence_callback($ua, 'retoma', $f);
    rejected($res, $mark, 400, qr/\Q$missing\E|missing|falta|malformed|invalid/i, "missing $missing");
}

# Malformed bodies: 400.
for my $case (['', 'empty body'],
              ['IdSesionAlumno=%zz%&RunAlumno=%%%', 'bad percent-encoding'],
              ["\x00\x01\x02garbage", 'binary garbage']) {
    my ($body, $what) = @$case;
    my $mark = log_mark();
    my $res = sence_callback($ua, 'retoma', $body);
    rejected($res, $mark, 400, qr/SENCE/, $what);
}

# The Content-Type is a media type, not a prefix: parameters pass, anything glued to it does not.
{
    my $g = attempt($ua);
    my $body = join '&', map { "$_=" . ($g->{$_} // '') } qw(CodSence CodigoCurso IdSesionAlumno RunAlumno LineaCapacitacion);
    my $mark = log_mark();
    my $res = $ua->request(POST url(CB . '/retoma'), 'Content-Type' => 'application/x-www-form-urlencodedEVIL',
                           Content => $body);
    rejected($res, $mark, 400, qr/Content-Type/, 'Content-Type application/x-www-form-urlencodedEVIL');
    my $f = callback_fields($g);
    $res = $ua->request(POST url(CB . '/retoma'),
                        'Content-Type' => 'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
                        Content => join('&', map { "$_=$f->{$_}" } sort keys %$f));
    is($res->code, 303, 'Content-Type with a charset parameter, any case: accepted (303)')
        or diag($res->as_string);
}

# Wrong method: 405.
for my $what (qw(retoma error)) {
    my $mark = log_mark();
    my $res = $ua->request(GET url(CB . "/$what"));
    rejected($res, $mark, 405, qr/GET|method/i, "GET $what");
    like(scalar($res->header('Allow')) // '', qr/POST/, "GET $what: Allow lists POST");
}

done_testing;
