# The SENCE bar injected after <body> (SenceCloseSession On), the one-time "session started"
# notice, SenceBanner Off, and pages that must stay untouched.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET HEAD);
use Encode qw(decode);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);

my $t_dir = Apache::Test::vars('t_dir');
sub file { my $f = shift; open my $fh, '<:raw', "$t_dir/$f" or die "$f: $!"; local $/; my $s = <$fh>; return decode('UTF-8', $s) }
my $INDEX = file('htdocs/curso/index.html');
my $LECCION = file('htdocs/curso/leccion1.html');

my $LINK = '<link rel="stylesheet" href="/sence/notice.css">';
my $NOTICE = qr{<div class="sence-notice"[^>]*>Su sesión SENCE fue iniciada correctamente\.</div>};
# $path: the page as requested; its own query is kept (Moodle pages name their course there).
sub bar_html {
    my ($expires, $path) = @_;
    my $href = $path . ($path =~ /\?/ ? '&amp;' : '?') . 'sence_cerrar=1';
    return qq{<div class="sence-bar" id="sence-bar" data-expires="$expires">Sesión SENCE activa}
         . qq{<span class="sence-left" id="sence-left"></span> <a class="sence-close" href="$href">}
         . qq{Cerrar sesión SENCE</a></div><script src="/sence/bar.js" defer></script>};
}
# What follows <body...> in an HTML page (up to the next newline).
sub after_body { my $h = shift // ''; return $h =~ /<body[^>]*>(.*?)(?:\n|\z)/s ? $1 : undef }
sub count { my ($h, $re) = @_; my $n = () = ($h // '') =~ /$re/g; return $n }

# ---- /j-cierre/: notice once, then the bar on every HTML page ----------------------------
{
    my $run = '12345678-5';
    my $ua = new_ua(run => $run);
    my $t0 = time;
    my $s = start_session(ua => $ua, path => '/j-cierre/', run => $run,
                          content => qr/CONTENIDO-CURSO-A:/, name => 'session in /j-cierre/');
    my $t1 = time;
    SKIP: {
        skip 'no session', 1 unless $s->{content};
        my $first = $s->{content}->decoded_content // '';
        my $b = bar_of($first);
        ok($b, 'first page: the bar') or diag($first);
        my $exp = $b ? $b->{expires} : 0;
        ok($exp >= $t0 + 4 * 3600 - 1 && $exp <= $t1 + 4 * 3600 + 1,
           "data-expires $exp: the session's end (now + 4h) as Unix seconds");
        my $ab = after_body($first) // '';
        like($ab, qr{\A\Q$LINK\E}, 'first page: the stylesheet link right after <body>');
        is(count($first, qr/class="sence-notice"/), 1, 'first page: the notice, once');
        like($ab, qr{\A\Q$LINK\E$NOTICE\Q${\ bar_html($exp, '/j-cierre/')}\E}, 'first page: link, notice, bar, script');
        is(count($first, qr/id="sence-bar"/), 1, 'one bar');

        my $res = $ua->request(GET url('/j-cierre/'));
        my $html = $res->decoded_content // '';
        is($res->code, 200, 'second page: 200');
        is(count($html, qr/sence-notice/), 0, 'second page: no notice');
        (my $want = $INDEX) =~ s{(<body[^>]*>)}{$1$LINK${\ bar_html($exp, '/j-cierre/')}};
        is($html, $want, 'second page: the file with exactly link + bar + script after <body>');
        ok(!defined $res->header('Content-Length') || $res->header('Content-Length') == length($res->content),
           'Content-Length (if any) matches the modified body');

        $res = $ua->request(GET url('/j-cierre/leccion1.html?x=1'));
        ($want = $LECCION) =~ s{(<body[^>]*>)}{$1$LINK${\ bar_html($exp, '/j-cierre/leccion1.html?x=1')}};
        is($res->decoded_content // '', $want, 'another page: close link to its own path and query');

        # The bar's close link leads to the close page.
        my $href = bar_of($html) ? bar_of($html)->{close_href} : undef;
        my $close = $href ? $ua->request(GET url($href)) : undef;
        ok($close && close_form($close), "the bar's link ($href) opens the close page");
        is(count($close ? $close->decoded_content : '', qr/id="sence-bar"/), 0, 'no bar on the close page');

        # Not HTML: untouched, even with a <body> tag inside.
        $res = $ua->request(GET url('/j-cierre/nota.txt'));
        is($res->code, 200, 'text/plain file: 200');
        like(scalar($res->header('Content-Type')) // '', qr{^text/plain}, 'text/plain');
        is($res->content, file('journal/not-html.txt'), 'text/plain: byte for byte the file (no bar)');
        # Not 200: untouched.
        $res = $ua->request(GET url('/j-cierre/no-existe.html'));
        is($res->code, 404, 'missing page: 404');
        is(count($res->decoded_content, qr/sence-bar|sence-notice/), 0, 'no bar on the 404 page');
        # HEAD: no body to change, no error.
        $res = $ua->request(HEAD url('/j-cierre/'));
        is($res->code, 200, 'HEAD: 200');
        # Assets the bar needs.
        $res = $ua->request(GET url('/sence/bar.js'));
        ok($res->code == 200 && ($res->header('Content-Type') // '') =~ /javascript/, '/sence/bar.js served');
        like($res->content, qr/data-expires/, 'bar.js reads data-expires');
        $res = $ua->request(GET url('/sence/notice.css'));
        ok($res->code == 200 && ($res->header('Content-Type') // '') =~ m{text/css}, '/sence/notice.css served');
    }
    # The gate page (no session) has no bar.
    my $gate = new_ua(run => '11111111-1')->request(GET url('/j-cierre/'));
    ok(is_gate_page($gate), 'gate page without a session');
    is(count($gate->decoded_content, qr/sence-bar|sence-notice/), 0, 'no bar on the gate page');
}

# ---- SenceBanner Off: no bar, closing still works ----------------------------------------
{
    my $run = '22222222-2';
    my $ua = new_ua(run => $run);
    my $s = start_session(ua => $ua, path => '/j-sinbarra/', run => $run,
                          content => qr/CONTENIDO-CURSO-A:/, name => 'session in /j-sinbarra/');
    SKIP: {
        skip 'no session', 1 unless $s->{content};
        my $first = $s->{content}->decoded_content // '';
        is(count($first, qr/sence-bar|bar\.js/), 0, 'SenceBanner Off: no bar on the first page');
        is(count($first, qr/class="sence-notice"/), 1, 'the notice is still shown once');
        my $html = $ua->request(GET url('/j-sinbarra/'))->decoded_content // '';
        is($html, $INDEX, 'SenceBanner Off: second page byte for byte the file');
        my $close = $ua->request(GET url('/j-sinbarra/?sence_cerrar=1'));
        ok(close_form($close), 'SenceBanner Off: ?sence_cerrar=1 still gives the close page');
    }
}

# ---- no SenceCloseSession: no bar; the notice only ---------------------------------------
{
    my $run = '10000013-k';
    my $ua = new_ua(run => $run);
    my $s = start_session(ua => $ua, path => '/j-nocierre/', run => $run,
                          content => qr/CONTENIDO-CURSO-A:/, name => 'session in /j-nocierre/');
    SKIP: {
        skip 'no session', 1 unless $s->{content};
        my $first = $s->{content}->decoded_content // '';
        is(count($first, qr/sence-bar|bar\.js|sence_cerrar/), 0, 'no SenceCloseSession: no bar');
        is(count($first, qr/class="sence-notice"/), 1, 'the notice once');
        is($ua->request(GET url('/j-nocierre/'))->decoded_content // '', $INDEX, 'then the page untouched');
    }
}

done_testing;
