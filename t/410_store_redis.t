# Several servers behind one balancer sharing SENCE sessions and attempts through Redis
# (SenceSessionStore redis:..., Apache's mod_socache_redis): a redis-server of the
# test's own on loopback (t/lib/SencePeers.pm) and two httpd servers with one public URL
# (t/lib/SenceCluster.pm). The login begun on A ends on B and opens the course on both; a
# callback is single-use across servers, also when two servers get it at the same moment; a
# close on B is honoured on A within SenceStoreLocalCache; expiries and abandoned logins are
# journaled once; redis hung (SIGSTOP) or killed: 503 within RedisTimeout, local copies within their bound,
# recovery when it is back; a graceful restart keeps everything; the status page says so.
# The cases are in t/lib/SenceStoreCases.pm (shared with t/420_store_memcache.t).
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use SencePeers ();
use SenceCluster ();
use SenceStoreCases qw(:all);

my %o = (backend => 'redis', bound => 2, timeout => 1, lifetime => 3, login_timeout => 3);

# redis-server is installed by scripts/test (the suite set): missing, this test fails
my $peer = eval { SencePeers->redis };
ok($peer, 'redis-server started on loopback') or diag($@);
my $c = $peer && SenceCluster->new(store => 'redis:' . $peer->target, local_cache => "$o{bound}s",
                                   redis_timeout => $o{timeout}, lifetime => "$o{lifetime}s",
                                   login_timeout => "$o{login_timeout}s");
my $up = $c && $c->start;
ok($up, 'two httpd servers sharing it, one public URL');
unless ($up) { done_testing; exit }

case_status($c, $peer, %o);
case_cross_login($c, $peer, %o);
case_simultaneous($c, $peer, %o);
case_close($c, $peer, %o);
case_expiry($c, $peer, %o);
case_abandoned($c, $peer, %o);
case_graceful($c, $peer, %o);
case_hung($c, $peer, %o);
case_outage($c, $peer, %o);
case_logs($c);

$c->stop;
done_testing;
