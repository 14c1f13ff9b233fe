# With the whole site gated (<Location />, Moodle at the root), the URL a participant returns
# to is still a single-slash local path: /%5Cevil.com/ never becomes /\evil.com/ (read as
# //evil.com by browsers) in the 303 Location, its page, "Reintentar" or the close retry; and a
# session made under another SencePublicURL (the main server) does not open this host.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(close_page_fields);
use SenceMoodle qw(vurl);

my $run = '22222222-2';
my $host = 'root_gated';
my $base = vurl($host, '');
# request target (as sent) => the local URL expected back
my @cases = (
    ['/%5Cevil.com/'        => '/%5Cevil.com/'],
    ['/%5C%5Cevil.com/'     => '/%5C%5Cevil.com/'],
    ['/%09/evil.com'        => '/%09/evil.com'],
    ['/%2F%2Fevil.com/'     => '/%2F%2Fevil.com/'],
    ['/%2f/evil.com'        => '/%2f/evil.com'],
    ['/%0d%0a'              => '/%0d%0a'],
    ['/%0aX?a=%0d%0aSet-Cookie:x=1' => '/%0aX?a=%0d%0aSet-Cookie:x=1'],
    ['/%22%3E%3Cscript%3Ealert(1)%3C/script%3E' => '/%22%3E%3Cscript%3Ealert(1)%3C/script%3E'],
    ['/javascript:alert(1)' => '/javascript:alert(1)'],
    ['/%ff%fe?x=%C3'        => '/%ff%fe?x=%C3'],
    ['/?next=//evil.com'    => '/?next=//evil.com'],
    ['/?q=' . ('a' x 600)   => '/'],
);

sub safe_ok {
    my ($u, $what) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok(defined $u && $u =~ m{\A/(?![/\\])} && $u !~ m{[\x00-\x20\x7f-\xff\\"<>`]},
       "$what is a single-slash local path: " . ($u // 'undef'));
}

sub cb {
    my ($ua, $what, $fields) = @_;
    return $ua->request(POST vurl($host, CB . "/$what"), [ map { $_ => $fields->{$_} } sort keys %$fields ]);
}

for my $c (@cases) {
    my ($path, $want) = @$c;
    my $name = length $path > 60 ? substr($path, 0, 30) . '... (' . length($path) . ' bytes)' : $path;
    my $ua = new_ua(run => $run);
    my ($f) = gate_form($ua->request(GET vurl($host, $path)));
    ok($f, "$name: gate page") or next;
    my $g = form_fields($f);
    is($g->{UrlRetoma}, vurl($host, CB . '/retoma'), "$name: UrlRetoma of this host");
    my $res = cb($ua, 'retoma', callback_fields($g));
    is($res->code, 303, "$name: callback 303") or diag($res->as_string);
    my $loc = $res->header('Location') // '';
    is($loc, $base . $want, "$name: Location");
    safe_ok(substr($loc, length $base), "$name: Location path");
    my @href = grep { !/sence\.css/ } ($res->decoded_content // '') =~ /href="([^"]*)"/g;
    ok(scalar @href, "$name: the 303 page links back");
    safe_ok($_, "$name: 303 page href") for @href;

    # the close page's retry after a close error (the session is live now)
    my $page = $ua->request(GET $base . $want . ($want =~ /\?/ ? '&' : '?') . 'sence_cerrar=1');
    if (my $cf = close_page_fields($page)) {
        my $err = cb($ua, 'cierre-error', { %{ callback_fields($cf) }, IdSesionSence => $cf->{IdSesionSence},
                                            GlosaError => '100' });
        is($err->code, 200, "$name: close error page");
        my @retry = grep { !/sence\.css/ } ($err->decoded_content // '') =~ /href="([^"]*)"/g;
        ok(scalar @retry, "$name: close error page links");
        safe_ok($_ =~ s/&amp;/&/gr, "$name: close retry href") for @retry;
    }
    else {
        fail("$name: close page");
        diag($page->status_line);
    }

    # a start error: "Reintentar" back to the same URL
    $ua = new_ua(run => $run);
    ($f) = gate_form($ua->request(GET vurl($host, $path)));
    $res = cb($ua, 'error', callback_fields(scalar form_fields($f), GlosaError => '201'));
    is($res->code, 200, "$name: error page");
    my ($retry) = ($res->decoded_content // '') =~ /<a class="sence-button" href="([^"]*)">Reintentar/;
    safe_ok($retry, "$name: Reintentar");
    is(($retry // '') =~ s/&amp;/&/gr, $want, "$name: Reintentar goes back to $want");
}

# A session of the main server (same course codes, cookie of the same host name) does not
# open this virtual host: sessions are bound to the SencePublicURL that made them.
{
    my $ua = new_ua(run => $run);
    roundtrip(ua => $ua, path => '/curso/', run => $run, content => qr/CONTENIDO-CURSO-A:/,
              name => 'a session on the main server');
    my $res = $ua->request(GET vurl($host, '/'));
    ok(is_gate_page($res), 'the same cookie on the root-gated host: the gate page')
        or diag($res->status_line);
    # and an attempt of this host answered at the main server's callback is refused
    my ($f) = gate_form($res);
    my $cb = sence_callback(new_ua(), 'retoma', callback_fields(scalar form_fields($f)));
    is($cb->code, 403, "this host's attempt at the main server's callback URL: 403");
}

done_testing;
