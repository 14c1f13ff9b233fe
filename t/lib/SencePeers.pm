package SencePeers;
# Real network peers for the shared-store tests (t/4*_store_*.t): a redis-server and a
# memcached on free loopback ports, each a child process of the test (no daemon, no config
# file, nothing on disk that outlives it), which the tests stop, kill with SIGKILL and start
# again on the same port. The system's services are never used.
#
#   my $r = SencePeers->redis;        # started and answering PING, or dies saying why
#   my $m = SencePeers->memcached;    # started and answering "version"
#   $r->target                        # "127.0.0.1:PORT", for SenceSessionStore redis:...
#   $r->alive                         # answers now (one TCP connect and PING/version)
#   $r->kill9; $r->stop;              # SIGKILL / SIGTERM, and wait until the port is closed
#   $r->pause; $r->resume;            # SIGSTOP / SIGCONT: hung, not dead
#   $r->start;                        # again, on the same port, and wait until it answers
#   $r->log_text                      # what the peer wrote (its log file)
#
# A missing binary is an error, not a skip: scripts/test installs redis-server and memcached
# (the "suite" set of scripts/lib/packages). Every peer is stopped when the test exits.
use strict;
use warnings FATAL => 'all';

use File::Temp qw(tempdir);
use IO::Socket::INET ();
use Socket ();
use POSIX ();
use Time::HiRes qw(sleep time);

my %LIVE;       # pid => peer, stopped at exit by the process that started them
my $OWNER = $$;

sub find_bin {
    my $name = shift;
    for my $d (split(/:/, $ENV{PATH} // ''), qw(/usr/bin /usr/sbin /usr/local/bin)) {
        return "$d/$name" if length $d && -x "$d/$name";
    }
    die "SencePeers: $name not found (Debian package "
        . ($name eq 'redis-server' ? 'redis-server' : $name)
        . "; scripts/test installs it with the suite set of scripts/lib/packages)\n";
}

# A loopback port nothing listens on (from a range apart from the suite's 85xx-91xx).
sub free_port {
    for my $p (map { 20000 + int rand 12000 } 1 .. 100) {
        socket(my $s, Socket::PF_INET(), Socket::SOCK_STREAM(), 0) or next;
        my $ok = bind($s, Socket::pack_sockaddr_in($p, Socket::inet_aton('127.0.0.1')));
        close $s;
        return $p if $ok;
    }
    die "SencePeers: no free port\n";
}

sub redis {
    my ($class, %o) = @_;
    my $self = $class->_new(kind => 'redis', bin => find_bin('redis-server'), %o);
    return $self->start;
}

sub memcached {
    my ($class, %o) = @_;
    my $self = $class->_new(kind => 'memcached', bin => find_bin('memcached'), %o);
    return $self->start;
}

sub _new {
    my ($class, %o) = @_;
    my $self = bless { port => $o{port} // free_port(), dir => tempdir(CLEANUP => 1), %o }, $class;
    $self->{logfile} = "$self->{dir}/$self->{kind}.log";
    return $self;
}

sub port   { $_[0]{port} }
sub pid    { $_[0]{pid} }
sub kind   { $_[0]{kind} }
sub target { "127.0.0.1:$_[0]{port}" }

sub argv {
    my $self = shift;
    if ($self->{kind} eq 'redis') {
        # no persistence: a killed redis comes back empty, as a lost cache node does
        return ($self->{bin}, '--port', $self->{port}, '--bind', '127.0.0.1', '--save', '',
                '--appendonly', 'no', '--daemonize', 'no', '--dir', $self->{dir},
                '--logfile', $self->{logfile}, '--protected-mode', 'yes');
    }
    # -U 0: no UDP. As root (never under Apache::Test, which refuses root) memcached wants -u.
    return ($self->{bin}, '-l', '127.0.0.1', '-p', $self->{port}, '-U', '0', '-m', '16', '-c', '256',
            ($> == 0 ? ('-u', 'nobody') : ()));
}

# Starts the peer (again, on the same port) and waits until it answers; dies if it does not
# within $timeout seconds, with its log.
sub start {
    my ($self, $timeout) = @_;
    die "SencePeers: $self->{kind} already running (pid $self->{pid})\n" if $self->{pid};
    # the old process's port may linger for a moment (both set SO_REUSEADDR): try for a while
    my $end = time + ($timeout // 10);
    while (1) {
        my @argv = $self->argv;
        my $pid = fork // die "SencePeers: fork: $!\n";
        if (!$pid) {
            open STDIN, '<', '/dev/null';
            open STDOUT, '>>', $self->{logfile};
            open STDERR, '>&', \*STDOUT;
            POSIX::setsid();
            exec { $argv[0] } @argv or POSIX::_exit(127);
        }
        $self->{pid} = $pid;
        $LIVE{$pid} = $self;
        while (time < $end) {
            return $self if $self->alive;
            last if waitpid($pid, POSIX::WNOHANG()) == $pid;    # it exited (port busy?)
            sleep 0.05;
        }
        delete $LIVE{$pid};
        $self->{pid} = undef;
        if (CORE::kill(0, $pid)) { CORE::kill('KILL', $pid); waitpid $pid, 0 }
        die "SencePeers: $self->{kind} did not start on port $self->{port}: " . $self->log_text . "\n"
            if time >= $end;
        sleep 0.2;
    }
}

# One connect and one PING (redis) or "version" (memcached): true when the answer is right.
sub alive {
    my $self = shift;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
                                  Proto => 'tcp', Timeout => 1) or return 0;
    $s->autoflush(1);
    my ($cmd, $want) = $self->{kind} eq 'redis' ? ("PING\r\n", qr/\A\+PONG\r\n/)
                                                : ("version\r\n", qr/\AVERSION \S+\r\n/);
    print $s $cmd or return 0;
    my $line = '';
    my $end = time + 1;
    while (time < $end && $line !~ /\n/) {
        my $rin = '';
        vec($rin, fileno($s), 1) = 1;
        select(my $rout = $rin, undef, undef, 0.1) or next;
        sysread($s, my $buf, 256) or last;
        $line .= $buf;
    }
    close $s;
    return $line =~ $want ? 1 : 0;
}

# A raw command over a fresh connection (redis: inline command, memcached: text protocol);
# returns what came back within a second.
sub command {
    my ($self, $cmd) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
                                  Proto => 'tcp', Timeout => 1) or return;
    $s->autoflush(1);
    print $s "$cmd\r\n";
    my $out = '';
    my $end = time + 1;
    while (time < $end) {
        my $rin = '';
        vec($rin, fileno($s), 1) = 1;
        select(my $rout = $rin, undef, undef, 0.1) or do { last if length $out; next };
        sysread($s, my $buf, 65536) or last;
        $out .= $buf;
    }
    close $s;
    return $out;
}

sub _end {
    my ($self, $sig) = @_;
    my $pid = $self->{pid} or return 1;
    CORE::kill($sig, $pid);
    my $end = time + 10;
    while (time < $end) {
        last if waitpid($pid, POSIX::WNOHANG()) == $pid;
        sleep 0.05;
    }
    if (CORE::kill(0, $pid)) { CORE::kill('KILL', $pid); waitpid $pid, 0 }
    delete $LIVE{$pid};
    $self->{pid} = undef;
    # gone when nothing accepts on the port any more
    $end = time + 5;
    while (time < $end) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
                                      Proto => 'tcp', Timeout => 1) or return 1;
        close $s;
        sleep 0.05;
    }
    return 0;
}

sub kill9 { my $self = shift; return $self->_end('KILL') }

# SIGSTOP / SIGCONT: a hung peer (the kernel still accepts connections, nothing answers).
sub pause  { my $self = shift; return $self->{pid} && CORE::kill('STOP', $self->{pid}) }
sub resume { my $self = shift; return $self->{pid} && CORE::kill('CONT', $self->{pid}) }
sub stop { my $self = shift; return $self->_end('TERM') }

sub log_text {
    my $self = shift;
    open my $fh, '<', $self->{logfile} or return '';
    local $/;
    return scalar(<$fh>) // '';
}

END {
    if ($$ == $OWNER) {
        my $rc = $?;
        for (values %LIVE) { $_->resume; $_->_end('KILL') }
        $? = $rc;
    }
}

1;
