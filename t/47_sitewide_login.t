# A site that logs everyone in: <Location /> AuthType Basic, Require valid-user. SENCE's
# callbacks come cross-site from SENCE's pages without the site's login (no Authorization, no
# SSO cookie): they must reach mod_sence, not the site's 401, or every participant is stuck.
# Everything else keeps the site's login: the course, other paths, look-alike paths.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(close_page_fields);
use SenceMoodle qw(vurl);

my $host = 'sitewide_login';
my $run = '12345678-5';
my @basic = (basic => [$run, $HTPASSWD{$run}]);
my $course = vurl($host, '/curso/');

# The site's login holds for the course and for everything that is not a callback URI.
for my $path ('/curso/', '/', '/sencex/retoma', CB . 'x/retoma', '/curso' . CB . '/retoma') {
    my $res = new_ua()->request(GET vurl($host, $path));
    is($res->code, 401, "no login: $path answers the site's 401");
}
{
    my $res = new_ua()->request(POST vurl($host, '/curso/'), [IdSesionAlumno => 'x']);
    is($res->code, 401, 'no login: a POST to the course answers 401');
}

# The participant, logged in to the site, gets the gate; SENCE (the simulator) sends the
# browser back without the site's login, and the callback is answered by mod_sence.
my $ua = new_ua(@basic);
my $gate = $ua->request(GET $course);
my $g = check_gate_page($gate, run => $run, callbacks => vurl($host, CB),
                        name => 'logged-in participant: gate page');
my $gf = gate_form($gate);
ok($gf, 'gate form') or BAIL_OUT('no gate form');
is($gf->value('UrlRetoma'), vurl($host, CB . '/retoma'), 'UrlRetoma is this site\'s callback');
my $lf = login_form(submit_form($ua, $gf));
ok($lf, 'simulator login page') or BAIL_OUT('no simulator login');
$lf->value(run => $run);
$lf->value(clave => $ROSTER{$run});
my $back = autopost_form($ua->request($lf->click));
ok($back, 'simulator answers with the auto-POST form') or BAIL_OUT('no auto-POST');
set_identity($ua);    # SENCE's cross-site POST: no Authorization header
my $cb = $ua->request($back->click);
is($cb->code, 303, 'callback without the site\'s login: 303, not 401') or diag($cb->as_string);
is($cb->header('Location'), $course, 'back to the course');
is(scalar(my @c = sence_cookies($cb)), 1, 'the session cookie is set');

# The course still needs the site's login, and with it the session opens it.
{
    my $res = $ua->request(GET $course);
    is($res->code, 401, 'session cookie without the site\'s login: 401');
    set_identity($ua, @basic);
    $res = $ua->request(GET $course);
    is($res->code, 200, 'logged in with a session: 200');
    like($res->decoded_content // '', qr/CONTENIDO-CURSO-A:/, 'course content');
    ok(!is_gate_page($res), 'no gate page');
}

# The gate's own assets and the error callback pass without the login too.
{
    my $anon = new_ua();
    my $js = $anon->request(GET vurl($host, CB . '/sence.js'));
    is($js->code, 200, 'gate script without the login: 200');
    my $err = $anon->request(POST vurl($host, CB . '/error'),
                             [IdSesionAlumno => 'A' x 24, GlosaError => '211']);
    isnt($err->code, 401, 'error callback without the login: answered by mod_sence (' . $err->code . ')');
    like($err->decoded_content // '', qr/lang="es/, 'a page of mod_sence (Spanish)');
    my $forged = $anon->request(POST vurl($host, CB . '/retoma'), [IdSesionAlumno => 'A' x 24]);
    ok($forged->code >= 400 && $forged->code < 500 && $forged->code != 401,
       'a forged success callback: mod_sence\'s 4xx (' . $forged->code . '), not the site\'s 401');
}

# The close: SENCE's CerrarSesion answer comes back cross-site too.
{
    my $page = $ua->request(GET $course . '?sence_cerrar=1');
    my $cf = close_page_fields($page);
    ok($cf, 'close page') or diag($page->status_line);
    if ($cf) {
        my $anon = new_ua();
        my $res = $anon->request(POST vurl($host, CB . '/cierre-error'),
                                 [%{ callback_fields($cf) }, IdSesionSence => $cf->{IdSesionSence},
                                  GlosaError => '100']);
        isnt($res->code, 401, 'close error callback without the login: answered (' . $res->code . ')');
    }
}

done_testing;
