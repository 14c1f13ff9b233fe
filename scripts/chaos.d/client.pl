#!/usr/bin/perl
# The participants of scripts/chaos, as a browser does it, against the private server
# (mod_sence + the bundled simulator on 127.0.0.1). Core Perl only (HTTP::Tiny; the login's
# steps are scripts/lib/bench/SenceLogin.pm's, copied next to it by scripts/chaos); every request
# has a timeout, nothing is retried. The identity is the X-Bench-Run header of the gated
# location (scripts/lib/bench/conf.sh: SenceRun "%{HTTP:X-Bench-Run}").
#
#   client.pl login    --base B --path P --password PW --marker M RUN...
#       a real round trip per RUN: GET the gated URL (gate page), POST its form to the
#       simulator's IniciarSesion, log in there, POST the simulator's auto-POST form to
#       UrlRetoma (303 + cookie), GET the URL again (must serve M). Prints "RUN<TAB>cookie"
#       per success; a failure is one line "FAIL RUN reason" on stderr. Exit 1 if any failed.
#   client.pl check    --base B --path P --marker M FILE
#       GETs P once per "RUN<TAB>cookie" line of FILE. Prints
#       "CHECK total=N kept=N gate=N s4xx=N s5xx=N other=N error=N" and "LOST RUN what" lines.
#   client.pl pending  --base B --path P --state FILE RUN
#       the first half of a login: the gate page (a pending attempt in the store) and the
#       simulator's IniciarSesion; the simulator's login form goes to FILE.
#   client.pl complete --base B --path P --password PW --marker M --state FILE
#       the second half: log in at the simulator, POST its auto-POST form to UrlRetoma. Prints
#       "COMPLETE status=N location=URL opens=0|1"; exit 0 only on 303 to B.P whose cookie
#       opens P (serves M).
use strict;
use warnings;
use FindBin ();
use lib $FindBin::Bin, "$FindBin::Bin/../lib/bench";
use Getopt::Long qw(GetOptionsFromArray);
use HTTP::Tiny ();
use SenceLogin ();

my $cmd = shift @ARGV // '';
my %o = (password => '', marker => '');
GetOptionsFromArray(\@ARGV, \%o, 'base=s', 'path=s', 'password=s', 'marker=s', 'state=s')
    or die "client.pl: bad options\n";
die "client.pl: --base and --path are required\n" unless $o{base} && $o{path};
my $url = $o{base} . $o{path};
my $http = HTTP::Tiny->new(max_redirect => 0, timeout => 10, agent => 'mod_sence-chaos/1',
                           keep_alive => 1);

my $sence = SenceLogin->new($o{base}, $http);
sub status_of { return SenceLogin::status_of(@_) }
sub cookie_of { return SenceLogin::cookie_of(@_) }
sub start_login { my $run = shift; return $sence->start($url, { 'X-Bench-Run' => $run }) }
sub finish_login { my ($login, $lf, $run) = @_; return $sence->finish($login, $lf, $run, $o{password}) }

sub opens {
    my ($run, $cookie) = @_;
    my $page = $http->get($url, { headers => { 'X-Bench-Run' => $run, Cookie => $cookie } });
    return ($page, $page->{status} == 200 && index($page->{content}, $o{marker}) >= 0);
}

if ($cmd eq 'login') {
    my $failed = 0;
    for my $run (@ARGV) {
        my $cookie = eval {
            my $cb = finish_login(start_login($run));
            die "callback: " . status_of($cb) . " (want 303)\n" unless $cb->{status} == 303;
            my $c = cookie_of($cb) or die "callback: no sence_ cookie\n";
            my ($page, $ok) = opens($run, $c);
            die "the new session does not open the course (" . status_of($page) . ")\n" unless $ok;
            $c;
        };
        if (defined $cookie) {
            print "$run\t$cookie\n";
        } else {
            (my $why = $@) =~ s/\s+\z//;
            print STDERR "FAIL $run $why\n";
            $failed++;
        }
    }
    exit($failed ? 1 : 0);
} elsif ($cmd eq 'check') {
    my $file = shift @ARGV or die "client.pl check: no file\n";
    open my $fh, '<', $file or die "client.pl: $file: $!\n";
    my %n = map { $_ => 0 } qw(total kept gate s4xx s5xx other error);
    my @lost;
    while (my $line = <$fh>) {
        my ($run, $cookie) = $line =~ /\A(\S+)\t(\S+)/ or next;
        $n{total}++;
        my ($page, $ok) = opens($run, $cookie);
        my $s = $page->{status};
        if ($ok) { $n{kept}++; next }
        my $what;
        if ($s == 599) { $n{error}++; $what = 'connection error' }
        elsif ($s >= 500) { $n{s5xx}++; $what = "HTTP $s" }
        elsif ($s >= 400) { $n{s4xx}++; $what = "HTTP $s" }
        elsif ($s == 200 && index($page->{content}, 'IdSesionAlumno') >= 0) { $n{gate}++; $what = 'gate page' }
        else { $n{other}++; $what = "HTTP $s" }
        push @lost, "LOST $run $what";
    }
    print join(' ', 'CHECK', map { "$_=$n{$_}" } qw(total kept gate s4xx s5xx other error)), "\n";
    print "$_\n" for @lost;
    exit 0;
} elsif ($cmd eq 'pending') {
    my $run = shift @ARGV or die "client.pl pending: no RUN\n";
    die "client.pl pending: --state is required\n" unless $o{state};
    my ($login, $lf) = eval { start_login($run) };
    if (!$login) { print STDERR "FAIL $run $@"; exit 1 }
    open my $fh, '>', $o{state} or die "client.pl: $o{state}: $!\n";
    print $fh "$run\n$login\n";
    print $fh "$_->[0]\t$_->[1]\n" for @$lf;
    close $fh or die "client.pl: $o{state}: $!\n";
    my %f = map { @$_ } @$lf;
    print "PENDING $run IdSesionAlumno=", ($f{IdSesionAlumno} // '?'), "\n";
    exit 0;
} elsif ($cmd eq 'complete') {
    die "client.pl complete: --state is required\n" unless $o{state};
    open my $fh, '<', $o{state} or die "client.pl: $o{state}: $!\n";
    chomp(my $run = <$fh>);
    chomp(my $login = <$fh>);
    my @lf;
    while (my $l = <$fh>) { chomp $l; my ($n, $v) = split /\t/, $l, 2; push @lf, [$n, $v // ''] }
    my $cb = eval { finish_login($login, \@lf, $run) };
    if (!$cb) { (my $why = $@) =~ s/\s+\z//; print "COMPLETE status=none location= opens=0 ($why)\n"; exit 1 }
    my $loc = $cb->{headers}{location} // '';
    my $ok = 0;
    if ($cb->{status} == 303 && $loc eq $url) {
        my $c = cookie_of($cb);
        $ok = $c && (opens($run, $c))[1] ? 1 : 0;
    }
    print "COMPLETE status=$cb->{status} location=$loc opens=$ok\n";
    exit($ok ? 0 : 1);
}
die "usage: client.pl login|check|pending|complete --base B --path P ...\n";
