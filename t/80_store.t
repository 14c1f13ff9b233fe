# A full session store (SenceSessionCacheSize 512) neither crashes nor blocks.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use Time::HiRes qw(time);
use SenceConf qw(:all);
use SenceTest qw(:all);

my $run = '11111111-1';
my $mark = log_mark();

# Each gate page creates a pending attempt: make well over the capacity.
my $ua = new_ua(run => $run);
$ua->conn_cache({ total_capacity => 2 });    # keep-alive: faster
my ($n, $ok, %ids) = (700, 0);
my $t0 = time;
for (1 .. $n) {
    my $res = $ua->request(GET url('/curso/'));
    my ($f) = gate_form($res);
    next unless $f;
    $ok++;
    $ids{ $f->value('IdSesionAlumno') }++;
}
my $secs = time - $t0;
is($ok, $n, "$n gate pages with a full store");
is(scalar keys %ids, $n, 'all IdSesionAlumno distinct');
cmp_ok($secs, '<', 60, sprintf('... in %.1f s', $secs));

# The newest attempts still work; sessions can still be created.
roundtrip(ua => new_ua(run => $run), path => '/curso/', run => $run, content => qr/CONTENIDO-CURSO-A:/,
          name => 'round trip after filling the store');

unlike(log_since($mark), qr/exit signal|Segmentation fault|AH00052/, 'no child crashed');

done_testing;
