# Full round trip through the simulator; cookie; replay; RUN binding.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);

my $run = '12345678-5';
my $ua  = new_ua(run => $run);
my $path = '/curso/leccion1.html?a=1&b=dos';

my $r = roundtrip(ua => $ua, path => $path, run => $run, content => qr/CONTENIDO-CURSO-A-LECCION-1/);

SKIP: {
    skip 'round trip failed', 12 unless $r->{cookie};
    my ($name, $value, $raw) = @{ $r->{cookie} };
    like($name, qr/\Asence_[0-9a-f]+\z/, "cookie name $name");
    like($value, qr/\A[A-Za-z0-9_-]{22,}\z/, 'cookie value: random url-safe id');
    isnt($value, $r->{fields}{IdSesionAlumno}, 'cookie value is not the IdSesionAlumno');
    like($raw, qr/;\s*Path=\/(?:;|\s*\z)/i, 'Path=/');
    like($raw, qr/;\s*HttpOnly\b/i, 'HttpOnly');
    like($raw, qr/;\s*SameSite=Lax\b/i, 'SameSite=Lax');
    unlike($raw, qr/;\s*Secure\b/i, 'no Secure over http');

    # Other pages of the same course pass with the session.
    my $res = $ua->request(GET url('/curso/'));
    is($res->code, 200, 'another page of the course');
    like($res->decoded_content, qr/CONTENIDO-CURSO-A:/, '... served');

    # Replay of the very same callback: the IdSesionAlumno is single use.
    my $mark = log_mark();
    my $replay = $ua->request($r->{final}->click);
    is($replay->code, 410, 'replayed callback: 410');
    ok(!sence_cookies($replay), 'replay sets no cookie');
    ok(wait_log($mark, qr/SENCE/), 'replay logged') or diag(log_since($mark));
}

# The session is bound to the RUN: another participant in the same browser gets the gate.
{
    SenceTest::set_identity($ua, run => '11111111-1');
    my $res = $ua->request(GET url('/curso/'));
    check_gate_page($res, run => '11111111-1', name => 'other RUN, same cookie jar: gate page');
    unlike($res->decoded_content, qr/CONTENIDO-CURSO-A/, 'no content for the other RUN');

    # ... and it can start its own session.
    roundtrip(ua => $ua, path => '/curso/', run => '11111111-1', content => qr/CONTENIDO-CURSO-A:/,
              name => 'second participant in the same browser');
}

# Without the cookie (another browser) the same RUN is gated again.
{
    my $other = new_ua(run => $run);
    ok(is_gate_page($other->request(GET url('/curso/'))), 'same RUN, no cookie: gate page');
}

# The course cookie as browsers and proxies may send it: among others, after a comma, twice
# with one value, in a second Cookie header. Two different values, or a name that is only a
# suffix, or a value that is not exactly an id: no session (and never someone else's).
SKIP: {
    skip 'round trip failed', 10 unless $r->{cookie};
    my ($name, $value) = @{ $r->{cookie} };
    my $plain = new_ua(run => $run);
    $plain->cookie_jar(undef);
    my $get = sub { $plain->request(GET url('/curso/'), @_) };
    my $passes = sub {
        my ($res, $what) = @_;
        ok($res->code == 200 && $res->decoded_content =~ /CONTENIDO-CURSO-A:/, "$what: content")
            or diag($res->code);
    };
    $passes->($get->(Cookie => "other=1; $name=$value; z=2"), 'among other cookies');
    $passes->($get->(Cookie => "a=1, $name=$value"), 'after a comma');
    $passes->($get->(Cookie => "$name=$value; $name=$value"), 'twice with the same value');
    $passes->($plain->request(GET url('/curso/'), Cookie => 'a=1', Cookie => "$name=$value"),
              'in a second Cookie header');
    my $other = 'A' x length($value);
    my $mark = log_mark();
    ok(is_gate_page($get->(Cookie => "$name=$value; $name=$other")),
       'two different values: gate page');
    ok(wait_log($mark, qr/SENCE2012: cookie \Q$name\E sent more than once/), '... logged SENCE2012');
    ok(is_gate_page($plain->request(GET url('/curso/'), Cookie => "$name=$other",
                                    Cookie => "$name=$value")),
       'different values in two Cookie headers: gate page');
    ok(is_gate_page($get->(Cookie => "x$name=$value")), 'name only as a suffix: gate page');
    ok(is_gate_page($get->(Cookie => "$name=${value}x")), 'value longer than an id: gate page');
    ok(is_gate_page($get->(Cookie => "$name=" . substr($value, 1))), 'value shorter than an id: gate page');
}

# A session for course A does not open another course (different codes).
{
    my $res = $ua->request(GET url('/cursos/RLAB-21-03-04-0005-2/'));
    ok(is_gate_page($res), 'session of course A does not open course M');
}

# Check digit k (lower case) through the whole trip.
roundtrip(ua => new_ua(run => '10000013-k'), path => '/curso/', run => '10000013-k',
          content => qr/CONTENIDO-CURSO-A:/, name => 'RUN with check digit k');

done_testing;
