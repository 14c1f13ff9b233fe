# Several servers behind one balancer sharing SENCE sessions and attempts through memcached
# (SenceSessionStore memcache:..., Apache's mod_socache_memcache): the core of
# t/410_store_redis.t with a memcached of the test's own on loopback. The login begun on A
# ends on B and opens the course on both; a replayed callback is refused; two servers handed
# one callback at once make one session; a close on B is honoured on A within
# SenceStoreLocalCache; memcached killed: 503 and recovery; the status page says "memcache".
# The cases are in t/lib/SenceStoreCases.pm.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use SencePeers ();
use SenceCluster ();
use SenceStoreCases qw(:all);

# memcached's client (apr_memcache) has no read timeout of its own; a killed memcached
# refuses the connection at once, so the same bound as redis's applies
my %o = (backend => 'memcache', bound => 2, timeout => 1, lifetime => 3, login_timeout => 3);

# memcached is installed by scripts/test (the suite set): missing, this test fails
my $peer = eval { SencePeers->memcached };
ok($peer, 'memcached started on loopback') or diag($@);
my $c = $peer && SenceCluster->new(store => 'memcache:' . $peer->target, local_cache => "$o{bound}s",
                                   lifetime => "$o{lifetime}s", login_timeout => "$o{login_timeout}s");
my $up = $c && $c->start;
ok($up, 'two httpd servers sharing it, one public URL');
unless ($up) { done_testing; exit }

case_status($c, $peer, %o);
case_cross_login($c, $peer, %o);
case_simultaneous($c, $peer, %o);
case_close($c, $peer, %o);
case_outage($c, $peer, %o);
case_logs($c);

$c->stop;
done_testing;
