#!/usr/bin/perl
# scripts/bench: turns the raw measurements (tab-separated lines written by scripts/bench)
# into the results table on stdout and the JSON file. Core Perl only.
#
#   report.pl RAW JSON
#
# RAW lines (fields separated by tabs):
#   fact     NAME VALUE                      machine and run settings
#   http     VARIANT ROUND WRKSTAT...        one wrk run of a static-file variant (a, b, c,
#                                            d; a+ and b+: again after the login path)
#   unavail  VARIANT REASON                  a variant that could not be measured
#   label    VARIANT TEXT                    what the variant is
#   url      VARIANT PATH
#   store    LINE                            a line of bench_store's output
#   ir       SESSIONS IR LOOKUPS             callgrind: instructions in sence_store_get
#   login    attempts ROUND WRKSTAT...       gate pages (pending attempts) per second
#   login    callbacks ROUND LOGINSTAT...    success callbacks completed per second
# Targets are reported (pass/miss), never enforced: the exit status is 0 unless RAW is
# unreadable or a measurement is missing.
use strict;
use warnings;
use JSON::PP ();

my ($raw, $json_path) = @ARGV;
die "usage: report.pl RAW JSON\n" unless $raw && $json_path;
open my $fh, '<:encoding(UTF-8)', $raw or die "report: cannot read $raw: $!\n";

my (%fact, %http, %unavail, %label, %url, @store, %ir, %login);
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
    elsif ($k eq 'login')   { push @{ $login{ $f[0] } }, kv($f[2]) }
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
my @variants = qw(a b c d);
my (%res, @problems);
$label{'a+'} //= ($label{a} // 'a') . ', after the login path';
$label{'b+'} //= ($label{b} // 'b') . ', after the login path';
$url{'a+'} //= $url{a};
$url{'b+'} //= $url{b};
for my $v (@variants, 'a+', 'b+') {
    next if $v =~ /\+\z/ && !$http{$v};
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
    }
    $res{$v} = \%r;
}
my $ok = sub { $res{ $_[0] }{available} };
my %ratios = (
    'b/a' => $ok->('a') && $ok->('b') ? r3(ratio($res{b}{rps}, $res{a}{rps})) : undef,
    'b/c' => $ok->('b') && $ok->('c') ? r3(ratio($res{b}{rps}, $res{c}{rps})) : undef,
    'd/a' => $ok->('a') && $ok->('d') ? r3(ratio($res{d}{rps}, $res{a}{rps})) : undef,
    'p99 b/a' => $ok->('a') && $ok->('b') ? r3(ratio($res{b}{p99_ms}, $res{a}{p99_ms})) : undef,
    'p99 d/a' => $ok->('a') && $ok->('d') ? r3(ratio($res{d}{p99_ms}, $res{a}{p99_ms})) : undef,
    # the inverse of the CPU cost per request: throughput if CPU were the only limit
    'cpu a/b' => $ok->('a') && $ok->('b') ? r3(ratio($res{a}{cpu_us_per_request}, $res{b}{cpu_us_per_request})) : undef,
    'cpu a/d' => $ok->('a') && $ok->('d') ? r3(ratio($res{a}{cpu_us_per_request}, $res{d}{cpu_us_per_request})) : undef,
);
my $live = $fact{live_sessions};
if ($res{'a+'} && $res{'b+'} && $ok->('a+') && $ok->('b+')) {
    $ratios{'b+/a+'} = r3(ratio($res{'b+'}{rps}, $res{'a+'}{rps}));
    $ratios{'p99 b+/a+'} = r3(ratio($res{'b+'}{p99_ms}, $res{'a+'}{p99_ms}));
    $ratios{'(b+/a+)/(b/a)'} = r3(ratio($ratios{'b+/a+'}, $ratios{'b/a'}));
    $ratios{'cpu a+/b+'} = r3(ratio($res{'a+'}{cpu_us_per_request}, $res{'b+'}{cpu_us_per_request}));
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
push @problems, 'store: no measurement' unless @sizes;
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
else { push @problems, 'login: attempts not measured' }
if (my $c = $login{callbacks}) {
    $lp{callbacks_per_s} = r1(median(map { $_->{duration_us} ? $_->{completed} / ($_->{duration_us} / 1e6) : 0 } @$c));
    # server CPU per completed login: its gate page and its callback
    $lp{callback_cpu_us} = r1(median(map { $_->{clk_tck} && $_->{completed} ? $_->{cpu_ticks} / $_->{clk_tck} * 1e6 / $_->{completed} : undef } @$c));
    $lp{callbacks_completed} = 0;
    $lp{callbacks_completed} += $_->{completed} for @$c;
    $lp{gate_pages} = 0;
    $lp{gate_pages} += $_->{gates} for @$c;
    my $bad = 0;
    $bad += $_->{rejected} + $_->{other} for @$c;
    $lp{callbacks_rejected} = $bad;
    push @problems, "login: $bad callbacks rejected or unexpected answers" if $bad;
    push @problems, 'login: no callback completed' unless $lp{callbacks_completed};
}
else { push @problems, 'login: callbacks not measured' }

# ---- targets (issue 5) -----------------------------------------------------------------------
my @targets;
sub target {
    my ($name, $value, $op, $limit, $note) = @_;
    my $pass = defined $value ? ($op eq '>=' ? $value >= $limit : $value <= $limit) : undef;
    push @targets, { name => $name, value => $value, target => "$op $limit",
                     result => !defined $pass ? 'n/a' : $pass ? 'pass' : 'miss',
                     ($note ? (note => $note) : ()) };
}
target('throughput b/a', $ratios{'b/a'}, '>=', 0.97);
target('p99 b/a', $ratios{'p99 b/a'}, '<=', 1.10);
my $sz = @sizes > 1 ? "$sizes[-1]{sessions}/$sizes[0]{sessions}" : '';
my $isz = @irn > 1 ? "$irn[-1]/$irn[0]" : '';
target("store lookup $sz (time)", $lookup_ratio, '<=', 1.10);
target("store lookup $isz (instructions)", $ir_ratio, '<=', 1.10,
       defined $ir_ratio ? undef : 'callgrind not run');
target('gate with many sessions (b+/a+)/(b/a)', $ratios{'(b+/a+)/(b/a)'}, '>=', 0.90,
       defined $live ? "in the server, $live live sessions vs 2" : 'not measured');
target('shm bytes per session', $max_bps, '<=', 1024);
target('throughput d/a', $ratios{'d/a'}, '>=', 0.95,
       $ok->('d') ? undef : "(d) not available: $res{d}{reason}");

# ---- output ----------------------------------------------------------------------------------
my $f = sub { defined $_[0] ? $_[0] : '-' };
printf "\nStatic file (%s B), wrk -t%s -c%s, %s x %s s per variant, medians over rounds\n",
    $f->($fact{file_bytes}), $f->($fact{threads}), $f->($fact{connections}),
    $f->($fact{rounds}), $f->($fact{duration});
my $row = sub {
    my ($v, $r) = @_;
    printf "%-4s %-50s %9.0f %8.3f %8.3f %9s\n", "($v)", $r->{label}, $r->{rps}, $r->{p50_ms},
        $r->{p99_ms}, $f->($r->{cpu_us_per_request});
};
printf "%-4s %-50s %9s %8s %8s %9s\n", '', 'variant', 'req/s', 'p50 ms', 'p99 ms', 'CPU us/req';
for my $v (@variants) {
    my $r = $res{$v};
    if ($r->{available}) {
        $row->($v, $r);
    }
    else {
        printf "%-4s %-50s %s\n", "($v)", $r->{label}, "not available: $r->{reason}";
    }
}
printf "ratios: b/a %s   b/c %s   d/a %s   p99 b/a %s   p99 d/a %s\n",
    map { $f->($ratios{$_}) } 'b/a', 'b/c', 'd/a', 'p99 b/a', 'p99 d/a';
printf "server CPU per request: a/b %s   a/d %s  (1.0 = the gate costs no CPU)\n",
    map { $f->($ratios{$_}) } 'cpu a/b', 'cpu a/d';
if ($res{'b+'}) {
    printf "\nAfter the login path: about %s live sessions in the store\n", $f->($live);
    for my $v ('a+', 'b+') {
        my $r = $res{$v} or next;
        next unless $r->{available};
        $row->($v, $r);
    }
    printf "ratios: b+/a+ %s   p99 b+/a+ %s   (b+/a+)/(b/a) %s   CPU a+/b+ %s\n",
        map { $f->($ratios{$_}) } 'b+/a+', 'p99 b+/a+', '(b+/a+)/(b/a)', 'cpu a+/b+';
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
printf "  callbacks completed:      %s /s (%s completed, %s rejected; server CPU %s us per login)\n",
    $f->($lp{callbacks_per_s}), $f->($lp{callbacks_completed}), $f->($lp{callbacks_rejected}),
    $f->($lp{callback_cpu_us});

printf "\nTargets (issue 5; reported, not enforced)\n";
for (@targets) {
    printf "  %-38s %10s  %-8s %s%s\n", $_->{name}, $f->($_->{value}), $_->{target},
        $_->{result}, $_->{note} ? "  ($_->{note})" : '';
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
                     live_sessions) },
    http => \%res,
    ratios => \%ratios,
    store => { record_bytes => 0 + ($store_meta{record_bytes} // 0), sizes => \@sizes,
               lookup_ratio => $lookup_ratio, instructions_per_lookup => \%irs,
               instructions_ratio => $ir_ratio },
    login => \%lp,
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
