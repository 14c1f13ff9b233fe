# Graceful restart (SIGUSR1): live sessions survive, changed course codes are picked up.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use Time::HiRes qw(sleep time);
use SenceConf qw(:all);
use SenceTest qw(:all);

my $t_dir = Apache::Test::vars('t_dir');
my $pidfile = Apache::Test::vars('t_pid_file') // "$t_dir/logs/httpd.pid";

sub generations { my $n = () = SenceTest::log_since(0) =~ /resuming normal operations/g; $n }

sub graceful {
    my $before = generations();
    open my $fh, '<', $pidfile or die "cannot read $pidfile: $!";
    chomp(my $pid = <$fh>);
    ok(kill('USR1', $pid), "SIGUSR1 to httpd $pid");
    my $end = time + 30;
    sleep 0.2 while generations() <= $before && time < $end;
    ok(generations() > $before, 'new generation in the error log');
    # wait until the server answers again
    my $ua = new_ua();
    for (1 .. 50) { last if ($ua->request(GET url('/curso/libre/'))->code // 0) == 200; sleep 0.2 }
}

my $run = '12345678-5';
my $ua = new_ua(run => $run);

roundtrip(ua => $ua, path => '/curso/', run => $run, content => qr/CONTENIDO-CURSO-A:/,
          name => 'session in /curso/ before the restart');
roundtrip(ua => $ua, path => '/graceful/', run => $run, codes => $COURSE{G1}, content => qr/CONTENIDO-GRACEFUL/,
          name => 'session in /graceful/ with the old codes');
# a pending attempt made before the restart
my ($pf) = gate_form(new_ua(run => $run)->request(GET url('/curso/leccion1.html')));
my $pending = $pf && scalar form_fields($pf);

SenceConf::write_graceful_codes($t_dir, $COURSE{G2});
graceful();

my $res = $ua->request(GET url('/curso/'));
is($res->code, 200, '/curso/ after graceful: 200');
like($res->decoded_content // '', qr/CONTENIDO-CURSO-A:/, '/curso/ session survived the graceful restart');

$res = $ua->request(GET url('/graceful/'));
check_gate_page($res, run => $run, codes => $COURSE{G2}, name => '/graceful/ gated again with the new codes');
unlike($res->decoded_content // '', qr/CONTENIDO-GRACEFUL/, 'old session does not open the recoded course');

if ($pending) {
    # in the same browser: the new session of /curso/ replaces the one it had (one per course)
    my $cb = sence_callback($ua, 'retoma', callback_fields($pending));
    is($cb->code, 303, 'attempt pending across the graceful restart completes');
}
else { fail('pending attempt') }

roundtrip(ua => $ua, path => '/graceful/', run => $run, codes => $COURSE{G2}, content => qr/CONTENIDO-GRACEFUL/,
          name => 'new session with the new codes');

# A second graceful restart: sessions still there.
graceful();
like($ua->request(GET url('/curso/'))->decoded_content // '', qr/CONTENIDO-CURSO-A:/, '/curso/ session after a second graceful');
like($ua->request(GET url('/graceful/'))->decoded_content // '', qr/CONTENIDO-GRACEFUL/, '/graceful/ session after a second graceful');

# Leave the configuration as it was for a re-run against the same server.
SenceConf::write_graceful_codes($t_dir, $COURSE{G1});
graceful();

done_testing;
