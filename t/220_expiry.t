# Sessions that end by themselves: lifetime expiry (/j-corto/, SenceSessionLifetime 2s) and
# abandoned logins (/j-lento/, SenceLoginTimeout 2s), and their journal lines, written when
# the store reclaims the record.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use Time::HiRes qw(sleep time);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);

my ($COD, $CURSO, $LINEA) = @{ $J{codes} };
my $jm = journal_mark();
my ($st0) = status_json();

# An abandoned login: the gate page of /j-lento/, never answered.
my $lrun = '11111111-1';
my $lua = new_ua(run => $lrun);
my $lg = form_fields(scalar gate_form($lua->request(GET url('/j-lento/'))));
ok($lg->{IdSesionAlumno}, 'gate page of /j-lento/ (login timeout 2 s)');

# A session that lives 2 s.
my $run = '12345678-5';
my $ua = new_ua(run => $run);
my $t0 = time;
my $s = start_session(ua => $ua, path => '/j-corto/', run => $run, content => qr/CONTENIDO-CORTO/,
                      name => 'session in /j-corto/ (lifetime 2 s)');
my $b = bar_of($s->{content} ? $s->{content}->decoded_content : '');
ok($b && $b->{expires} >= int($t0) + 1 && $b->{expires} <= time + 2 + 1,
   'the bar counts down to the 2 s end') or diag($b ? $b->{expires} : 'no bar');
my $id_sence = $s->{final_fields}{IdSesionSence} // '';
my $cookie = $s->{cookie} // ['', ''];
is(scalar(journal_events($jm, event => 'session_expired')), 0, 'no session_expired yet');

sub course_j {
    my $st = shift or return -1;
    my @c = grep { $_->{cod_sence} eq $COD && $_->{codigo_curso} eq $CURSO } @{ $st->{courses} // [] };
    return @c ? $c[0]{sessions} : 0;
}
my ($live) = status_json();
sleep 3.1 - (time - $t0);
my ($dead) = status_json();
is(course_j($dead), course_j($live) - 1, 'status: the expired session no longer counts as live');

# Expired: the participant is sent through SENCE again; the lookup reclaims the record.
my $res = $ua->request(GET url('/j-corto/'));
check_gate_page($res, run => $run, codes => $J{codes}, name => 'after 3 s: gate page again');
unlike($res->decoded_content // '', qr/CONTENIDO-CORTO/, 'no content after expiry');
my @exp = wait_journal($jm, 2, event => 'session_expired', id_sesion_sence => $id_sence);
is(scalar @exp, 1, 'journal: one session_expired for the session');
check_event($exp[0], event => 'session_expired', name => 'journal: session_expired',
            fields => { run => $run, cod_sence => $COD, codigo_curso => $CURSO, linea => $LINEA,
                        id_sesion_sence => $id_sence,
                        id_sesion_alumno => $s->{fields}{IdSesionAlumno},
                        fecha_hora => $s->{final_fields}{FechaHora},
                        zona_horaria => $s->{final_fields}{ZonaHoraria} });
unlike(journal_raw($jm), qr/\Q$cookie->[1]\E/, 'the session cookie value is not in the journal')
    if length $cookie->[1];
$ua->request(GET url('/j-corto/'));
is(scalar(journal_events($jm, event => 'session_expired', id_sesion_sence => $id_sence)), 1,
   'written once (a second visit adds nothing)');
# The close page of an expired session is the gate.
ok(is_gate_page($ua->request(GET url('/j-corto/?sence_cerrar=1'))), '?sence_cerrar=1 after expiry: gate page');

# Abandoned: reclaimed by the puts above (if it was the oldest attempt) or by this late
# callback's lookup, whichever comes first; written once either way.
my $late = sence_callback($lua, 'retoma', callback_fields($lg));
is($late->code, 410, 'late callback: 410');
my @ab = wait_journal($jm, 2, event => 'login_abandoned', id_sesion_alumno => $lg->{IdSesionAlumno});
is(scalar @ab, 1, 'journal: one login_abandoned for the attempt');
check_event($ab[0], event => 'login_abandoned', name => 'journal: login_abandoned',
            fields => { run => $lrun, cod_sence => $COD, codigo_curso => $CURSO, linea => $LINEA,
                        id_sesion_alumno => $lg->{IdSesionAlumno} });
my @rej = journal_events($jm, event => 'callback_rejected', id_sesion_alumno => $lg->{IdSesionAlumno});
is(scalar @rej, 1, 'journal: the late callback rejected');
check_event($rej[0], event => 'callback_rejected', name => 'journal: late callback',
            fields => { reason => qr{\A/sence/retoma: \S} });

# The status counters moved with the journal.
my ($st1) = status_json();
SKIP: {
    skip 'no status JSON', 2 unless $st0 && $st1;
    my %n;
    $n{ $_->{json}{event} }++ for grep { $_->{json} } journal_since($jm);
    is($st1->{store}{expired}{sessions} - $st0->{store}{expired}{sessions}, $n{session_expired} // 0,
       'store.expired.sessions moved by the session_expired lines');
    is($st1->{store}{expired}{attempts} - $st0->{store}{expired}{attempts}, $n{login_abandoned} // 0,
       'store.expired.attempts moved by the login_abandoned lines');
}

done_testing;
