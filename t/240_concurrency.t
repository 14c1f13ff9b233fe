# The journal under concurrent load: 8 clients x 25 gate pages at once give exactly 200
# login_sent lines, whole and valid; then a flood past the store's capacity gives
# login_evicted lines that match the status counters.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use File::Temp qw(tempdir);
use POSIX ();
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);

my ($COD, $CURSO, $LINEA) = @{ $J{codes} };

my @RUNS = map { run_of(20000000 + $_) } 1 .. 8;

# $clients processes, each GETting /j-cierre/ $each times as its own RUN (or, $distinct, as a
# new participant each time), all released at once. Returns the IdSesionAlumno of every gate
# page (and the non-gate answers).
sub hammer {
    my ($clients, $each, $distinct) = @_;
    my $dir = tempdir(CLEANUP => 1);
    pipe(my $rd, my $wr) or die "pipe: $!";
    my @pids;
    for my $c (0 .. $clients - 1) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            close $wr;
            my $ua = new_ua(run => $RUNS[$c % @RUNS]);
            $ua->conn_cache({ total_capacity => 1 });    # keep-alive: faster
            open my $out, '>', "$dir/$c" or POSIX::_exit(2);
            <$rd>;    # released when the parent closes the pipe
            for my $i (1 .. $each) {
                set_identity($ua, run => run_of(30000000 + $c * 10000 + $i)) if $distinct;
                my $res = $ua->request(GET url('/j-cierre/'));
                my $g = is_gate_page($res) ? form_fields(scalar gate_form($res)) : {};
                print $out ($g->{IdSesionAlumno} // ('!' . $res->code)), "\n";
            }
            close $out;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    close $rd;
    close $wr;    # go
    waitpid $_, 0 for @pids;
    my @ids;
    for my $c (0 .. $clients - 1) {
        open my $in, '<', "$dir/$c" or next;
        chomp(my @l = <$in>);
        push @ids, @l;
    }
    return @ids;
}

# ---- 8 clients x 25 gate pages at once ---------------------------------------------------
{
    my ($st0) = status_json();
    my $jm = journal_mark();
    my @ids = hammer(8, 25);
    my @fail = grep { /\A!/ } @ids;
    is(scalar @ids, 200, '200 answers');
    is(scalar @fail, 0, 'every answer a gate page') or diag("@fail[0 .. ($#fail > 9 ? 9 : $#fail)]");

    my $raw = journal_raw($jm);
    like($raw, qr/\A(?:[^\n]+\n)*\z/, 'only whole lines were appended');
    my @lines = journal_since($jm);
    my @bad = grep { !$_->{json} } @lines;
    is(scalar @bad, 0, scalar(@lines) . ' new lines, every one a JSON object (none interleaved)')
        or diag(join "\n", map { $_->{line} } @bad[0 .. ($#bad > 4 ? 4 : $#bad)]);
    my @objects = grep { $_->{line} =~ /\}\s*\{/ } @lines;
    is(scalar @objects, 0, 'no line holds two objects');
    my @sent = grep { ($_->{json}{event} // '') eq 'login_sent' } grep { $_->{json} } @lines;
    is(scalar @sent, 200, 'exactly 200 new login_sent lines');
    my %jid = map { ($_->{json}{id_sesion_alumno} // '') => 1 } @sent;
    is(scalar keys %jid, 200, '200 distinct IdSesionAlumno');
    # one participant holds at most 4 pending logins: each newer one replaced their oldest
    my %repl;
    $repl{ $_->{json}{run} // '' }++
        for grep { $_->{json} && ($_->{json}{event} // '') eq 'login_replaced' } @lines;
    is_deeply(\%repl, { map { $_ => 21 } @RUNS }, '21 login_replaced lines per client RUN (4 kept)');
    is_deeply([sort keys %jid], [sort grep { !/\A!/ } @ids], 'the very ids of the 200 gate pages');
    my %runs;
    $runs{ $_->{json}{run} // '' }++ for @sent;
    is_deeply(\%runs, { map { $_ => 25 } @RUNS }, '25 per client RUN');
    my @odd = grep { my $j = $_->{json}; $j->{cod_sence} ne $COD || $j->{codigo_curso} ne $CURSO
                     || $j->{linea} != $LINEA || ($j->{ip} // '') ne '127.0.0.1' || ($j->{time} // '') !~ ISO_TIME } @sent;
    is(scalar @odd, 0, 'each with the course codes, ip and time') or diag($odd[0]{line});
    check_event($sent[0]{json}, event => 'login_sent', name => 'one of them, field by field',
                fields => { cod_sence => $COD, codigo_curso => $CURSO, linea => $LINEA });
    my ($st1) = status_json();
    is($st1->{events}{login_sent} - $st0->{events}{login_sent}, 200, 'status: events.login_sent +200')
        if $st0 && $st1;
}

# ---- past the store's capacity (many participants): login_evicted --------------------------------------------
{
    my ($st0) = status_json();
    my $cap = $st0 ? $st0->{store}{capacity} : 512;
    my $jm = journal_mark();
    my $each = int(($cap + 48) / 8) + 1;
    my @ids = hammer(8, $each, 1);
    is(scalar(grep { !/\A!/ } @ids), 8 * $each, 8 * $each . ' gate pages while the store is full');
    my ($st1) = status_json();
    my @lines = journal_since($jm);
    is(scalar(grep { !$_->{json} } @lines), 0, 'every new line a JSON object');
    my @ev = map { $_->{json} } grep { $_->{json} && $_->{json}{event} eq 'login_evicted' } @lines;
    ok(@ev >= 48, scalar(@ev) . ' login_evicted lines (at least 48)');
    # close attempts left pending by earlier tests go out too, as close_evicted
    my $closes = grep { $_->{json} && $_->{json}{event} eq 'close_evicted' } @lines;
    SKIP: {
        skip 'no status JSON', 3 unless $st0 && $st1;
        is($st1->{store}{evicted}{attempts} - $st0->{store}{evicted}{attempts}, @ev + $closes,
           'status: store.evicted.attempts moved by the login_evicted and close_evicted lines');
        is($st1->{events}{login_evicted} - $st0->{events}{login_evicted}, scalar @ev,
           'status: events.login_evicted too');
        is($st1->{store}{evicted}{sessions} - $st0->{store}{evicted}{sessions}, 0,
           'no session evicted while attempts remain');
    }
    # An attempt is a login (login_sent) or a close (close_sent): both kinds can be evicted.
    my %sent = map { ($_->{json}{id_sesion_alumno} // '') => $_->{json} }
               grep { $_->{json} && $_->{json}{event} =~ /\A(?:login|close)_sent\z/ } journal_since(0);
    my @orphan = grep { !$sent{ $_->{id_sesion_alumno} // '' } } @ev;
    is(scalar @orphan, 0, 'each evicted id was a login_sent or close_sent') or diag(explain_json($orphan[0]));
    my ($e) = grep { (($sent{ $_->{id_sesion_alumno} // '' } // {})->{event} // '') eq 'login_sent' } @ev;
    my $s = $e ? $sent{ $e->{id_sesion_alumno} // '' } : undef;
    check_event($e, event => 'login_evicted', name => 'a login_evicted line, field by field',
                fields => { map { $_ => $s->{$_} } grep { $s && defined $s->{$_} }
                            qw(run cod_sence codigo_curso linea id_sesion_alumno) });
}

done_testing;
