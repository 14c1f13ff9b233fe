# Time limits: SenceSessionLifetime and SenceLoginTimeout.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use Time::HiRes qw(sleep);
use SenceConf qw(:all);
use SenceTest qw(:all);

my $run = '22222222-2';

# A session of a location with SenceSessionLifetime 2s expires.
{
    my $ua = new_ua(run => $run);
    my $r = roundtrip(ua => $ua, path => '/corto/', run => $run, content => qr/CONTENIDO-CORTO/,
                      name => 'session in /corto/ (2 s lifetime)');
    sleep 3.2;
    my $res = $ua->request(GET url('/corto/'));
    check_gate_page($res, run => $run, name => 'gated again after 3 s');
    unlike($res->decoded_content // '', qr/CONTENIDO-CORTO/, 'no content after expiry');
}

# The default lifetime (4h) is not affected by /corto/: a /curso/ session made now lives on.
{
    my $ua = new_ua(run => $run);
    roundtrip(ua => $ua, path => '/curso/', run => $run, content => qr/CONTENIDO-CURSO-A:/,
              name => 'session in /curso/');
    sleep 2.5;
    my $res = $ua->request(GET url('/curso/'));
    like($res->decoded_content // '', qr/CONTENIDO-CURSO-A:/, '/curso/ session alive after 2.5 s');
}

# An attempt older than SenceLoginTimeout (2s in /lento/) is refused: 410.
{
    my $ua = new_ua(run => $run);
    my ($f) = gate_form($ua->request(GET url('/lento/')));
    ok($f, 'gate page of /lento/') or diag('no gate page');
    my $g = $f ? form_fields($f) : {};
    sleep 3.2;
    my $mark = log_mark();
    my $res = sence_callback($ua, 'retoma', callback_fields($g));
    is($res->code, 410, 'callback after the login timeout: 410') or diag($res->as_string);
    ok(!sence_cookies($res), 'no cookie');
    ok(wait_log($mark, [qr/SENCE/, qr/expir|timeout|caduc|venci|unknown|desconocid|not found/i]),
       'expiry logged') or diag(log_since($mark));
    ok(is_gate_page($ua->request(GET url('/lento/'))), 'still gated');

    # A fresh attempt within the timeout works.
    ($f) = gate_form($ua->request(GET url('/lento/')));
    $res = sence_callback($ua, 'retoma', callback_fields(scalar form_fields($f)));
    is($res->code, 303, 'callback within the login timeout: 303');
}

done_testing;
