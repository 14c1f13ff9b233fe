# <SenceCallbackPath>/error and the simulator's error paths.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use HTML::TokeParser ();
use SenceConf qw(:all);
use SenceTest qw(:all);

my $run = '12345678-5';
my $ua  = new_ua(run => $run);

sub attempt {
    my ($u, $path) = @_;
    my ($f) = gate_form($u->request(GET url($path // '/curso/'))) or return;
    return scalar form_fields($f);
}

# A retry control: a link or a form button.
sub has_retry {
    my $res = shift;
    my $html = $res->decoded_content // '';
    my $p = HTML::TokeParser->new(\$html);
    while (my $t = $p->get_tag('a', 'button', 'input', 'form')) {
        return 1 if $t->[0] eq 'a' && defined $t->[1]{href} && length $t->[1]{href};
        return 1 if $t->[0] eq 'button';
        return 1 if $t->[0] eq 'input' && ($t->[1]{type} // '') =~ /\A(?:submit|button)\z/i;
    }
    return 0;
}

# Direct error callback with two codes.
{
    my $g = attempt($ua);
    my $mark = log_mark();
    my $res = sence_callback($ua, 'error', callback_fields($g, GlosaError => '211;204', IdSesionSence => undef));
    is($res->code, 200, 'error callback 211;204: 200');
    my $html = $res->decoded_content // '';
    like($html, qr/\b211\b/, 'shows 211');
    like($html, qr/\b204\b/, 'shows 204');
    like($html, qr/Token/, '211 described (Token)');
    like($html, qr/Código SENCE|CodSence|código SENCE/i, '204 described (Código SENCE)');
    like($html, qr/Código SENCE/, '204 described in Spanish as "Código SENCE"');
    ok(has_retry($res), 'retry link or button');
    ok(!sence_cookies($res), 'no session cookie');
    like(scalar($res->header('Content-Type')) // '', qr{text/html}i, 'HTML');
    ok(wait_log($mark, [qr/SENCE/, qr/211/]), 'error codes logged') or diag(log_since($mark));
    ok(is_gate_page($ua->request(GET url('/curso/'))), 'original URL still gated');
}

# Unknown code: shown, not dropped.
{
    my $g = attempt($ua);
    my $mark = log_mark();
    my $res = sence_callback($ua, 'error', callback_fields($g, GlosaError => '999', IdSesionSence => undef));
    is($res->code, 200, 'error callback 999: 200');
    like($res->decoded_content // '', qr/código desconocido 999/i, 'código desconocido 999');
    ok(wait_log($mark, [qr/SENCE/, qr/999/]), 'unknown code logged') or diag(log_since($mark));
    ok(is_gate_page($ua->request(GET url('/curso/'))), 'still gated');
}

# Every code of the catalogue gets a description (no "desconocido" for known ones).
{
    my @known = (100, 200 .. 212, 300 .. 313);
    my (@missing, @unknown);
    while (my @chunk = splice @known, 0, 7) {
        my $g = attempt($ua);
        my $glosa = join ';', @chunk;
        my $res = sence_callback($ua, 'error', callback_fields($g, GlosaError => $glosa, IdSesionSence => undef));
        is($res->code, 200, "error callback $glosa: 200");
        my $html = $res->decoded_content // '';
        push @missing, grep { $html !~ /\b$_\b/ } @chunk;
        push @unknown, grep { $html =~ /desconocido\s+$_\b/i } @chunk;
    }
    is("@missing", '', 'every code of the catalogue shown');
    is("@unknown", '', 'no known code shown as "desconocido"');
}

# The error attempt is consumed: a success callback for it afterwards is refused.
{
    my $g = attempt($ua);
    sence_callback($ua, 'error', callback_fields($g, GlosaError => '312', IdSesionSence => undef));
    my $res = sence_callback($ua, 'retoma', callback_fields($g));
    is($res->code, 410, 'retoma after error for the same attempt: 410');
}

# Through the simulator.
roundtrip(ua => new_ua(run => $run), path => '/curso/', run => $run, password => 'mala',
          expect => qr/\A312\z/, name => 'bad password: 312');
roundtrip(ua => new_ua(run => $run), path => '/curso/', run => $run, typed_run => '11111111-1',
          expect => qr/\A311\z/, name => 'other RUN typed at SENCE: 311');
roundtrip(ua => new_ua(run => $run), path => '/malotoken/', run => $run, token => BAD_TOKEN,
          expect => qr/\A211\z/, name => 'token of another OTEC: 211');
roundtrip(ua => new_ua(run => $run), path => '/vencido/', run => $run, token => OLD_TOKEN,
          expect => qr/\A212\z/, name => 'token no longer current: 212');
roundtrip(ua => new_ua(run => $run), path => '/multi/', run => $run, token => BAD_TOKEN,
          codes => [$COURSE{A}[0], $COURSE{G1}[1], 3],
          expect => qr/\A(?=.*\b211\b)(?=.*\b306\b)\d+(?:;\d+)+\z/, name => 'several codes at once: 211 and 306');
roundtrip(ua => new_ua(run => '5126663-3'), path => '/curso/', run => '5126663-3',
          expect => qr/\A208\z/, name => 'RUN not enrolled: 208');
roundtrip(ua => new_ua(run => $run), path => '/curso/', run => $run,
          sleep_login => 4, expect => qr/\A210\z/, name => 'too slow at the login page: 210');

# After all those errors the participant can still start a session.
roundtrip(ua => new_ua(run => $run), path => '/curso/', run => $run, content => qr/CONTENIDO-CURSO-A:/,
          name => 'success after errors');

done_testing;
