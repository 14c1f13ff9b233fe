# The URL a participant returns to after SENCE (the 303 Location, its link, "Reintentar" on
# the error page, the close page's retry): the request's own path and query, still %-encoded
# as they came, or the section's path; never a host, a backslash, a control byte or raw HTML.
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
my $long = '/curso/?q=' . ('a' x 600); # longer than a stored URL (512 bytes)
# request path and query (as sent) => the local URL expected back
my @cases = (
    ['/curso/%5Cevil.com/'           => '/curso/%5Cevil.com/'],
    ['/curso/%09/evil.com'           => '/curso/%09/evil.com'],
    ['/curso/%0d%0a'                 => '/curso/%0d%0a'],
    ['/curso/%0aX?a=%0d%0aSet-Cookie:x=1' => '/curso/%0aX?a=%0d%0aSet-Cookie:x=1'],
    ['/curso/%22%3E%3Cscript%3Ealert(1)%3C/script%3E' => '/curso/%22%3E%3Cscript%3Ealert(1)%3C/script%3E'],
    ['/curso/javascript:alert(1)'    => '/curso/javascript:alert(1)'],
    ['/curso/%ff%fe?x=%C3'           => '/curso/%ff%fe?x=%C3'],
    ['/curso/?next=//evil.com'       => '/curso/?next=//evil.com'],
    [$long                           => '/curso/'],
);

sub safe_ok {
    my ($u, $what) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok(defined $u && $u !~ m{[\x00-\x20\x7f-\xff\\"<>`]} && $u !~ m{\A(?:https?:)?//(?!\Q${\ Apache::Test::vars('servername')}\E)}i
       && $u !~ m{\A[a-z]+:(?!//)}i, "$what is a safe URL: " . ($u // 'undef'));
}

for my $c (@cases) {
    my ($path, $want) = @$c;
    my $name = length $path > 60 ? substr($path, 0, 40) . '... (' . length($path) . ' bytes)' : $path;
    # success: 303 to the URL asked for
    my $ua = new_ua(run => $run);
    my $gate = $ua->request(GET url($path));
    my ($f) = gate_form($gate);
    ok($f, "$name: gate page") or next;
    my $g = form_fields($f);
    my $res = sence_callback(new_ua(run => $run), 'retoma', callback_fields($g));
    is($res->code, 303, "$name: callback 303") or diag($res->as_string);
    is($res->header('Location'), url($want), "$name: Location is $want");
    safe_ok($res->header('Location') =~ s{\A\Q${\ url('')}\E}{}r, "$name: Location path");
    my @href = ($res->decoded_content // '') =~ /href="([^"]*)"/g;
    my ($link) = grep { !/sence\.css/ } @href;
    is($link, $want =~ s/&/&amp;/gr, "$name: the 303 page's link") if $want !~ /[<>"]/;
    safe_ok($_, "$name: href") for grep { !/sence\.css/ } @href;
    # error: "Reintentar" back to the same URL
    $ua = new_ua(run => $run);
    ($f) = gate_form($ua->request(GET url($path)));
    $g = form_fields($f);
    $res = sence_callback($ua, 'error', callback_fields($g, GlosaError => '201'));
    is($res->code, 200, "$name: error page");
    my ($retry) = ($res->decoded_content // '') =~ /<a class="sence-button" href="([^"]*)">Reintentar/;
    safe_ok($retry, "$name: Reintentar");
    is($retry =~ s/&amp;/&/gr, $want, "$name: Reintentar goes back to $want");
}

done_testing;
