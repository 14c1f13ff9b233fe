# SetHandler sence-status (/j-status, loopback only): HTML, ?json and ?metrics; the
# environment of each gated location; counters that move with a round trip, an error and
# a close, in step with the journal. The module version, the uptimes and the store's use;
# ?metrics through Prometheus' own promtool and through a checker of the same rules here;
# on a private server: the port it really listens on (ServerName without one), a path
# written in two sections listed once, and a graceful restart that keeps the store's age.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use Apache::TestRequest ();
use HTTP::Request::Common qw(GET POST);
use IO::Socket::INET ();
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep time);
use Time::Local qw(timegm);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);
use SenceServer qw(private_conf);

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

# ISO 8601 with offset as Unix time.
sub epoch_of {
    my @t = (shift // '') =~ ISO_TIME or return;
    my $off = ($t[7] * 3600 + $t[8] * 60) * ($t[6] eq '-' ? -1 : 1);
    return timegm($t[5], $t[4], $t[3], $t[2], $t[1] - 1, $t[0]) - $off;
}

# The rules of Prometheus' text format (0.0.4) that `promtool check metrics` holds an
# exposition to, checked on their own: names and label syntax, escapes, per family exactly one
# HELP and one TYPE before its samples, a family's samples together, no series twice, counters
# named *_total. Returns the problems found (none: an empty list).
sub prom_problems {
    my $text = shift // '';
    my $name = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
    my $value = qr/[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN/;
    my (@p, %help, %type, %closed, %series, $cur);
    push @p, 'no newline at the end' unless $text =~ /\n\z/;
    my $n = 0;
    my $family = sub {    # a HELP or TYPE line for $f: the previous family is over
        my $f = shift;
        $closed{$cur} = 1 if defined $cur && $cur ne $f;
        push @p, "line $n: HELP/TYPE for $f after its samples were over" if $closed{$f};
        $cur = $f;
    };
    for my $l (split /\n/, $text) {
        $n++;
        next if $l eq '';
        if ($l =~ /\A# HELP (\S+) (.*)\z/s) {
            my ($f, $h) = ($1, $2);
            push @p, "line $n: bad metric name '$f'" unless $f =~ /\A$name\z/;
            push @p, "line $n: second HELP for $f" if $help{$f}++;
            (my $unescaped = $h) =~ s/\\[\\n]//g;
            push @p, "line $n: bad escape in the HELP of $f" if $unescaped =~ /\\/;
            $family->($f);
        }
        elsif ($l =~ /\A# TYPE (\S+) (\S+)\z/) {
            my ($f, $t) = ($1, $2);
            push @p, "line $n: bad metric name '$f'" unless $f =~ /\A$name\z/;
            push @p, "line $n: second TYPE for $f" if $type{$f};
            push @p, "line $n: unknown type '$t' for $f" unless $t =~ /\A(?:counter|gauge|histogram|summary|untyped)\z/;
            push @p, "line $n: counter $f is not named *_total" if $t eq 'counter' && $f !~ /_total\z/;
            push @p, "line $n: gauge $f is named *_total" if $t eq 'gauge' && $f =~ /_total\z/;
            $type{$f} = $t;
            $family->($f);
        }
        elsif ($l =~ /\A#/) {
            next;    # a comment
        }
        elsif ($l =~ /\A($name)(?:\{(.*)\})?[ \t]+($value)(?:[ \t]+-?\d+)?\z/) {
            my ($f, $labels, $v) = ($1, $2 // '', $3);
            my (%lab, $rest);
            ($rest = $labels) =~ s/\A\s+//;
            while ($rest ne '') {
                unless ($rest =~ s/\A([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\\n]|\\[\\"n])*)"\s*(?:,\s*|\z)//) {
                    push @p, "line $n: bad labels '{$labels}'";
                    last;
                }
                push @p, "line $n: label $1 twice" if exists $lab{$1};
                push @p, "line $n: reserved label name $1" if $1 =~ /\A__/;
                $lab{$1} = $2;
            }
            push @p, "line $n: $f has no HELP before its samples" unless $help{$f};
            push @p, "line $n: $f has no TYPE before its samples" unless $type{$f};
            push @p, "line $n: samples of $f are not together" if $closed{$f} || (defined $cur && $cur ne $f);
            my $key = join "\0", $f, map { "$_=$lab{$_}" } sort keys %lab;
            push @p, "line $n: series twice: $l" if $series{$key}++;
        }
        else {
            push @p, "line $n: not a sample, HELP, TYPE or comment: '$l'";
        }
    }
    return @p;
}

# promtool from Debian's prometheus package (scripts/test installs it with the suite set).
sub promtool {
    for my $d (split(/:/, $ENV{PATH} // ''), '/usr/bin') {
        return "$d/promtool" if -x "$d/promtool";
    }
    return;
}

# `promtool check metrics` on $text: (exit status, its output).
sub promtool_check {
    my ($tool, $text) = @_;
    my $dir = tempdir(CLEANUP => 1);
    open my $fh, '>', "$dir/metrics" or die "$dir/metrics: $!";
    print $fh $text;
    close $fh or die "$dir/metrics: $!";
    my $out = `"$tool" check metrics < "$dir/metrics" 2>&1`;
    return ($? >> 8, $out);
}

# Each (server, path) of a status document's locations; and how many times each appears.
sub location_counts {
    my $st = shift;
    my %n;
    $n{"$_->{server} $_->{path}"}++ for @{ $st->{locations} // [] };
    return \%n;
}

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
    is_deeply([sort keys %{ $st // {} }],
              [sort qw(time version server_version mpm started restarted uptime store courses events suspect errors
                       alerts locations)], 'top-level keys');
    is_deeply([sort keys %{ $st->{suspect} // {} }], [qw(close start)], 'suspect: start, close');
    is_deeply([sort keys %{ $st->{store} // {} }],
              [sort qw(capacity sessions attempts used percent_full bytes created expired evicted
                       backend target reachable errors)], 'store keys');
    is($st->{store}{backend}, 'shm', 'store.backend: shm (no SenceSessionStore)');
    ok(!defined $st->{store}{target}, 'store.target: null for shm');
    ok($st->{store}{reachable}, 'store.reachable: true');
    ok(!exists $st->{store}{local_cache}, 'no local_cache without a shared store');
    is($st->{store}{capacity}, 512, 'store.capacity: SenceSessionCacheSize');
    is_deeply([sort keys %{ $st->{store}{$_} // {} }], [qw(attempts sessions)], "store.$_: sessions, attempts")
        for qw(created expired evicted);
    is($st->{store}{used}, $st->{store}{sessions} + $st->{store}{attempts}, 'store.used: sessions + attempts');
    is($st->{store}{percent_full}, sprintf('%.1f', 100 * $st->{store}{used} / 512) + 0, 'store.percent_full');
    cmp_ok($st->{store}{bytes}, '>=', 512 * 936, 'store.bytes: at least the records themselves');
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

    # each location once, at the port its server listens on
    my $once = location_counts($st);
    is_deeply([grep { $once->{$_} > 1 } sort keys %$once], [], 'JSON: each (server, path) once');
    is_deeply([grep { !/\A[^ ]+:[1-9]\d* / } sort keys %$once], [], 'JSON: every server with a real port');
    my %rows;
    $rows{"$1 $2"}++ while $html =~ m{<tr><td>([^<]*)</td><td>([^<]*)</td><td><strong>}g;
    is(scalar(keys %rows), scalar(keys %$once), 'HTML: a row per location');
    is_deeply([grep { $rows{$_} > 1 } sort keys %rows], [], 'HTML: each (server, path) once');

    # the module version, the same everywhere
    like($st->{version} // '', qr/\A\d+\.\d+\.\d+\z/, "version: $st->{version}");
    like($html, qr{<dt>mod_sence Version: \Q$st->{version}\E</dt>}, 'HTML: the module version');
    like($st->{server_version} // '', qr{\AApache/2\.4\.}, 'server_version: httpd\'s');
    like($html, qr{<dt>Server Version: Apache/2\.4\.[^<]*</dt>}, 'HTML: the server version');
    like($st->{mpm} // '', qr/\A(?:event|prefork|worker)\z/, 'mpm');

    # uptimes: since the store was created (kept across restarts) and since this generation
    like($st->{$_} // '', ISO_TIME, "$_: ISO 8601") for qw(started restarted);
    my ($t0, $tr, $tn) = map { epoch_of($st->{$_}) } qw(started restarted time);
    ok(defined $t0 && defined $tr && $t0 <= $tr + 1 && $tr <= $tn, 'started <= restarted <= time');
    ok($st->{uptime}{started} >= $st->{uptime}{restarted}, 'uptime.started >= uptime.restarted');
    ok(abs($st->{uptime}{started} - ($tn - $t0)) <= 2, "uptime.started ($st->{uptime}{started} s) = time - started");
    ok(abs($st->{uptime}{restarted} - ($tn - $tr)) <= 2, "uptime.restarted ($st->{uptime}{restarted} s) = time - restarted");
    like($html, qr{<h1>mod_sence status</h1>}, 'HTML: the heading');
    like($html, qr{<dt>Restart Time: [^<]+</dt>}, 'HTML: restart time');
    like($html, qr{<dt>Server uptime: (?:\d+ (?:day|hour|minute|second)s? ?)+}, 'HTML: server uptime');
    like($html, qr{<dt>Store uptime: (?:\d+ (?:day|hour|minute|second)s? ?)+}, 'HTML: store uptime');
    like($html, qr{<dt>Store: \d+ sessions? and \d+ pending attempts? in 512 records, [\d.]+% full \(\d+ bytes},
         'HTML: the store\'s use');
    my $tags = $html;
    $tags =~ s{<(?:/?(?:html|head|body|title|h1|h2|dl|dt|hr|table|tr|th|td|strong|code)\b[^<>]*|!DOCTYPE html|meta charset="utf-8")/?>}{}g;
    unlike($tags, qr/[<>]/, 'HTML: nothing but the page\'s own tags (the rest escaped)');
    unlike($html, qr{<(?:script|link|style)\b|\bhttps?://[^<"]*\.(?:css|js)\b}i, 'HTML: no script or stylesheet');
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
    is(metric($m, 'sence_build_info', version => $st->{version}), 1, 'sence_build_info{version} 1');
    ok(abs((metric($m, 'sence_start_time_seconds') // 0) - epoch_of($st->{started})) <= 1,
       'sence_start_time_seconds = started');
    ok(abs((metric($m, 'sence_restart_time_seconds') // 0) - epoch_of($st->{restarted})) <= 1,
       'sence_restart_time_seconds = restarted');
    is(metric($m, 'sence_store_bytes'), $st->{store}{bytes}, 'sence_store_bytes = store.bytes');
    is(metric($m, 'sence_alerts_capacity'), $st->{alerts}{capacity}, 'sence_alerts_capacity = alerts.capacity');
    is(metric($m, 'sence_store_created_total', kind => $_), $st->{store}{created}{"${_}s"}, "sence_store_created_total{$_}")
        for qw(session attempt);

    # the exposition format's rules, here and by promtool
    my @problems = prom_problems($m->{text});
    is_deeply(\@problems, [], 'metrics: HELP and TYPE once per family, samples together, no series twice')
        or diag($m->{text});
    my %families = map { $_->[0] => 1 } @{ $m->{samples} };
    ok($families{$_}, "metrics: family $_") for qw(sence_store_records sence_store_expired_total
        sence_store_evictions_total sence_alerts_queued sence_alerts_sent_total sence_alerts_failed_total
        sence_alerts_throttled_total sence_alerts_dropped_total sence_build_info sence_start_time_seconds);
    # the checker itself sees each broken rule
    my $ok = "# HELP a_total A.\n# TYPE a_total counter\na_total{k=\"1\"} 1\n";
    is_deeply([prom_problems($ok)], [], 'checker: a good family passes');
    for my $bad (["# TYPE a_total counter\na_total 1\n", 'no HELP'],
                 ["# HELP a A.\n# TYPE a counter\na 1\n", 'a counter not named *_total'],
                 ["$ok# HELP a_total A.\n", 'a second HELP'],
                 ["${ok}a_total{k=\"1\"} 2\n", 'a series twice'],
                 ["$ok# HELP b B.\n# TYPE b gauge\nb 1\na_total{k=\"2\"} 1\n", 'a family split'],
                 ["# HELP a A.\n# TYPE a gauge\na{k=\"x\\y\"} 1\n", 'a bad escape'],
                 ["# HELP a A.\n# TYPE a gauge\na{k=\"1\",k=\"2\"} 1\n", 'a label twice']) {
        ok(scalar prom_problems($bad->[0]), "checker: $bad->[1] is found");
    }

  SKIP: {
        my $tool = promtool();
        if (!$tool) {
            my $why = 'promtool not installed (Debian: apt-get install prometheus): '
                    . 'Prometheus\' own check of ?metrics NOT RUN';
            if ($ENV{CI} || $ENV{SENCE_TEST_STRICT}) {
                fail($why);
                skip 'promtool missing', 2;
            }
            diag("!!!!! $why !!!!!");
            skip $why, 3;
        }
        my ($rc, $out) = promtool_check($tool, $m->{text});
        is($rc, 0, 'promtool check metrics: clean') or diag($out);
        is($out, '', 'promtool check metrics: nothing to say') or diag($out);
        # and it does fail where it should: the families of before, without HELP
        ($rc, $out) = promtool_check($tool, "# TYPE sence_store_records gauge\nsence_store_records{kind=\"session\"} 0\n");
        isnt($rc, 0, "promtool check metrics fails a family without HELP ($out)");
    }
}

# ---- a private server: ServerName without a port, a path in two sections, graceful ---------------------
{
    my $httpd = Apache::Test::config()->{vars}{httpd};
    my $free = sub {
        my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0, ReuseAddr => 1)
            or die "no free port: $!";
        my $p = $s->sockport;
        close $s;
        return $p;
    };
    my ($p1, $p2) = ($free->(), $free->());
    $p2 = $free->() while $p2 == $p1;
    my $tmp = tempdir(CLEANUP => 1);
    my $tok = TOKEN;
    my $course = <<"EOC";
        Sence On
        SenceRun "%{HTTP:X-Test-Run}"
        SenceCodSence $COD
        SenceCodigoCurso $CURSO
        SenceLinea $LINEA
EOC
    # private_conf writes "ServerName localhost": no port, so s->port is 0 for the main server
    my $file = private_conf($tmp, listen => "127.0.0.1:$p1", body => <<"EOC");
LogLevel warn
SencePublicURL http://localhost:$p1
SenceRutOtec ${\ RUT}
SenceToken $tok
SenceEndpoint http://localhost:$p1/rcetest
SenceSessionCacheSize 64
<Location /dos/>
$course</Location>
<Location /dos/>
    SenceCloseSession On
</Location>
<Location /estado>
    SetHandler sence-status
</Location>
Listen 127.0.0.1:$p2
<VirtualHost 127.0.0.1:$p2>
    ServerName aula.example
    SencePublicURL http://aula.example:$p2
    <Location /vh/>
$course    </Location>
    <Location /estado>
        SetHandler sence-status
    </Location>
</VirtualHost>
EOC
    my $slurp = sub { my $f = shift; open my $fh, '<', $f or return ''; local $/; return scalar(<$fh>) // '' };
    my $out = `"$httpd" -f "$file" -k start 2>&1`;
    my $up = 0;
    for (1 .. 100) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $p1, Timeout => 1);
        if ($s && -s "$tmp/httpd.pid") { $up = 1; last }
        sleep 0.1;
    }
    ok($up, 'private server started') or diag($out . $slurp->("$tmp/error_log"));
  SKIP: {
        skip 'private server did not start', 14 unless $up;
        my $pua = new_ua();
        my $get = sub {
            my ($port, $q) = @_;
            my $res = $pua->request(GET "http://127.0.0.1:$port/estado$q");
            return ($res->code == 200 ? $res->decoded_content : '', $res);
        };
        my ($j) = $get->($p1, '?json');
        my $st = eval { json_codec()->decode($j) } // {};
        my $n = location_counts($st);
        is_deeply($n, { "localhost:$p1 /dos/" => 1, "aula.example:$p2 /vh/" => 1 },
                  "JSON: /dos/ (two sections) once at localhost:$p1, /vh/ at aula.example:$p2")
            or diag(explain $st->{locations});
        ok(loc($st, '/dos/') && loc($st, '/dos/')->{close}, '/dos/: what both sections say');
        my ($html) = $get->($p1, '');
        my $rows = () = $html =~ m{<td>/dos/</td>}g;
        is($rows, 1, 'HTML: /dos/ once');
        like($html, qr{<td>localhost:$p1</td><td>/dos/</td>}, "HTML: localhost:$p1, not :0");
        unlike($html . $j, qr/localhost:0\b/, 'no port 0 anywhere');
        my ($mt) = $get->($p1, '?metrics');
        my @loc = $mt =~ /^sence_location_info\{[^}]*path="\/dos\/"/mg;
        is(scalar @loc, 1, 'metrics: /dos/ once');
        is_deeply([prom_problems($mt)], [], 'metrics of the private server: the format\'s rules');
        # asked through the virtual host: the same ports
        my ($jv) = $get->($p2, '?json');
        my $stv = eval { json_codec()->decode($jv) } // {};
        is_deeply(location_counts($stv), $n, 'through the virtual host: the same locations and ports');
        is($st->{store}{capacity}, 64, 'store.capacity: SenceSessionCacheSize 64');

        # graceful: this generation restarts, the store (and its age) stays
        sleep 1.1;
        system($httpd, '-f', $file, '-k', 'graceful');
        my $st2 = {};
        for (1 .. 100) {
            sleep 0.1;
            my ($j2) = $get->($p1, '?json');
            $st2 = eval { json_codec()->decode($j2) } // {};
            last if ($st2->{restarted} // '') ne ($st->{restarted} // '') && $st2->{restarted};
        }
        isnt($st2->{restarted}, $st->{restarted}, "graceful: restarted moved ($st->{restarted} -> "
             . ($st2->{restarted} // '?') . ')');
        is($st2->{started}, $st->{started}, 'graceful: started (the store\'s creation) kept');
        ok(($st2->{uptime}{started} // 0) >= 1 && ($st2->{uptime}{restarted} // 99) < $st2->{uptime}{started},
           "graceful: uptime.restarted ($st2->{uptime}{restarted}) < uptime.started ($st2->{uptime}{started})");
        my ($mt2) = $get->($p1, '?metrics');
        my ($restart) = $mt2 =~ /^sence_restart_time_seconds (\S+)$/m;
        my ($start) = $mt2 =~ /^sence_start_time_seconds (\S+)$/m;
        ok(defined $restart && defined $start && $restart >= $start + 1,
           'metrics: sence_restart_time_seconds a graceful restart after sence_start_time_seconds');
        unlike($slurp->("$tmp/error_log"), qr/\[(?:emerg|alert|crit|error)\]/, 'private error log: no error');
    }
    chomp(my $pid = $slurp->("$tmp/httpd.pid"));
    system($httpd, '-f', $file, '-k', 'stop');
    my $end = time + 10;
    sleep 0.1 while $pid && kill(0, $pid) && time < $end;
}

done_testing;
