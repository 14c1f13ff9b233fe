# Course codes from ap_expr: SenceCodigoCurso "%{env:MATCH_CURSO}" in a LocationMatch.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use SenceConf qw(:all);
use SenceTest qw(:all);

my $run = '12345678-5';
my $path = "/cursos/$COURSE{M}[1]/";
my $ua = new_ua(run => $run);

my $res = $ua->request(GET url($path));
check_gate_page($res, run => $run, codes => $COURSE{M}, name => 'codes from the URL');

roundtrip(ua => $ua, path => $path, run => $run, codes => $COURSE{M}, content => qr/CONTENIDO-CURSO-M/,
          name => 'round trip with expression codes');

# Another CodigoCurso in the URL is another course: the session does not open it.
$res = $ua->request(GET url('/cursos/RLAB-99-99-99-9999-9/'));
my ($f) = gate_form($res);
ok($f, 'another course in the URL: gate page');
is($f && $f->value('CodigoCurso'), 'RLAB-99-99-99-9999-9', '... with that CodigoCurso');

done_testing;
