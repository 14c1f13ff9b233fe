# Moodle mode: the alert carries the participant's contact data from mdl_user (firstname +
# lastname, email, phone1, phone2) and the course's name, read when the gate sent the login;
# a profile without a RUN is an alert to fix it.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);
use SenceAlert qw(:all);

binmode(Test::More->builder->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);

my $H = 'alert_host';
ok(sink_start(), 'SMTP sink');

{
    my $mark = mail_mark();
    my $ua = moodle_ua(sid => login('alumno1'));
    my ($f) = gate_form($ua->request(GET vurl($H, '/moodle/course/view.php?id=2')));
    ok($f, 'gate page for course 2') or diag('no gate form');
    my $g = callback_fields(scalar form_fields($f), GlosaError => '309', IdSesionSence => undef);
    is($ua->request(POST vurl($H, CB . '/error'), [%$g])->code, 200, 'error callback 309');
    my ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /Error 309/ && $_[0]{body} =~ /RUN: 12345678-5\n/ });
    ok($m, 'alert mail');
    is_deeply($m->{to}, ['moodle@otec.example.cl'], 'to the Moodle location\'s address') if $m;
    my $b = $m ? $m->{body} : '';
    like($b, qr/^  Nombre: Ana Alumna Uno$/m, 'mdl_user firstname + lastname');
    like($b, qr/^  Correo electrónico: alumno1\@example\.cl$/m, 'mdl_user email');
    like($b, qr/^  Teléfono fijo: \+56911111111$/m, 'mdl_user phone1');
    like($b, qr/^  Teléfono móvil: 221111111$/m, 'mdl_user phone2');
    like($b, qr/^  Nombre: Excel intermedio$/m, 'the course\'s name');
    like($b, qr/^  309: La fecha de hoy está fuera de las fechas de ejecución del curso\.$/m, '309 described');
    ok(!grep({ /alumno1\@example\.cl/ } @{ $m->{to} // [] }), 'the participant\'s e-mail is not a recipient');
}

{
    my $mark = mail_mark();
    my $ua = moodle_ua(sid => login('alumno4'));
    is($ua->request(GET vurl($H, '/moodle/course/view.php?id=2'))->code, 403, 'no RUN in the profile: 403');
    my ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /sin RUN en su perfil: Héctor Sin Idnumber/ });
    ok($m, 'alert: profile without RUN');
    like($m->{body}, qr/^  Correo electrónico: alumno4\@example\.cl$/m, 'with the e-mail to reach them') if $m;
    like($m->{body}, qr/^  Nombre: Excel intermedio$/m, 'and the course') if $m;
}

{
    my $mark = mail_mark();
    my $ua = moodle_ua(sid => 'sid-alumno1');
    is($ua->request(GET vurl('alert_dbdown', '/moodle/course/view.php?id=2'))->code, 503,
       'Moodle database down: 503');
    $ua->request(GET vurl('alert_dbdown', '/moodle/course/view.php?id=2')) for 1 .. 3;
    my ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /Base de datos de Moodle no disponible/ });
    ok($m, 'alert: the Moodle database does not answer');
    is_deeply($m->{to}, ['moodle-db@otec.example.cl'], '... to the location\'s address') if $m;
    sleep 1;
    is(scalar(grep { $_->{subject} =~ /Base de datos de Moodle/ } mails_since($mark)), 1,
       'one mail for four refused requests (throttled)');
}

sink_stop();
done_testing;
