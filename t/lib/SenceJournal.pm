package SenceJournal;
# Helpers of the journal tests (t/2*_*.t): the attendance journal (SenceJournal), the close
# round trip through the simulator, the SENCE bar and the status page (/j-status).
# Values must match the "close session, SENCE bar, attendance journal" section of t/conf/extra.conf.in.
use strict;
use warnings FATAL => 'all';
use utf8;

use Exporter 'import';
use Test::More ();
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use HTML::Form ();
use JSON::PP ();
use Time::HiRes qw(sleep time);
use POSIX qw(strftime);

use SenceConf qw(:all);
use SenceTest qw(:all);

our @EXPORT_OK = qw(%J journal_file journal_mark journal_since journal_events wait_journal
                    close_form close_page_fields close_roundtrip start_session bar_of
                    status_json status_metrics metric json_codec ISO_TIME local_offset
                    journal_raw EVENTS check_event explain_json);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# Course J of the journal locations (/j-cierre/, /j-sinbarra/, /j-nocierre/, /j-corto/,
# /j-lento/) and the production location /j-prod/ (never requested).
our %J = (
    codes     => [ '5234567890', 'RLAB-22-04-05-0010-1', 3 ],
    prod      => [ '6234567890', 'RLAB-23-01-01-0001-1', 3 ],
    prod_endpoint => 'https://sistemas.sence.cl/rce',
    status    => '/j-status',
);

use constant EVENTS => [qw(login_sent start_ok start_error close_sent close_ok close_error
                           session_expired login_abandoned session_evicted login_evicted
                           callback_rejected close_abandoned close_evicted session_replaced
                           login_replaced close_replaced alert_sent alert_failed)];

# ISO 8601 local time with a numeric offset.
use constant ISO_TIME => qr/\A(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([+-])(\d\d):(\d\d)\z/;

# This machine's UTC offset now, as the journal writes it (+HH:MM).
sub local_offset {
    my $z = strftime('%z', localtime);    # +0000
    return substr($z, 0, 3) . ':' . substr($z, 3, 2);
}

sub json_codec { JSON::PP->new->utf8->canonical }

# Another server's journal (t/lib/SenceCluster.pm): `local $SenceJournal::JOURNAL = FILE`.
our $JOURNAL;

sub journal_file { $JOURNAL // Apache::Test::vars('t_logs') . '/sence_journal.log' }

sub journal_mark { return -s journal_file() // 0 }

# The raw bytes appended since $mark.
sub journal_raw {
    my $mark = shift // 0;
    open my $fh, '<:raw', journal_file() or return '';
    seek $fh, $mark, 0;
    local $/;
    return scalar(<$fh>) // '';
}

# Lines appended since $mark: list of { line => raw text, json => decoded or undef,
# error => why not }.
sub journal_since {
    my $mark = shift // 0;
    my $raw = journal_raw($mark);
    my $codec = json_codec();
    my @out;
    for my $l (split /\n/, $raw) {
        my $j = eval { $codec->decode($l) };
        push @out, { line => $l, json => (ref $j eq 'HASH' ? $j : undef),
                     error => $@ || (ref $j eq 'HASH' ? undef : 'not a JSON object') };
    }
    return @out;
}

# Decoded events since $mark matching every key => value (a value may be a regexp).
sub journal_events {
    my ($mark, %match) = @_;
    my @e;
    EV: for my $l (journal_since($mark)) {
        my $j = $l->{json} or next;
        for my $k (keys %match) {
            my $v = $j->{$k};
            next EV unless defined $v;
            if (ref $match{$k} eq 'Regexp') { next EV unless $v =~ $match{$k} }
            else                             { next EV unless $v eq $match{$k} }
        }
        push @e, $j;
    }
    return @e;
}

# Waits (up to $timeout s) until journal_events($mark, %match) finds at least one.
sub wait_journal {
    my ($mark, $timeout, %match) = @_;
    my $end = time + ($timeout // 3);
    while (1) {
        my @e = journal_events($mark, %match);
        return @e if @e || time > $end;
        sleep 0.1;
    }
}

# Which fields each event may carry (contract of SenceJournal).
my @REC = qw(run subject cod_sence codigo_curso linea id_sesion_alumno id_sesion_sence
             fecha_hora zona_horaria);
my %REQUEST_EVENT = map { $_ => 1 } qw(login_sent start_ok start_error close_sent close_ok
                                       close_error callback_rejected);

# Checks one decoded journal event, field by field:
#   event => name, fields => { key => value | qr// }, absent => [keys], name => test name
# Always: time ISO 8601 with this machine's offset and within 60 s of now (unless
# old => 1), only known keys, linea a number, codes an array of numbers, ip only on request
# events, never a token.
sub check_event {
    my ($e, %o) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::subtest($o{name} // "journal $o{event}" => sub {
        unless (ref $e eq 'HASH') { Test::More::fail('event present'); return }
        Test::More::is($e->{event}, $o{event}, 'event');
        my $t = $e->{time} // '';
        Test::More::like($t, ISO_TIME, "time '$t': ISO 8601 with offset");
        if ($t =~ ISO_TIME) {
            Test::More::is("$7$8:$9", local_offset(), 'offset: local time');
            unless ($o{old}) {
                my $z = strftime('%Y-%m-%dT%H:%M:%S', localtime);
                my $epoch = POSIX::mktime($6, $5, $4, $3, $2 - 1, $1 - 1900);
                Test::More::ok(defined $epoch && abs(time - $epoch) < 60, "time is now ($z)")
                    or Test::More::diag("journal $t, now $z");
            }
        }
        my %ok = map { $_ => 1 } qw(time event), @REC, qw(codes ended reason ip alert recipients),
                 qw(origin fetch_site fetch_mode seconds suspect);
        my @unknown = grep { !$ok{$_} } sort keys %$e;
        Test::More::is("@unknown", '', 'no unknown fields');
        Test::More::ok(!defined $e->{linea} || (!ref $e->{linea} && $e->{linea} =~ /\A\d+\z/
                       && JSON::PP->new->canonical->encode([$e->{linea}]) =~ /\A\[\d+\]\z/),
                       'linea is a JSON number') if exists $e->{linea};
        if ($o{event} =~ /\A(?:start|close)_error\z/ || ($o{event} =~ /\Aalert_/ && exists $e->{codes})) {
            Test::More::ok(ref $e->{codes} eq 'ARRAY' && @{ $e->{codes} }
                           && !grep({ ref $_ || !/\A\d+\z/ } @{ $e->{codes} }),
                           'codes: array of numbers') or Test::More::diag(explain_json($e));
        }
        else {
            Test::More::ok(!exists $e->{codes}, 'no codes');
        }
        Test::More::ok(!exists $e->{ended} || ($o{event} eq 'close_error' &&
                       JSON::PP::is_bool($e->{ended}) && $e->{ended}), 'ended: only true, only close_error');
        Test::More::ok(!exists $e->{reason} || $o{event} =~ /\A(?:callback_rejected|alert_failed)\z/,
                       'reason only on callback_rejected');
        if ($o{event} =~ /\A(?:start|close)_(?:ok|error)\z/) {
            Test::More::ok(defined $e->{seconds} && $e->{seconds} =~ /\A\d+\z/,
                           'seconds since the attempt: a number');
            Test::More::like($e->{suspect} // 'none',
                             qr/\A(?:none|(?:origin|no-fetch-metadata|same-origin|same-site|fetch-site-none|fetch-site-unknown|not-navigation|fast)(?:,(?:origin|no-fetch-metadata|same-origin|same-site|fetch-site-none|fetch-site-unknown|not-navigation|fast))*)\z/,
                             'suspect: known reasons');
        }
        else {
            Test::More::ok(!grep({ exists $e->{$_} } qw(origin fetch_site fetch_mode seconds suspect)),
                           'no callback provenance (not a callback outcome)');
        }
        if ($REQUEST_EVENT{$o{event}}) {
            Test::More::is($e->{ip}, '127.0.0.1', 'ip: the client');
        }
        else {
            Test::More::ok(!exists $e->{ip}, 'no ip (not a request event)');
        }
        my $line = json_codec()->encode($e);
        for my $tok (TOKEN, BAD_TOKEN, OLD_TOKEN) {
            Test::More::unlike($line, qr/\Q$tok\E/i, 'no token');
        }
        for my $k (sort keys %{ $o{fields} // {} }) {
            my $want = $o{fields}{$k};
            if (ref $want eq 'Regexp') { Test::More::like($e->{$k}, $want, $k) }
            elsif (ref $want)         { Test::More::is_deeply($e->{$k}, $want, $k) }
            else                      { Test::More::is($e->{$k}, $want, $k) }
        }
        for my $k (@{ $o{absent} // [] }) {
            Test::More::ok(!exists $e->{$k}, "no $k") or Test::More::diag("$k: " . json_codec()->encode([$e->{$k}]));
        }
    });
}

sub explain_json { json_codec()->encode(shift) }

# ---- close --------------------------------------------------------------------------

sub forms_of {
    my $res = shift;
    return HTML::Form->parse($res->decoded_content // '', base => $res->base, strict => 0);
}

# The close page's form: the one posting to .../Registro/CerrarSesion.
sub close_form {
    my $res = shift;
    my @f = grep { ($_->action // '') =~ m{/Registro/CerrarSesion\z} } forms_of($res);
    return wantarray ? @f : $f[0];
}

# Hidden fields of the close form (hashref) or undef.
sub close_page_fields {
    my $f = close_form(shift) or return;
    return { map { $_->name => $_->value } grep { $_->type eq 'hidden' } $f->inputs };
}

# A session for $run at $path through the simulator; returns roundtrip()'s hashref.
sub start_session {
    my (%o) = @_;
    return roundtrip(codes => $J{codes}, %o);
}

# Close page -> simulator CerrarSesion -> login (run/clave) -> auto-POST form. Does not
# submit the auto-POST form: returns { page, fields, sim, login, final, final_fields }.
#   ua, path, run, password (default: roster), typed_run
sub close_roundtrip {
    my %o = @_;
    my ($ua, $path, $run) = @o{qw(ua path run)};
    my %r;
    $r{page} = $ua->request(GET url("$path?sence_cerrar=1"));
    my $cf = close_form($r{page}) or return \%r;
    $r{fields} = close_page_fields($r{page});
    $r{sim} = $ua->request($cf->click);
    my $lf = login_form($r{sim}) or do { $r{final} = first_autopost($r{sim}); return \%r };
    my $typed = $o{typed_run} // $run;
    $lf->value(run => $typed);
    $lf->value(clave => $o{password} // $ROSTER{$typed});
    $r{login} = $ua->request($lf->click);
    $r{final} = first_autopost($r{login});
    $r{final_fields} = $r{final} ? form_fields($r{final}) : {};
    return \%r;
}

# The simulator's auto-POST form to /sence/cierre or /sence/cierre-error.
sub first_autopost {
    my $res = shift;
    my @f = grep { ($_->action // '') =~ m{/sence/cierre(?:-error)?\z} } forms_of($res);
    return $f[0];
}

# The injected SENCE bar of a page: hashref of its parts or undef.
sub bar_of {
    my $html = shift // '';
    return unless $html =~ m{<div class="sence-bar" id="sence-bar" data-expires="(\d+)">(.*?)</div>}s;
    my %b = (expires => $1, inner => $2, html => $&);
    ($b{close_href}) = $b{inner} =~ m{<a class="sence-close" href="([^"]*)">Cerrar sesión SENCE</a>};
    return \%b;
}

# ---- status -------------------------------------------------------------------------

sub status_json {
    my $ua = shift // new_ua();
    my $res = $ua->request(GET url("$J{status}?json"));
    my $j = eval { json_codec()->decode($res->content) };
    return wantarray ? ($j, $res) : $j;
}

# Parsed Prometheus text: { text, samples => [[name, {labels}, value]], res }.
sub status_metrics {
    my $ua = shift // new_ua();
    my $res = $ua->request(GET url("$J{status}?metrics"));
    my @s;
    for my $l (split /\n/, $res->content // '') {
        next if $l =~ /\A#/ || $l !~ /\S/;
        if ($l =~ /\A([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)\z/) {
            my ($n, $lab, $v) = ($1, $2 // '', $3);
            my %lab;
            while ($lab =~ /\G\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gc) {
                my ($key, $val) = ($1, $2);
                $val =~ s/\\(.)/$1 eq 'n' ? "\n" : $1/ge;
                $lab{$key} = $val;
            }
            push @s, [$n, \%lab, $v];
        }
        else { push @s, ['!malformed', { line => $l }, undef] }
    }
    return { text => $res->content, samples => \@s, res => $res };
}

# Value of the sample $name whose labels include %lab (undef if none).
sub metric {
    my ($m, $name, %lab) = @_;
    S: for my $s (@{ $m->{samples} }) {
        next unless $s->[0] eq $name;
        for (keys %lab) { next S unless defined $s->[1]{$_} && $s->[1]{$_} eq $lab{$_} }
        return $s->[2];
    }
    return;
}

1;
