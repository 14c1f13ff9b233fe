# SetHandler sence-status (/j-status, loopback only): HTML, ?json and ?metrics; the
# environment of each gated location; counters that move with a round trip, an error and
# a close, in step with the journal.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use Apache::TestRequest ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);

my ($COD, $CURSO, $LINEA) = @{ $J{codes} };
my $ua = new_ua();
my $hostport = Apache::TestRequest::hostport(Apache::Test::config());

sub course_j {
    my $st = shift or return;
    my @c = grep { $_->{cod_sence} eq $COD && $_->{codigo_curso} eq $CURSO && $_->{linea} == $LINEA }
            @{ $st->{courses} // [] };
    return @c ? $c[0]{sessions} : 0;
}
sub loc { my ($st, $path) = @_; my @l = grep { $_->{path} eq $path } @{ $st->{locations} // [] }; return $l[0] }

# ---- access and formats -------------------------------------------------------------------
{
    my $res = $ua->request(GET url('/j-status-denied'));
    is($res->code, 403, 'Require all denied protects the status page');
    $res = $ua->request(POST url($J{status}), [a => 1]);
    ok($res->code == 405 || $res->code == 501, 'POST: refused (' . $res->code . ')');

    $res = $ua->request(GET url($J{status}));
    is($res->code, 200, 'HTML: 200');
    like(scalar($res->header('Content-Type')) // '', qr{^text/html}, 'text/html');
    like(scalar($res->header('Cache-Control')) // '', qr/no-store/, 'Cache-Control: no-store');
    my $html = $res->decoded_content // '';
    like($html, qr{<td>\Q/j-prod/\E</td><td><strong>PRODUCTION</strong></td>}, 'HTML: /j-prod/ shows PRODUCTION');
    like($html, qr{<td>\Q/j-cierre/\E</td><td><strong>test\b[^<]*</strong></td>}, 'HTML: /j-cierre/ shows test');
    like($html, qr{<td>\Q/curso/\E</td><td><strong>test\b}, 'HTML: /curso/ shows test');
    my $prod = () = $html =~ /PRODUCTION/g;
    is($prod, 1, 'PRODUCTION only for the one production location');
    unlike($html, qr/\Q${\ TOKEN}\E/, 'no token on the page');

    my ($st, $jres) = status_json($ua);
    is($jres->code, 200, 'JSON: 200');
    like(scalar($jres->header('Content-Type')) // '', qr{^application/json}, 'application/json');
    ok($st, 'JSON: parses') or diag($jres->content);
    like($st->{time} // '', ISO_TIME, 'time: ISO 8601 with offset');
    is_deeply([sort keys %{ $st // {} }], [sort qw(time store courses events suspect errors alerts locations)], 'top-level keys');
    is_deeply([sort keys %{ $st->{suspect} // {} }], [qw(close start)], 'suspect: start, close');
    is_deeply([sort keys %{ $st->{store} // {} }], [sort qw(capacity sessions attempts expired evicted)], 'store keys');
    is($st->{store}{capacity}, 512, 'store.capacity: SenceSessionCacheSize');
    is_deeply([sort keys %{ $st->{store}{$_} // {} }], [qw(attempts sessions)], "store.$_: sessions, attempts")
        for qw(expired evicted);
    is_deeply([sort keys %{ $st->{events} // {} }], [sort @{ EVENTS() }], 'events: every journal event');
    my @bad_codes = grep { !/\A(?:\d{3}|other)\z/ } keys %{ $st->{errors} // {} };
    is(scalar @bad_codes, 0, 'errors: keyed by code');

    my %want = (
        '/j-cierre/'   => { environment => 'test', endpoint => url('/rcetest'), moodle => 0, close => 1 },
        '/j-sinbarra/' => { environment => 'test', endpoint => url('/rcetest'), moodle => 0, close => 1 },
        '/j-nocierre/' => { environment => 'test', endpoint => url('/rcetest'), moodle => 0, close => 0 },
        '/j-prod/'     => { environment => 'production', endpoint => $J{prod_endpoint}, moodle => 0, close => 0 },
        '/moodle/'     => { environment => 'test', endpoint => url('/rcetest'), moodle => 1, close => 0 },
        '/curso/'      => { environment => 'test', endpoint => url('/rcetest'), moodle => 0, close => 0 },
    );
    for my $path (sort keys %want) {
        my $l = loc($st, $path);
        subtest("location $path" => sub {
            ok($l, 'listed') or return;
            is_deeply([sort keys %$l], [sort qw(server path environment endpoint moodle close)], 'keys');
            is($l->{server}, $hostport, 'server: host:port');
            is($l->{environment}, $want{$path}{environment}, 'environment');
            is($l->{endpoint}, $want{$path}{endpoint}, 'endpoint');
            ok(JSON::PP::is_bool($l->{moodle}) && !$l->{moodle} == !$want{$path}{moodle}, 'moodle');
            ok(JSON::PP::is_bool($l->{close}) && !$l->{close} == !$want{$path}{close}, 'close');
        });
    }
    ok(!loc($st, '/curso/libre/'), 'Sence Off location not listed');
    my @vh = grep { $_->{server} ne $hostport } @{ $st->{locations} // [] };
    ok(scalar @vh, 'locations of the virtual hosts listed too');
}

# ---- counts move with a round trip, an error and a close ---------------------------------
{
    my $run = '22222222-2';
    my $pua = new_ua(run => $run);
    my ($st0) = status_json($ua);
    my $jm = journal_mark();
    my $s = start_session(ua => $pua, path => '/j-cierre/', run => $run, name => 'round trip');
    my ($st1) = status_json($ua);
    # an earlier test's session of the same participant and course, if live, was replaced
    my $replaced = $st1->{events}{session_replaced} - $st0->{events}{session_replaced};
    ok($replaced == 0 || $replaced == 1, "events.session_replaced +$replaced (0 or 1)");
    is(course_j($st1), course_j($st0) + 1 - $replaced, 'courses: course J sessions +1 (less the one replaced)');
    is($st1->{store}{sessions}, $st0->{store}{sessions} + 1 - $replaced, 'store.sessions +1 (less the one replaced)');
    is($st1->{events}{start_ok} - $st0->{events}{start_ok}, 1, 'events.start_ok +1');
    is($st1->{events}{login_sent} - $st0->{events}{login_sent}, 1, 'events.login_sent +1');

    roundtrip(ua => new_ua(run => '10000013-k'), path => '/j-cierre/', run => '10000013-k', codes => $J{codes},
              password => 'mala', expect => qr/\A312\z/, name => 'start error 312');
    my $c = close_roundtrip(ua => $pua, path => '/j-cierre/', run => $run);
    my $done = $c->{final} ? $pua->request($c->{final}->click) : undef;
    ok($done && $done->code == 200, 'session closed');
    my ($st2) = status_json($ua);
    is(course_j($st2), course_j($st0) - $replaced, 'courses: course J back after the close');
    is($st2->{store}{sessions}, $st0->{store}{sessions} - $replaced, 'store.sessions back');
    is(($st2->{errors}{312} // 0) - ($st0->{errors}{312} // 0), 1, 'errors.312 +1');
    is($st2->{events}{start_error} - $st0->{events}{start_error}, 1, 'events.start_error +1');
    is($st2->{events}{close_sent} - $st0->{events}{close_sent}, 1, 'events.close_sent +1');
    is($st2->{events}{close_ok} - $st0->{events}{close_ok}, 1, 'events.close_ok +1');

    # Every counter in step with the journal lines written meanwhile.
    my (%n, %codes, %sus);
    for my $e (map { $_->{json} } grep { $_->{json} } journal_since($jm)) {
        $n{ $e->{event} }++;
        $codes{$_}++ for @{ $e->{codes} // [] };
        $sus{ $e->{event} =~ /\Aclose/ ? 'close' : 'start' }++ if $e->{suspect};
    }
    ok($sus{start}, 'the test client\'s callbacks (no fetch metadata) were flagged suspect');
    is($st2->{suspect}{$_} - $st0->{suspect}{$_}, $sus{$_} // 0, "suspect.$_ moved as the journal")
        for qw(start close);
    for my $ev (@{ EVENTS() }) {
        is($st2->{events}{$ev} - $st0->{events}{$ev}, $n{$ev} // 0, "events.$ev moved as the journal");
    }
    my %all = map { $_ => 1 } keys %codes, keys %{ $st2->{errors} };
    for my $code (sort keys %all) {
        is(($st2->{errors}{$code} // 0) - ($st0->{errors}{$code} // 0), $codes{$code} // 0,
           "errors.$code moved as the journal");
    }

    # ---- ?metrics agrees with ?json ----
    my ($st) = status_json($ua);
    my $m = status_metrics($ua);
    is($m->{res}->code, 200, 'metrics: 200');
    like(scalar($m->{res}->header('Content-Type')) // '', qr{^text/plain; version=0\.0\.4}, 'Prometheus text format');
    my @bad = grep { $_->[0] eq '!malformed' || $_->[2] !~ /\A-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\z/i } @{ $m->{samples} };
    is(scalar @bad, 0, 'every sample line well formed') or diag(explain \@bad);
    my %typed = map { $_ => 1 } $m->{text} =~ /^# TYPE (\S+) (?:gauge|counter)$/mg;
    my @untyped = grep { !$typed{$_} } map { $_->[0] } @{ $m->{samples} };
    is(scalar @untyped, 0, 'every metric has a # TYPE') or diag("@untyped");
    is(metric($m, 'sence_store_capacity'), 512, 'sence_store_capacity');
    is(metric($m, 'sence_attempts_pending'), $st->{store}{attempts}, 'sence_attempts_pending = store.attempts');
    is(metric($m, 'sence_store_records', kind => 'session'), $st->{store}{sessions}, 'sence_store_records{session}');
    is(metric($m, 'sence_store_records', kind => 'attempt'), $st->{store}{attempts}, 'sence_store_records{attempt}');
    for my $k (qw(session attempt)) {
        is(metric($m, 'sence_store_expired_total', kind => $k), $st->{store}{expired}{"${k}s"}, "sence_store_expired_total{$k}");
        is(metric($m, 'sence_store_evictions_total', kind => $k), $st->{store}{evicted}{"${k}s"}, "sence_store_evictions_total{$k}");
    }
    is(metric($m, 'sence_events_total', event => $_), $st->{events}{$_}, "sence_events_total{$_}") for @{ EVENTS() };
    is(metric($m, 'sence_suspect_callbacks_total', kind => $_), $st->{suspect}{$_}, "sence_suspect_callbacks_total{$_}")
        for qw(start close);
    is(metric($m, 'sence_glosa_errors_total', code => $_), $st->{errors}{$_}, "sence_glosa_errors_total{$_}")
        for sort keys %{ $st->{errors} };
    is(metric($m, 'sence_sessions_live', cod_sence => $COD, codigo_curso => $CURSO, linea => $LINEA) // 0,
       course_j($st), 'sence_sessions_live of course J');
    is(metric($m, 'sence_location_info', path => '/j-prod/', environment => 'production',
              endpoint => $J{prod_endpoint}, moodle => 0, close => 0, server => $hostport), 1,
       'sence_location_info of /j-prod/: production');
    is(metric($m, 'sence_location_info', path => '/j-cierre/', environment => 'test', close => 1), 1,
       'sence_location_info of /j-cierre/: test, close');
    is(metric($m, 'sence_location_info', path => '/moodle/', moodle => 1), 1, 'sence_location_info of /moodle/: moodle');
    my @loc = grep { $_->[0] eq 'sence_location_info' } @{ $m->{samples} };
    is(scalar @loc, scalar @{ $st->{locations} }, 'one sence_location_info per location');
}

done_testing;
