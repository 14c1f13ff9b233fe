# Phase order: identity from Basic auth (REMOTE_USER) is gated after authentication.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);

# No credentials: authentication answers first (401 challenge), not the gate.
{
    my $res = new_ua()->request(GET url('/auth/'));
    is($res->code, 401, 'unauthenticated: 401');
    like(scalar($res->header('WWW-Authenticate')) // '', qr/^Basic\b/i, 'Basic challenge');
    ok(!gate_form($res), 'no gate form before authentication');
}

# Wrong password: still 401 from auth.
{
    my $res = new_ua(basic => ['12345678-5', 'nope'])->request(GET url('/auth/'));
    is($res->code, 401, 'bad password: 401');
    ok(!gate_form($res), 'no gate form');
}

# Authenticated: gate page with RunAlumno = REMOTE_USER, then the round trip.
my $ua = new_ua(basic => ['12345678-5', $HTPASSWD{'12345678-5'}]);
my $r = roundtrip(ua => $ua, path => '/auth/', run => '12345678-5', content => qr/CONTENIDO-AUTH/,
                  name => 'Basic user 12345678-5');

# Same browser, another Basic user: gated again with that RUN.
{
    SenceTest::set_identity($ua, basic => ['11111111-1', $HTPASSWD{'11111111-1'}]);
    my $res = $ua->request(GET url('/auth/'));
    check_gate_page($res, run => '11111111-1', name => 'other REMOTE_USER, same cookie jar');
    unlike($res->decoded_content // '', qr/CONTENIDO-AUTH/, 'no content for the other user');
}

# An authenticated user whose name is not a RUN: 403.
{
    my $res = new_ua(basic => ['profesor', $HTPASSWD{profesor}])->request(GET url('/auth/'));
    is($res->code, 403, 'REMOTE_USER not a RUN: 403');
    ok(!gate_form($res), 'no gate form');
}

# The cookie alone is not enough without authentication.
{
    SenceTest::set_identity($ua);
    my $res = $ua->request(GET url('/auth/'));
    is($res->code, 401, 'session cookie without credentials: 401');
}

done_testing;
