#!/usr/bin/perl
# scripts/bench: turns the raw measurements (tab-separated lines written by scripts/bench)
# into the results table on stdout and the JSON file. Core Perl only.
#
#   report.pl RAW JSON
#
# RAW lines (fields separated by tabs):
#   fact     NAME VALUE                      machine and run settings
#   http     VARIANT ROUND WRKSTAT...        one wrk run of a static-file variant (a, b, c,
#                                            d; a1k, b1k, a100k, b100k: (a) and (b) with each
#                                            request carrying the next of 1,000 or 100,000
#                                            sessions' cookies, rotate.lua)
#   unavail  VARIANT REASON                  a variant that could not be measured
#   label    VARIANT TEXT                    what the variant is
#   url      VARIANT PATH
#   store    LINE                            a line of bench_store's output
#   ir       SESSIONS IR LOOKUPS             callgrind: instructions in the store lookup
#   login    attempts ROUND WRKSTAT...       gate pages (pending attempts) per second
#   login    callbacks RUN LOGINSTAT...      success callbacks completed per second; RUN is
#                                            "first" (the 1,000 logins of the 1k phase) or
#                                            "fill" (up to 100,000 sessions): the rates are
#                                            the fill run's (each login a participant of its
#                                            own: login.lua)
#   http     shm|redis|redis0 ROUND WRKSTAT  the store phase (stores.sh): the gated file on a
#                                            server of its own per store backend
#   backend  ROW KEY=VALUE...                that server's status page after measuring
#                                            (backend, reachable, local cache hits, misses,
#                                            hit_rate, errors)
# facts of the store phase: redis_version, redis_records, redis_records_per_gate_page,
# redis_bytes_attempt, redis_bytes_session, redis_bytes_index; fact
# only=store: scripts/bench --only store, the other parts are not expected.
# facts of the store phases: sessions_few/sessions_many (wanted), rotated_1k/rotated_100k
# (cookies rotated over), live_1k/live_100k and attempts_1k/attempts_100k (the store, from
# the status page, before measuring).
# Targets are reported (pass/miss), never enforced: the exit status is 0 unless RAW is
# unreadable or a measurement is missing.
use strict;
use warnings;
use JSON::PP ();

my ($raw, $json_path) = @ARGV;
die "usage: report.pl RAW JSON\n" unless $raw && $json_path;
open my $fh, '<:encoding(UTF-8)', $raw or die "report: cannot read $raw: $!\n";

my (%fact, %http, %unavail, %label, %url, @store, %ir, %login, %alert, %backend);
sub kv { my %h = map { /\A([^=]+)=(.*)\z/ ? ($1 => $2) : () } split ' ', $_[0]; \%h }

while (my $line = <$fh>) {
    chomp $line;
    my @f = split /\t/, $line;
    next unless @f;
    my $k = shift @f;
    if    ($k eq 'fact')    { $fact{ $f[0] } = $f[1] // '' }
    elsif ($k eq 'http')    { push @{ $http{ $f[0] } }, kv($f[2]) }
    elsif ($k eq 'unavail') { $unavail{ $f[0] } = $f[1] }
    elsif ($k eq 'label')   { $label{ $f[0] } = $f[1] }
    elsif ($k eq 'url')     { $url{ $f[0] } = $f[1] }
    elsif ($k eq 'store')   { push @store, $f[0] }
    elsif ($k eq 'ir')      { $ir{ $f[0] } = { ir => $f[1], lookups => $f[2] } }
    elsif ($k eq 'login')   { push @{ $login{ $f[0] } }, { %{ kv($f[2]) }, run => $f[1] } }
    elsif ($k eq 'alert')   { $alert{ $f[0] } = kv($f[2]) }
    elsif ($k eq 'backend') { $backend{ $f[0] } = kv($f[1]) }
}
close $fh;

sub median {
    my @v = sort { $a <=> $b } grep { defined } @_;
    return undef unless @v;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}
sub ratio { defined $_[0] && defined $_[1] && $_[1] > 0 ? $_[0] / $_[1] : undef }
sub r3    { defined $_[0] ? 0 + sprintf('%.3f', $_[0]) : undef }
sub r1    { defined $_[0] ? 0 + sprintf('%.1f', $_[0]) : undef }
# Server CPU (user + system) per request, in microseconds, of one run.
sub cpu_us {
    my $h = shift;
    return undef unless $h->{clk_tck} && $h->{requests};
    return $h->{cpu_ticks} / $h->{clk_tck} * 1e6 / $h->{requests};
}
sub ms    { defined $_[0] ? 0 + sprintf('%.3f', $_[0] / 1000) : undef }

# ---- static file, side by side ------------------------------------------------------------
my @variants = qw(a b c d e0 e);
# (a) and (b) again, requests spread over the cookies of 1,000 and of 100,000 live sessions
my @phases = qw(1k 100k);
my @rotated = map { ("a$_", "b$_") } @phases;
# the store backends, each on a server of its own (stores.sh)
my @backends = qw(shm redis redis0);
my $only_store = ($fact{only} // '') eq 'store';
my (%res, @problems);
for my $v ($only_store ? () : (@variants, @rotated), @backends) {
    next if $v =~ /\d/ && !$http{$v} && !$unavail{$v};
    my $runs = $http{$v} // [];
    my %r = (label => $label{$v} // $v, url => $url{$v});
    if ($unavail{$v}) {
        $r{available} = JSON::PP::false;
        $r{reason} = $unavail{$v};
    }
    elsif (!@$runs) {
        $r{available} = JSON::PP::false;
        $r{reason} = 'not measured';
        push @problems, "variant $v: no measurement";
    }
    else {
        $r{available} = JSON::PP::true;
        $r{rounds} = [map { { rps => r1($_->{rps}), p50_ms => ms($_->{p50_us}),
                              p99_ms => ms($_->{p99_us}), requests => 0 + $_->{requests},
                              cpu_us_per_request => r1(cpu_us($_)),
                              errors => $_->{connect_err} + $_->{read_err} + $_->{write_err}
                                        + $_->{status_err} + $_->{timeout_err} } } @$runs];
        $r{rps} = r1(median(map { $_->{rps} } @$runs));
        $r{p50_ms} = ms(median(map { $_->{p50_us} } @$runs));
        $r{p99_ms} = ms(median(map { $_->{p99_us} } @$runs));
        $r{cpu_us_per_request} = r1(median(map { cpu_us($_) } @$runs));
        $r{requests} = 0;
        $r{requests} += $_->{requests} for @$runs;
        my $bytes = 0;
        $bytes += $_->{bytes} // 0 for @$runs;
        $r{bytes_per_request} = r1($bytes / $r{requests}) if $r{requests};
    }
    if (my $b = $backend{$v}) {
        $r{backend} = $b->{backend};
        $r{reachable} = $b->{reachable} ? JSON::PP::true : JSON::PP::false;
        for my $f (qw(hits misses hit_rate errors)) {
            $r{ $f eq 'hit_rate' ? 'local_cache_hit_rate' : $f eq 'errors' ? 'store_errors' : "local_cache_$f" } =
                0 + $b->{$f} if defined $b->{$f} && $b->{$f} =~ /\A[0-9.]+\z/;
        }
    }
    if (my ($k) = $v =~ /\A[ab](\d+k)\z/) {
        $r{sessions_rotated} = 0 + $fact{"rotated_$k"} if defined $fact{"rotated_$k"};
        $r{live_sessions} = 0 + $fact{"live_$k"} if defined $fact{"live_$k"};
        $r{pending_attempts} = 0 + $fact{"attempts_$k"} if defined $fact{"attempts_$k"};
    }
    $res{$v} = \%r;
}
my $ok = sub { $res{ $_[0] } && $res{ $_[0] }{available} };
my %ratios = (
    'b/a' => $ok->('a') && $ok->('b') ? r3(ratio($res{b}{rps}, $res{a}{rps})) : undef,
    'b/c' => $ok->('b') && $ok->('c') ? r3(ratio($res{b}{rps}, $res{c}{rps})) : undef,
    'd/a' => $ok->('a') && $ok->('d') ? r3(ratio($res{d}{rps}, $res{a}{rps})) : undef,
    'p99 b/a' => $ok->('a') && $ok->('b') ? r3(ratio($res{b}{p99_ms}, $res{a}{p99_ms})) : undef,
    'p99 d/a' => $ok->('a') && $ok->('d') ? r3(ratio($res{d}{p99_ms}, $res{a}{p99_ms})) : undef,
    # the inverse of the CPU cost per request: throughput if CPU were the only limit
    'cpu a/b' => $ok->('a') && $ok->('b') ? r3(ratio($res{a}{cpu_us_per_request}, $res{b}{cpu_us_per_request})) : undef,
    'cpu a/d' => $ok->('a') && $ok->('d') ? r3(ratio($res{a}{cpu_us_per_request}, $res{d}{cpu_us_per_request})) : undef,
    # the output filter: the same HTML page with it (e) and without it (e0)
    'e/e0' => $ok->('e0') && $ok->('e') ? r3(ratio($res{e}{rps}, $res{e0}{rps})) : undef,
    'cpu e0/e' => $ok->('e0') && $ok->('e') ? r3(ratio($res{e0}{cpu_us_per_request}, $res{e}{cpu_us_per_request})) : undef,
);
# The store backends against the shm row of the same phase: throughput, p99, and the CPU per
# request (httpd's, and redis-server's for the redis rows) as shm/redis.
for my $v (qw(redis redis0)) {
    next unless $ok->('shm') && $ok->($v);
    $ratios{"$v/shm"} = r3(ratio($res{$v}{rps}, $res{shm}{rps}));
    $ratios{"p99 $v/shm"} = r3(ratio($res{$v}{p99_ms}, $res{shm}{p99_ms}));
    $ratios{"cpu shm/$v"} = r3(ratio($res{shm}{cpu_us_per_request}, $res{$v}{cpu_us_per_request}));
}
# The store in the server: (b100k) against (b1k). The target is the server CPU per request
# (less disturbed by other load than the throughput); the throughput ratio is normalised by
# the ungated rows measured alongside, (b100k/a100k)/(b1k/a1k).
my $okr = sub { $res{ $_[0] } && $res{ $_[0] }{available} };
for my $k (@phases) {
    next unless $okr->("a$k") && $okr->("b$k");
    $ratios{"b$k/a$k"} = r3(ratio($res{"b$k"}{rps}, $res{"a$k"}{rps}));
    $ratios{"p99 b$k/a$k"} = r3(ratio($res{"b$k"}{p99_ms}, $res{"a$k"}{p99_ms}));
    $ratios{"cpu a$k/b$k"} = r3(ratio($res{"a$k"}{cpu_us_per_request}, $res{"b$k"}{cpu_us_per_request}));
}
if ($okr->('b1k') && $okr->('b100k')) {
    $ratios{'cpu b100k/b1k'} = r3(ratio($res{b100k}{cpu_us_per_request}, $res{b1k}{cpu_us_per_request}));
}
if ($okr->('a1k') && $okr->('a100k')) {  # the control: same requests, no gate
    $ratios{'cpu a100k/a1k'} = r3(ratio($res{a100k}{cpu_us_per_request}, $res{a1k}{cpu_us_per_request}));
}
# The target: what the gate adds per request (its CPU over the ungated one's, measured in
# the same phase) with 100,000 sessions, over the same with 1,000. Normalising by (aK) takes
# out what moved the whole machine between the phases (other load, a warmer cache).
if (defined $ratios{'cpu a1k/b1k'} && defined $ratios{'cpu a100k/b100k'}) {
    $ratios{'cpu (b100k/a100k)/(b1k/a1k)'} = r3(ratio($ratios{'cpu a1k/b1k'}, $ratios{'cpu a100k/b100k'}));
}
if (defined $ratios{'b1k/a1k'} && defined $ratios{'b100k/a100k'}) {
    $ratios{'(b100k/a100k)/(b1k/a1k)'} = r3(ratio($ratios{'b100k/a100k'}, $ratios{'b1k/a1k'}));
}
# The answers of (bK) must be the file, as those of (aK): a gate page has another size.
for my $k (@phases) {
    next unless $okr->("a$k") && $okr->("b$k");
    my ($ba, $bb) = ($res{"a$k"}{bytes_per_request}, $res{"b$k"}{bytes_per_request});
    push @problems, "(b$k): $bb bytes per answer, (a$k) $ba: not the file?"
        if $ba && $bb && abs($bb - $ba) > 0.05 * $ba;
}

# ---- store ---------------------------------------------------------------------------------
my (@sizes, $lookup_ratio, %store_meta);
for (@store) {
    my $h = kv($_);
    if (/\Asessions=/) {
        push @sizes, { sessions => 0 + $h->{sessions}, shm_bytes => 0 + $h->{shm_bytes},
                       bytes_per_session => r1($h->{bytes_per_session}),
                       ns_per_lookup => r1($h->{ns_per_lookup}), ns_min => r1($h->{ns_min}) };
    }
    elsif (/\Aratio /) { $lookup_ratio = r3($h->{lookup_cost}) }
    elsif (/\Astore /) { %store_meta = %$h }
}
push @problems, 'store: no measurement' unless @sizes || $only_store;
my %irs;
for my $n (sort { $a <=> $b } keys %ir) {
    $irs{$n} = r1($ir{$n}{ir} / $ir{$n}{lookups}) if $ir{$n}{lookups};
}
my @irn = sort { $a <=> $b } keys %irs;
my $ir_ratio = @irn > 1 ? r3(ratio($irs{ $irn[-1] }, $irs{ $irn[0] })) : undef;
my $max_bps;
for (@sizes) { $max_bps = $_->{bytes_per_session} if !defined $max_bps || $_->{bytes_per_session} > $max_bps }

# ---- login path ------------------------------------------------------------------------------
my %lp;
if (my $a = $login{attempts}) {
    $lp{attempts_per_s} = r1(median(map { $_->{rps} } @$a));
    $lp{attempts_p99_ms} = ms(median(map { $_->{p99_us} } @$a));
    $lp{attempts_cpu_us} = r1(median(map { cpu_us($_) } @$a));
    my $err = 0;
    $err += $_->{status_err} + $_->{connect_err} + $_->{read_err} + $_->{timeout_err} for @$a;
    push @problems, "login: $err errors while creating attempts" if $err;
}
elsif (!$only_store) { push @problems, 'login: attempts not measured' }
if (my $c = $login{callbacks}) {
    # the rates are the fill run's (the longest; the first run is 1,000 logins, a blink)
    my @fill = grep { ($_->{run} // '') eq 'fill' } @$c;
    my $rc = @fill ? \@fill : $c;
    $lp{callbacks_per_s} = r1(median(map { $_->{duration_us} ? $_->{completed} / ($_->{duration_us} / 1e6) : 0 } @$rc));
    # server CPU per completed login: its gate page and its callback
    $lp{callback_cpu_us} = r1(median(map { $_->{clk_tck} && $_->{completed} ? $_->{cpu_ticks} / $_->{clk_tck} * 1e6 / $_->{completed} : undef } @$rc));
    $lp{callbacks_completed} = 0;
    $lp{callbacks_completed} += $_->{completed} for @$c;
    for my $run (@$c) {
        my $name = $run->{run} // '';
        next unless $name =~ /\A(?:first|fill)\z/;
        $lp{"callbacks_completed_$name"} = 0 + $run->{completed};
        $lp{"${name}_seconds"} = r3($run->{duration_us} / 1e6) if $run->{duration_us};
    }
    $lp{gate_pages} = 0;
    $lp{gate_pages} += $_->{gates} for @$c;
    my $bad = 0;
    $bad += $_->{rejected} + $_->{other} for @$c;
    $lp{callbacks_rejected} = $bad;
    push @problems, "login: $bad callbacks rejected or unexpected answers" if $bad;
    # a completed login whose RUN or cookie the 303 did not show (login.lua's unmatched)
    my $unmatched = 0;
    $unmatched += $_->{unmatched} // 0 for @$c;
    $lp{callbacks_unmatched} = $unmatched;
    push @problems, "login: $unmatched completed logins without their RUN or cookie" if $unmatched;
    push @problems, 'login: no callback completed' unless $lp{callbacks_completed};
}
elsif (!$only_store) { push @problems, 'login: callbacks not measured' }

# ---- alert mails: failing logins per second, SMTP peer up and down ----------------------------------------
my %al;
for my $state (qw(up down)) {
    my $s = $alert{$state} or next;
    $al{"errors_per_s_$state"} = r1($s->{duration_us} ? $s->{errors} / ($s->{duration_us} / 1e6) : undef);
    $al{"p99_ms_$state"} = ms($s->{p99_us});
    $al{"other_$state"} = 0 + ($s->{other} // 0);
    push @problems, "alert ($state): $s->{other} answers neither gate pages nor error pages" if $s->{other};
    push @problems, "alert ($state): no error callback answered" unless $s->{errors};
}
$al{ratio_down_up} = r3(ratio($al{errors_per_s_down}, $al{errors_per_s_up}));
push @problems, 'alert mails: not measured' unless %alert || $only_store;

# ---- targets (docs/benchmarks.md) -----------------------------------------------------------------------
my @targets;
sub target {
    my ($name, $value, $op, $limit, $note, %more) = @_;
    my $pass = defined $value ? ($op eq '>=' ? $value >= $limit : $value <= $limit) : undef;
    push @targets, { name => $name, value => $value, target => "$op $limit",
                     result => !defined $pass ? 'n/a' : $pass ? 'pass' : 'miss',
                     ($note ? (note => $note) : ()), %more };
}
if (!$only_store) {
target('throughput b/a', $ratios{'b/a'}, '>=', 0.97);
target('p99 b/a', $ratios{'p99 b/a'}, '<=', 1.10);
my $sz = @sizes > 1 ? "$sizes[-1]{sessions}/$sizes[0]{sessions}" : '';
my $isz = @irn > 1 ? "$irn[-1]/$irn[0]" : '';
target("store lookup $sz (time)", $lookup_ratio, '<=', 1.10);
target("store lookup $isz (instructions)", $ir_ratio, '<=', 1.10,
       defined $ir_ratio ? undef : 'callgrind not run');
my $phase_note = sub {
    my ($what) = @_;
    return 'not measured' unless $okr->('b1k') && $okr->('b100k');
    my ($n1, $n2) = map { $res{$_}{live_sessions} // $res{$_}{sessions_rotated} // '?' } 'b1k', 'b100k';
    return "$what; $n2 vs $n1 live sessions";
};
target('store lookup in the server, 100k/1k sessions', $ratios{'cpu (b100k/a100k)/(b1k/a1k)'}, '<=', 1.10,
       $phase_note->('target: server CPU per request, (b100k/a100k)/(b1k/a1k)'));
# shown with it, not the target: the throughput of (bK) normalised by (aK)
target('store lookup in the server (throughput)', $ratios{'(b100k/a100k)/(b1k/a1k)'}, '>=', 0.90,
       $phase_note->('secondary: (b100k/a100k)/(b1k/a1k)'), secondary => JSON::PP::true);
target('shm bytes per session', $max_bps, '<=', 1024);
target('throughput d/a', $ratios{'d/a'}, '>=', 0.95,
       $ok->('d') ? undef : "(d) not available: $res{d}{reason}");
# the alert mail stays off the request's path: failing logins answered as fast with the SMTP
# peer down (the sender retrying, the queue full and dropping) as with it up
target('alert mails: error callbacks/s, SMTP down/up', $al{ratio_down_up}, '>=', 0.90);
}
# several servers: the redis store with its local copy costs little against shm; without the
# local copy (a redis round trip per request) a loose bound, shown as secondary
my $be_note = sub {
    my ($v) = @_;
    return $ok->($v) && $ok->('shm') ? undef : "($v) not available: " . (($res{$v} // {})->{reason} // 'not measured');
};
target('store redis, local cache 5s: throughput redis/shm', $ratios{'redis/shm'}, '>=', 0.90, $be_note->('redis'));
target('store redis, no local cache: throughput redis0/shm', $ratios{'redis0/shm'}, '>=', 0.50,
       $be_note->('redis0'), secondary => JSON::PP::true);

# ---- output ----------------------------------------------------------------------------------
my $f = sub { defined $_[0] ? $_[0] : '-' };
my $row = sub {
    my ($v, $r) = @_;
    printf "%-7s %-50s %9.0f %8.3f %8.3f %9s\n", "($v)", $r->{label}, $r->{rps}, $r->{p50_ms},
        $r->{p99_ms}, $f->($r->{cpu_us_per_request});
};
my $row_or_why = sub {
    my ($v) = @_;
    my $r = $res{$v} or return;
    if ($r->{available}) {
        $row->($v, $r);
    }
    else {
        printf "%-7s %-50s %s\n", "($v)", $r->{label}, "not available: $r->{reason}";
    }
};
if (!$only_store) {
printf "\nStatic file (%s B), wrk -t%s -c%s, %s x %s s per variant, medians over rounds\n",
    $f->($fact{file_bytes}), $f->($fact{threads}), $f->($fact{connections}),
    $f->($fact{rounds}), $f->($fact{duration});
printf "%-7s %-50s %9s %8s %8s %9s\n", '', 'variant', 'req/s', 'p50 ms', 'p99 ms', 'CPU us/req';
$row_or_why->($_) for @variants;
printf "ratios: b/a %s   b/c %s   d/a %s   p99 b/a %s   p99 d/a %s\n",
    map { $f->($ratios{$_}) } 'b/a', 'b/c', 'd/a', 'p99 b/a', 'p99 d/a';
printf "server CPU per request: a/b %s   a/d %s  (1.0 = the gate costs no CPU)\n",
    map { $f->($ratios{$_}) } 'cpu a/b', 'cpu a/d';
printf "output filter (Moodle HTML page read up to <body>): e/e0 %s   CPU e0/e %s\n",
    map { $f->($ratios{$_}) } 'e/e0', 'cpu e0/e';
if (grep { $res{$_} } @rotated) {
    printf "\nThe store in the server: each request with the next session's cookie (rotate.lua)\n";
    for my $k (@phases) {
        printf "%-7s %-50s\n", '', sprintf('%s live sessions, %s pending attempts in the store',
            $f->($fact{"live_$k"}), $f->($fact{"attempts_$k"}));
        $row_or_why->("a$k");
        $row_or_why->("b$k");
    }
    printf "ratios: b1k/a1k %s   b100k/a100k %s   (b100k/a100k)/(b1k/a1k) %s\n",
        map { $f->($ratios{$_}) } 'b1k/a1k', 'b100k/a100k', '(b100k/a100k)/(b1k/a1k)';
    printf "server CPU per request: (b100k/a100k)/(b1k/a1k) %s (the target)   b100k/b1k %s   "
        . "a100k/a1k %s (control, no gate)\n",
        map { $f->($ratios{$_}) } 'cpu (b100k/a100k)/(b1k/a1k)', 'cpu b100k/b1k', 'cpu a100k/a1k';
}

printf "\nStore (store.c, %s lookups x %s, median)\n", $f->($store_meta{lookups}), $f->($store_meta{repeat});
printf "%12s %14s %14s %14s %16s\n", 'sessions', 'shm bytes', 'bytes/session', 'ns/lookup', 'instr/lookup';
for (@sizes) {
    printf "%12d %14d %14.1f %14.1f %16s\n", $_->{sessions}, $_->{shm_bytes},
        $_->{bytes_per_session}, $_->{ns_per_lookup}, $f->($irs{ $_->{sessions} });
}
printf "lookup cost ratio %s (time)  %s (instructions)\n", $f->($lookup_ratio), $f->($ir_ratio);

printf "\nLogin path (gated URL, no session)\n";
printf "  pending attempts created: %s /s (p99 %s ms, server CPU %s us each)\n",
    $f->($lp{attempts_per_s}), $f->($lp{attempts_p99_ms}), $f->($lp{attempts_cpu_us});
printf "  callbacks completed:      %s /s (fill run: %s in %s s; %s in all, %s rejected; server CPU %s us per login)\n",
    $f->($lp{callbacks_per_s}), $f->($lp{callbacks_completed_fill}), $f->($lp{fill_seconds}),
    $f->($lp{callbacks_completed}), $f->($lp{callbacks_rejected}), $f->($lp{callback_cpu_us});

printf "\nAlert mails (failing logins: gate page + SENCE's error callback, an alert each)\n";
printf "  SMTP peer up:   %s error callbacks/s (p99 %s ms)\n", $f->($al{errors_per_s_up}), $f->($al{p99_ms_up});
printf "  SMTP peer down: %s error callbacks/s (p99 %s ms)\n", $f->($al{errors_per_s_down}), $f->($al{p99_ms_down});
}

if (grep { $res{$_} } @backends) {
    printf "\nSession store backends: the gated file (b) on a server of its own per store, %s x %s s, medians\n",
        $f->($fact{rounds}), $f->($fact{duration});
    printf "%-7s %-50s %9s %8s %8s %9s\n", '', 'store', 'req/s', 'p50 ms', 'p99 ms', 'CPU us/req';
    $row_or_why->($_) for @backends;
    printf "ratios: redis/shm %s   redis0/shm %s   p99 redis/shm %s   p99 redis0/shm %s\n",
        map { $f->($ratios{$_}) } 'redis/shm', 'redis0/shm', 'p99 redis/shm', 'p99 redis0/shm';
    printf "CPU per request (httpd + redis-server): shm/redis %s   shm/redis0 %s\n",
        map { $f->($ratios{$_}) } 'cpu shm/redis', 'cpu shm/redis0';
    for my $v (qw(redis redis0)) {
        my $r = $res{$v} or next;
        next unless defined $r->{local_cache_hits};
        printf "(%s) local cache: %s hits, %s misses, hit rate %s; store reachable %s, %s store errors\n", $v,
            $f->($r->{local_cache_hits}), $f->($r->{local_cache_misses}), $f->($r->{local_cache_hit_rate}),
            $r->{reachable} ? 'yes' : 'no', $f->($r->{store_errors});
    }
    printf "redis %s, memory per key (MEMORY USAGE): attempt %s B, session %s B, participant index %s B;"
        . " %s keys per gate page\n", $f->($fact{redis_version}), $f->($fact{redis_bytes_attempt}),
        $f->($fact{redis_bytes_session}), $f->($fact{redis_bytes_index}),
        $f->($fact{redis_records_per_gate_page})
        if defined $fact{redis_records_per_gate_page};
}

printf "\nTargets (docs/benchmarks.md; reported, not enforced)\n";
for (@targets) {
    printf "  %-46s %10s  %-8s %s%s\n", ($_->{secondary} ? "  " : "") . $_->{name},
        $f->($_->{value}), $_->{target}, $_->{result}, $_->{note} ? "  ($_->{note})" : '';
}

my %out = (
    schema => 'mod_sence-bench/1',
    mode => $fact{mode},
    date => $fact{date},
    commit => $fact{commit},
    machine => { map { $_ => $fact{$_} } grep { exists $fact{$_} }
                 qw(nproc cpu_model kernel httpd wrk loadavg_start loadavg_end) },
    settings => { map { $_ => ($fact{$_} =~ /\A\d+\z/ ? 0 + $fact{$_} : $fact{$_}) }
                  grep { exists $fact{$_} }
                  qw(threads connections duration rounds capacity file_bytes mpm pin mutex
                     live_sessions sessions_few sessions_many rotated_1k rotated_100k live_1k
                     live_100k attempts_1k attempts_100k only redis_version redis_records
                     redis_records_per_gate_page redis_bytes_attempt redis_bytes_session
                     redis_bytes_index) },
    http => \%res,
    ratios => \%ratios,
    store => { record_bytes => 0 + ($store_meta{record_bytes} // 0), sizes => \@sizes,
               lookup_ratio => $lookup_ratio, instructions_per_lookup => \%irs,
               instructions_ratio => $ir_ratio },
    login => \%lp,
    alerts => \%al,
    targets => \@targets,
    problems => \@problems,
);
open my $out, '>', "$json_path.tmp$$" or die "report: cannot write $json_path: $!\n";
print $out JSON::PP->new->utf8->canonical->pretty->encode(\%out);
close $out or die "report: cannot write $json_path: $!\n";
rename "$json_path.tmp$$", $json_path or die "report: cannot write $json_path: $!\n";
if (@problems) {
    print STDERR "report: $_\n" for @problems;
    exit 1;
}
exit 0;
