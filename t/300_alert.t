# Alert mails to the OTEC through a real SMTP peer (t/lib/smtp_sink.py): SENCE's errors from
# the simulator and from direct callbacks, contact data from expressions (UTF-8, CR/LF that
# must not become headers or recipients), the throttle, gate refusals, abandoned logins,
# tampering, "SenceAlertMail none", the journal and the status page.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use JSON::PP ();
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(journal_mark journal_events wait_journal);
use SenceMoodle qw(vurl);
use SenceAlert qw(:all);

binmode(Test::More->builder->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);

my $H = 'alert_host';
my @TO = ('alertas@otec.example.cl', 'coordinacion@otec.example.cl');

ok(sink_start(), 'SMTP sink listening on 127.0.0.1:' . ($ENV{SENCE_SMTP_PORT} // '?'))
    or BAIL_OUT('no SMTP sink (python3-aiosmtpd)');

# %-escaped values: the location's expressions unescape them, so CR, LF and UTF-8 arrive
sub esc { my $s = shift; utf8::encode($s); $s =~ s/([^A-Za-z0-9._~@+-])/sprintf '%%%02X', ord $1/ge; $s }

sub ua_for {
    my (%o) = @_;
    my $ua = new_ua(run => $o{run});
    $ua->default_header('X-Test-Name'   => esc($o{name}))   if defined $o{name};
    $ua->default_header('X-Test-Email'  => esc($o{email}))  if defined $o{email};
    $ua->default_header('X-Test-Phone'  => esc($o{phone}))  if defined $o{phone};
    $ua->default_header('X-Test-Mobile' => esc($o{mobile})) if defined $o{mobile};
    return $ua;
}

sub gate {
    my ($ua, $path, $host) = @_;
    my $res = $ua->request(GET vurl($host // $H, $path));
    my ($f) = gate_form($res);
    return $f ? scalar form_fields($f) : undef;
}

sub error_cb {
    my ($ua, $g, $glosa, $host, $what) = @_;
    my $f = callback_fields($g, GlosaError => $glosa, IdSesionSence => undef);
    return $ua->request(POST vurl($host // $H, CB . '/' . ($what // 'error')),
                        [ map { $_ => $f->{$_} } sort keys %$f ]);
}

sub by_run { my $run = shift; sub { ($_[0]{body} // '') =~ /RUN: \Q$run\E\n/ } }

# ---- a start error with two codes, contact data from the expressions -------------------
my $run1 = run_of(30000001);
{
    my $mark = mail_mark();
    my $jm = journal_mark();
    my $ua = ua_for(run => $run1, name => "José Pérez Ñuñoa\r\nBcc: intruso\@example.com",
                    email => "jose\@example.cl\r\nTo: otro\@example.com", mobile => '+56 9 8765 4321');
    my $g = gate($ua, '/alerta/curso.html?x=1');
    ok($g, 'gate page of the alert host') or diag('no gate form');
    my $res = error_cb($ua, $g, '211;204');
    is($res->code, 200, 'error callback 211;204 answered');
    my ($m) = wait_mails($mark, by_run($run1));
    ok($m, 'an alert mail arrived') or BAIL_OUT('no mail: is the sender running? ' . log_since(0) =~ s/.*\n(?=(?:.*\n){20})//sr);
    is_deeply([sort @{ $m->{to} }], [sort @TO], 'envelope: exactly the location\'s recipients');
    is($m->{from}, 'sence@otec.example.cl', 'envelope sender: SenceMailFrom');
    is(scalar @{ $m->{headers}{to} // [] }, 1, 'one To header');
    is($m->{headers}{to}[0], join(', ', @TO), 'To: the recipients');
    ok(!exists $m->{headers}{bcc} && !exists $m->{headers}{cc}, 'no Bcc or Cc header');
    is_deeply([grep { !/\A(?:Date|From|To|Subject|Message-ID|MIME-Version|Content-Type|Content-Transfer-Encoding|Auto-Submitted)\z/ } @{ $m->{names} }],
              [], 'only the module\'s headers') or diag(join ' ', @{ $m->{names} });
    unlike($m->{head}, qr/intruso|otro\@/, 'nothing from the LMS in the raw headers');
    unlike($m->{raw}, qr/[^\x00-\x7f]/, '7-bit message');
    like($m->{headers}{'content-type'}[0], qr{\Atext/plain; charset=UTF-8\z}, 'text/plain UTF-8');
    like($m->{headers}{date}[0], qr/\A\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\z/, 'Date');
    like($m->{headers}{'message-id'}[0], qr/\A<[^<>\s]+\@otec\.example\.cl>\z/, 'Message-ID');
    like($m->{headers}{subject}[0], qr/\A=\?UTF-8\?B\?/, 'Subject: RFC 2047 encoded');
    is($m->{subject}, "[SENCE] Error 211;204 al iniciar sesión: José Pérez Ñuñoa Bcc: intruso\@example.com ($run1), RLAB-19-02-08-0071-1",
       'Subject names reason, participant and course (UTF-8 decoded, CR/LF gone)');
    my $b = $m->{body};
    like($b, qr/^  Nombre: José Pérez Ñuñoa Bcc: intruso\@example\.com$/m, 'body: name');
    like($b, qr/^  RUN: \Q$run1\E$/m, 'body: RUN');
    like($b, qr/^  Correo electrónico: jose\@example\.cl To: otro\@example\.com$/m, 'body: e-mail (one line)');
    like($b, qr/^  Teléfono fijo: no registrado$/m, 'body: landline unknown');
    like($b, qr/^  Teléfono móvil: \+56 9 8765 4321$/m, 'body: mobile');
    like($b, qr/^  Código SENCE \(CodSence\): 1234567890$/m, 'body: CodSence');
    like($b, qr/^  Código del curso \(CodigoCurso\): RLAB-19-02-08-0071-1$/m, 'body: CodigoCurso');
    like($b, qr/^  Línea de capacitación: 3$/m, 'body: line');
    like($b, qr/^  Ambiente: prueba/m, 'body: test environment');
    like($b, qr/^  Fecha y hora: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(America\/Santiago\)$/m, 'body: time in America/Santiago');
    like($b, qr{^  Página solicitada: \Q${\ vurl($H, '/alerta/curso.html?x=1')}\E$}m, 'body: the page asked for');
    like($b, qr/^  211: El Token no pertenece al OTEC\.$/m, 'body: 211 described');
    like($b, qr/^  204: El Código SENCE tiene menos de 10 caracteres/m, 'body: 204 described');
    is(scalar(() = $b =~ /Qué hacer:/g), 2, 'advice for each code');
    for my $secret (TOKEN, BAD_TOKEN, $g->{IdSesionAlumno}) {
        unlike($m->{raw}, qr/\Q$secret\E/, 'no token, no IdSesionAlumno');
    }
    my ($e) = wait_journal($jm, 20, event => 'alert_sent', run => $run1);
    ok($e, 'journal: alert_sent');
    is($e->{alert}, 'start_error', 'journal: the reason') if $e;
    is($e->{recipients}, join(', ', @TO), 'journal: recipients') if $e;
    is_deeply($e->{codes}, [211, 204], 'journal: codes') if $e;
    ok(!grep({ /body|subject|nombre/i } keys %{ $e // {} }), 'journal: no mail text') if $e;

    # the same codes again (any order) are held back; another code is a new mail
    my $m2 = mail_mark();
    $g = gate($ua, '/alerta/');
    is(error_cb($ua, $g, '204;211')->code, 200, 'again 204;211: answered');
    $g = gate($ua, '/alerta/');
    is(error_cb($ua, $g, '100')->code, 200, 'then 100: answered');
    my @m = wait_mails($m2, sub { $_[0]{subject} =~ /Error 100 / && $_[0]{body} =~ /\Q$run1\E/ });
    ok(@m, '100 for the same participant: a new mail');
    is(scalar(grep { $_->{subject} =~ /211/ && $_->{body} =~ /\Q$run1\E/ } mails_since($m2)), 0,
       '211;204 again within SenceAlertThrottle: held back');
}

# ---- the count held back goes in the next mail (3 s window) -----------------------------
{
    my $run = run_of(30000002);
    my $ua = ua_for(run => $run);
    my $mark = mail_mark();
    error_cb($ua, gate($ua, '/alerta/rapido/'), '312') for 1 .. 3;
    my @first = wait_mails($mark, by_run($run));
    is(scalar @first, 1, 'three 312 in a row: one mail');
    sleep 3.5;
    error_cb($ua, gate($ua, '/alerta/rapido/'), '312');
    my @m = wait_mails($mark, sub { by_run($run)->($_[0]) && $_[0]{body} =~ /retenidas/ });
    ok(@m, 'after the window: the next mail');
    like($m[0]{body} // '', qr/retenidas desde el correo anterior \(SenceAlertThrottle\): 2$/m,
         'it counts the two held back') if @m;
}

# ---- through the simulator: wrong password (312), a token of another OTEC (211) ---------
sub sim_error {
    my ($ua, $path, $run, $password) = @_;
    my $res = $ua->request(GET vurl($H, $path));
    my ($gf) = gate_form($res) or return;
    my $sim = submit_form($ua, $gf);
    my $final;
    if (my $lf = login_form($sim)) {
        $lf->value(run => $run);
        $lf->value(clave => $password);
        $final = autopost_form($ua->request($lf->click));
    }
    else {
        $final = autopost_form($sim);
    }
    return unless $final;
    return ($ua->request($final->click), form_fields($final));
}
{
    my $run = '12345678-5';
    my $mark = mail_mark();
    my ($res, $f) = sim_error(ua_for(run => $run, name => 'Ana Simulada'), '/alerta/', $run, 'mala');
    ok($res && $res->code == 200, 'simulator: wrong password, error page');
    is($f->{GlosaError}, '312', 'SENCE said 312') if $f;
    my ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /Error 312 al iniciar sesión: Ana Simulada \(12345678-5\)/ });
    ok($m, 'alert for the wrong password');
    like($m->{body}, qr/^  312: .+\n +Qué hacer: El participante debe revisar su Clave Única/m, '312 described, with advice') if $m;

    ($res, $f) = sim_error(ua_for(run => $run, name => 'Ana Simulada'), '/alerta/token/', $run, $ROSTER{$run});
    is($f->{GlosaError} // '', '211', 'SENCE said 211 (token of another OTEC)');
    ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /Error 211 al iniciar sesión: Ana Simulada/ });
    ok($m, 'alert for the wrong token');
    unlike($m->{raw}, qr/\Q${\ BAD_TOKEN}\E/i, 'the token is not in the mail') if $m;
}

# ---- refused at the gate: no RUN, an invalid RUN ------------------------------------------
{
    my $mark = mail_mark();
    my $ua = ua_for(name => 'Sin Run', email => 'sinrun@example.cl');
    is($ua->request(GET vurl($H, '/alerta/'))->code, 403, 'no RUN: 403');
    my ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /sin RUN en su perfil: Sin Run/ });
    ok($m, 'alert: participant without RUN');
    like($m->{body}, qr/^  Correo electrónico: sinrun\@example\.cl$/m, 'with the contact data') if $m;
    $ua = ua_for(run => '12345678-9', name => 'Run Malo');
    is($ua->request(GET vurl($H, '/alerta/'))->code, 403, 'invalid RUN: 403');
    ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /RUN no válido en el perfil: Run Malo/ });
    ok($m, 'alert: invalid RUN');
    like($m->{body}, qr/RUN registrado en el perfil: "12345678-9"/, 'the RUN as the profile has it') if $m;
}

# ---- an abandoned login (SenceLoginTimeout 2s), noticed by the sender's sweep -------------
{
    my $run = run_of(30000003);
    my $mark = mail_mark();
    ok(gate(ua_for(run => $run, name => 'Lenta Mente'), '/alerta/lento/'), 'login sent, never answered');
    my ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /Inicio de sesión no completado: Lenta Mente \(\Q$run\E\)/ }, 40);
    ok($m, 'alert: login abandoned, with no request to the site');
}

# ---- tampering: a mismatched callback, a replay (throttled per client address) -------------
{
    my $run = run_of(30000004);
    my $mark = mail_mark();
    my $ua = ua_for(run => $run);
    my $g = gate($ua, '/alerta/');
    my $f = callback_fields($g, RunAlumno => '11111111-1');
    is($ua->request(POST vurl($H, CB . '/retoma'), [%$f])->code, 403, 'RUN mismatch: refused');
    my ($m) = wait_mails($mark, sub { $_[0]{subject} =~ /posible manipulación/ && $_[0]{body} =~ /RunAlumno no coincide/ });
    ok($m, 'alert: mismatched callback');
    is_deeply([sort @{ $m->{to} }], [sort @TO], '... to the location\'s recipients') if $m;
    like($m->{body}, qr/Origen: 127\.0\.0\.1\./, '... naming the client address') if $m;
    my $m2 = mail_mark();
    for (1 .. 3) {
        is($ua->request(POST vurl($H, CB . '/retoma'), [%$f])->code, 410, 'replay: refused');
    }
    my @r = wait_mails($m2, sub { grep { $_ eq 'seguridad@otec.example.cl' } @{ $_[0]{to} } });
    is(scalar @r, 1, 'replays: one alert to the callback location\'s address');
    sleep 1;
    is(scalar(grep { grep { $_ eq 'seguridad@otec.example.cl' } @{ $_->{to} } } mails_since($m2)), 1,
       'the other replays from this address held back');
}

# ---- SenceAlertMail none: no alerts below ---------------------------------------------------
{
    my $run = run_of(30000005);
    my $mark = mail_mark();
    my $ua = ua_for(run => $run);
    is(error_cb($ua, gate($ua, '/alerta/sin/'), '312')->code, 200, 'error under "SenceAlertMail none"');
    error_cb($ua, gate($ua, '/alerta/'), '313');    # a mail after it, to wait for
    my @m = wait_mails($mark, sub { $_[0]{subject} =~ /Error 313/ && $_[0]{body} =~ /\Q$run\E/ });
    ok(@m, 'the later alert arrived');
    is(scalar(grep { $_->{subject} =~ /Error 312/ && $_->{body} =~ /\Q$run\E/ } mails_since($mark)), 0,
       'none for the section with SenceAlertMail none');
}

# ---- STARTTLS required, the server offers none: refused, alert_failed --------------------
{
    my $run = run_of(30000006);
    my $mark = mail_mark();
    my $jm = journal_mark();
    my $lm = log_mark();
    my $ua = ua_for(run => $run);
    is(error_cb($ua, gate($ua, '/alerta/', 'alert_tls'), '312', 'alert_tls')->code, 200,
       'error callback on the STARTTLS-required host');
    my ($e) = wait_journal($jm, 20, event => 'alert_failed', run => $run);
    ok($e, 'journal: alert_failed');
    like($e->{reason} // '', qr/STARTTLS/, 'journal: why') if $e;
    is($e->{recipients}, 'tls@otec.example.cl', 'journal: recipients') if $e;
    ok(wait_log($lm, [qr/SENCE7022/, qr/tls\@otec\.example\.cl/, qr/STARTTLS/]), 'error log: not delivered, STARTTLS');
    is(scalar(grep { grep { $_ eq 'tls@otec.example.cl' } @{ $_->{to} } } mails_since($mark)), 0,
       'nothing sent without STARTTLS');
}

# ---- the SMTP peer down: callbacks answered, alerts delivered once it is back --------------
{
    sink_stop();
    my $mark = mail_mark();
    my @runs = map { run_of(30000100 + $_) } 1 .. 5;
    for my $run (@runs) {
        my $ua = ua_for(run => $run);
        is(error_cb($ua, gate($ua, '/alerta/'), '100')->code, 200, "peer down: callback for $run answered");
    }
    sleep 1;
    ok(sink_start(), 'SMTP peer back');
    my $end = time + 40;
    my %got;
    while (time < $end && keys %got < @runs) {
        for my $m (mails_since($mark)) {
            $got{$1}++ if $m->{body} =~ /^  RUN: (\S+)$/m;
        }
        sleep 0.5;
    }
    is(scalar(grep { $got{$_} } @runs), scalar @runs, 'every alert arrived after the peer came back');
}

# ---- the status page counts them ------------------------------------------------------------
{
    my $st = JSON::PP->new->decode(new_ua()->request(GET url('/j-status?json'))->decoded_content);
    my $a = $st->{alerts} // {};
    ok($a->{sent} >= 10, "status: sent ($a->{sent})");
    ok($a->{failed} >= 1, "status: failed ($a->{failed})");
    ok($a->{throttled} >= 3, "status: throttled ($a->{throttled})");
    ok(defined $a->{queued} && defined $a->{dropped}, 'status: queued, dropped');
    my $m = new_ua()->request(GET url('/j-status?metrics'))->decoded_content;
    for my $k (qw(queued sent failed throttled dropped)) {
        my $name = $k eq 'queued' ? 'sence_alerts_queued' : "sence_alerts_${k}_total";
        like($m, qr/^# HELP \Q$name\E /m, "metrics: HELP $name");
        like($m, qr/^# TYPE \Q$name\E (?:gauge|counter)$/m, "metrics: TYPE $name");
        like($m, qr/^\Q$name\E \d+$/m, "metrics: $name");
    }
}

sink_stop();
done_testing;
