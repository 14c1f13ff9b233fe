# The gate: page, form fields, method and content negotiation, RUN validation.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET HEAD POST);
use URI;
use SenceConf qw(:all);
use SenceTest qw(:all);

my $run = '12345678-5';
my $ua  = new_ua(run => $run);

my $r1 = $ua->request(GET url('/curso/'));
my $g1 = check_gate_page($r1, run => $run, name => 'GET /curso/ without a session');
my $r2 = $ua->request(GET url('/curso/leccion1.html?x=1'));
my $g2 = check_gate_page($r2, run => $run, name => 'GET /curso/leccion1.html?x=1');
ok($g1 && $g2 && $g1->{IdSesionAlumno} ne $g2->{IdSesionAlumno}, 'fresh IdSesionAlumno per gate page');
unlike($r1->decoded_content, qr/CONTENIDO-CURSO-A/, 'gate page does not leak the content');
# The page says which course and which OTEC the attendance is for (the name escaped).
{
    my $html = $r1->decoded_content // '';
    my ($about) = $html =~ m{<dl class="sence-about">(.*?)</dl>}s;
    ok($about, 'gate page: the course and the OTEC are named') or diag($html);
    like($about // '', qr/código SENCE 1234567890 · código de curso RLAB-19-02-08-0071-1 · línea 3/,
         'gate page: SENCE codes and line');
    like($about // '', qr/Capacitación &lt;Prueba&gt; &amp; Cía\. \(RUT 76543210-3\)/,
         'gate page: SenceOtecName (HTML-escaped) and the OTEC\'s RUT');
}
is(scalar(my @c = sence_cookies($r1)), 0, 'gate page sets no session cookie');

# The script the page references is served (external, so a strict CSP works).
{
    my @src = SenceTest::check_page_scripts($r1);
    my ($src) = grep { /sence\.js/ } @src;
    if ($src) {
        my $js = $ua->request(GET(URI->new_abs($src, $r1->base)->as_string));
        is($js->code, 200, 'sence.js served');
        like(scalar($js->header('Content-Type')) // '', qr{javascript}i, 'sence.js content type');
    }
    else { fail('sence.js referenced') }
}

# Authorization runs before the gate answers: a refused client never sees the gate page
# (it carries the OTEC's token) nor gets a pending attempt.
{
    my $res = $ua->request(GET url('/curso/denegado/'));
    is($res->code, 403, 'Require all denied in a gated location: 403');
    unlike($res->decoded_content // '', qr/IdSesionAlumno|5F3C8A12/, 'refused client sees no gate form or token');
}

# HEAD behaves as GET.
my $h = $ua->request(HEAD url('/curso/'));
is($h->code, 200, 'HEAD: 200');
like(scalar($h->header('Cache-Control')) // '', qr/no-store/i, 'HEAD: Cache-Control: no-store');

# Non-GET without a session: 403.
for my $m (qw(POST PUT DELETE)) {
    my $req = HTTP::Request->new($m => url('/curso/'), ['Content-Type' => 'application/x-www-form-urlencoded'], 'a=1');
    my $res = $ua->request($req);
    is($res->code, 403, "$m without session: 403");
    ok(!is_gate_page($res), "$m: no gate form");
}

# XHR and JSON: 401.
{
    my $res = $ua->request(GET url('/curso/'), 'X-Requested-With' => 'XMLHttpRequest');
    is($res->code, 401, 'XHR: 401');
    ok(!is_gate_page($res), 'XHR: no gate form');
    $res = $ua->request(GET url('/curso/'), Accept => 'application/json');
    is($res->code, 401, 'Accept: application/json: 401');
    $res = $ua->request(GET url('/curso/'), Accept => 'text/html,application/xhtml+xml,application/json;q=0.9');
    is($res->code, 200, 'Accept with text/html: gate page');
    ok(is_gate_page($res), 'browser Accept gets the form');
}

# Missing or invalid RUN: 403 page, no form.
for my $case ([undef, 'missing RUN'], ['12345678-9', 'wrong check digit'],
              ['abc', 'not a RUN'], ['', 'empty RUN']) {
    my ($bad, $what) = @$case;
    my $u = new_ua(defined $bad ? (run => $bad) : ());
    my $res = $u->request(GET url('/curso/'));
    is($res->code, 403, "$what: 403");
    ok(!is_gate_page($res), "$what: no gate form");
}

# RUN normalisation: dots and spaces stripped, K lower-cased.
{
    my $res = new_ua(run => '12.345.678-5')->request(GET url('/curso/'));
    my ($gf) = gate_form($res);
    is($gf && $gf->value('RunAlumno'), '12345678-5', 'RUN with dots normalised');
    $res = new_ua(run => '10000013-K')->request(GET url('/curso/'));
    ($gf) = gate_form($res);
    is($gf && $gf->value('RunAlumno'), '10000013-k', 'RUN with K normalised to k');
}

# Sence Off in a child location lifts the gate.
{
    my $res = new_ua()->request(GET url('/curso/libre/'));
    is($res->code, 200, 'Sence Off: 200 without session or RUN');
    like($res->decoded_content, qr/CONTENIDO-LIBRE/, 'Sence Off: content');
}

# SenceTokenFile: the token comes from the file.
check_gate_page(new_ua(run => $run)->request(GET url('/tokenfile/')), run => $run, token => OLD_TOKEN,
                name => 'SenceTokenFile');

# Nothing outside the gated locations is touched.
is(new_ua()->request(GET url('/index.html'))->code, 200, 'ungated page: 200');

done_testing;
