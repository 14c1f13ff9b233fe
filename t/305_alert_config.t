# Startup validation of the alert directives: `httpd -t` refuses what cannot work, naming the
# directive, and the SMTP password never shows in the -D DUMP_SENCE dump.
use strict;
use warnings FATAL => 'all';
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use File::Temp qw(tempdir);
use SenceConf qw(:all);
use SenceServer qw(private_conf httpd_t);

my $tmp   = tempdir(CLEANUP => 1);
my $tok   = TOKEN;
my $secret = 'Pa55-w0rd-que-nadie-ve';

sub auth_file {
    my ($name, $text, $mode) = @_;
    open my $fh, '>', "$tmp/$name" or die "$tmp/$name: $!";
    print $fh $text;
    close $fh;
    chmod $mode // 0600, "$tmp/$name";
    return "$tmp/$name";
}
my $auth = auth_file('smtp_auth', "sence:$secret\n");

my %good = (
    mail => "SenceMailServer smtp.example.cl:587\nSenceMailFrom sence\@otec.example.cl\n"
          . "SenceMailTLS required\nSenceMailAuthFile $auth",
    alert => 'SenceAlertMail alertas@otec.example.cl',
);

sub check {
    my (%over) = @_;
    my %c = (%good, %over);
    return httpd_t(private_conf($tmp, body => <<"EOC"), 'DUMP_SENCE');
SencePublicURL http://localhost:8529
SenceRutOtec 76543210-3
SenceToken $tok
$c{mail}
<Location /c/>
    Sence On
    SenceCodSence 1234567890
    SenceCodigoCurso RLAB-19-02-08-0071-1
    SenceLinea 3
    $c{alert}
</Location>
EOC
}

my ($rc, $out) = check();
is($rc, 0, 'a submission server with TLS required and SMTP AUTH passes httpd -t') or diag($out);
like($out, qr/mail server smtp\.example\.cl:587 from sence\@otec\.example\.cl tls required auth \(set\)/,
     'the dump shows the mail settings');
like($out, qr/alerts alertas\@otec\.example\.cl/, 'the dump shows the recipients');
unlike($out, qr/\Q$secret\E/, 'the dump never shows the password');

for my $case (
    [ { mail => '' },                                   qr/SenceMailFrom/,     'SenceAlertMail without SenceMailFrom' ],
    [ { alert => 'SenceAlertMail "Juan <a@b.cl>"' },    qr/SenceAlertMail/,    'an address with a display name' ],
    [ { alert => "SenceAlertMail a\@b.cl\\r\\nBcc:x\@y.cl" }, qr/SenceAlertMail/, 'an address with CR/LF' ],
    [ { alert => 'SenceAlertThrottle 15x' },            qr/SenceAlertThrottle/, 'a bad throttle' ],
    [ { alert => 'SenceParticipantName "%{HTTP:X"' },   qr/SenceParticipantName/, 'an expression that does not parse' ],
    [ { mail => "SenceMailFrom sence\@otec.example.cl\nSenceMailTLS maybe" }, qr/SenceMailTLS/, 'SenceMailTLS maybe' ],
    [ { mail => "SenceMailFrom sence\@otec.example.cl\nSenceMailServer 'smtp example'" }, qr/SenceMailServer/, 'a bad mail server' ],
    [ { mail => "SenceMailFrom x\nSenceMailServer localhost" }, qr/SenceMailFrom/, 'a bad From' ],
    [ { mail => "SenceMailFrom sence\@otec.example.cl\nSenceMailAuthFile $tmp/none" }, qr/SenceMailAuthFile/, 'a missing auth file' ],
    [ { mail => "SenceMailFrom sence\@otec.example.cl\nSenceMailAuthFile " . auth_file('nocolon', "solo-usuario\n") },
      qr/SenceMailAuthFile.*user:password/, 'an auth file without user:password' ],
) {
    my ($over, $re, $what) = @$case;
    my ($rc, $out) = check(%$over);
    isnt($rc, 0, "$what: httpd -t fails");
    like($out, $re, "$what: the message names the directive") or diag($out);
    unlike($out, qr/\Q$secret\E/, "$what: no password in the output");
}

# a world-readable auth file works, with a warning
($rc, $out) = check(mail => "SenceMailFrom sence\@otec.example.cl\nSenceMailAuthFile "
                    . auth_file('open', "sence:$secret\n", 0644));
is($rc, 0, 'a world-readable auth file: httpd -t passes');
like($out, qr/SENCE7001.*readable by every user/, '... with a warning');
unlike($out, qr/\Q$secret\E/, '... and no password');

# SenceAlertMail none needs no transport
($rc, $out) = check(mail => '', alert => 'SenceAlertMail none');
is($rc, 0, 'SenceAlertMail none: no SenceMailFrom needed') or diag($out);

done_testing;
