# A participant's SENCE login as a browser does it, against mod_sence and the bundled
# simulator: the gate page, its form posted to the simulator's IniciarSesion, the simulator's
# login, and its auto-POST form posted back to UrlRetoma. Shared by scripts/bench
# (roundtrip.pl) and scripts/chaos (client.pl). Core Perl only (HTTP::Tiny); a step that does
# not go as a browser's would dies with the reason.
package SenceLogin;
use strict;
use warnings;

# SenceLogin->new(BASE, HTTP): BASE (scheme://host:port) completes the forms' local actions;
# HTTP is an HTTP::Tiny with max_redirect => 0.
sub new {
    my ($class, $base, $http) = @_;
    return bless { base => $base, http => $http }, $class;
}

sub unescape {
    my $s = shift;
    $s =~ s/&quot;/"/g;
    $s =~ s/&#0*39;/'/g;
    $s =~ s/&lt;/</g;
    $s =~ s/&gt;/>/g;
    $s =~ s/&#(\d+);/chr($1)/ge;
    $s =~ s/&amp;/&/g;
    return $s;
}

# The first <form> whose action matches WANT: (absolute action, [[name, value]...]) or ().
sub form_of {
    my ($self, $html, $want) = @_;
    while ($html =~ m{<form\b([^>]*)>(.*?)</form>}gs) {
        my ($attrs, $body) = ($1, $2);
        my ($action) = $attrs =~ /\baction="([^"]*)"/ or next;
        $action = unescape($action);
        next unless $action =~ $want;
        $action = $self->{base} . $action if $action =~ m{\A/};
        my @fields;
        while ($body =~ /<input\b([^>]*)>/g) {
            my $a = $1;
            my ($n) = $a =~ /\bname="([^"]*)"/ or next;
            my ($v) = $a =~ /\bvalue="([^"]*)"/;
            push @fields, [unescape($n), unescape($v // '')];
        }
        return ($action, \@fields);
    }
    return ();
}

# Posts FIELDS to ACTION, with the values in EXTRA replacing theirs.
sub post_form {
    my ($self, $action, $fields, %extra) = @_;
    my @pairs = map { $_->[0] => (exists $extra{ $_->[0] } ? $extra{ $_->[0] } : $_->[1]) } @$fields;
    return $self->{http}->post_form($action, \@pairs);
}

sub status_of {
    my $r = shift;
    return $r->{status} == 599 ? 'connection error: ' . ($r->{content} // '') : "HTTP $r->{status}";
}

sub head_of { return substr($_[0]{content} // '', 0, 800) }

# The first half: the gate page of URL (with the browser's HEADERS), then IniciarSesion.
# Returns (the simulator's login action, its fields, the gate form's RunAlumno).
sub start {
    my ($self, $url, $headers) = @_;
    my $gate = $self->{http}->get($url, { headers => $headers // {} });
    die "gate page $url: " . status_of($gate) . " (want 200)\n" . head_of($gate) . "\n"
        unless $gate->{status} == 200;
    my ($start, $gf) = $self->form_of($gate->{content}, qr{/Registro/IniciarSesion\z})
        or die "gate page: no IniciarSesion form\n" . head_of($gate) . "\n";
    my %g = map { @$_ } @$gf;
    die "the gate form has no IdSesionAlumno\n" unless $g{IdSesionAlumno};
    my $sim = $self->post_form($start, $gf);
    die 'IniciarSesion: ' . status_of($sim) . "\n" unless $sim->{status} == 200;
    my ($login, $lf) = $self->form_of($sim->{content}, qr{/Registro/Login\z})
        or die "IniciarSesion: no login form (the simulator refused the start)\n";
    return ($login, $lf, $g{RunAlumno});
}

# The second half: RUN logs in at the simulator with PASSWORD; its auto-POST goes to
# UrlRetoma. Returns the callback's answer (303 and the session cookie when it worked).
sub finish {
    my ($self, $login, $lf, $run, $password) = @_;
    my $back = $self->post_form($login, $lf, run => $run, clave => $password);
    die 'simulator login: ' . status_of($back) . "\n" unless $back->{status} == 200;
    my ($retoma, $rf) = $self->form_of($back->{content}, qr{/(?:retoma|error)\z})
        or die "simulator login: no auto-POST form\n";
    if ($retoma !~ m{/retoma\z}) {
        my %e = map { @$_ } @$rf;
        die 'the simulator refused the login: GlosaError ' . ($e{GlosaError} // '?') . "\n";
    }
    return $self->post_form($retoma, $rf);
}

# The sence_ cookie (NAME=VALUE) a callback's answer sets, or undef.
sub cookie_of {
    my ($res) = @_;
    my $sc = $res->{headers}{'set-cookie'} // '';
    my ($c) = grep { /\Asence_/ } map { (split /;/, $_)[0] } (ref $sc ? @$sc : ($sc));
    return $c;
}

1;
