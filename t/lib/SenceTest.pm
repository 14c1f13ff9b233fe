package SenceTest;
# Helpers for the mod_sence Apache::Test suite: user agents, the gate page, the full
# round trip through the SENCE simulator, direct callbacks and error-log checks.
use strict;
use warnings FATAL => 'all';
use utf8;

use Exporter 'import';
use Test::More ();
use Apache::Test ();
use Apache::TestRequest ();
use LWP::UserAgent ();
use HTTP::Cookies ();
use HTTP::Request::Common qw(GET HEAD POST);
use HTML::Form ();
use HTML::TokeParser ();
use MIME::Base64 qw(encode_base64);
use Time::HiRes qw(sleep time);
use POSIX qw(strftime);

use SenceConf qw(:all);

our @EXPORT_OK = qw(base_url url new_ua gate_form form_fields check_gate_page submit_form
                    login_form autopost_form roundtrip sence_callback callback_fields
                    log_mark log_since wait_log sence_cookies
                    is_gate_page run_of set_identity FIELDS CB);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# The nine fields of SENCE's IniciarSesion form.
use constant FIELDS => [qw(RutOtec Token CodSence CodigoCurso LineaCapacitacion
                           RunAlumno IdSesionAlumno UrlRetoma UrlError)];
use constant CB => '/sence';    # SenceCallbackPath in t/conf/extra.conf.in

my $T = Test::More->builder;

# A valid RUN (modulo 11 check digit) for the number $n: distinct participants on demand.
sub run_of {
    my $n = shift;
    my ($s, $m) = (0, 2);
    for my $d (reverse split //, $n) { $s += $d * $m; $m = $m == 7 ? 2 : $m + 1 }
    my $r = 11 - $s % 11;
    return "$n-" . ($r == 11 ? '0' : $r == 10 ? 'k' : $r);
}

# Another server than the suite's (t/lib/SenceCluster.pm): `local $SenceTest::BASE =
# 'http://127.0.0.1:PORT'` makes url(), the callbacks and roundtrip() talk to it, and
# `local $SenceTest::ERROR_LOG = FILE` makes log_mark/log_since/wait_log read its error log.
our ($BASE, $ERROR_LOG);

sub base_url {
    return $BASE if defined $BASE;
    my $cfg = Apache::Test::config();
    return 'http://' . Apache::TestRequest::hostport($cfg);
}

sub url { base_url() . $_[0] }

# A browser-like user agent: its own cookie jar, redirects never followed.
#   run   => RUN sent as X-Test-Run (identity of the SenceRun "%{HTTP:X-Test-Run}" locations)
#   basic => [user, password] sent pre-emptively as Basic credentials
sub new_ua {
    my %o  = @_;
    my $ua = LWP::UserAgent->new(
        agent        => 'mod_sence-test/1.0',
        cookie_jar   => HTTP::Cookies->new,
        max_redirect => 0,
        timeout      => 30,
        keep_alive   => 0,
    );
    $ua->requests_redirectable([]);
    set_identity($ua, %o);
    return $ua;
}

sub set_identity {
    my ($ua, %o) = @_;
    $ua->default_headers->remove_header('X-Test-Run', 'Authorization');
    $ua->default_header('X-Test-Run' => $o{run}) if defined $o{run};
    $ua->default_header(Authorization => 'Basic ' . encode_base64(join(':', @{ $o{basic} }), ''))
        if $o{basic};
    return $ua;
}

# ---- forms ------------------------------------------------------------------------

sub forms_of {
    my $res = shift;
    my $html = $res->decoded_content // '';
    return HTML::Form->parse($html, base => $res->base, strict => 0);
}

# The gate page's form: the one posting to .../Registro/IniciarSesion.
sub gate_form {
    my $res = shift;
    my @f = grep { ($_->action // '') =~ m{/Registro/IniciarSesion\z} } forms_of($res);
    return wantarray ? @f : $f[0];
}

sub is_gate_page {
    my $res = shift;
    return $res->code == 200 && scalar(my @f = gate_form($res)) ? 1 : 0;
}

# name => value of every input of a form (last one wins), plus the list of names.
sub form_fields {
    my $form = shift;
    return wantarray ? ({}, []) : {} unless $form;
    my (%v, @names);
    for my $in ($form->inputs) {
        my $n = $in->name;
        next unless defined $n && length $n;
        next if $in->type =~ /\A(?:submit|image|button|reset)\z/;
        push @names, $n;
        $v{$n} = $in->value;
    }
    return wantarray ? (\%v, \@names) : \%v;
}

sub submit_form {
    my ($ua, $form, %values) = @_;
    $form->value($_ => $values{$_}) for keys %values;
    my $req = $form->click;    # no submit button: plain submission
    return $ua->request($req);
}

# The simulator's login page: the form holding a "clave" input.
sub login_form {
    my $res = shift;
    my @f = grep { my $f = $_; grep { ($_->name // '') eq 'clave' } $f->inputs } forms_of($res);
    return $f[0];
}

# A SENCE auto-POST page: a form posting to UrlRetoma or UrlError.
sub autopost_form {
    my $res = shift;
    my @f = grep { ($_->action // '') =~ m{\Q${\ CB()}\E/(?:retoma|error)\z} } forms_of($res);
    return $f[0];
}

# Checks every property of the gate page; returns the form's fields (hashref).
#   %e: path (for UrlRetoma/UrlError host), run, codes => [CodSence, CodigoCurso, Linea],
#       token, rut, endpoint (default /rcetest), name
sub check_gate_page {
    my ($res, %e) = @_;
    my $name = $e{name} // 'gate page';
    my $fields;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::subtest($name => sub {
        Test::More::is($res->code, 200, 'status 200') or Test::More::diag($res->as_string);
        Test::More::like(scalar($res->header('Cache-Control')) // '', qr/\bno-store\b/i,
                         'Cache-Control: no-store');
        Test::More::like(scalar($res->header('Content-Type')) // '', qr{^text/html}i, 'text/html');
        my @forms = gate_form($res);
        Test::More::is(scalar @forms, 1, 'exactly one form posting to IniciarSesion')
            or return;
        my $form = $forms[0];
        my $endpoint = url($e{endpoint} // '/rcetest');
        Test::More::is($form->action, "$endpoint/Registro/IniciarSesion", 'form action');
        Test::More::is(uc $form->method, 'POST', 'method=post');
        my @hidden = grep { $_->type eq 'hidden' } $form->inputs;
        my %h = map { $_->name => $_->value } @hidden;
        Test::More::is_deeply([sort map { $_->name } @hidden], [sort @{ FIELDS() }],
                              'exactly the nine SENCE fields, hidden');
        my @other = grep { $_->type !~ /\A(?:hidden|submit|image|button)\z/ } $form->inputs;
        Test::More::is(scalar @other, 0, 'no other inputs')
            or Test::More::diag(join ' ', map { $_->type . ':' . ($_->name // '') } @other);
        my @submit = grep { $_->type =~ /\A(?:submit|image)\z/ } $form->inputs;
        Test::More::ok(@submit >= 1, 'a submit button');
        my ($cod, $curso, $linea) = @{ $e{codes} // $COURSE{A} };
        Test::More::is($h{RutOtec}, $e{rut} // RUT, 'RutOtec');
        Test::More::is($h{Token}, $e{token} // TOKEN, 'Token');
        Test::More::is($h{CodSence}, $cod, 'CodSence');
        Test::More::is($h{CodigoCurso}, $curso, 'CodigoCurso');
        Test::More::is($h{LineaCapacitacion}, $linea, 'LineaCapacitacion');
        Test::More::is($h{RunAlumno}, $e{run}, 'RunAlumno') if exists $e{run};
        Test::More::like($h{IdSesionAlumno} // '', qr/\A[A-Za-z0-9_-]{22,149}\z/,
                         'IdSesionAlumno: url-safe, >= 22 chars');
        # callbacks: the callback URL of another virtual host, when the gate is there
        my $cb = $e{callbacks} // url(CB);
        Test::More::is($h{UrlRetoma}, "$cb/retoma", 'UrlRetoma');
        Test::More::is($h{UrlError}, "$cb/error", 'UrlError');
        check_page_scripts($res);
        $fields = \%h;
    });
    return $fields;
}

# External sence.js, no inline script and no inline event handlers.
sub check_page_scripts {
    my $res = shift;
    my $html = $res->decoded_content // '';
    my $p = HTML::TokeParser->new(\$html);
    my (@src, $inline, @handlers);
    while (my $tok = $p->get_token) {
        next unless $tok->[0] eq 'S';
        my ($tag, $attr) = @$tok[1, 2];
        push @handlers, "$tag $_" for grep { /\Aon/i } keys %$attr;
        if ($tag eq 'script') {
            if (defined $attr->{src}) { push @src, $attr->{src} }
            else {
                my $body = $p->get_text('/script');
                $inline++ if $body =~ /\S/;
            }
        }
    }
    Test::More::ok(scalar(grep { m{(?:\A|/)sence\.js(?:\?.*)?\z} } @src), 'external <script src=".../sence.js">')
        or Test::More::diag("script srcs: @src");
    Test::More::ok(!$inline, 'no inline script');
    Test::More::is(scalar @handlers, 0, 'no inline event handlers') or Test::More::diag("@handlers");
    return @src;
}

# ---- callbacks ----------------------------------------------------------------------

# The fields SENCE posts to UrlRetoma for an attempt (from the gate form's fields).
sub callback_fields {
    my ($g, %over) = @_;
    my %f = (
        CodSence          => $g->{CodSence},
        CodigoCurso       => $g->{CodigoCurso},
        IdSesionAlumno    => $g->{IdSesionAlumno},
        IdSesionSence     => 'SIMSES' . int(rand(1e9)),
        RunAlumno         => $g->{RunAlumno},
        FechaHora         => strftime('%Y-%m-%d %H:%M:%S', localtime),
        ZonaHoraria       => 'America/Santiago',
        LineaCapacitacion => $g->{LineaCapacitacion},
        %over,
    );
    delete $f{$_} for grep { !defined $f{$_} } keys %f;
    return \%f;
}

# POST (urlencoded) to <cb>/<what>; $fields is a hashref, an arrayref of pairs or a raw body.
sub sence_callback {
    my ($ua, $what, $fields) = @_;
    my $u = url(CB . "/$what");
    if (ref $fields) {
        my @pairs = ref $fields eq 'HASH' ? (map { $_ => $fields->{$_} } sort keys %$fields) : @$fields;
        return $ua->request(POST $u, \@pairs);
    }
    return $ua->request(POST $u, 'Content-Type' => 'application/x-www-form-urlencoded',
                        Content => $fields);
}

# sence_* cookies set by a response: list of [name, value, raw header].
sub sence_cookies {
    my $res = shift;
    my @c;
    for my $h ($res->header('Set-Cookie')) {
        push @c, [$1, $2, $h] if $h =~ /\A\s*(sence_[^=;\s]*)=([^;]*)/;
    }
    return @c;
}

# ---- full round trip -----------------------------------------------------------------
# GET $path -> gate form -> simulator IniciarSesion -> login page (run/clave) -> auto-POST
# form -> module callback (303 expected) -> GET Location -> content.
#   ua, path, run (RUN of the participant), password (default: roster), typed_run (RUN typed
#   at the simulator, default run), codes, token, endpoint, expect ('retoma' | error code
#   regexp for GlosaError), content (regexp the course page must match), sleep_login (seconds
#   to wait on the login page), gate_run (expected RunAlumno, default run),
#   public (the SencePublicURL of the gate when it is not the server asked: UrlRetoma,
#   UrlError and the callback's Location are under it; the course page is then asked at
#   base_url()), callback (base URL the simulator's auto-POST form is posted to instead of
#   its action: another server behind the same public URL; with public, default base_url()),
#   pending (stop at the
#   simulator's auto-POST form: the attempt stays pending, nothing is posted to the module)
# Returns a hashref with gate, fields, sim, login, final, final_fields, callback, content.
sub roundtrip {
    my %o = @_;
    my $ua   = $o{ua} or die 'roundtrip: ua';
    my $path = $o{path} or die 'roundtrip: path';
    my $run  = $o{run};
    my $expect = $o{expect} // 'retoma';
    my $public = $o{public} // base_url();
    my $cbbase = $o{callback} // ($o{public} ? base_url() : undef);
    my %r;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::subtest($o{name} // "round trip $path as $run" => sub {
        $r{gate} = $ua->request(GET url($path));
        $r{fields} = check_gate_page($r{gate}, run => $run,
                                     ($o{public} ? (callbacks => $public . CB) : ()),
                                     map { exists $o{$_} ? ($_ => $o{$_}) : () }
                                         qw(codes token endpoint rut)) or return;
        my $gf = gate_form($r{gate}) or return;

        $r{sim} = submit_form($ua, $gf);
        my $lf = login_form($r{sim});
        if (!$lf) {
            # validation failed at IniciarSesion: auto-POST to UrlError
            $r{final} = autopost_form($r{sim});
        }
        else {
            Test::More::pass('simulator login page');
            sleep $o{sleep_login} if $o{sleep_login};
            my $typed = $o{typed_run} // $run;
            my $pw = $o{password} // $ROSTER{$typed} // 'x';
            $lf->value(run => $typed);
            $lf->value(clave => $pw);
            $r{login} = $ua->request($lf->click);
            $r{final} = autopost_form($r{login});
        }
        Test::More::ok($r{final}, 'simulator answers with an auto-POST form to the module')
            or do { Test::More::diag(($r{login} // $r{sim})->as_string); return };
        $r{final_fields} = form_fields($r{final});
        Test::More::is(uc $r{final}->method, 'POST', 'auto-POST form uses POST');

        if ($expect eq 'retoma') {
            Test::More::is($r{final}->action, $public . CB . '/retoma', 'posts to UrlRetoma')
                or Test::More::diag('GlosaError: ' . ($r{final_fields}{GlosaError} // ''));
            for my $f (qw(CodSence CodigoCurso IdSesionAlumno IdSesionSence RunAlumno FechaHora
                          LineaCapacitacion)) {
                Test::More::ok(defined $r{final_fields}{$f}, "simulator sent $f");
            }
            return if $o{pending};
            $r{final}->action($cbbase . CB . '/retoma') if $cbbase;
            $r{callback} = $ua->request($r{final}->click);
            Test::More::is($r{callback}->code, 303, 'callback: 303 See Other')
                or Test::More::diag($r{callback}->as_string);
            my $loc = $r{callback}->header('Location') // '';
            Test::More::is($loc, $public . $path, 'Location: public URL + original path and query');
            my @c = sence_cookies($r{callback});
            Test::More::is(scalar @c, 1, 'one sence_ cookie') or return;
            $r{cookie} = $c[0];
            $r{content} = $ua->request(GET $o{public} || !$loc ? url($path) : $loc);
            Test::More::is($r{content}->code, 200, 'course page after the round trip');
            Test::More::like($r{content}->decoded_content // '', $o{content}, 'course content')
                if $o{content};
            Test::More::ok(!is_gate_page($r{content}), 'no gate page any more');
        }
        else {
            Test::More::is($r{final}->action, $public . CB . '/error', 'posts to UrlError');
            my $glosa = $r{final_fields}{GlosaError} // '';
            Test::More::like($glosa, $expect, "GlosaError '$glosa'");
            $r{final}->action($cbbase . CB . '/error') if $cbbase;
            $r{callback} = $ua->request($r{final}->click);
            Test::More::is($r{callback}->code, 200, 'error page: 200');
            my $html = $r{callback}->decoded_content // '';
            for my $code (grep { length } split /;/, $glosa) {
                Test::More::like($html, qr/\b\Q$code\E\b/, "error page shows code $code");
            }
            Test::More::is(scalar(my @c = sence_cookies($r{callback})), 0, 'no session cookie');
            my $again = $ua->request(GET url($path));
            Test::More::ok(is_gate_page($again), 'course still gated after the error');
        }
    });
    return \%r;
}

# ---- error log -----------------------------------------------------------------------

sub error_log { $ERROR_LOG // Apache::Test::vars('t_logs') . '/error_log' }

sub log_mark { return -s error_log() // 0 }

sub log_since {
    my $mark = shift;
    open my $fh, '<', error_log() or return '';
    seek $fh, $mark, 0;
    local $/;
    my $s = <$fh> // '';
    return $s;
}

# Waits (up to $timeout s) for an error-log line after $mark matching every regexp given;
# returns the matching lines (empty list on timeout).
sub wait_log {
    my ($mark, $res, $timeout) = @_;
    $res = [$res] unless ref $res eq 'ARRAY';
    my $end = time + ($timeout // 3);
    while (1) {
        my @l = grep { my $l = $_; !grep { $l !~ $_ } @$res } split /\n/, log_since($mark);
        return @l if @l || time > $end;
        sleep 0.1;
    }
}

1;
