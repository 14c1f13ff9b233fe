# The negative control of the shared-store tests: two servers behind one public URL with the
# per-machine store (no SenceSessionStore, and SenceSessionStore shm) share nothing. The
# harness (t/lib/SenceCluster.pm) that proves sharing with redis and memcached
# (t/410_store_redis.t, t/420_store_memcache.t) must see that: a session made on A is gated
# on B, and a callback for A's attempt is refused on B while A still takes it.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);
use SenceCluster ();

my $n = 0;
for my $store (undef, 'shm') {
    my $what = defined $store ? "SenceSessionStore $store" : 'no SenceSessionStore (the default)';
    subtest $what => sub {
        my $c = SenceCluster->new(store => $store);
        ok($c->start, 'two servers started') or return;
        my ($A, $B) = $c->nodes;
        my $jm = $c->journal_marks;

        # The harness itself works: a login on A with its callback on A.
        my $run = SenceCluster::participant(++$n);
        my $ua = new_ua(run => $run);
        my $r = $c->roundtrip(gate => $A, callback => $A, ua => $ua, path => '/curso/', run => $run,
                              content => qr/CONTENIDO-CURSO-A:/, name => 'login on A, callback on A');
        ok($r->{cookie}, 'a session cookie from A') or return;
        like($A->on(sub { $ua->request(GET url('/curso/')) })->decoded_content // '',
             qr/CONTENIDO-CURSO-A:/, 'the session opens the course on A');
        ok($B->on(sub { is_gate_page($ua->request(GET url('/curso/'))) }),
           "B does not know A's session: gate page");

        # A's attempt, its callback on B: refused there (B never saw it) ...
        my $run2 = SenceCluster::participant(++$n);
        my $ua2 = new_ua(run => $run2);
        my $p = $c->roundtrip(gate => $A, ua => $ua2, path => '/curso/', run => $run2, pending => 1,
                              name => 'login on A, left at the auto-POST form');
        my $cb = $p->{final_fields} or return;
        my $res = $B->on(sub { sence_callback($ua2, 'retoma', $cb) });
        is($res->code, 410, "A's callback on B: 410 (unknown attempt)") or diag($res->as_string);
        ok(!sence_cookies($res), 'no cookie from B');
        # ... and taken by A, where it is pending.
        $res = $A->on(sub { sence_callback($ua2, 'retoma', $cb) });
        is($res->code, 303, 'the same callback on A: 303') or diag($res->as_string);
        is(scalar(my @ck = sence_cookies($res)), 1, 'a cookie from A');
        is(scalar($c->journal_events($jm, event => 'start_ok', id_sesion_alumno => $cb->{IdSesionAlumno})), 1,
           'one start_ok across both journals') or diag($c->journal_where($jm, event => 'start_ok'));
        is(scalar($B->on(sub { journal_events($jm->{B}, event => 'callback_rejected',
                                              id_sesion_alumno => $cb->{IdSesionAlumno}) })), 1,
           "B's journal: the callback rejected");

        # The status page of each says it is the shared-memory store.
        for my $node ($A, $B) {
            my $st = $node->on(sub { status_json() });
            is($st && $st->{store}{backend}, 'shm', $node->name . ': status store.backend "shm"');
            ok($st && JSON::PP::is_bool($st->{store}{reachable}) && $st->{store}{reachable},
               $node->name . ': store.reachable true');
        }
        $c->stop;
        is(join("\n", $c->problems), '', 'no crash, no emerg/alert/crit in either error log');
    };
}

done_testing;
