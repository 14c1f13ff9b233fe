#!/usr/bin/perl
# Differential test of mod_sence's reading of the session cookie and of urlencoded and multipart
# bodies
# against PHP 8.2 itself: PHP's built-in web server (php -S, the same request parsing as
# mod_php and PHP-FPM: main/php_variables.c, main/rfc1867.c) answers what $_COOKIE and $_POST
# hold for generated requests, php_read_dump what mod_sence reads. For every case mod_sence
# must read exactly what PHP reads, or flag it (a gated participant's request is refused).
#
#   php_http.pl PHP_READ_DUMP          (PHP: the php binary, default php)
use strict;
use warnings;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use IPC::Open2;
use LWP::UserAgent;
use HTTP::Request;

my $dump = shift or die "usage: php_http.pl PHP_READ_DUMP\n";
my $php = $ENV{PHP} || 'php';
my $dir = tempdir(CLEANUP => 1);
open my $fh, '>', "$dir/router.php" or die $!;
print $fh <<'PHP';
<?php
// What PHP read: the session cookie, or $_POST as "name=hexvalue" (arrays "[]"), sorted.
if (isset($_GET['cookie'])) {
    $v = $_COOKIE['MoodleSession'] ?? null;
    echo is_string($v) ? bin2hex($v) : '-';
    return true;
}
$out = $_POST;
ksort($out, SORT_STRING);
$parts = [];
foreach ($out as $k => $v) $parts[] = bin2hex((string)$k) . '=' . (is_array($v) ? '[]' : bin2hex($v));
echo implode("\t", $parts);
return true;
PHP
close $fh;

my $port = do { my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0) or die $!; my $p = $s->sockport; close $s; $p };
my $pid = fork // die "fork: $!";
if (!$pid) {
    open STDOUT, '>', "$dir/php.log"; open STDERR, '>&', \*STDOUT;
    exec $php, '-d', 'max_input_vars=5000', '-S', "127.0.0.1:$port", "$dir/router.php" or exit 127;
}
END { kill 'TERM', $pid if $pid; }
my $ua = LWP::UserAgent->new(timeout => 10, keep_alive => 4);
for (1 .. 100) {
    last if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port");
    select undef, undef, undef, 0.05;
}

srand(20261201);
sub pick { $_[ int rand @_ ] }

# ---- the cases --------------------------------------------------------------------------------
my @cases; # [kind, header-or-ctype, body]
my @catoms = ('MoodleSession', 'MoodleSession', 'MoodleSession=', '=', ';', '; ', ',', ' ', "\t", 'abc',
              'sid1', '%6B', '%', '%4', '+', '[x]', '[]', '[', '.', ' MoodleSession', 'MoodleSession ',
              'Moodle.Session', 'x=1', '=v');
for (1 .. 3000) {
    my $h = join '', map { pick(@catoms) } 1 .. 1 + int rand 7;
    $h =~ s/^[\s;,]+//;
    next if $h eq '' || $h =~ /[\r\n]/;
    push @cases, ['c', $h];
}
# multipart bodies: each choice is the browser's with odds 7 in 8, else one of its variants
sub vary { my ($canonical, @variants) = @_; rand() < 0.875 ? $canonical : pick(@variants) }
my @names = ('id', 'x', 'courseid', 'id[]', 'id[a]');
for (1 .. 3000) {
    my $b = vary('B0und', '"B0und"', 'B0und,x', 'B0und; boundary=Other', 'Other; boundary=B0und', '"B0und', 'B0und x');
    my $ct = vary('multipart/form-data; boundary=', 'multipart/form-data;boundary=', 'multipart/form-data; Boundary=',
                  'multipart/form-data; xboundary=', 'Multipart/Form-Data; boundary=') . $b;
    my $nl = vary("\r\n", "\n");
    my $body = vary('', "preamble$nl", "$nl");
    for my $k (1 .. 1 + int rand 3) {
        my $name = vary(pick(@names), ' id', 'id ', 'i d', 'id.', 'id[', "i'd", 'i\\"d', '');
        my $disp = vary(qq{form-data; name="$name"}, qq{form-data; name=$name}, qq{form-data; name='$name'},
                        qq{form-data;name="$name"}, qq{form-data; name="$name"; filename="f.txt"},
                        qq{form-data; name="$name"; name="x"}, qq{form-data; filename="a"; name="$name"},
                        qq{form-data; filename="a\\"; name="$name"});
        my $value = vary(pick('2', '4', 'texto', ''), "2\0", "a${nl}b", "--B0und", "v\r", "a\n--B0und");
        $body .= "--B0und$nl" . vary('Content-Disposition: ', 'content-disposition: ', 'Content-Disposition:') . $disp . $nl
               . vary('', 'Content-Type: text/plain' . $nl, 'X-Other: 1' . $nl) . $nl . $value . $nl;
    }
    $body .= vary("--B0und--$nl", "--B0und--", "--B0und$nl", '', "--B0und--${nl}epilogue");
    push @cases, ['m', $ct, $body];
}

# urlencoded bodies (add_post_vars: split on '&' only, length-aware, a literal NUL possible)
my @patoms = ('a', 'b', 'id', ' ', '+', '.', '[', ']', '=', '&', '&', '%00', "\0", '%20', '%2E', '%5B',
              '%', '%4', '[]', '[a]', '=1', '=2', ';');
for (1 .. 2000) {
    push @cases, ['p', 'application/x-www-form-urlencoded', join '', map { pick(@patoms) } 1 .. 1 + int rand 8];
}

# ---- PHP's reading, mod_sence's reading ---------------------------------------------------------
my @php;
for my $c (@cases) {
    my $req;
    if ($c->[0] eq 'c') {
        $req = HTTP::Request->new(GET => "http://127.0.0.1:$port/?cookie=1", ['Cookie' => $c->[1]]);
    } else {
        $req = HTTP::Request->new(POST => "http://127.0.0.1:$port/", ['Content-Type' => $c->[1]], $c->[2]);
    }
    my $res = $ua->request($req);
    die "php -S: " . $res->status_line . "\n" . `cat $dir/php.log` unless $res->is_success;
    push @php, $res->content;
}
my ($out, $in);
my $dpid = open2($out, $in, $dump) or die "$dump: $!";
my $writer = fork // die "fork: $!";
if (!$writer) {
    close $out;
    for my $c (@cases) {
        print $in $c->[0] eq 'c' ? 'c ' . unpack('H*', $c->[1]) . "\n"
                : $c->[0] eq 'p' ? 'p ' . unpack('H*', $c->[2]) . "\n"
                                 : 'm ' . unpack('H*', $c->[1]) . ' ' . unpack('H*', $c->[2]) . "\n";
    }
    close $in;
    exit 0;
}
close $in;
my @sence = <$out>;
waitpid $writer, 0;
waitpid $dpid, 0;
die "php_read_dump: " . scalar(@sence) . " answers for " . scalar(@cases) . " cases\n" unless @sence == @cases;

my %n = (c => [0, 0, 0], p => [0, 0, 0], m => [0, 0, 0]); # same, refused, read otherwise
for my $i (0 .. $#cases) {
    my ($kind) = @{ $cases[$i] };
    chomp(my $s = $sence[$i]);
    my ($flag, $rest) = $s =~ /\A([01])\t?(.*)\z/s or die "bad line from the dump: $s\n";
    if ($flag) { $n{$kind}[1]++; next }
    my $php = $php[$i];
    if ($rest eq $php) { $n{$kind}[0]++; next }
    $n{$kind}[2]++;
    if ($n{$kind}[2] <= 5) {
        my $what = $kind eq 'c' ? "Cookie: $cases[$i][1]" : "Content-Type: $cases[$i][1]\n$cases[$i][2]";
        $what =~ s/([\x00-\x08\x0b-\x1f\x7f])/sprintf('\\x%02X', ord $1)/ge;
        print "differs ($kind):\n$what\n  php:   $php\n  sence: $rest\n";
    }
}
my $bad = 0;
for my $k (qw(c p m)) {
    my ($same, $refused, $other) = @{ $n{$k} };
    printf "php_http %s: %d read as PHP reads them, %d refused, %d read otherwise\n",
        { c => '$_COOKIE', p => 'urlencoded $_POST', m => 'multipart $_POST' }->{$k}, $same, $refused, $other;
    $bad = 1 if $other || $same < 200 || $refused < 50; # neither reading may be vacuous
}
exit $bad;
