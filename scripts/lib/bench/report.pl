#!/usr/bin/perl
# scripts/bench: turns the raw measurements (tab-separated lines written by scripts/bench)
# into the results table on stdout and the JSON file. Core Perl only.
#
#   report.pl RAW JSON
#
# RAW lines (fields separated by tabs):
#   fact     NAME VALUE                      machine and run settings
#   http     VARIANT ROUND WRKSTAT...        one wrk run of a static-file variant
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
sub ms    { defined $_[0] ? 0 + sprintf('%.3f', $_[0] / 1000) : undef }

# ---- static file, side by side ------------------------------------------------------------
my @variants = qw(a b c d);
my (%res, @problems);
for my $v (@variants) {
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
                              errors => $_->{connect_err} + $_->{read_err} + $_->{write_err}
                                        + $_->{status_err} + $_->{timeout_err} } } @$runs];
        $r{rps} = r1(median(map { $_->{rps} } @$runs));
        $r{p50_ms} = ms(median(map { $_->{p50_us} } @$runs));
        $r{p99_ms} = ms(median(map { $_->{p99_us} } @$runs));
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
);

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
    my $err = 0;
    $err += $_->{status_err} + $_->{connect_err} + $_->{read_err} + $_->{timeout_err} for @$a;
    push @problems, "login: $err errors while creating attempts" if $err;
}
else { push @problems, 'login: attempts not measured' }
if (my $c = $login{callbacks}) {
    $lp{callbacks_per_s} = r1(median(map { $_->{duration_us} ? $_->{completed} / ($_->{duration_us} / 1e6) : 0 } @$c));
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
target('store lookup 100k/1k (time)', $lookup_ratio, '<=', 1.10);
target('store lookup 100k/1k (instructions)', $ir_ratio, '<=', 1.10,
       defined $ir_ratio ? undef : 'callgrind not run');
target('shm bytes per session', $max_bps, '<=', 1024);
target('throughput d/a', $ratios{'d/a'}, '>=', 0.95,
       $ok->('d') ? undef : "(d) not available: $res{d}{reason}");

# ---- output ----------------------------------------------------------------------------------
my $f = sub { defined $_[0] ? $_[0] : '-' };
printf "\nStatic file (%s B), wrk -t%s -c%s, %s x %s s per variant, medians over rounds\n",
    $f->($fact{file_bytes}), $f->($fact{threads}), $f->($fact{connections}),
    $f->($fact{rounds}), $f->($fact{duration});
printf "%-4s %-52s %10s %9s %9s\n", '', 'variant', 'req/s', 'p50 ms', 'p99 ms';
for my $v (@variants) {
    my $r = $res{$v};
    if ($r->{available}) {
        printf "%-4s %-52s %10.0f %9.3f %9.3f\n", "($v)", $r->{label}, $r->{rps}, $r->{p50_ms},
            $r->{p99_ms};
    }
    else {
        printf "%-4s %-52s %s\n", "($v)", $r->{label}, "not available: $r->{reason}";
    }
}
printf "ratios: b/a %s   b/c %s   d/a %s   p99 b/a %s   p99 d/a %s\n",
    map { $f->($ratios{$_}) } 'b/a', 'b/c', 'd/a', 'p99 b/a', 'p99 d/a';

printf "\nStore (store.c, %s lookups x %s, median)\n", $f->($store_meta{lookups}), $f->($store_meta{repeat});
printf "%12s %14s %14s %14s %16s\n", 'sessions', 'shm bytes', 'bytes/session', 'ns/lookup', 'instr/lookup';
for (@sizes) {
    printf "%12d %14d %14.1f %14.1f %16s\n", $_->{sessions}, $_->{shm_bytes},
        $_->{bytes_per_session}, $_->{ns_per_lookup}, $f->($irs{ $_->{sessions} });
}
printf "lookup cost ratio %s (time)  %s (instructions)\n", $f->($lookup_ratio), $f->($ir_ratio);

printf "\nLogin path (gated URL, no session)\n";
printf "  pending attempts created: %s /s (p99 %s ms)\n", $f->($lp{attempts_per_s}), $f->($lp{attempts_p99_ms});
printf "  callbacks completed:      %s /s (%s completed, %s rejected)\n",
    $f->($lp{callbacks_per_s}), $f->($lp{callbacks_completed}), $f->($lp{callbacks_rejected});

printf "\nTargets (issue 5; reported, not enforced)\n";
for (@targets) {
    printf "  %-38s %10s  %-8s %s%s\n", $_->{name}, $f->($_->{value}), $_->{target},
        $_->{result}, $_->{note} ? "  ($_->{note})" : '';
}

my %out = (
    schema => 'mod_sence-bench/1',
    mode => $fact{mode},
    date => $fact{date},
    machine => { map { $_ => $fact{$_} } grep { exists $fact{$_} }
                 qw(nproc cpu_model kernel httpd wrk loadavg_start loadavg_end) },
    settings => { map { $_ => ($fact{$_} =~ /\A\d+\z/ ? 0 + $fact{$_} : $fact{$_}) }
                  grep { exists $fact{$_} }
                  qw(threads connections duration rounds capacity file_bytes mpm pin) },
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
