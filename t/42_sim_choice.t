# The simulator's login page lets a tester choose SENCE's answer: several error codes at once
# (the platform's error page lists each), no answer at all (an abandoned login: no callback),
# or the normal check of RUN and password.
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

# Gate page, then the simulator's login page; returns (ua, login form).
sub at_login {
    my $ua = new_ua(run => $run);
    my $gf = gate_form($ua->request(GET url('/curso/'))) or return;
    my $sim = submit_form($ua, $gf);
    return ($ua, login_form($sim), $sim);
}

{
    my ($ua, $lf, $sim) = at_login();
    ok($lf, 'simulator login page') or BAIL_OUT('no login page');
    my @radios = map { $_->possible_values } grep { ($_->name // '') eq 'respuesta' } $lf->inputs;
    is_deeply([sort grep { defined } @radios], [sort qw(error ninguna normal)],
              'the tester can choose: normal, error codes, no answer');
    is($lf->value('respuesta'), 'normal', 'normal (RUN and password checked) is the default');
}

# Several codes chosen: the auto-POST to UrlError carries them, the module lists them.
{
    my ($ua, $lf) = at_login();
    $lf->value(run => $run);
    $lf->value(clave => $ROSTER{$run});
    $lf->value(respuesta => 'error');
    $lf->value(codigos => '211;204');
    my $back = autopost_form($ua->request($lf->click));
    ok($back, 'auto-POST form') or BAIL_OUT('no auto-POST');
    is($back->action, url(CB . '/error'), '... to UrlError');
    is(form_fields($back)->{GlosaError}, '204;211', 'GlosaError: the chosen codes (SENCE sorts them)');
    my $page = $ua->request($back->click);
    is($page->code, 200, 'the module\'s error page');
    like($page->decoded_content // '', qr/\b211\b.*\b204\b|\b204\b.*\b211\b/s, 'both codes listed');
    ok(is_gate_page($ua->request(GET url('/curso/'))), 'no session: the course is still gated');
}

# A bad code list: a 400 page of the simulator, nothing posted back.
{
    my ($ua, $lf) = at_login();
    $lf->value(respuesta => 'error');
    $lf->value(codigos => '211;abc');
    my $res = $ua->request($lf->click);
    is($res->code, 400, 'codes that are not 100-399: 400');
    ok(!autopost_form($res), '... and no form to the platform');
}

# No answer: the simulator says so and never posts back; the attempt stays pending.
{
    my ($ua, $lf) = at_login();
    $lf->value(respuesta => 'ninguna');
    my $res = $ua->request($lf->click);
    is($res->code, 200, 'no answer: the simulator\'s page');
    like($res->decoded_content // '', qr/abandonado/, '... says the login is abandoned');
    ok(!autopost_form($res), '... and posts nothing to the platform');
}

# The default still checks the password.
{
    my ($ua, $lf) = at_login();
    $lf->value(run => $run);
    $lf->value(clave => 'incorrecta');
    my $back = autopost_form($ua->request($lf->click));
    is($back && form_fields($back)->{GlosaError}, '312', 'normal with a wrong password: 312');
}

done_testing;
