package RealMoodle;
# Helpers for the real-Moodle tests (t/real/*.t, run by scripts/moodle-real): browsers with
# their own cookie jars, Moodle's real login form, the SENCE round trip through the bundled
# simulator, markers, and the seed's ids (t/real/seed.php writes them to SENCE_REAL_IDS).
use strict;
use warnings;

use Exporter 'import';
use Test::More ();
use LWP::UserAgent ();
use HTTP::Cookies ();
use HTTP::Request ();
use HTTP::Request::Common qw(GET POST);
use HTML::Form ();
use JSON::PP ();
use URI ();
use URI::Escape qw(uri_escape);

our @EXPORT = qw(BASE IDS url new_browser fetch moodle_login moodle_logout sesskey_of
                 is_gate gate_form sence_roundtrip markers_in leak_markers forms_of
                 status_line short_url);

my $base = $ENV{SENCE_REAL_URL} or die "SENCE_REAL_URL is not set: run the tests through scripts/moodle-real\n";
$base =~ s{/+\z}{};
my $ids_file = $ENV{SENCE_REAL_IDS} or die "SENCE_REAL_IDS is not set\n";
my $ids = do {
    open my $fh, '<', $ids_file or die "$ids_file: $!\n";
    local $/;
    JSON::PP->new->decode(<$fh>);
};
my $sim_password = $ENV{SENCE_REAL_SIM_PASSWORD} // 'secreto';

sub BASE { $base }
sub IDS  { $ids }

sub url {
    my $p = shift;
    return $p if $p =~ m{\Ahttps?://};
    return $base . $p;
}

# The path and query of a URL on this server (for test names).
sub short_url {
    my $u = shift;
    (my $s = $u) =~ s{\A\Q$base\E}{};
    $s =~ s/([\x00-\x1f\x7f])/sprintf('%%%02X', ord $1)/ge;
    return length $s > 160 ? substr($s, 0, 157) . '...' : $s;
}

# A browser: its own cookie jar; redirects are followed by fetch() (same host only).
sub new_browser {
    my $ua = LWP::UserAgent->new(
        agent      => 'Mozilla/5.0 (X11; Linux x86_64) mod_sence-real/1.0',
        cookie_jar => HTTP::Cookies->new,
        max_redirect => 0,
        timeout    => 90,
        keep_alive => 4,
    );
    $ua->requests_redirectable([]);
    return $ua;
}

# Sends a request (HTTP::Request, or a URL for GET) and follows same-host redirects
# (303/302/301 become GET; 307/308 keep the request), at most 8. The final response has
# ->{chain}: the list of "CODE URL" of every hop.
sub fetch {
    my ($ua, $req) = @_;
    $req = GET(url($req)) unless ref $req;
    my @chain;
    my $res;
    for my $hop (0 .. 8) {
        $res = $ua->request($req);
        push @chain, $res->code . ' ' . $req->method . ' ' . short_url($req->uri->as_string);
        last unless $res->is_redirect;
        my $loc = $res->header('Location') // last;
        my $next = URI->new_abs($loc, $req->uri);
        last unless $next->scheme =~ /\Ahttps?\z/ && $next->host_port eq URI->new($base)->host_port;
        if ($res->code == 307 || $res->code == 308) {
            my $r = $req->clone;
            $r->uri($next);
            $req = $r;
        }
        else {
            $req = GET($next);
        }
    }
    $res->{chain} = \@chain;
    return $res;
}

sub forms_of {
    my $res = shift;
    return HTML::Form->parse($res->decoded_content // '', base => $res->base, strict => 0);
}

sub status_line {
    my $res = shift;
    my $s = $res->code;
    $s .= ' (' . join(' -> ', @{ $res->{chain} }) . ')' if $res->{chain} && @{ $res->{chain} } > 1;
    return $s;
}

# mod_sence's gate page: 200 with the form that posts to the simulator's IniciarSesion.
sub gate_form {
    my $res = shift;
    my @f = grep { ($_->action // '') =~ m{/Registro/IniciarSesion\z} } forms_of($res);
    return $f[0];
}

sub is_gate {
    my $res = shift;
    return $res->code == 200 && gate_form($res) ? 1 : 0;
}

# Moodle's sesskey from a page (M.cfg).
sub sesskey_of {
    my $res = shift;
    my $html = $res->decoded_content // '';
    return $1 if $html =~ /"sesskey":"([A-Za-z0-9]+)"/;
    return $1 if $html =~ /name="sesskey"\s+value="([A-Za-z0-9]+)"/;
    return undef;
}

# Logs in through Moodle's real login form (GET, logintoken, POST). Returns the final page
# (the dashboard) or undef; a test "login as USER" is recorded.
sub moodle_login {
    my ($ua, $user, %o) = @_;
    my $password = $o{password} // $ids->{users}{$user}{password};
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $page = fetch($ua, '/login/index.php');
    my ($form) = grep { $_->find_input('logintoken') && $_->find_input('username') } forms_of($page);
    unless ($form) {
        Test::More::fail("login as $user: Moodle's login form");
        Test::More::diag('GET /login/index.php: ' . status_line($page));
        return undef;
    }
    $form->value(username => $user);
    $form->value(password => $password);
    my $res = fetch($ua, $form->click);
    my $html = $res->decoded_content // '';
    # Logged in: the page has the user menu's logout link (with the sesskey).
    # (Moodle may send the browser on to a gated course it asked for before: the gate page.)
    my $ok = $res->code == 200 && ($html =~ m{/login/logout\.php\?sesskey=} || is_gate($res));
    Test::More::ok($ok, "login as $user through /login/index.php") or
        Test::More::diag('final: ' . status_line($res));
    return $ok ? $res : undef;
}

# Moodle's logout (/login/logout.php?sesskey=...). Returns the final response.
sub moodle_logout {
    my ($ua, $page) = @_;
    my $sk = sesskey_of($page) // sesskey_of(fetch($ua, '/user/profile.php'));
    return fetch($ua, '/login/logout.php?sesskey=' . ($sk // ''));
}

# GET $path -> mod_sence's gate page -> simulator (IniciarSesion, login with RUN + password)
# -> auto-POST to /sence/retoma -> back on $path. Returns the final response (undef on failure),
# recording one test.
sub sence_roundtrip {
    my ($ua, $path, $run, %o) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $name = $o{name} // "SENCE round trip for $path as $run";
    my $fail = sub { Test::More::fail($name); Test::More::diag(@_); return undef };
    my $gate = $o{gate} // fetch($ua, $path);
    my $gf = gate_form($gate) or return $fail->("no gate page for $path: " . status_line($gate));
    my %h = map { ($_->name // '') => $_->value } $gf->inputs;
    return $fail->("gate page: RunAlumno '" . ($h{RunAlumno} // '') . "', expected $run")
        if uc($h{RunAlumno} // '') ne uc $run;
    my $sim = $ua->request($gf->click);
    my ($lf) = grep { $_->find_input('clave') } forms_of($sim);
    return $fail->('no simulator login page: ' . $sim->code . ' ' . substr($sim->decoded_content // '', 0, 400)) unless $lf;
    $lf->value(run => $run);
    $lf->value(clave => $sim_password);
    my $login = $ua->request($lf->click);
    my ($ap) = grep { ($_->action // '') =~ m{/sence/(?:retoma|error)\z} } forms_of($login);
    return $fail->('no auto-POST form from the simulator: ' . $login->code) unless $ap;
    return $fail->('simulator answered with an error: ' . join(' ', map { ($_->name // '') . '=' . ($_->value // '') } $ap->inputs))
        unless $ap->action =~ m{/retoma\z};
    my $cb = $ua->request($ap->click);
    return $fail->('callback: ' . $cb->code . ' ' . ($cb->header('Location') // '')) unless $cb->code == 303;
    my $final = fetch($ua, $cb->header('Location'));
    return $fail->("back on $path: " . status_line($final)) if is_gate($final) || $final->code != 200;
    Test::More::pass($name);
    return $final;
}

# Markers of gated courses (MARK-A-..., MARK-B-...) in a response (headers + body).
sub leak_markers {
    my $res = shift;
    my $text = ($res->headers->as_string // '') . "\n" . ($res->decoded_content(charset => 'none') // $res->content // '');
    my %m;
    $m{$1} = 1 while $text =~ /(MARK-[AB]-[a-z0-9-]+)/g;
    return sort keys %m;
}

# Markers matching $re (e.g. qr/MARK-A-/, qr/FREE-C-/) in a response.
sub markers_in {
    my ($res, $re) = @_;
    my $text = ($res->decoded_content(charset => 'none') // $res->content // '');
    my %m;
    while ($text =~ /((?:MARK-[AB]|FREE-C)-[a-z0-9-]+)/g) {
        my $x = $1;
        $m{$x} = 1 if !$re || $x =~ $re;
    }
    return sort keys %m;
}

1;
