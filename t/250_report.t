# sencectl report: exact CSV for a known journal (t/journal/fixture.jsonl), the table,
# filters, malformed lines, the days' time zone, and the report of the live journal moving
# with a round trip. The program: $SENCECTL, else sencectl in $SENCE_MODULES_DIR (the build
# directory).
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use File::Temp qw(tempfile);
use POSIX qw(strftime);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);

my $t_dir = Apache::Test::vars('t_dir');
my $prog = $ENV{SENCECTL} || ($ENV{SENCE_MODULES_DIR} // "$t_dir/../build") . '/sencectl';
ok(-x $prog, "sencectl found ($prog)")
    or do { diag('build sencectl or set SENCECTL'); done_testing; exit };
my $fixture = "$t_dir/journal/fixture.jsonl";

# Runs the report; returns (exit status, stdout, stderr). Its input and its stderr are files,
# so that neither side can block on a full pipe whatever the sizes.
sub report {
    my ($stdin, @args) = @_;
    my $in = File::Temp->new;
    my $err = File::Temp->new;
    binmode $in;
    print $in $stdin if defined $stdin;
    close $in;
    my $pid = open(my $out, '-|') // die "fork: $!";
    if (!$pid) {
        open(STDIN, '<', $in->filename) && open(STDERR, '>', $err->filename) or exit 127;
        exec $prog, 'report', @args;
        exit 127;
    }
    binmode $out, ':encoding(UTF-8)';
    my $o = do { local $/; <$out> // '' };
    close $out;
    my $status = $? >> 8;
    open(my $efh, '<:encoding(UTF-8)', $err->filename) or die "stderr file: $!";
    my $e = do { local $/; <$efh> // '' };
    return ($status, $o, $e);
}

my $HEADER = 'date,codigo_curso,cod_sence,linea,run,first_start,last_close,sessions,closes,errors,abandoned,pending,expired,suspect,first_activity,last_activity,dj';
my @ROWS = (
    '2026-11-29,CURSO-LINEA-1,,1,10000013-k,2026-11-29T12:00:02-03:00,,1,0,,0,0,0,0,2026-11-29T12:00:00-03:00,2026-11-29T12:00:02-03:00,yes',
    '2026-11-29,CURSO-LINEA-1,,1,33333333-3,,,0,0,,0,1,0,0,2026-11-29T18:00:00-03:00,2026-11-29T18:00:00-03:00,no',
    '2026-11-28,RLAB-19-02-08-0071-1,1234567890,3,11111111-1,2026-11-28T11:00:03-03:00,,1,0,312;301,1,1,0,0,2026-11-28T11:00:00-03:00,2026-11-28T12:31:00-03:00,yes',
    '2026-11-28,RLAB-19-02-08-0071-1,1234567890,3,12345678-5,2026-11-28T09:00:05-03:00,2026-11-28T10:30:10-03:00,3,1,312,0,0,1,0,2026-11-28T09:00:01-03:00,2026-11-28T23:50:30-03:00,yes',
    '2026-11-29,RLAB-19-02-08-0071-1,1234567890,3,12345678-5,,2026-11-29T00:20:00-03:00,0,1,,0,0,0,0,2026-11-29T00:20:00-03:00,2026-11-29T00:20:00-03:00,yes',
    '2026-11-29,RLAB-20-01-01-0001-1,2234567890,3,22222222-2,2026-11-29T15:00:04-03:00,2026-11-29T16:00:00-03:00,1,1,211;204,0,0,0,1,2026-11-29T14:00:00-03:00,2026-11-29T16:00:00-03:00,yes',
);
my @COLS = split /,/, $HEADER;
my %COL = map { $COLS[$_] => $_ } 0 .. $#COLS;
my @MALFORMED = (3, 13, 22, 27, 34, 44);

# ---- the known journal -------------------------------------------------------------------
{
    my ($rc, $out, $err) = report(undef, '--csv', $fixture);
    is($rc, 0, 'exit 0 despite malformed lines');
    is($out, join('', map { "$_\n" } $HEADER, @ROWS), 'CSV: exact expected output');
    for my $n (@MALFORMED) {
        like($err, qr/\Q$fixture\E:$n: malformed/, "line $n reported as malformed");
    }
    my @m = $err =~ /:(\d+): malformed/g;
    is_deeply(\@m, \@MALFORMED, 'only those lines');
    like($err, qr/\b6 malformed lines\b/, 'count of malformed lines');
    unlike($err, qr/:31:/, 'an empty line is not malformed');

    ($rc, my $stdin_out) = report(do { local (@ARGV, $/) = $fixture; <> }, '--csv');
    is($stdin_out, $out, 'same from standard input');

    ($rc, $out) = report(undef, '--csv', '--from', '2026-11-29', '--to', '2026-11-29', $fixture);
    is($out, join('', map { "$_\n" } $HEADER, grep { /\A2026-11-29/ } @ROWS), '--from/--to one day');
    ($rc, $out) = report(undef, '--csv', '--to', '2026-11-28', $fixture);
    is($out, join('', map { "$_\n" } $HEADER, grep { /\A2026-11-28/ } @ROWS), '--to');
    ($rc, $out) = report(undef, '--csv', '--course', 'RLAB-19-02-08-0071-1', $fixture);
    is($out, join('', map { "$_\n" } $HEADER, grep { /,RLAB-19-02-08-0071-1,/ } @ROWS), '--course');
    ($rc, $out) = report(undef, '--csv', '--suspect', $fixture);
    is($out, join('', map { "$_\n" } $HEADER, grep { (split /,/, $_, -1)[$COL{suspect}] } @ROWS),
       '--suspect: only the row whose start_ok was flagged');
    ($rc, $out) = report(undef, '--csv', '--course', 'NO-EXISTE-1', $fixture);
    is($out, "$HEADER\n", '--course with no rows: the header only');

    # The table: the same cells, aligned, "-" for empty ones.
    ($rc, $out) = report(undef, $fixture);
    is($rc, 0, 'table: exit 0');
    my @lines = split /\n/, $out;
    is(scalar @lines, 1 + @ROWS, 'table: header and one line per row');
    is_deeply([split /\s{2,}/, $lines[0]], [split /,/, $HEADER], 'table header: the CSV columns');
    for my $i (0 .. $#ROWS) {
        is_deeply([split /\s{2,}/, $lines[$i + 1] =~ s/\A\s+//r],
                  [map { length $_ ? $_ : '-' } split /,/, $ROWS[$i], -1], "table row $i");
    }
    # Aligned: 16 gaps of blanks that run through every line, one between each two columns.
    my $w = 0;
    $w < length $_ and $w = length $_ for @lines;
    my $blank = join '', map { my $i = $_; (grep { substr(sprintf('%-*s', $w, $_), $i, 1) ne ' ' } @lines) ? 'x' : ' ' } 0 .. $w - 1;
    my @gaps = $blank =~ /x {2,}(?=x)/g;
    is(scalar @gaps, 16, 'table: 17 aligned columns');

    # Help documents every column; bad options are usage errors.
    ($rc, $out) = report(undef, '--help');
    is($rc, 0, '--help: exit 0');
    like($out, qr/^\s+\Q$_\E\s/m, "--help documents $_") for split /,/, $HEADER;
    ($rc, undef, $err) = report(undef, '--tz', 'No/Such_Zone', $fixture);
    is($rc, 2, 'an unknown time zone: exit 2');
    ($rc, undef, $err) = report(undef, '--from', '29-11-2026', $fixture);
    is($rc, 2, 'a bad date: exit 2');
    ($rc, undef, $err) = report(undef, "$t_dir/journal/no-such-file");
    is($rc, 2, 'an unreadable file: exit 2');
    like($err, qr/no-such-file/, '... named');
}

# ---- the new columns and the days' time zone ------------------------------------------------
{
    my $cell = sub { my ($row, $col) = @_; (split /,/, $row, -1)[$COL{$col}] };
    # dj: a participant with only a login sent has no started session; one with a start_ok
    # on another day of the same course has (12345678-5 on 2026-11-29 closed yesterday's).
    my ($nodj) = grep { /,33333333-3,/ } @ROWS;
    is($cell->($nodj, 'dj'), 'no', 'dj: no start_ok for the course, no');
    my ($other_day) = grep { /\A2026-11-29,RLAB-19-02-08-0071-1,.*,12345678-5,/ } @ROWS;
    is($cell->($other_day, 'sessions'), 0, 'a day without sessions ...');
    is($cell->($other_day, 'dj'), 'yes', '... still has the DJ: a start_ok on another day');
    my ($rc, $out) = report(undef, '--csv', '--from', '2026-11-29', $fixture);
    like($out, qr/^2026-11-29,RLAB-19-02-08-0071-1,1234567890,3,12345678-5,.*,yes$/m,
         'dj counts start_ok outside --from/--to');
    # first/last activity: participant actions, not the server's reclaiming (login_abandoned)
    my ($r11) = grep { /,11111111-1,/ } @ROWS;
    is($cell->($r11, 'first_activity'), '2026-11-28T11:00:00-03:00', 'first_activity: the first login_sent');
    is($cell->($r11, 'last_activity'), '2026-11-28T12:31:00-03:00', 'last_activity: the last close_error');

    # Days are SENCE's (America/Santiago) unless --tz says otherwise: 02:30 UTC on the 30th
    # is the 29th in Santiago (-03:00 in November).
    my $j = join "\n", map { qq({"time":"$_->[0]","event":"start_ok","run":"12345678-5","cod_sence":"1234567890","codigo_curso":"RLAB-19-02-08-0071-1","linea":3,"id_sesion_alumno":"$_->[1]"}) }
        ['2026-11-30T02:30:00Z', 'z1z1z1z1z1z1z1z1z1z1z1z1'], ['2026-11-30T12:00:00+00:00', 'z2z2z2z2z2z2z2z2z2z2z2z2'];
    ($rc, $out) = report("$j\n", '--csv');
    is($rc, 0, 'tz: exit 0');
    my @days = map { (split /,/)[0] } grep { !/\Adate,/ } split /\n/, $out;
    is_deeply(\@days, ['2026-11-29', '2026-11-30'], 'days in America/Santiago by default');
    ($rc, $out) = report("$j\n", '--csv', '--tz', 'UTC');
    @days = map { (split /,/)[0] } grep { !/\Adate,/ } split /\n/, $out;
    is_deeply(\@days, ['2026-11-30'], '--tz UTC: both on the 30th');
}

# ---- the live journal ---------------------------------------------------------------------
{
    my $journal = journal_file();
    my ($COD, $CURSO) = @{ $J{codes} };
    my $run = '11111111-1';
    my $today = strftime('%Y-%m-%d', localtime);
    # The journal's times are the server's local time (this machine's): read the days in the
    # same zone, as a POSIX TZ string of the current offset.
    my ($sign, $hh, $mm) = strftime('%z', localtime) =~ /\A([+-])(\d\d)(\d\d)\z/;
    my $tz = sprintf('LCL%s%s:%s', $sign eq '+' ? '-' : '+', $hh, $mm);
    my $row = sub {
        my ($rc, $out, $err) = report(undef, '--csv', '--tz', $tz, '--course', $CURSO, '--from', $today, $journal);
        my %r;
        for my $l (split /\n/, $out) {
            my @c = split /,/, $l, -1;
            @r{split /,/, $HEADER} = @c if $c[4] eq $run && $c[2] eq $COD;
        }
        return (\%r, $rc, $err);
    };
    my ($before, $rc, $err) = $row->();
    is($rc, 0, 'live journal: exit 0');
    unlike($err, qr/malformed/, 'live journal: no malformed line') or diag($err);
    $before->{$_} //= 0 for qw(sessions closes pending abandoned expired);
    $before->{errors} //= '';

    my $ua = new_ua(run => $run);
    my $jm = journal_mark();
    # a failed start (312), a session, its close, and logins left pending
    roundtrip(ua => $ua, path => '/j-cierre/', run => $run, codes => $J{codes}, password => 'mala',
              expect => qr/\A312\z/, name => 'live: start error 312');
    my $s = start_session(ua => $ua, path => '/j-cierre/', run => $run, name => 'live: session');
    my $c = close_roundtrip(ua => $ua, path => '/j-cierre/', run => $run);
    my $closed = $c->{final} ? $ua->request($c->{final}->click) : undef;
    ok($closed && $closed->code == 200, 'live: session closed');
    ok(is_gate_page(new_ua(run => $run)->request(GET url('/j-cierre/'))), 'live: a login left pending (the gate page)');

    my ($after) = $row->();
    is($after->{date}, $today, 'live: a row for today');
    is($after->{sessions}, $before->{sessions} + 1, 'live: sessions +1');
    is($after->{closes}, $before->{closes} + 1, 'live: closes +1');
    # roundtrip() checks the course is still gated after the error: that login is pending too
    is($after->{pending}, $before->{pending} + 2, 'live: pending +2');
    is($after->{errors}, join(';', grep { length } $before->{errors}, '312'), 'live: error 312 appended');
    my ($ok) = journal_events($jm, event => 'close_ok', run => $run);
    is($after->{last_close}, $ok && $ok->{time}, "live: last_close is the close_ok's time");
    my ($first) = journal_events(0, event => 'start_ok', run => $run, codigo_curso => $CURSO,
                                 time => qr/\A\Q$today\E/);
    is($after->{first_start}, $first && $first->{time}, "live: first_start is the day's first start_ok");
}

done_testing;
