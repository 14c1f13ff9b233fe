#!/usr/bin/perl
# Creates a live SENCE session for scripts/bench the way a browser does: GET a gated URL
# (gate page), POST its form to the simulator's IniciarSesion, log in at the simulated SENCE,
# POST the auto-POST form back to UrlRetoma. Prints the session cookie as NAME=VALUE.
# Core Perl only (HTTP::Tiny). Every request has a timeout; nothing is retried.
#
#   roundtrip.pl --url URL --password SECRET [--header 'Name: value']... [--expect TEXT]
#
#   --url       the gated URL (http://127.0.0.1:PORT/path?query)
#   --header    request headers of the participant's browser (identity, platform cookies)
#   --password  the participant's password at the simulated SENCE login
#   --expect    text the gated URL must return once the session cookie is sent
use strict;
use warnings;
use Getopt::Long qw(GetOptions);
use HTTP::Tiny ();

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

sub fail { die "roundtrip: $_[0]\n" }

sub unescape {
    my $s = shift;
    $s =~ s/&quot;/"/g;
    $s =~ s/&#0*39;/'/g;
    $s =~ s/&lt;/</g;
    $s =~ s/&gt;/>/g;
    $s =~ s/&#(\d+);/chr($1)/ge;
    $s =~ s/&amp;/&/g;
    return $s;
}

# The first <form ...> whose action matches $want: (absolute action, [name, value] pairs).
sub form_of {
    my ($html, $want, $what) = @_;
    while ($html =~ m{<form\b([^>]*)>(.*?)</form>}gs) {
        my ($attrs, $body) = ($1, $2);
        my ($action) = $attrs =~ /\baction="([^"]*)"/ or next;
        $action = unescape($action);
        next unless $action =~ $want;
        $action = $base . $action if $action =~ m{\A/};
        my @fields;
        while ($body =~ /<input\b([^>]*)>/g) {
            my $a = $1;
            my ($n) = $a =~ /\bname="([^"]*)"/ or next;
            my ($v) = $a =~ /\bvalue="([^"]*)"/;
            push @fields, [unescape($n), unescape($v // '')];
        }
        return ($action, \@fields);
    }
    fail("no $what form in:\n" . substr($html, 0, 800));
}

sub post_form {
    my ($action, $fields, %extra) = @_;
    my @pairs = map { $_->[0] => (exists $extra{ $_->[0] } ? $extra{ $_->[0] } : $_->[1]) } @$fields;
    return $http->post_form($action, \@pairs);
}

sub check {
    my ($res, $status, $step) = @_;
    fail("$step: HTTP $res->{status} (want $status)\n" . substr($res->{content} // '', 0, 800))
        unless $res->{status} == $status;
}

my $gate = $http->get($url, { headers => \%hdr });
check($gate, 200, "gate page $url");
my ($start, $gf) = form_of($gate->{content}, qr{/Registro/IniciarSesion\z}, 'gate (IniciarSesion)');
my %g = map { @$_ } @$gf;
fail('the gate form has no IdSesionAlumno') unless $g{IdSesionAlumno};

my $sim = $http->post_form($start, [map { @$_ } @$gf]);
check($sim, 200, 'simulator IniciarSesion');
my ($login, $lf) = form_of($sim->{content}, qr{/Registro/Login\z}, 'simulator login');

my $back = post_form($login, $lf, run => $g{RunAlumno}, clave => $password);
check($back, 200, 'simulator login');
my ($retoma, $rf) = form_of($back->{content}, qr{/(?:retoma|error)\z}, 'auto-POST');
if ($retoma !~ m{/retoma\z}) {
    my %e = map { @$_ } @$rf;
    fail("the simulator refused the login: GlosaError " . ($e{GlosaError} // '?'));
}

my $cb = post_form($retoma, $rf);
check($cb, 303, 'callback UrlRetoma');
my $sc = $cb->{headers}{'set-cookie'} // '';
my ($cookie) = grep { /\Asence_/ } map { (split /;/, $_)[0] } (ref $sc ? @$sc : ($sc));
fail("no sence_ cookie in the callback's answer") unless $cookie;

if (defined $expect) {
    my %h = %hdr;
    $h{Cookie} = join '; ', grep { length } ($h{Cookie} // ''), $cookie;
    my $page = $http->get($url, { headers => \%h });
    check($page, 200, 'gated URL with the new session');
    fail("the gated URL does not serve the expected content with the session:\n"
         . substr($page->{content}, 0, 400))
        unless index($page->{content}, $expect) >= 0;
}
print "$cookie\n";
