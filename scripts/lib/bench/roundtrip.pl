#!/usr/bin/perl
# Creates a live SENCE session for scripts/bench the way a browser does: GET a gated URL
# (gate page), POST its form to the simulator's IniciarSesion, log in at the simulated SENCE,
# POST the auto-POST form back to UrlRetoma. Prints the session cookie as NAME=VALUE.
# Core Perl only (HTTP::Tiny; the steps are SenceLogin.pm's). Every request has a timeout;
# nothing is retried.
#
#   roundtrip.pl --url URL --password SECRET [--header 'Name: value']... [--expect TEXT]
#
#   --url       the gated URL (http://127.0.0.1:PORT/path?query)
#   --header    request headers of the participant's browser (identity, platform cookies)
#   --password  the participant's password at the simulated SENCE login
#   --expect    text the gated URL must return once the session cookie is sent
use strict;
use warnings;
use FindBin ();
use lib $FindBin::Bin;
use Getopt::Long qw(GetOptions);
use HTTP::Tiny ();
use SenceLogin ();

my ($url, $password, $expect, @headers);
GetOptions('url=s' => \$url, 'password=s' => \$password, 'expect=s' => \$expect,
           'header=s' => \@headers)
    or die "usage: $0 --url URL --password SECRET [--header 'Name: value']... [--expect TEXT]\n";
die "roundtrip: --url and --password are required\n" unless $url && defined $password;
my ($base) = $url =~ m{\A(https?://[^/]+)} or die "roundtrip: not an absolute URL: $url\n";

my %hdr;
for (@headers) {
    my ($n, $v) = /\A([^:]+):\s*(.*)\z/ or die "roundtrip: bad header '$_'\n";
    $hdr{$n} = $v;
}
my $http = HTTP::Tiny->new(max_redirect => 0, timeout => 10, agent => 'mod_sence-bench/1');
my $login = SenceLogin->new($base, $http);

sub fail { die "roundtrip: $_[0]\n" }

my $cb = eval { $login->finish($login->start($url, \%hdr), $password) };
fail($@ =~ s/\s+\z//r) unless $cb;
fail("callback UrlRetoma: HTTP $cb->{status} (want 303)\n" . substr($cb->{content} // '', 0, 800))
    unless $cb->{status} == 303;
my $cookie = SenceLogin::cookie_of($cb);
fail("no sence_ cookie in the callback's answer") unless $cookie;

if (defined $expect) {
    my %h = %hdr;
    $h{Cookie} = join '; ', grep { length } ($h{Cookie} // ''), $cookie;
    my $page = $http->get($url, { headers => \%h });
    fail("gated URL with the new session: HTTP $page->{status} (want 200)") unless $page->{status} == 200;
    fail("the gated URL does not serve the expected content with the session:\n"
         . substr($page->{content}, 0, 400))
        unless index($page->{content}, $expect) >= 0;
}
print "$cookie\n";
