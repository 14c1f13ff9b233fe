package SenceStoreCases;
# The cases of the shared session store, run by t/410_store_redis.t and
# t/420_store_memcache.t against a SenceCluster (two httpd nodes, one public URL) sharing a
# SencePeers store (redis-server or memcached). Each case is a subtest; they take what they
# need: the cluster $c, the peer $peer, and
#   backend => 'redis' | 'memcache', bound => SenceStoreLocalCache in seconds,
#   timeout => the provider's request timeout in seconds (RedisTimeout), lifetime => the
#   SenceSessionLifetime of /corto/, login_timeout => the SenceLoginTimeout of /lento/.
# Every participant is a fresh RUN of the cluster's roster (next_run), so cases do not meet.
use strict;
use warnings FATAL => 'all';
use utf8;

use Exporter 'import';
use Test::More;
use HTTP::Request::Common qw(GET POST);
use File::Temp qw(tempdir);
use JSON::PP ();
use POSIX ();
use Time::HiRes qw(sleep time);

use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);
use SenceCluster ();

our @EXPORT_OK = qw(next_run browse opens gated down_ok cookie_header
                    case_status case_cross_login case_simultaneous case_close case_expiry
                    case_abandoned case_graceful case_outage case_hung case_logs);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $N = 0;
sub next_run { return SenceCluster::participant(++$N) }

sub cookie_header { my $c = shift; return Cookie => "$c->[0]=$c->[1]" }

# GET $path on $node with $ua (and extra headers): the response.
sub browse {
    my ($node, $ua, $path, @h) = @_;
    return $node->on(sub { $ua->request(GET url($path), @h) });
}

# The course page itself (200, its content, no gate page).
sub opens {
    my ($res, $re) = @_;
    return $res->code == 200 && !is_gate_page($res) && ($res->decoded_content // '') =~ $re ? 1 : 0;
}

sub gated { my $res = shift; return is_gate_page($res) }

# The store-unreachable answer: 503, the Spanish page, no-store, within $max seconds.
sub down_ok {
    my ($res, $secs, $max, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    subtest $name => sub {
        is($res->code, 503, 'status 503') or diag(substr($res->as_string, 0, 600));
        like(scalar($res->header('Content-Type')) // '', qr{^text/html}i, 'HTML');
        like(scalar($res->header('Cache-Control')) // '', qr/no-store/i, 'Cache-Control: no-store');
        my $html = $res->decoded_content // '';
        like($html, qr{<title>Servicio no disponible</title>}, 'title "Servicio no disponible"');
        like($html, qr/minutos/, 'try again in a few minutes (Spanish)');
        unlike($html, qr/CONTENIDO-/, 'no course content');
        ok(!is_gate_page($res), 'no gate page (nothing to log in to)');
        ok(!sence_cookies($res), 'no cookie');
        ok($secs < $max, sprintf('answered in %.2f s (< %d s)', $secs, $max));
    };
}

sub timed {
    my $code = shift;
    my $t0 = time;
    my $res = $code->();
    return ($res, time - $t0);
}

# A session for a fresh participant: the gate page on $gate, SENCE's callback on $cb.
# Returns (run, ua, roundtrip's hashref).
sub session {
    my ($c, $gate, $cb, %o) = @_;
    my $run = next_run();
    my $ua = new_ua(run => $run);
    my $path = $o{path} // '/curso/';
    my $r = $c->roundtrip(gate => $gate, callback => $cb, ua => $ua, path => $path, run => $run,
                          content => $o{content} // qr/CONTENIDO-CURSO-A:/,
                          name => $o{name} // "login of $run: gate page on " . $gate->name
                                  . ', callback on ' . $cb->name);
    return ($run, $ua, $r);
}

# A pending attempt of a fresh participant whose SENCE answer (the auto-POST form's fields)
# is at hand: returns (run, ua, the callback's fields).
sub pending {
    my ($c, $gate, %o) = @_;
    my $run = next_run();
    my $ua = new_ua(run => $run);
    my $r = $c->roundtrip(gate => $gate, ua => $ua, path => $o{path} // '/curso/', run => $run,
                          pending => 1, name => "attempt of $run on " . $gate->name . ', left pending');
    return ($run, $ua, $r->{final_fields});
}

# ---- the status page ------------------------------------------------------------------

# The store part of $node's ?json.
sub store_of {
    my $node = shift;
    my $st = $node->on(sub { status_json() });
    return ref $st eq 'HASH' ? ($st->{store} // {}) : {};
}

sub metrics_of { my $node = shift; return $node->on(sub { status_metrics() }) }

# store.backend, target, reachable, local_cache, errors; the metrics that go with them.
sub case_status {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    subtest "status page: the $o{backend} store" => sub {
        # one session, browsed on A several times within the bound: hits on A
        my ($run, $ua, $r) = session($c, $A, $A);
        opens(browse($A, $ua, '/curso/'), qr/CONTENIDO-CURSO-A:/) for 1 .. 4;
        for my $node ($A, $B) {
            my $s = store_of($node);
            my $n = $node->name;
            is($s->{backend}, $o{backend}, "$n: store.backend \"$o{backend}\"");
            is($s->{target}, $peer->target, "$n: store.target " . $peer->target);
            ok(JSON::PP::is_bool($s->{reachable}) && $s->{reachable}, "$n: store.reachable true");
            my $lc = $s->{local_cache};
            ok(ref $lc eq 'HASH', "$n: store.local_cache") or next;
            is($lc->{seconds}, $o{bound}, "$n: local_cache.seconds $o{bound}");
            for my $k (qw(hits misses)) {
                like($lc->{$k} // '', qr/\A\d+\z/, "$n: local_cache.$k a count");
            }
            ok(defined $lc->{hit_rate} && $lc->{hit_rate} >= 0 && $lc->{hit_rate} <= 1,
               "$n: local_cache.hit_rate in [0, 1]");
            like($s->{errors} // '', qr/\A\d+\z/, "$n: store.errors a count");
        }
        my $s = store_of($A);
        cmp_ok($s->{local_cache}{hits} // 0, '>', 0, 'A: local_cache.hits > 0 after browsing one session');
        my $m = metrics_of($A);
        is(metric($m, 'sence_store_reachable'), 1, 'metrics: sence_store_reachable 1');
        cmp_ok(metric($m, 'sence_store_cache_hits_total') // 0, '>', 0, 'metrics: sence_store_cache_hits_total > 0');
        ok(defined metric($m, 'sence_store_cache_misses_total'), 'metrics: sence_store_cache_misses_total');
        ok(defined metric($m, 'sence_store_errors_total'), 'metrics: sence_store_errors_total');
    };
}

# ---- the login across servers, and its replay -------------------------------------------

sub case_cross_login {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    subtest 'login started on A, SENCE\'s callback on B, browsing on both' => sub {
        my $jm = $c->journal_marks;
        my ($run, $ua, $r) = session($c, $A, $B);
        my $cb = $r->{final_fields};
        ok($r->{cookie}, 'a session cookie from B') or return;
        my $id = $r->{fields}{IdSesionAlumno};
        for my $round (1 .. 2) {
            for my $node ($A, $B, $A) {
                my $res = browse($node, $ua, '/curso/leccion1.html');
                ok(opens($res, qr/CONTENIDO-CURSO-A-LECCION-1/),
                   "round $round: the course on " . $node->name . ' without a new SENCE round trip')
                    or diag(substr($res->as_string, 0, 400));
            }
        }
        is(scalar($c->journal_events($jm, event => 'login_sent', id_sesion_alumno => $id)), 1,
           'one login_sent (A)') or diag($c->journal_where($jm, event => 'login_sent', id_sesion_alumno => $id));
        is(scalar($B->on(sub { journal_events($jm->{B}, event => 'start_ok', id_sesion_alumno => $id) })), 1,
           "start_ok in B's journal");
        is(scalar($c->journal_events($jm, event => 'start_ok', id_sesion_alumno => $id)), 1,
           'one start_ok across both journals');

        # The same callback again: on A (where the login began) and on B (where it ended).
        my $jr = $c->journal_marks;
        for my $node ($A, $B) {
            my $res = $node->on(sub { sence_callback(new_ua(run => $run), 'retoma', $cb) });
            is($res->code, 410, 'replayed callback on ' . $node->name . ': 410, as a replay on one server')
                or diag(substr($res->as_string, 0, 400));
            ok(!sence_cookies($res), 'no cookie');
        }
        is(scalar($c->journal_events($jr, event => 'callback_rejected', id_sesion_alumno => $id)), 2,
           'two callback_rejected lines') or diag($c->journal_where($jr, event => 'callback_rejected'));
        is(scalar($c->journal_events($jr, event => 'start_ok')), 0, 'no start_ok');
        ok(opens(browse($A, $ua, '/curso/'), qr/CONTENIDO-CURSO-A:/), 'the session still opens the course on A');
        ok(opens(browse($B, $ua, '/curso/'), qr/CONTENIDO-CURSO-A:/), '... and on B');
        # bound to its participant everywhere
        my $other = new_ua(run => next_run());
        ok(gated(browse($A, $other, '/curso/', cookie_header($r->{cookie}))),
           "another participant with this cookie on A: gate page");
    };
}

# ---- two servers handed one callback at once ---------------------------------------------

# Posts $fields to /sence/retoma of every node in @$nodes at the same moment (one process
# each, released together); returns [code, cookie name, cookie value] per node.
sub race {
    my ($run, $fields, @nodes) = @_;
    my $dir = tempdir(CLEANUP => 1);
    pipe(my $rd, my $wr) or die "pipe: $!";
    my @pids;
    for my $i (0 .. $#nodes) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            close $wr;
            my $ua = new_ua(run => $run);
            my @pairs = map { $_ => $fields->{$_} } sort keys %$fields;
            my $req = POST($nodes[$i]->url(CB . '/retoma'), \@pairs);
            # connect before the start, so that both requests leave together
            $ua->conn_cache({ total_capacity => 1 });
            $ua->request(GET $nodes[$i]->url('/curso/libre/'));
            <$rd>;
            my $res = $ua->request($req);
            my ($ck) = sence_cookies($res);
            open my $out, '>', "$dir/$i" or POSIX::_exit(2);
            print $out join("\t", $res->code, $ck ? @$ck[0, 1] : ('', '')), "\n";
            close $out;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    close $rd;
    sleep 0.3;      # every child connected
    close $wr;      # go
    waitpid $_, 0 for @pids;
    my @out;
    for my $i (0 .. $#nodes) {
        open my $in, '<', "$dir/$i" or do { push @out, ['none', '', '']; next };
        chomp(my $l = <$in> // '');
        push @out, [split /\t/, $l, -1];
    }
    return @out;
}

sub case_simultaneous {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    my $rounds = $o{rounds} // 5;
    subtest "one callback handed to A and B at the same moment ($rounds times): one session" => sub {
        for my $k (1 .. $rounds) {
            my $gate = $k % 2 ? $A : $B;
            my ($run, $ua, $cb) = pending($c, $gate);
            my $id = $cb->{IdSesionAlumno} or next;
            my $jm = $c->journal_marks;
            my @got = race($run, $cb, $A, $B);
            my $desc = join ', ', map { $_->name . ': ' . $got[$_ eq $A ? 0 : 1][0] } $A, $B;
            my @won = grep { $got[$_][0] eq '303' && length $got[$_][2] } 0, 1;
            my @lost = grep { $got[$_][0] eq '410' && !length $got[$_][2] } 0, 1;
            is(scalar @won, 1, "round $k: exactly one 303 with a session cookie ($desc)");
            is(scalar @lost, 1, "round $k: the other refused with 410 and no cookie");
            is(scalar($c->journal_events($jm, event => 'start_ok', id_sesion_alumno => $id)), 1,
               "round $k: one start_ok across both journals")
                or diag($c->journal_where($jm, event => 'start_ok', id_sesion_alumno => $id));
            is(scalar($c->journal_events($jm, event => 'callback_rejected', id_sesion_alumno => $id)), 1,
               "round $k: one callback_rejected");
            next unless @won == 1;
            my $ck = [@{ $got[$won[0]] }[1, 2]];
            my $fresh = new_ua(run => $run);
            ok(opens(browse($_, $fresh, '/curso/', cookie_header($ck)), qr/CONTENIDO-CURSO-A:/),
               "round $k: the winner's session opens the course on " . $_->name) for $A, $B;
        }
    };
}

# ---- a close on one server, honoured by the other within the bound ------------------------

sub case_close {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    my $bound = $o{bound};
    subtest "close on B, honoured on A within SenceStoreLocalCache ($bound s)" => sub {
        my ($run, $ua, $r) = session($c, $A, $B);
        my $ck = $r->{cookie} or return;
        my $old = new_ua(run => $run);    # no jar: keeps sending the old cookie
        ok(opens(browse($A, $old, '/curso/', cookie_header($ck)), qr/CONTENIDO-CURSO-A:/), 'A knows the session');
        ok(opens(browse($B, $old, '/curso/', cookie_header($ck)), qr/CONTENIDO-CURSO-A:/), 'B knows the session');
        my $jm = $c->journal_marks;
        my $cr = $B->on(sub { close_roundtrip(ua => $ua, path => '/curso/', run => $run,
                                              password => SenceCluster::PASSWORD) });
        ok($cr->{final}, 'close page on B, the simulator\'s answer') or return;
        is($cr->{final}->action, $c->public . CB . '/cierre', 'SENCE answers at the public /sence/cierre');
        $cr->{final}->action($B->url(CB . '/cierre'));
        my $done = $ua->request($cr->{final}->click);
        my $t_close = time;
        is($done->code, 200, 'close callback on B: 200') or diag(substr($done->as_string, 0, 400));
        like($done->decoded_content // '', qr{<title>Sesión SENCE cerrada</title>}, '"Sesión SENCE cerrada"');
        ok(gated(browse($B, $old, '/curso/', cookie_header($ck))), 'B: the old cookie is gated at once');
        my $first;
        while (time < $t_close + $bound + 1.5) {
            my $res = browse($A, $old, '/curso/', cookie_header($ck));
            if (!$first && gated($res)) { $first = time - $t_close }
            sleep 0.25;
        }
        note(defined $first ? sprintf('A gated the closed session %.2f s after the close', $first)
                            : 'A kept the closed session open the whole time');
        my $res = browse($A, $old, '/curso/', cookie_header($ck));
        ok(gated($res), sprintf('A: the old cookie is gated %.1f s after the close (bound %d s + margin)',
                                time - $t_close, $bound)) or diag(substr($res->as_string, 0, 400));
        unlike($res->decoded_content // '', qr/CONTENIDO-CURSO-A/, 'A: no content');
        is(scalar($c->journal_events($jm, event => 'close_ok', id_sesion_alumno => $cr->{fields}{IdSesionAlumno})), 1,
           'one close_ok across both journals');
        # a replay of the close answer on A: refused, as on one server
        $cr->{final}->action($A->url(CB . '/cierre'));
        is($ua->request($cr->{final}->click)->code, 410, 'the close answer replayed on A: 410');
    };
}

# ---- expiry and abandoned logins: one journal line across the servers ----------------------

# Asks both status pages (a sweep on each) until $count() is at least 1 or $secs pass; then
# once more on both, and lets a second go by.
sub sweep_both {
    my ($c, $secs, $count) = @_;
    my $end = time + $secs;
    while (1) {
        $_->on(sub { status_json() }) for $c->nodes;
        last if $count->() >= 1 || time > $end;
        sleep 0.3;
    }
    $_->on(sub { status_json() }) for $c->nodes;
    sleep 1;
    $_->on(sub { status_json() }) for $c->nodes;
}

sub case_expiry {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    my $life = $o{lifetime};
    subtest "a session that expires is journaled once across both servers (lifetime $life s)" => sub {
        my $jm = $c->journal_marks;
        my $t0 = time;
        my ($run, $ua, $r) = session($c, $A, $B, path => '/corto/', content => qr/CONTENIDO-CORTO/);
        my $sid = $r->{final_fields}{IdSesionSence} or return;
        ok(opens(browse($A, $ua, '/corto/'), qr/CONTENIDO-CORTO/), 'A knows the session');
        ok(opens(browse($B, $ua, '/corto/'), qr/CONTENIDO-CORTO/), 'B knows the session');
        sleep 0.2 while time < $t0 + $life + 1;
        ok(gated(browse($A, $ua, '/corto/')), 'A: gate page after the lifetime');
        ok(gated(browse($B, $ua, '/corto/')), 'B: gate page after the lifetime');
        my %m = (event => 'session_expired', id_sesion_sence => $sid);
        sweep_both($c, 10, sub { scalar $c->journal_events($jm, %m) });
        my @e = $c->journal_events($jm, %m);
        is(scalar @e, 1, 'exactly one session_expired line across both journals')
            or diag($c->journal_where($jm, %m));
        note('session_expired written by ' . $c->journal_where($jm, %m));
        check_event($e[0], event => 'session_expired', name => 'the session_expired line',
                    fields => { run => $run, id_sesion_sence => $sid,
                                id_sesion_alumno => $r->{fields}{IdSesionAlumno} }) if @e;
    };
}

sub case_abandoned {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    my $lt = $o{login_timeout};
    subtest "an abandoned login is journaled once across both servers (login timeout $lt s)" => sub {
        my $jm = $c->journal_marks;
        my $run = next_run();
        my $ua = new_ua(run => $run);
        my $t0 = time;
        my $g = form_fields(scalar gate_form(browse($A, $ua, '/lento/')));
        my $id = $g->{IdSesionAlumno};
        ok($id, 'gate page of /lento/ on A') or return;
        sleep 0.2 while time < $t0 + $lt + 1;
        # B hears of it through a late callback, A through its own record
        my $late = $B->on(sub { sence_callback($ua, 'retoma', callback_fields($g)) });
        is($late->code, 410, 'the late callback on B: 410');
        my %m = (event => 'login_abandoned', id_sesion_alumno => $id);
        sweep_both($c, 10, sub { scalar $c->journal_events($jm, %m) });
        my @e = $c->journal_events($jm, %m);
        is(scalar @e, 1, 'exactly one login_abandoned line across both journals')
            or diag($c->journal_where($jm, %m));
        check_event($e[0], event => 'login_abandoned', name => 'the login_abandoned line',
                    fields => { run => $run, id_sesion_alumno => $id }) if @e;
        my @rej = $c->journal_events($jm, event => 'callback_rejected', id_sesion_alumno => $id);
        is(scalar @rej, 1, 'one callback_rejected (the late callback)');
        # B knew A's attempt from the shared store: late, not unknown (a server of its own
        # would say "no pending attempt") -- unless A's maintenance process claimed the expiry
        # first, which removes the record: then A wrote the line
        my $reason = $rej[0] ? $rej[0]{reason} // '' : '';
        ok($reason =~ /expired/i || ($reason =~ /no pending attempt/ && @e &&
                                     $c->journal_where($jm, %m) =~ /\bA: 1\b/),
           'B saw the attempt as expired, or A had already claimed its expiry')
            or diag("reason: $reason; written by " . $c->journal_where($jm, %m));
        note('login_abandoned written by ' . $c->journal_where($jm, %m));
    };
}

# ---- graceful restart of one server -------------------------------------------------------

sub case_graceful {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    subtest 'graceful restart of A keeps sessions and pending attempts' => sub {
        my ($run, $ua, $r) = session($c, $A, $B);
        my ($prun, $pua, $pcb) = pending($c, $A);
        ok($A->graceful, 'A: graceful restart (SIGUSR1), a new generation answers');
        ok(opens(browse($A, $ua, '/curso/'), qr/CONTENIDO-CURSO-A:/), 'the session on A after the restart');
        ok(opens(browse($B, $ua, '/curso/'), qr/CONTENIDO-CURSO-A:/), 'the session on B');
        my $res = $A->on(sub { sence_callback($pua, 'retoma', $pcb) });
        is($res->code, 303, 'the attempt pending across the restart completes on A') or diag(substr($res->as_string, 0, 400));
        ok(opens(browse($B, $pua, '/curso/'), qr/CONTENIDO-CURSO-A:/), 'and its session opens the course on B');
        is(store_of($A)->{backend}, $o{backend}, "A's status after the restart: backend $o{backend}");
    };
}

# ---- the store killed, and back -----------------------------------------------------------

sub case_outage {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    my ($bound, $max) = ($o{bound}, $o{timeout} + 2);
    subtest "the $o{backend} store killed: fail closed (503) within $max s, recover when it is back" => sub {
        my ($run, $ua, $r) = session($c, $A, $B);
        my ($prun, $pua, $pcb) = pending($c, $A);
        my $errors0 = store_of($A)->{errors} // 0;
        my $ma = $A->log_mark;
        my $mb = $B->log_mark;

        # A's copy of the session is fresh when the store dies
        sleep $bound + 0.5;
        my $t_fetch = time;
        ok(opens(browse($A, $ua, '/curso/'), qr/CONTENIDO-CURSO-A:/), 'A reads the session from the store');
        ok($peer->kill9, "$o{backend} killed (SIGKILL)");
        my $res = browse($A, $ua, '/curso/');
        my $age = time - $t_fetch;
        ok($age < $bound, sprintf("(A's copy is %.2f s old, within the %d s bound)", $age, $bound));
        ok(opens($res, qr/CONTENIDO-CURSO-A:/), "A: the session in its local cache keeps passing")
            or diag(substr($res->as_string, 0, 400));

        # what is not in a local cache cannot be decided: 503, bounded
        for my $node ($A, $B) {
            my $n = $node->name;
            my ($res, $secs) = timed(sub { browse($node, new_ua(run => next_run()), '/curso/') });
            down_ok($res, $secs, $max, "$n: a new participant's gated request");
        }
        my ($cbres, $cbsecs) = timed(sub { $B->on(sub { sence_callback($pua, 'retoma', $pcb) }) });
        down_ok($cbres, $cbsecs, $max, 'B: a callback for a pending attempt (503, never "unknown attempt")');
        ok($A->on(sub { wait_log($ma, qr/SENCE1021/, 5) }), "A's error log: SENCE1021");
        ok($B->on(sub { wait_log($mb, qr/SENCE1021/, 5) }), "B's error log: SENCE1021");
        my $s = store_of($A);
        is($s->{backend}, $o{backend}, "A's status page answers: backend $o{backend}");
        ok(JSON::PP::is_bool($s->{reachable}) && !$s->{reachable}, 'store.reachable false');
        cmp_ok($s->{errors} // 0, '>', $errors0, 'store.errors went up');
        is(metric(metrics_of($A), 'sence_store_reachable'), 0, 'metrics: sence_store_reachable 0');

        # past the bound A must ask the store again: the session is not honoured blindly
        sleep 0.1 while time < $t_fetch + $bound + 0.5;
        my ($late, $lsecs) = timed(sub { browse($A, $ua, '/curso/') });
        down_ok($late, $lsecs, $max, "A: the session past its local bound, the store still down");

        # back
        ok($peer->start, "$o{backend} started again on port " . $peer->port);
        # apr-util's client marks the server dead in each process that meets the outage and
        # tries it again every 5 s, so processes come back one by one: recovered is a run of
        # gate pages in a row (several processes) on each node
        my $t_up = time;
        my (%back, %streak);
        while (time < $t_up + 40 && keys %back < 2) {
            for my $node ($A, $B) {
                my $n = $node->name;
                next if $back{$n};
                my $res = browse($node, new_ua(run => next_run()), '/curso/');
                $streak{$n} = gated($res) ? ($streak{$n} // 0) + 1 : 0;
                $back{$n} = sprintf '%.1f', time - $t_up if $streak{$n} >= 12;
            }
            sleep 0.1;
        }
        for my $n (qw(A B)) {
            ok($back{$n}, "$n: 12 gate pages in a row " . ($back{$n} // 'never') . ' s after the store came back');
        }
        # apr-util tries a dead server again after 5 s: recovered for good within ~6 s, so
        # from then on no request fails, on any child (a pooled connection to the killed
        # store must not make a 503 later)
        sleep 0.1 while time < $t_up + 7;
        for my $node ($A, $B) {
            my @bad;
            for my $i (1 .. 12) {
                my $res = browse($node, new_ua(run => next_run()), '/curso/');
                push @bad, $res->code unless gated($res);
            }
            is("@bad", '', $node->name . ': 12 gated requests 7 s after the store came back, all gate pages');
        }
        my ($nrun, $nua, $nr) = session($c, $A, $B, name => 'a new login after the recovery, A to B');
        ok(opens(browse($B, $nua, '/curso/'), qr/CONTENIDO-CURSO-A:/), 'its session on B');
        my $end = time + 5;
        my $st;
        while (1) { $st = store_of($A); last if $st->{reachable} || time > $end; sleep 0.2 }
        ok(JSON::PP::is_bool($st->{reachable}) && $st->{reachable}, 'store.reachable true again');
        is(metric(metrics_of($A), 'sence_store_reachable'), 1, 'metrics: sence_store_reachable 1');
    };
}

# ---- the store hung (SIGSTOP): connections accepted, no answer --------------------------
# Only the provider's own timeout bounds the request (RedisTimeout; apr_memcache has none,
# which the documentation says: this case is for redis).
sub case_hung {
    my ($c, $peer, %o) = @_;
    my ($A, $B) = $c->nodes;
    my $max = $o{timeout} + 2;
    subtest "the $o{backend} store hung (SIGSTOP): 503 within $max s, recovery after SIGCONT" => sub {
        # warm connections on both nodes first: the hang must be met mid-conversation too
        my ($run, $ua, $r) = session($c, $A, $B);
        my $ma = $A->log_mark;
        ok($peer->pause, "$o{backend} stopped (SIGSTOP)");
        my $ok = eval {
            for my $node ($A, $B, $A) {
                my $ua = new_ua(run => next_run());
                $ua->timeout($max + 5);    # a hang fails the case, it does not stall it
                my ($res, $secs) = timed(sub { browse($node, $ua, '/curso/') });
                down_ok($res, $secs, $max, $node->name . ": a new participant's gated request");
            }
            1;
        };
        my $err = $@;
        ok($peer->resume, "$o{backend} continued (SIGCONT)");
        ok($ok, 'no error while it was stopped') or diag($err);
        ok($A->on(sub { wait_log($ma, qr/SENCE1021/, 5) }), "A's error log: SENCE1021");
        my $t_up = time;
        my (%back, %streak);
        while (time < $t_up + 40 && keys %back < 2) {
            for my $node ($A, $B) {
                my $n = $node->name;
                next if $back{$n};
                $streak{$n} = gated(browse($node, new_ua(run => next_run()), '/curso/')) ? ($streak{$n} // 0) + 1 : 0;
                $back{$n} = sprintf '%.1f', time - $t_up if $streak{$n} >= 12;
            }
            sleep 0.1;
        }
        ok($back{$_}, "$_: 12 gate pages in a row " . ($back{$_} // 'never') . ' s after SIGCONT') for qw(A B);
        ok(opens(browse($B, $ua, '/curso/'), qr/CONTENIDO-CURSO-A:/),
           'the session made before the hang opens the course on B (the data survived)');
    };
}

# ---- the nodes' error logs ----------------------------------------------------------------

sub case_logs {
    my ($c) = @_;
    is(join("\n", $c->problems), '', 'no crashed child, no emerg/alert/crit in any node\'s error log');
}

1;
