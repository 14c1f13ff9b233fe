# A full session store (SenceSessionCacheSize 512) neither crashes nor blocks, and one
# participant's gate pages never fill it: they replace that participant's own oldest.
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

# One participant, many gate pages: only the newest 4 attempts stay usable.
{
    my $ua = new_ua(run => $run);
    $ua->conn_cache({ total_capacity => 2 });
    my @forms;
    for (1 .. 30) {
        my ($f) = gate_form($ua->request(GET url('/curso/')));
        push @forms, scalar form_fields($f) if $f;
    }
    is(scalar @forms, 30, '30 gate pages for one participant');
    my $old = sence_callback(new_ua(), 'retoma', callback_fields($forms[0]));
    is($old->code, 410, 'their first attempt was replaced by a newer one: 410');
    my $fifth = sence_callback(new_ua(), 'retoma', callback_fields($forms[-5]));
    is($fifth->code, 410, 'so was the fifth newest');
    my $fourth = sence_callback(new_ua(), 'retoma', callback_fields($forms[-4]));
    is($fourth->code, 303, 'the fourth newest still starts a session');
}

# Each gate page of another participant creates a pending attempt: well over the capacity.
my $ua = new_ua();
$ua->conn_cache({ total_capacity => 2 });    # keep-alive: faster
my ($n, $ok, %ids) = (700, 0);
my $t0 = time;
for my $i (1 .. $n) {
    set_identity($ua, run => run_of(40000000 + $i));
    my $res = $ua->request(GET url('/curso/'));
    my ($f) = gate_form($res);
    next unless $f;
    $ok++;
    $ids{ $f->value('IdSesionAlumno') }++;
}
my $secs = time - $t0;
is($ok, $n, "$n gate pages of $n participants with a full store");
is(scalar keys %ids, $n, 'all IdSesionAlumno distinct');
note(sprintf('%d gate pages in %.1f s', $n, $secs));

# The newest attempts still work; sessions can still be created.
roundtrip(ua => new_ua(run => $run), path => '/curso/', run => $run, content => qr/CONTENIDO-CURSO-A:/,
          name => 'round trip after filling the store');

unlike(log_since($mark), qr/exit signal|Segmentation fault|AH00052/, 'no child crashed');

done_testing;
