# The session store's directives at startup (`httpd -t`): SenceSessionStore takes `shm` or a
# network socache provider whose module is loaded (the message names the LoadModule line to
# add), refuses the providers that are local to one machine (shmcb, dbm), is server-wide
# only; SenceStoreLocalCache takes a duration up to 60 s or 0.
use strict;
use warnings FATAL => 'all';
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use File::Temp qw(tempdir);
use SenceConf qw(:all);
use SenceServer qw(private_conf httpd_t);
use SenceCluster ();

my $tmp = tempdir(CLEANUP => 1);
my $tok = TOKEN;
my %load;
$load{$_} = SenceCluster::socache_load($_) for qw(redis memcache dbm);
for my $m (qw(redis memcache)) {
    my ($so) = $load{$m} =~ /"([^"]+)"/;
    ok(-e $so, "$so is installed (apache2-bin)");
}

my $base = join "\n", 'SencePublicURL http://localhost:8529', 'SenceRutOtec 76543210-3',
    "SenceToken $tok", 'SenceEndpoint http://localhost:8529/rcetest',
    '<Location /c/>', '    Sence On', '    SenceCodSence 1234567890',
    '    SenceCodigoCurso RLAB-19-02-08-0071-1', '    SenceLinea 3', '</Location>', '';

# httpd -t with $text before the reference configuration: (exit status, output).
sub check { return httpd_t(private_conf($tmp, body => join("\n", @_, $base))) }

my ($rc, $out) = check();
is($rc, 0, 'the reference configuration passes httpd -t') or diag($out);

# ---- accepted -------------------------------------------------------------------------
for my $case (
    [ ['SenceSessionStore shm'],                                                'shm' ],
    [ ['SenceSessionStore shm', 'SenceStoreLocalCache 0'],                      'shm, SenceStoreLocalCache 0' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390'],                 'redis, one server' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390,127.0.0.1:6391'], 'redis, two servers' ],
    [ [$load{redis}, 'RedisTimeout 1', 'SenceSessionStore redis:127.0.0.1:6390', 'SenceStoreLocalCache 2s'],
      'redis with RedisTimeout and a 2 s local cache' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', 'SenceStoreLocalCache 500ms'], 'local cache 500ms' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', 'SenceStoreLocalCache 60s'],   'local cache 60s (the maximum)' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', 'SenceStoreLocalCache 0'],     'local cache off' ],
    # httpd runs LoadModule as it reads the file, before any other directive: order is free
    [ ['SenceSessionStore redis:127.0.0.1:6390', $load{redis}],                 'LoadModule after SenceSessionStore' ],
    [ [$load{memcache}, 'SenceSessionStore memcache:127.0.0.1:11211'],          'memcache, one server' ],
    [ [$load{memcache}, 'SenceSessionStore memcache:127.0.0.1:11211,127.0.0.1:11212', 'SenceStoreLocalCache 5s'],
      'memcache, two servers' ],
) {
    my ($lines, $what) = @$case;
    my ($rc, $out) = check(@$lines);
    is($rc, 0, "accepted: $what") or diag($out);
}

# ---- refused ----------------------------------------------------------------------------
for my $case (
    [ ['SenceSessionStore redis:127.0.0.1:6390'],
      qr/LoadModule socache_redis_module/, 'redis without its LoadModule' ],
    [ ['SenceSessionStore memcache:127.0.0.1:11211'],
      qr/LoadModule socache_memcache_module/, 'memcache without its LoadModule' ],
    [ ['SenceSessionStore nosuch:127.0.0.1:1'],
      qr/LoadModule socache_nosuch_module/, 'an unknown provider' ],
    # mod_socache_shmcb is loaded by inherit-MPM.conf: refused for what it is, not as unknown
    [ ['SenceSessionStore shmcb'],                       qr/\bshm\b.*(?:redis|memcache|network)|(?:redis|memcache|network).*\bshm\b/is,
      'shmcb (one machine): use shm or a network provider' ],
    [ ['SenceSessionStore shmcb:/tmp/x(512000)'],        qr/\bshm\b/, 'shmcb with arguments' ],
    [ [$load{dbm}, 'SenceSessionStore dbm:/tmp/sence.db'], qr/\bshm\b/, 'dbm (one machine, not thread-safe)' ],
    [ ['SenceSessionStore'],                             qr/SenceSessionStore/, 'no argument' ],
    [ ['SenceSessionStore shm extra'],                   qr/SenceSessionStore/, 'two arguments' ],
    [ [$load{redis}, '<VirtualHost 127.0.0.1:1>', '    SenceSessionStore redis:127.0.0.1:6390', '</VirtualHost>'],
      qr/SenceSessionStore\b.*VirtualHost|VirtualHost.*SenceSessionStore\b/s,
      'SenceSessionStore in a <VirtualHost>' ],
    [ ['<VirtualHost 127.0.0.1:1>', '    SenceSessionStore shm', '</VirtualHost>'],
      qr/SenceSessionStore\b.*VirtualHost|VirtualHost.*SenceSessionStore\b/s, 'SenceSessionStore shm in a <VirtualHost>' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', '<VirtualHost 127.0.0.1:1>',
       '    SenceStoreLocalCache 2s', '</VirtualHost>'],
      qr/SenceStoreLocalCache\b.*VirtualHost|VirtualHost.*SenceStoreLocalCache\b/s, 'SenceStoreLocalCache in a <VirtualHost>' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', '<Location /x/>', '    SenceStoreLocalCache 2s', '</Location>'],
      qr/SenceStoreLocalCache/, 'SenceStoreLocalCache in a <Location>' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', 'SenceStoreLocalCache abc'],
      qr/SenceStoreLocalCache/, 'SenceStoreLocalCache abc' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', 'SenceStoreLocalCache -1s'],
      qr/SenceStoreLocalCache/, 'SenceStoreLocalCache -1s' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', 'SenceStoreLocalCache 61s'],
      qr/SenceStoreLocalCache/, 'SenceStoreLocalCache 61s (over 60 s)' ],
    [ [$load{redis}, 'SenceSessionStore redis:127.0.0.1:6390', 'SenceStoreLocalCache 2x'],
      qr/SenceStoreLocalCache/, 'SenceStoreLocalCache 2x' ],
) {
    my ($lines, $re, $what) = @$case;
    my ($rc, $out) = check(@$lines);
    isnt($rc, 0, "refused: $what");
    like($out, $re, "$what: the message says why") or diag($out);
    # refused by mod_sence's own check, not because httpd does not know the directive
    unlike($out, qr/Invalid command/, "$what: the directive is known") or diag($out);
}

done_testing;
