# The alert queue lives in shared memory retained across a graceful restart: an alert queued
# while the SMTP peer is down is delivered by the next generation's sender. A sender that dies
# is started again.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET POST);
use Time::HiRes qw(sleep time);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(vurl);
use SenceAlert qw(:all);

my $H = 'alert_host';
my $t_dir = Apache::Test::vars('t_dir');
my $pidfile = Apache::Test::vars('t_pid_file') // "$t_dir/logs/httpd.pid";

sub generations { my $n = () = log_since(0) =~ /resuming normal operations/g; $n }
sub senders { my @pids = log_since(0) =~ /SENCE7025: alert sender (\d+) started/g; return @pids }

sub error_alert {
    my ($run, $glosa) = @_;
    my $ua = new_ua(run => $run);
    my ($f) = gate_form($ua->request(GET vurl($H, '/alerta/')));
    return 0 unless $f;
    my $g = callback_fields(scalar form_fields($f), GlosaError => $glosa, IdSesionSence => undef);
    return $ua->request(POST vurl($H, CB . '/error'), [%$g])->code;
}

sub arrived {
    my ($mark, $run) = @_;
    my @m = wait_mails($mark, sub { ($_[0]{body} // '') =~ /RUN: \Q$run\E\n/ }, 40);
    return scalar @m;
}

# queued while the peer is down, across a graceful restart
my $run = run_of(30000201);
my $mark = mail_mark();
my @before = senders();
is(error_alert($run, '305'), 200, 'error callback with the SMTP peer down');
sleep 0.5;
my $gen = generations();
open my $fh, '<', $pidfile or die "cannot read $pidfile: $!";
chomp(my $pid = <$fh>);
ok(kill('USR1', $pid), 'graceful restart');
my $end = time + 30;
sleep 0.2 while generations() <= $gen && time < $end;
ok(generations() > $gen, 'a new generation');
$end = time + 10;
sleep 0.2 while senders() <= @before && time < $end;
my @after = senders();
ok(@after > @before, 'the new generation started its sender');
ok(!kill(0, $before[-1]), 'the old sender is gone') if @before;
ok(sink_start(), 'SMTP peer up');
ok(arrived($mark, $run), 'the alert queued before the restart arrived');

# a sender that dies is started again
my $victim = $after[-1];
ok(kill('KILL', $victim), "sender $victim killed");
$end = time + 40;
sleep 0.2 while senders() <= @after && time < $end;
ok(senders() > @after, 'another sender started') or diag(log_since(0) =~ /(.*SENCE702[56].*)/g);
$run = run_of(30000202);
$mark = mail_mark();
is(error_alert($run, '306'), 200, 'error callback');
ok(arrived($mark, $run), 'its alert arrived');

sink_stop();
done_testing;
