# The whole run: no crashed children, no module errors above warn that nobody asserted.
use strict;
use warnings FATAL => 'all';
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use SenceTest ();

my $log = SenceTest::log_since(0);
my @crash = grep { /exit signal|Segmentation fault|AH00052|AH00060|double free|stack smashing/ } split /\n/, $log;
is(scalar @crash, 0, 'no child crashed during the suite') or diag(join "\n", @crash);
my @bad = grep { /\[sence(?:_sim)?:(?:emerg|alert|crit)\]/ } split /\n/, $log;
is(scalar @bad, 0, 'no emerg/alert/crit from the modules') or diag(join "\n", @bad);

done_testing;
