# SenceJournal: login_sent, start_ok, start_error and callback_rejected lines field by field,
# JSON escaping of what SENCE sends, and the whole journal so far: valid JSON Lines, known
# events, ISO 8601 times, never a token (nor in the error log).
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use Encode qw(decode encode);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);

my ($COD, $CURSO, $LINEA) = @{ $J{codes} };
my %COURSE_J = (cod_sence => $COD, codigo_curso => $CURSO, linea => $LINEA);

# ---- login_sent and start_ok ----------------------------------------------------------------
{
    my $run = '22222222-2';
    my $jm = journal_mark();
    my $s = start_session(ua => new_ua(run => $run), path => '/j-cierre/', run => $run,
                          name => 'round trip for login_sent/start_ok');
    my $id = $s->{fields}{IdSesionAlumno} // '';
    my @l = journal_events($jm, event => 'login_sent', id_sesion_alumno => $id);
    is(scalar @l, 1, 'one login_sent for the gate page');
    check_event($l[0], event => 'login_sent', name => 'journal: login_sent',
                fields => { run => $run, %COURSE_J, id_sesion_alumno => $id });
    my @o = journal_events($jm, event => 'start_ok', id_sesion_alumno => $id);
    is(scalar @o, 1, 'one start_ok');
    my $ff = $s->{final_fields} // {};
    check_event($o[0], event => 'start_ok', name => 'journal: start_ok',
                fields => { run => $run, %COURSE_J, id_sesion_alumno => $id,
                            id_sesion_sence => $ff->{IdSesionSence}, fecha_hora => $ff->{FechaHora},
                            zona_horaria => $ff->{ZonaHoraria} });
    my @mine = grep { ($_->{id_sesion_alumno} // '') eq $id } journal_events($jm);
    is(join(' ', map { $_->{event} } @mine), 'login_sent start_ok', 'in order: login_sent, start_ok');
}

# ---- start_error through the simulator (wrong password: 312) ---------------------------------
{
    my $run = '10000013-k';
    my $jm = journal_mark();
    my $r = roundtrip(ua => new_ua(run => $run), path => '/j-cierre/', run => $run, codes => $J{codes},
                      password => 'mala', expect => qr/\A312\z/, name => 'start error 312');
    my $id = $r->{fields}{IdSesionAlumno} // '';
    my @e = journal_events($jm, event => 'start_error', id_sesion_alumno => $id);
    is(scalar @e, 1, 'one start_error');
    my $ff = $r->{final_fields} // {};
    check_event($e[0], event => 'start_error', name => 'journal: start_error 312',
                fields => { run => $run, %COURSE_J, id_sesion_alumno => $id, codes => [312],
                            fecha_hora => $ff->{FechaHora}, zona_horaria => $ff->{ZonaHoraria} },
                absent => ['ended']);
}

# ---- several codes, in SENCE's order; JSON escaping of what SENCE sent -----------------------
{
    my $run = '12345678-5';
    my $ua = new_ua(run => $run);
    my $jm = journal_mark();
    my $g = form_fields(scalar gate_form($ua->request(GET url('/j-cierre/'))));
    my $res = sence_callback($ua, 'error', callback_fields($g, IdSesionSence => undef,
                             GlosaError => '306;211', ZonaHoraria => 'Amé"rica\\Santiago'));
    is($res->code, 200, 'error callback 306;211: error page');
    my @e = journal_events($jm, event => 'start_error', id_sesion_alumno => $g->{IdSesionAlumno} // '');
    is(scalar @e, 1, 'one start_error');
    check_event($e[0], event => 'start_error', name => 'journal: start_error 306;211',
                fields => { run => $run, codes => [306, 211], zona_horaria => 'Amé"rica\\Santiago' });

    # A success callback whose text fields need escaping.
    $g = form_fields(scalar gate_form($ua->request(GET url('/j-cierre/'))));
    $jm = journal_mark();
    my $zona = 'Zona "Ñuñoa" \\ </script>';
    $res = sence_callback($ua, 'retoma', callback_fields($g, ZonaHoraria => $zona,
                                                          FechaHora => '2026-11-29 "18:03:15"'));
    is($res->code, 303, 'success callback with quotes and backslashes: 303');
    my @o = journal_events($jm, event => 'start_ok', id_sesion_alumno => $g->{IdSesionAlumno} // '');
    is(scalar @o, 1, 'start_ok line decodes');
    is($o[0] && $o[0]{zona_horaria}, $zona, 'ZonaHoraria round-trips through JSON');
    is($o[0] && $o[0]{fecha_hora}, '2026-11-29 "18:03:15"', 'FechaHora as SENCE sent it');

    # A byte that is not UTF-8 (Latin-1 é): refused, or written as valid UTF-8 JSON.
    $ua = new_ua(run => $run);
    $g = form_fields(scalar gate_form($ua->request(GET url('/j-cierre/'))));
    ok($g->{IdSesionAlumno}, 'a pending attempt for the Latin-1 case');
    $jm = journal_mark();
    my %f = %{ callback_fields($g) };
    $f{ZonaHoraria} = "Am\xe9rica/Santiago";
    my $body = join '&', map { "$_=" . uri_esc($f{$_}) } sort keys %f;
    $res = sence_callback($ua, 'retoma', $body);
    note('Latin-1 ZonaHoraria: ' . $res->code);
    my @bad = grep { !$_->{json} } journal_since($jm);
    is(scalar @bad, 0, 'Latin-1 byte from SENCE: every journal line still valid UTF-8 JSON')
        or diag(join "\n", map { "$_->{error}: $_->{line}" } @bad);
}

sub uri_esc { my $s = shift; $s =~ s/([^A-Za-z0-9_.~-])/sprintf '%%%02X', ord $1/ge; return $s }

# ---- callback_rejected: unknown id, malformed ------------------------------------------------
{
    my $ua = new_ua();
    my $jm = journal_mark();
    my $fake = 'AAAAAAAAAAAAAAAAAAAAAAAA';
    my $res = sence_callback($ua, 'retoma', callback_fields({ CodSence => $COD, CodigoCurso => $CURSO,
        LineaCapacitacion => $LINEA, RunAlumno => '12345678-5', IdSesionAlumno => $fake }));
    is($res->code, 410, 'forged callback: 410');
    my @r = journal_events($jm, event => 'callback_rejected', id_sesion_alumno => $fake);
    is(scalar @r, 1, 'journal: callback_rejected for the forged id');
    check_event($r[0], event => 'callback_rejected', name => 'journal: forged callback',
                fields => { id_sesion_alumno => $fake, reason => qr{\A/sence/retoma: } },
                absent => [qw(codes ended)]);

    $jm = journal_mark();
    $res = sence_callback($ua, 'error', 'IdSesionAlumno=&RunAlumno=x');
    is($res->code, 400, 'malformed callback: 400');
    @r = journal_events($jm, event => 'callback_rejected');
    is(scalar @r, 1, 'journal: callback_rejected for the malformed callback');
    check_event($r[0], event => 'callback_rejected', name => 'journal: malformed callback',
                fields => { reason => qr{\A/sence/error: } }, absent => ['id_sesion_alumno']);
}

# ---- the whole journal so far ----------------------------------------------------------------
{
    my $raw = journal_raw(0);
    ok(length $raw, 'the journal is not empty');
    like($raw, qr/\n\z/, 'ends with a newline (whole lines only)');
    my @all = journal_since(0);
    my @bad = grep { !$_->{json} } @all;
    is(scalar @bad, 0, scalar(@all) . ' lines, every one a JSON object')
        or diag(join "\n", map { "$_->{error}: $_->{line}" } @bad[0 .. ($#bad > 4 ? 4 : $#bad)]);
    my %known = map { $_ => 1 } @{ EVENTS() };
    my @ev = grep { !$known{ $_->{json}{event} // '' } } grep { $_->{json} } @all;
    is(scalar @ev, 0, 'every event is a known one') or diag($ev[0]{line});
    my @t = grep { ($_->{json}{time} // '') !~ ISO_TIME } grep { $_->{json} } @all;
    is(scalar @t, 0, 'every time is ISO 8601 with an offset') or diag($t[0]{line});
    my @wrong_key = grep { my $j = $_->{json}; grep { !/\A(?:time|event|run|subject|cod_sence|codigo_curso|linea|id_sesion_alumno|id_sesion_sence|fecha_hora|zona_horaria|codes|ended|reason|ip|alert|recipients|origin|fetch_site|fetch_mode|seconds|suspect)\z/ } keys %$j }
                    grep { $_->{json} } @all;
    is(scalar @wrong_key, 0, 'only the documented fields') or diag($wrong_key[0]{line});
    # "when known": a field SENCE or the LMS did not provide is left out, not written empty.
    my @empty = grep { my $j = $_->{json}; grep { defined $j->{$_} && !ref $j->{$_} && $j->{$_} eq '' } keys %$j }
                grep { $_->{json} } @all;
    is(scalar @empty, 0, 'no empty-string fields (unknown fields are omitted)')
        or diag(scalar(@empty) . " lines, e.g. $empty[0]{line}");
    for my $tok (TOKEN, BAD_TOKEN, OLD_TOKEN) {
        unlike($raw, qr/\Q$tok\E/i, "token $tok not in the journal");
        unlike(SenceTest::log_since(0), qr/\Q$tok\E/i, "token $tok not in the error log");
    }
    unlike($raw, qr/\bToken\b/, 'no Token field');
}

# A HEAD or a browser's prefetch of a gated page opens no login attempt: no login_sent line.
{
    my $ua = new_ua(run => '22222222-2');
    my $jm = journal_mark();
    my $h = $ua->request(HTTP::Request->new(HEAD => url('/j-cierre/')));
    is($h->code, 200, 'HEAD of a gated page: 200');
    for my $hdr (['Sec-Purpose' => 'prefetch'], ['Sec-Purpose' => 'prefetch;prerender'],
                 ['Purpose' => 'prefetch'], ['X-Moz' => 'prefetch']) {
        my $res = $ua->request(GET url('/j-cierre/'), @$hdr);
        ok($res->code == 200 && !gate_form($res), "GET with $hdr->[0]: $hdr->[1]: a page without the SENCE form");
    }
    my $g = $ua->request(GET url('/j-cierre/'));
    ok(gate_form($g), 'the navigation itself gets the gate form');
    my $id = (scalar form_fields(gate_form($g)))->{IdSesionAlumno} // '';
    my @l = journal_events($jm, event => 'login_sent');
    is(scalar @l, 1, 'one login_sent: the navigation\'s, none for HEAD or prefetch');
    is($l[0] && $l[0]{id_sesion_alumno}, $id, '... with its IdSesionAlumno');
}

done_testing;
