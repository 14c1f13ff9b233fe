package SenceCluster;
# Several private httpd instances behind one public URL, as behind a load balancer, for the
# shared-store tests (t/4*_store_*.t). Each instance (a "node": A, B, ...) is a real httpd of
# the suite's MPM (SenceServer::private_conf: inherit-MPM.conf and mod_sence) with the SENCE
# simulator, on its own loopback port, with its own error log and journal. All of them have
# the same SencePublicURL, the same gated locations and course codes, and the same
# SenceSessionStore. The public URL is an address where nothing listens: the test plays the
# balancer and sends each request to the node it chooses.
#
#   my $c = SenceCluster->new(store => 'redis:127.0.0.1:6390', local_cache => '3s');
#   $c->start or BAIL...;             # every node answering (diag says why not)
#   my ($A, $B) = $c->nodes;
#   $A->on(sub { roundtrip(ua => $ua, path => '/curso/', public => $c->public,
#                          callback => $B->base, ...) });   # SenceTest's helpers, on node A
#   $A->graceful; $A->stop; $A->start;
#   $c->journal_marks / $c->journal_events($marks, %match)  # across every node's journal
#   $c->stop;                         # also at exit
#
# Options: n (2), store (the SenceSessionStore argument; undef: no directive), local_cache
# (SenceStoreLocalCache; undef: no directive), lifetime (SenceSessionLifetime of /corto/),
# login_timeout (SenceLoginTimeout of /lento/), redis_timeout (RedisTimeout, with
# mod_socache_redis), load (socache modules to load: [redis, memcache]; default: the
# store's provider), extra (more server configuration).
#
# Locations (course A of t/lib/SenceConf.pm, any participant of the cluster's roster):
#   /curso/        gated, SenceCloseSession On (t/htdocs/curso: CONTENIDO-CURSO-A)
#   /curso/libre/  Sence Off
#   /corto/        gated, SenceSessionLifetime <lifetime>  (CONTENIDO-CORTO)
#   /lento/        gated, SenceLoginTimeout <login_timeout> (CONTENIDO-LENTO)
#   /j-status      sence-status, loopback only (SenceJournal::status_json on a node)
#   /rcetest       the simulator; each node's SenceEndpoint is its own
use strict;
use warnings FATAL => 'all';

use File::Temp qw(tempdir);
use IO::Socket::INET ();
use LWP::UserAgent ();
use HTTP::Request::Common qw(GET);
use Time::HiRes qw(sleep time);
use Apache::Test ();

use SenceConf qw(:all);
use SenceTest ();
use SenceJournal ();
use SencePeers ();
use SenceServer qw(private_conf httpd_bin);

use constant PASSWORD => 'clave-cluster';
use constant CODES    => $COURSE{A};

my @LIVE;    # clusters to stop at exit (by the process that made them)
my $OWNER = $$;

# The participant $i (1..300) of the cluster's simulator roster (password PASSWORD).
sub participant { my $i = pop; return SenceTest::run_of(41000000 + $i) }

# The directory holding the stock httpd modules the suite loads (from inherit-MPM.conf).
sub modules_dir {
    local $_;    # Apache::Test's first config() reads with while (<...>)
    my $t_dir = Apache::Test::vars('t_dir');
    my $mpm = $ENV{SENCE_TEST_MPM} || 'event';
    my $f = "$t_dir/conf/inherit-$mpm.conf";
    open my $fh, '<', $f or die "SenceCluster: $f: $!\n";
    while (my $l = <$fh>) {
        return $1 if $l =~ /^LoadModule\s+mpm_\w+_module\s+"?(.*)\/mod_mpm_\w+\.so"?\s*$/;
    }
    die "SenceCluster: no MPM LoadModule line in $f\n";
}

# The LoadModule line of a socache provider (redis, memcache, shmcb, dbm).
sub socache_load {
    my $name = pop;
    return sprintf 'LoadModule socache_%s_module "%s/mod_socache_%s.so"', $name, modules_dir(), $name;
}

sub new {
    my ($class, %o) = @_;
    my $self = bless { n => 2, lifetime => '3s', login_timeout => '3s', redis_timeout => 1,
                       extra => '', %o }, $class;
    $self->{dir} = tempdir(CLEANUP => 1);
    chmod 0755, $self->{dir};
    my %used;
    my $port = sub { my $p; do { $p = SencePeers::free_port() } while $used{$p}++; $p };
    $self->{public_port} = $port->();
    $self->{public} = "http://127.0.0.1:$self->{public_port}";
    unless ($self->{load}) {
        my ($prov) = ($self->{store} // '') =~ /\A(\w+):/;
        $self->{load} = $prov ? [$prov] : [];
    }
    $self->write_roster;
    my @names = ('A' .. 'Z');
    for my $i (0 .. $self->{n} - 1) {
        my $dir = "$self->{dir}/$names[$i]";
        mkdir $dir or die "SenceCluster: $dir: $!\n";
        push @{ $self->{nodes} }, SenceCluster::Node->new(cluster => $self, name => $names[$i],
                                                          dir => $dir, port => $port->());
    }
    $_->write_conf for $self->nodes;
    push @LIVE, $self;
    return $self;
}

sub nodes  { @{ $_[0]{nodes} } }
sub node   { $_[0]{nodes}[$_[1]] }
sub public { $_[0]{public} }
sub dir    { $_[0]{dir} }

sub write_roster {
    my $self = shift;
    my $f = "$self->{dir}/roster.txt";
    open my $fh, '>', $f or die "SenceCluster: $f: $!\n";
    print $fh "# SenceCluster's roster: RUN PASSWORD\n";
    print $fh participant($_), ' ', PASSWORD, "\n" for 1 .. 300;
    close $fh or die "SenceCluster: $f: $!\n";
    $self->{roster} = $f;
}

# The configuration every node shares (all but the node's port, logs and endpoint).
sub common_conf {
    my ($self) = @_;
    my ($cod, $curso, $linea) = @{ CODES() };
    my $mods = $ENV{SENCE_MODULES_DIR} or die "SENCE_MODULES_DIR not set\n";
    my $t_dir = Apache::Test::vars('t_dir');
    my $rut = RUT;
    my $tok = TOKEN;
    my $load = join "\n", map { socache_load($_) } @{ $self->{load} };
    # a pooled connection idle for 2 s is not reused: one the outage broke is never tried
    my $redis = grep({ $_ eq 'redis' } @{ $self->{load} })
        ? "RedisTimeout $self->{redis_timeout}\nRedisConnPoolTTL 2" : '';
    $redis .= "\nMemcacheConnTTL 2" if grep { $_ eq 'memcache' } @{ $self->{load} };
    my $store = defined $self->{store} ? "SenceSessionStore $self->{store}" : '';
    my $cache = defined $self->{local_cache} ? "SenceStoreLocalCache $self->{local_cache}" : '';
    my $gate = <<"EOC";
    Sence On
    SenceRun "%{HTTP:X-Test-Run}"
    SenceCodSence $cod
    SenceCodigoCurso $curso
    SenceLinea $linea
EOC
    return <<"EOC";
LogLevel info sence:debug
LoadModule sence_sim_module "$mods/mod_sence_sim.so"
$load
$redis
DocumentRoot "$t_dir/htdocs"
<Directory "$t_dir/htdocs">
    Require all granted
</Directory>
# several children per node, so that a node's own requests cross processes too
<IfModule mpm_prefork_module>
    StartServers 3
    MinSpareServers 3
    MaxSpareServers 6
</IfModule>
<IfModule mpm_event_module>
    StartServers 2
    ServerLimit 4
    ThreadLimit 16
    ThreadsPerChild 16
    MinSpareThreads 16
    MaxSpareThreads 48
    MaxRequestWorkers 64
</IfModule>

$store
$cache
SencePublicURL        $self->{public}
SenceCallbackPath     /sence
SenceSessionCacheSize 256
SenceEnvironment      test
SenceRutOtec          $rut
SenceToken            $tok
SenceLoginTimeout     5m
SenceSessionLifetime  4h
SenceCloseEndsOn      301

SenceSimRoster "$self->{roster}"
SenceSimOtec $rut $tok vigente
SenceSimCourse $cod $curso $linea
<Location /rcetest>
    SetHandler sence-sim
</Location>

<Location /curso/>
$gate    SenceCloseSession On
</Location>
<Location /curso/libre/>
    Sence Off
</Location>
<Location /corto/>
$gate    SenceSessionLifetime $self->{lifetime}
</Location>
<Location /lento/>
$gate    SenceLoginTimeout $self->{login_timeout}
</Location>
<Location /j-status>
    SetHandler sence-status
    Require ip 127.0.0.1 ::1
</Location>
$self->{extra}
EOC
}

# SenceTest::roundtrip through the cluster: the gate page asked at node `gate`, the
# simulator's answer posted to node `callback` (default: the same node), the course page
# asked at `gate`. Other options are roundtrip()'s; the password is the roster's.
sub roundtrip {
    my ($self, %o) = @_;
    my $gate = delete $o{gate} or die 'SenceCluster::roundtrip: gate';
    my $cb = delete $o{callback} // $gate;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return $gate->on(sub {
        SenceTest::roundtrip(password => PASSWORD, codes => CODES, %o, public => $self->{public},
                             callback => $cb->base);
    });
}

# Starts every node; true when all answer (else a diag with their error logs).
sub start {
    my $self = shift;
    my $ok = 1;
    $_->start or $ok = 0 for $self->nodes;
    return $ok;
}

sub stop { my $self = shift; $_->stop for $self->nodes; return 1 }

# { node name => journal size }: a mark in every node's journal.
sub journal_marks {
    my $self = shift;
    return { map { $_->name => (-s $_->journal // 0) } $self->nodes };
}

# Journal events since $marks, across every node (SenceJournal::journal_events' matching);
# in list context the events, in scalar context their number.
sub journal_events {
    my ($self, $marks, %match) = @_;
    my @e = map { my $n = $_; $n->on(sub { SenceJournal::journal_events($marks->{ $n->name } // 0, %match) }) }
            $self->nodes;
    return @e;
}

# "A: 1, B: 0": where the matching events are, for diagnostics.
sub journal_where {
    my ($self, $marks, %match) = @_;
    return join ', ', map {
        my $n = $_;
        my @e = $n->on(sub { SenceJournal::journal_events($marks->{ $n->name } // 0, %match) });
        $n->name . ': ' . scalar(@e);
    } $self->nodes;
}

# Lines of every node's error log that no test may leave behind: crashed children,
# emerg/alert/crit from the modules. Returns "node: line" strings.
sub problems {
    my $self = shift;
    my @p;
    for my $n ($self->nodes) {
        push @p, map { $n->name . ": $_" }
                 grep { /exit signal|Segmentation fault|AH00052|AH00060|double free|stack smashing|\[sence(?:_sim)?:(?:emerg|alert|crit)\]/ }
                 split /\n/, $n->log_since(0);
    }
    return @p;
}

END {
    if ($$ == $OWNER) {
        my $rc = $?;
        for my $c (@LIVE) { eval { $c->stop } }
        $? = $rc;
    }
}

package SenceCluster::Node;
use strict;
use warnings FATAL => 'all';
use Time::HiRes qw(sleep time);
use IO::Socket::INET ();
use HTTP::Request::Common qw(GET);
use SenceServer qw(private_conf httpd_bin);

sub new { my ($class, %o) = @_; return bless {%o}, $class }

sub name      { $_[0]{name} }
sub port      { $_[0]{port} }
sub dir       { $_[0]{dir} }
sub conf      { $_[0]{conf} }
sub base      { "http://127.0.0.1:$_[0]{port}" }
sub url       { $_[0]->base . $_[1] }
sub error_log { "$_[0]{dir}/error_log" }
sub journal   { "$_[0]{dir}/journal.log" }

sub write_conf {
    my $self = shift;
    my $c = $self->{cluster};
    my $body = $c->common_conf . <<"EOC";
# node $self->{name}
SenceEndpoint http://127.0.0.1:$self->{port}/rcetest
SenceJournal "$self->{dir}/journal.log"
EOC
    $self->{conf} = private_conf($self->{dir}, listen => "127.0.0.1:$self->{port}", body => $body);
    return $self->{conf};
}

# Runs $code with SenceTest's and SenceJournal's helpers pointed at this node: url(),
# callbacks, roundtrip(), log_mark/log_since/wait_log (its error log), journal_* (its
# journal), status_json (its /j-status).
sub on {
    my ($self, $code) = @_;
    local $SenceTest::BASE = $self->base;
    local $SenceTest::ERROR_LOG = $self->error_log;
    local $SenceJournal::JOURNAL = $self->journal;
    return $code->();
}

sub pid {
    my $self = shift;
    open my $fh, '<', "$self->{dir}/httpd.pid" or return;
    my $pid = <$fh>;
    return $pid && $pid =~ /\A(\d+)/ ? $1 : undef;
}

sub running { my $pid = $_[0]->pid; return $pid && kill(0, $pid) ? 1 : 0 }

sub log_since {
    my ($self, $mark) = @_;
    open my $fh, '<', $self->error_log or return '';
    seek $fh, $mark // 0, 0;
    local $/;
    return scalar(<$fh>) // '';
}

sub log_mark { return -s $_[0]->error_log // 0 }

sub generations { my $n = () = $_[0]->log_since(0) =~ /resuming normal operations/g; $n }

# Answers HTTP (any status of /curso/libre/, which is not gated).
sub answers {
    my $self = shift;
    my $ua = LWP::UserAgent->new(timeout => 5, max_redirect => 0, keep_alive => 0);
    my $res = $ua->request(GET $self->url('/curso/libre/'));
    return ($res->code // 0) == 200 && !$res->header('Client-Warning') ? 1 : 0;
}

sub wait_answers {
    my ($self, $timeout) = @_;
    my $end = time + ($timeout // 20);
    while (time < $end) {
        return 1 if $self->answers;
        sleep 0.1;
    }
    return 0;
}

sub start {
    my $self = shift;
    my $httpd = httpd_bin();
    my $mark = $self->log_mark;
    my $out = `"$httpd" -f "$self->{conf}" -k start 2>&1`;
    my $ok = $? == 0;
    my $end = time + 20;
    sleep 0.1 while $ok && !$self->pid && time < $end;
    $ok &&= $self->wait_answers(20);
    unless ($ok) {
        Test::More::diag("node $self->{name} (port $self->{port}) did not start: $out"
                         . $self->log_since($mark));
    }
    return $ok;
}

sub stop {
    my $self = shift;
    my $pid = $self->pid or return 1;
    kill 'TERM', $pid;
    my $end = time + 20;
    sleep 0.1 while kill(0, $pid) && time < $end;
    kill 'KILL', $pid if kill 0, $pid;
    unlink "$self->{dir}/httpd.pid";
    return !kill(0, $pid);
}

# Graceful restart (SIGUSR1 to the parent): waits for the new generation and its answer.
sub graceful {
    my $self = shift;
    my $pid = $self->pid or return 0;
    my $before = $self->generations;
    kill 'USR1', $pid or return 0;
    my $end = time + 30;
    sleep 0.1 while $self->generations <= $before && time < $end;
    return $self->generations > $before && $self->wait_answers(20);
}

1;
