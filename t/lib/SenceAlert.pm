package SenceAlert;
# Helpers for the alert-mail tests: the SMTP sink (t/lib/smtp_sink.py, Debian's aiosmtpd) on
# 127.0.0.1:$ENV{SENCE_SMTP_PORT}, and the mails it stored, parsed: envelope, headers (RFC
# 2047 words decoded), body (quoted-printable decoded, UTF-8).
use strict;
use warnings FATAL => 'all';
use utf8;

use Exporter 'import';
use Encode ();
use File::Path ();
use File::Spec ();
use IO::Socket::INET ();
use JSON::PP ();
use MIME::Base64 ();
use MIME::QuotedPrint ();
use POSIX ();
use Time::HiRes qw(sleep time);

our @EXPORT_OK = qw(sink_start sink_stop sink_dir mails mails_since mail_mark wait_mails
                    decode_words);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my ($PID, $DIR);

sub port { $ENV{SENCE_SMTP_PORT} or die "SENCE_SMTP_PORT is not set (t/TEST.PL sets it)\n" }

sub sink_dir {
    require Apache::Test;
    $DIR //= File::Spec->catdir(Apache::Test::vars('t_dir'), 'logs', 'smtp_sink');
    return $DIR;
}

sub python { -x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3' }

# Starts the sink (once); waits until it accepts connections.
sub sink_start {
    return 1 if $PID;
    my $script = File::Spec->catfile(Apache::Test::vars('t_dir'), 'lib', 'smtp_sink.py');
    File::Path::make_path(sink_dir());
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDOUT, '>', File::Spec->devnull;
        exec python(), $script, '--port', port(), '--dir', sink_dir() or POSIX::_exit(127);
    }
    $PID = $pid;
    my $end = time + 15;
    while (time < $end) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => port(), Timeout => 1);
        if ($s) { close $s; return 1 }
        last if waitpid($pid, POSIX::WNOHANG()) == $pid;
        sleep 0.1;
    }
    undef $PID;
    return 0;
}

sub sink_stop {
    return unless $PID;
    kill 'TERM', $PID;
    waitpid $PID, 0;
    undef $PID;
}

END { sink_stop() }

sub decode_words {
    my $v = shift // '';
    $v =~ s/\r?\n[ \t]+/ /g;
    $v =~ s/\?=\s+=\?/?==?/g;    # blanks between encoded words are not text
    $v =~ s/=\?UTF-8\?B\?([A-Za-z0-9+\/=]*)\?=/MIME::Base64::decode_base64($1)/gie;
    return Encode::decode('UTF-8', $v);
}

sub parse {
    my ($file) = @_;
    open my $fh, '<:raw', $file or return;
    local $/;
    my $j = JSON::PP->new->decode(<$fh>);
    my $raw = Encode::encode('latin-1', $j->{data});
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    my (%h, @order);
    for my $line (split /\r\n(?![ \t])/, $head) {
        my ($k, $v) = $line =~ /\A([^:\s]+):\s?(.*)\z/s or next;
        push @order, $k;
        push @{ $h{ lc $k } }, $v;
    }
    my $text = MIME::QuotedPrint::decode_qp($body // '');
    $text =~ s/\r\n/\n/g;
    return {
        file => $file, from => $j->{mail_from}, to => $j->{rcpt_tos}, raw => $raw,
        head => $head, headers => \%h, names => \@order,
        subject => decode_words(($h{subject} // [''])->[0]),
        body => Encode::decode('UTF-8', $text),
    };
}

sub files { sort glob(File::Spec->catfile(sink_dir(), '*.json')) }

sub mail_mark { scalar(my @f = files()) }

sub mails { map { parse($_) } files() }

sub mails_since {
    my $mark = shift;
    my @f = files();
    return map { parse($_) } @f[$mark .. $#f];
}

# Waits (up to $timeout s) for mails after $mark for which $match returns true.
sub wait_mails {
    my ($mark, $match, $timeout) = @_;
    my $end = time + ($timeout // 20);
    while (1) {
        my @m = grep { $match->($_) } mails_since($mark);
        return @m if @m || time > $end;
        sleep 0.2;
    }
}

1;
