# Closing a SENCE session (SenceCloseSession): the close page, the round trip through the
# simulator's CerrarSesion, close errors, SenceCloseEndsOn, crossed callbacks, and the
# journal lines of each step.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use HTML::TokeParser ();
use Time::HiRes qw(sleep);
use POSIX qw(strftime);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);

my ($COD, $CURSO, $LINEA) = @{ $J{codes} };
my @CLOSE_FIELDS = qw(RutOtec Token CodSence CodigoCurso LineaCapacitacion RunAlumno
                      IdSesionAlumno UrlRetoma UrlError IdSesionSence);

# Every property of the close page; returns its hidden fields.
sub check_close_page {
    my ($res, %e) = @_;
    my $h;
    subtest($e{name} // 'close page' => sub {
        is($res->code, 200, 'status 200') or diag($res->as_string);
        like(scalar($res->header('Content-Type')) // '', qr{^text/html}i, 'text/html');
        like(scalar($res->header('Cache-Control')) // '', qr/\bno-store\b/i, 'Cache-Control: no-store');
        my $html = $res->decoded_content // '';
        like($html, qr{<title>Cerrar sesión SENCE</title>}, 'title "Cerrar sesión SENCE"');
        my @forms = close_form($res);
        is(scalar @forms, 1, 'exactly one form posting to CerrarSesion') or return;
        my $f = $forms[0];
        is($f->action, url('/rcetest/Registro/CerrarSesion'), 'action: <SenceEndpoint>/Registro/CerrarSesion');
        is(uc $f->method, 'POST', 'method=post');
        my @hidden = grep { $_->type eq 'hidden' } $f->inputs;
        is_deeply([sort map { $_->name } @hidden], [sort @CLOSE_FIELDS], 'exactly the ten fields, hidden');
        my @other = grep { $_->type !~ /\A(?:hidden|submit|image|button)\z/ } $f->inputs;
        is(scalar @other, 0, 'no other inputs');
        ok(scalar(grep { $_->type =~ /\A(?:submit|image)\z/ } $f->inputs), 'a submit button');
        $h = { map { $_->name => $_->value } @hidden };
        is($h->{RutOtec}, RUT, 'RutOtec');
        is($h->{Token}, TOKEN, 'Token');
        is($h->{CodSence}, $COD, 'CodSence');
        is($h->{CodigoCurso}, $CURSO, 'CodigoCurso');
        is($h->{LineaCapacitacion}, $LINEA, 'LineaCapacitacion');
        is($h->{RunAlumno}, $e{run}, 'RunAlumno');
        like($h->{IdSesionAlumno} // '', qr/\A[A-Za-z0-9_-]{22,149}\z/, 'IdSesionAlumno: url-safe id');
        for my $not (@{ $e{not_ids} // [] }) {
            isnt($h->{IdSesionAlumno}, $not, 'IdSesionAlumno is a fresh id');
        }
        is($h->{UrlRetoma}, url('/sence/cierre'), 'UrlRetoma: /sence/cierre');
        is($h->{UrlError}, url('/sence/cierre-error'), 'UrlError: /sence/cierre-error');
        is($h->{IdSesionSence}, $e{id_sence}, "IdSesionSence: the session's");
        # The participant presses the button: no script at all (sence.js would submit it).
        my $p = HTML::TokeParser->new(\$html);
        my (@scripts, @handlers);
        while (my $t = $p->get_tag) {
            next if $t->[0] =~ m{\A/};
            push @scripts, $t->[1]{src} // 'inline' if $t->[0] eq 'script';
            push @handlers, grep { /\Aon/i } keys %{ $t->[1] // {} };
        }
        is("@scripts", '', 'no script (no auto-submit)');
        is("@handlers", '', 'no inline event handlers');
    });
    return $h;
}

# The callback a simulator-like SENCE would post to /sence/cierre-error for a close attempt.
sub close_error_fields {
    my ($cf, $glosa) = @_;
    return {
        CodSence => $cf->{CodSence}, CodigoCurso => $cf->{CodigoCurso},
        IdSesionAlumno => $cf->{IdSesionAlumno}, RunAlumno => $cf->{RunAlumno},
        FechaHora => strftime('%Y-%m-%d %H:%M:%S', localtime), ZonaHoraria => 'America/Santiago',
        LineaCapacitacion => $cf->{LineaCapacitacion}, GlosaError => $glosa,
    };
}

sub cookie_header { my $c = shift; return Cookie => "$c->[0]=$c->[1]" }

# ---- 1. the close round trip through the simulator -------------------------------------
{
    my $run = '12345678-5';
    my $ua = new_ua(run => $run);
    my $s = start_session(ua => $ua, path => '/j-cierre/', run => $run,
                          content => qr/CONTENIDO-CURSO-A:/, name => 'session in /j-cierre/');
    my $id_sence = $s->{final_fields}{IdSesionSence};
    my $cookie = $s->{cookie};
    SKIP: {
        skip 'no session', 1 unless $cookie && $id_sence;
        sleep 1.1;    # the close's FechaHora differs from the start's
        my $jm = journal_mark();
        my $c = close_roundtrip(ua => $ua, path => '/j-cierre/', run => $run);
        my $cf = check_close_page($c->{page}, run => $run, id_sence => $id_sence,
                                  not_ids => [$s->{fields}{IdSesionAlumno}, $cookie->[1]],
                                  name => 'close page of a live session');
        ok(login_form($c->{sim}), 'simulator: CerrarSesion accepted, login page')
            or diag($c->{sim}->as_string);
        ok($c->{final}, 'simulator: auto-POST form') or diag(($c->{login} // $c->{sim})->as_string);
        skip 'no auto-POST form', 1 unless $c->{final};
        is($c->{final}->action, url('/sence/cierre'), 'posts to UrlRetoma (/sence/cierre)')
            or diag('GlosaError: ' . ($c->{final_fields}{GlosaError} // ''));
        ok(!exists $c->{final_fields}{IdSesionSence}, 'no IdSesionSence in the close callback');
        is($c->{final_fields}{IdSesionAlumno}, $cf->{IdSesionAlumno}, "callback carries the close attempt's id");

        my $done = $ua->request($c->{final}->click);
        is($done->code, 200, '/sence/cierre: 200') or diag($done->as_string);
        like($done->decoded_content // '', qr{<title>Sesión SENCE cerrada</title>}, '"Sesión SENCE cerrada"');
        my @sc = sence_cookies($done);
        is(scalar @sc, 1, 'one sence_ Set-Cookie');
        if (@sc) {
            is($sc[0][0], $cookie->[0], 'the session cookie');
            is($sc[0][1], '', 'emptied');
            like($sc[0][2], qr/;\s*Path=\/\s*(?:;|\z)/i, 'Path=/');
            like($sc[0][2], qr/;\s*Max-Age=0\s*(?:;|\z)/i, 'Max-Age=0');
        }
        ok(is_gate_page($ua->request(GET url('/j-cierre/'))), 'gated again (cookie dropped)');
        my $old = new_ua(run => $run);
        my $res = $old->request(GET url('/j-cierre/'), cookie_header($cookie));
        ok(is_gate_page($res), 'gated again with the old cookie: the session is gone');
        unlike($res->decoded_content // '', qr/CONTENIDO-CURSO-A/, 'no content with the old cookie');

        my $replay = $ua->request($c->{final}->click);
        is($replay->code, 410, 'replayed close callback: 410');
        ok(!sence_cookies($replay), 'replay sets no cookie');

        # Journal: close_sent, close_ok, callback_rejected (replay), for this attempt.
        my $id = $cf->{IdSesionAlumno};
        my @sent = journal_events($jm, event => 'close_sent', id_sesion_alumno => $id);
        is(scalar @sent, 1, 'one close_sent line');
        my %rec = (run => $run, cod_sence => $COD, codigo_curso => $CURSO, linea => $LINEA,
                   id_sesion_alumno => $id, id_sesion_sence => $id_sence);
        check_event($sent[0], event => 'close_sent', fields => \%rec, name => 'journal: close_sent');
        my @ok = journal_events($jm, event => 'close_ok', id_sesion_alumno => $id);
        is(scalar @ok, 1, 'one close_ok line');
        check_event($ok[0], event => 'close_ok', name => 'journal: close_ok',
                    fields => { %rec, fecha_hora => $c->{final_fields}{FechaHora},
                                zona_horaria => $c->{final_fields}{ZonaHoraria} });
        my @rej = journal_events($jm, event => 'callback_rejected', id_sesion_alumno => $id);
        is(scalar @rej, 1, 'one callback_rejected line (the replay)');
        check_event($rej[0], event => 'callback_rejected', name => 'journal: callback_rejected',
                    fields => { id_sesion_alumno => $id, reason => qr{/sence/cierre} });
        is(scalar(journal_events($jm, id_sesion_alumno => $cookie->[1])), 0,
           'the session cookie value never appears as an id');
        unlike(journal_raw($jm), qr/\Q$cookie->[1]\E/, 'the session cookie value is not in the journal');
    }
}

# ---- 2. close error (wrong password at the simulator: 312) keeps the session --------------
{
    my $run = '11111111-1';
    my $ua = new_ua(run => $run);
    my $s = start_session(ua => $ua, path => '/j-cierre/leccion1.html', run => $run,
                          content => qr/CONTENIDO-CURSO-A-LECCION-1/, name => 'session for the 312 case');
    SKIP: {
        skip 'no session', 1 unless $s->{cookie};
        my $jm = journal_mark();
        my $c = close_roundtrip(ua => $ua, path => '/j-cierre/leccion1.html', run => $run,
                                password => 'no-es-la-clave');
        ok($c->{final}, 'simulator answers') or skip 'no auto-POST form', 1;
        is($c->{final}->action, url('/sence/cierre-error'), 'posts to UrlError (/sence/cierre-error)');
        is($c->{final_fields}{GlosaError}, '312', 'GlosaError 312');
        my $res = $ua->request($c->{final}->click);
        is($res->code, 200, '/sence/cierre-error: 200') or diag($res->as_string);
        my $html = $res->decoded_content // '';
        like($html, qr{<title>No se pudo cerrar la sesión SENCE</title>}, '"No se pudo cerrar la sesión SENCE"');
        like($html, qr/\b312\b/, 'shows code 312');
        like($html, qr/Falló la autenticación con Clave Única\./, 'with its Spanish description');
        ok(!sence_cookies($res), 'no Set-Cookie: the session stays');
        like($ua->request(GET url('/j-cierre/'))->decoded_content // '', qr/CONTENIDO-CURSO-A:/,
             'course still open after the failed close');
        my $id = $c->{fields}{IdSesionAlumno} // '';
        my @e = journal_events($jm, event => 'close_error', id_sesion_alumno => $id);
        is(scalar @e, 1, 'one close_error line');
        check_event($e[0], event => 'close_error', name => 'journal: close_error 312 (session kept)',
                    fields => { run => $run, codes => [312], cod_sence => $COD, codigo_curso => $CURSO,
                                linea => $LINEA, id_sesion_sence => $s->{final_fields}{IdSesionSence},
                                fecha_hora => $c->{final_fields}{FechaHora},
                                zona_horaria => $c->{final_fields}{ZonaHoraria} },
                    absent => ['ended']);

        # Closing works afterwards.
        my $c2 = close_roundtrip(ua => $ua, path => '/j-cierre/', run => $run);
        my $ok = $c2->{final} && $ua->request($c2->{final}->click);
        ok($ok && $ok->code == 200 && ($ok->decoded_content // '') =~ /Sesión SENCE cerrada/,
           'a second close succeeds');
        ok(is_gate_page($ua->request(GET url('/j-cierre/'))), 'then gated');
    }
}

# ---- 3. SenceCloseEndsOn: 301 (and 313, configured) end the session locally --------------
for my $case (['22222222-2', '301', qr/la línea de capacitación o el código de curso son incorrectos/],
              ['10000013-k', '312;313', qr/La URL de cierre de sesión es incorrecta\./]) {
    my ($run, $glosa, $desc) = @$case;
    my $ua = new_ua(run => $run);
    my $s = start_session(ua => $ua, path => '/j-cierre/', run => $run,
                          content => qr/CONTENIDO-CURSO-A:/, name => "session for GlosaError $glosa");
    SKIP: {
        skip 'no session', 1 unless $s->{cookie};
        my $jm = journal_mark();
        my $page = $ua->request(GET url('/j-cierre/?sence_cerrar=1'));
        my $cf = close_page_fields($page) or do { fail('close page'); skip 'no close page', 1 };
        my $res = sence_callback($ua, 'cierre-error', close_error_fields($cf, $glosa));
        is($res->code, 200, "cierre-error $glosa: 200") or diag($res->as_string);
        my $html = $res->decoded_content // '';
        like($html, qr{No se pudo cerrar la sesión SENCE}, 'close error page');
        like($html, qr/\b$_\b/, "shows code $_") for split /;/, $glosa;
        like($html, $desc, 'Spanish description');
        like($html, qr/Falló la autenticación con Clave Única\./, 'every code described')
            if $glosa =~ /312/;
        my @sc = sence_cookies($res);
        ok(@sc == 1 && $sc[0][0] eq $s->{cookie}[0] && $sc[0][1] eq '' && $sc[0][2] =~ /Max-Age=0/i,
           'session cookie cleared') or diag(join "\n", map { $_->[2] } @sc);
        my $old = new_ua(run => $run);
        ok(is_gate_page($old->request(GET url('/j-cierre/'), cookie_header($s->{cookie}))),
           "GlosaError $glosa ends the session (old cookie gated)");
        my @e = journal_events($jm, event => 'close_error', id_sesion_alumno => $cf->{IdSesionAlumno});
        is(scalar @e, 1, 'one close_error line');
        check_event($e[0], event => 'close_error', name => "journal: close_error $glosa (ended)",
                    fields => { run => $run, codes => [split /;/, $glosa], ended => JSON::PP::true(),
                                id_sesion_sence => $s->{final_fields}{IdSesionSence} });
    }
}

# ---- 4. crossed callbacks: a login attempt at the close URL and vice versa: 403 -----------
{
    my $run = '12345678-5';
    my $ua = new_ua(run => $run);
    my $jm = journal_mark();
    my $g = form_fields(scalar gate_form($ua->request(GET url('/j-cierre/'))));
    ok($g->{IdSesionAlumno}, 'a login attempt');
    my $cb = callback_fields($g);
    delete $cb->{IdSesionSence};
    my $res = sence_callback($ua, 'cierre', $cb);
    is($res->code, 403, 'login attempt answered at /sence/cierre: 403') or diag($res->as_string);
    ok(!sence_cookies($res), 'no cookie');
    my @rej = journal_events($jm, event => 'callback_rejected', id_sesion_alumno => $g->{IdSesionAlumno});
    is(scalar @rej, 1, 'journal: callback_rejected');

    my $s = start_session(ua => $ua, path => '/j-cierre/', run => $run, name => 'session for the crossed close');
    my $cf = close_page_fields($ua->request(GET url('/j-cierre/?sence_cerrar=1'))) // {};
    ok($cf->{IdSesionAlumno}, 'a close attempt');
    $jm = journal_mark();
    $res = sence_callback($ua, 'retoma', callback_fields({ %$cf, LineaCapacitacion => $cf->{LineaCapacitacion} }));
    is($res->code, 403, 'close attempt answered at /sence/retoma: 403') or diag($res->as_string);
    ok(!sence_cookies($res), 'no cookie');
    @rej = journal_events($jm, event => 'callback_rejected', id_sesion_alumno => $cf->{IdSesionAlumno});
    is(scalar @rej, 1, 'journal: callback_rejected');
    check_event($rej[0], event => 'callback_rejected', name => 'journal: crossed callback rejected',
                fields => { id_sesion_alumno => $cf->{IdSesionAlumno}, reason => qr/\S/ });
    like($ua->request(GET url('/j-cierre/'))->decoded_content // '', qr/CONTENIDO-CURSO-A:/,
         'the session is untouched');
    $res = sence_callback($ua, 'error', { %{ callback_fields($cf) }, GlosaError => '312' });
    ok($res->code == 403 || $res->code == 410, 'close attempt at /sence/error: refused');
}

# ---- 5. without a session: the gate; without SenceCloseSession: the parameter is ignored --
{
    my $run = '22222222-2';
    my $ua = new_ua(run => $run);
    my $jm = journal_mark();
    my $res = $ua->request(GET url('/j-cierre/?sence_cerrar=1'));
    check_gate_page($res, run => $run, codes => $J{codes}, name => '?sence_cerrar=1 without a session: gate page');
    ok(!close_form($res), 'no close form');
    is(scalar(journal_events($jm, event => 'close_sent')), 0, 'no close_sent');

    my $s = start_session(ua => $ua, path => '/j-nocierre/', run => $run,
                          content => qr/CONTENIDO-CURSO-A:/, name => 'session in /j-nocierre/');
    $jm = journal_mark();
    $res = $ua->request(GET url('/j-nocierre/?sence_cerrar=1'));
    is($res->code, 200, '/j-nocierre/?sence_cerrar=1: 200');
    like($res->decoded_content // '', qr/CONTENIDO-CURSO-A:/, 'course content (parameter ignored)');
    ok(!close_form($res), 'no close form');
    is(scalar(journal_events($jm, event => 'close_sent')), 0, 'no close_sent');
    like($ua->request(GET url('/j-nocierre/'))->decoded_content // '', qr/CONTENIDO-CURSO-A:/,
         'session still live');
    # The close page is a GET thing: a POST with the parameter is not a close request.
    $res = $ua->request(POST url('/j-cierre/?sence_cerrar=1'), [x => 1]);
    ok(!close_form($res), 'POST ?sence_cerrar=1: no close page');
}

done_testing;
