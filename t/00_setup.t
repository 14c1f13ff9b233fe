# The test server itself: the MPM this run asked for, both modules loaded, simulator up.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);

my $mpm = $ENV{SENCE_TEST_MPM} || 'event';
my $ua = new_ua();

# MPM: what Apache::Test detected (httpd -V -f t/conf/inherit-<mpm>.conf) ...
is(Apache::Test::config()->{mpm}, $mpm, "Apache::Test configured the $mpm MPM");
# ... and what the running server reports.
my $info = $ua->request(GET url('/server-info?server'));
is($info->code, 200, 'server-info answers');
like($info->decoded_content // '', qr/MPM Name:\s*(?:<[^>]*>\s*)*\Q$mpm\E\b/i, "running server uses the $mpm MPM");

my $list = $ua->request(GET url('/server-info?list'));
like($list->decoded_content // '', qr/\bmod_sence\.c\b/, 'mod_sence loaded');
like($list->decoded_content // '', qr/\bmod_sence_sim\.c\b/, 'mod_sence_sim loaded');

# A page outside any gated location is served as is.
my $pub = $ua->request(GET url('/curso/libre/'));
is($pub->code, 200, 'Sence Off location served');

# The simulator answers IniciarSesion with its login page.
my %f = (
    RutOtec => RUT, Token => TOKEN, CodSence => $COURSE{A}[0], CodigoCurso => $COURSE{A}[1],
    LineaCapacitacion => $COURSE{A}[2], RunAlumno => '12345678-5',
    IdSesionAlumno => 'setupcheck0123456789abcdef',
    UrlRetoma => url('/sence/retoma'), UrlError => url('/sence/error'),
);
my $sim = $ua->request(POST url('/rcetest/Registro/IniciarSesion'), [%f]);
is($sim->code, 200, 'simulator IniciarSesion: 200');
my $lf = login_form($sim);
ok($lf, 'simulator shows a login form with clave') or diag($sim->as_string);
if ($lf) {
    like($lf->action, qr{/rcetest/Registro/Login\z}, 'login form posts to <prefix>/Registro/Login');
    ok(defined $lf->find_input('run'), 'login form has run');
}

done_testing;
