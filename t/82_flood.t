# One participant at full speed cannot push anyone else out of the store (capacity 512): a loop
# of gate pages and self-forged "success" callbacks (the participant's own IdSesionAlumno is
# in their gate page) only ever replaces that participant's own records, journaled.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceJournal qw(:all);

# The victim goes through the simulator (a RUN of its roster); the others need no SENCE login.
my ($victim, $waiting, $attacker) = ('12345678-5', run_of(50000002), run_of(50000003));
my ($st) = status_json();
my $cap = $st ? $st->{store}{capacity} : 512;

# A victim with a live session, another with a login pending at SENCE.
my $vua = new_ua(run => $victim);
roundtrip(ua => $vua, path => '/curso/', run => $victim, content => qr/CONTENIDO-CURSO-A:/,
          name => 'victim starts a session');
my $wua = new_ua(run => $waiting);
my $pending = form_fields(scalar gate_form($wua->request(GET url('/curso/'))));
ok($pending->{IdSesionAlumno}, 'second victim: a login pending at SENCE');

# The flood: more than the whole store's worth of records from one participant.
my ($st0) = status_json();    # after the victims' own setup (which may replace their old sessions)
my $jm = journal_mark();
my $aua = new_ua(run => $attacker);
$aua->conn_cache({ total_capacity => 2 });
my ($rounds, $started, $gates) = (int($cap * 1.2), 0, 0);
for (1 .. $rounds) {
    $aua->cookie_jar->clear;    # without its session cookie, each time a new gate page
    my $g = form_fields(scalar gate_form($aua->request(GET url('/curso/'))));
    next unless $g->{IdSesionAlumno};
    $gates++;
    my $res = sence_callback($aua, 'retoma', callback_fields($g));
    $started++ if $res->code == 303;
}
for (1 .. 50) {    # and gate pages alone
    $aua->cookie_jar->clear;
    $gates++ if is_gate_page($aua->request(GET url('/curso/')));
}
is($started, $rounds, "$rounds self-forged sessions accepted (the protocol cannot refuse them)");
is($gates, $rounds + 50, 'and every gate page served');

my $page = $vua->request(GET url('/curso/'));
ok($page->code == 200 && !is_gate_page($page), 'the victim still has their session')
    or diag($page->status_line);
like($page->decoded_content // '', qr/CONTENIDO-CURSO-A:/, '... and the course content');
my $cb = sence_callback($wua, 'retoma', callback_fields($pending));
is($cb->code, 303, "the waiting victim's login is still accepted after SENCE (not 410)")
    or diag($cb->as_string);
my $after = $wua->request(GET url('/curso/'));
ok($after->code == 200 && !is_gate_page($after), '... and opens the course');

# The attacker kept one session of the course and at most 4 pending logins; all journaled.
my @lines = map { $_->{json} } grep { $_->{json} } journal_since($jm);
my %by;
$by{ $_->{event} }{ $_->{run} // '' }++ for @lines;
is($by{session_replaced}{$attacker} // 0, $rounds - 1,
   'each new session replaced the previous one of the same course (session_replaced)');
is($by{login_replaced}{$attacker} // 0, 50 - 4, 'gate pages beyond 4 replaced the oldest (login_replaced)');
# Earlier tests may have left the store full of pending logins: then the attacker's first
# records made room (4 pending logins and the session, what one participant may hold), and
# from there on only ever replaced their own: the flood's evictions do not grow with its rate.
my @evicted = grep { $_->{event} =~ /_evicted\z/ } @lines;
cmp_ok(scalar @evicted, '<=', 4 + 1, scalar(@evicted) . ' record(s) evicted: at most what one participant may hold');
my @victims = grep { ($_->{run} // '') =~ /\A(?:\Q$victim\E|\Q$waiting\E)\z/ && $_->{event} =~ /_(?:replaced|evicted)\z/ } @lines;
is(scalar @victims, 0, "no record of either victim was replaced or evicted");
my @others = grep { ($_->{run} // '') ne $attacker && $_->{event} =~ /_replaced\z/ } @lines;
is(scalar @others, 0, "only the attacker's records were replaced");
my $line = (grep { $_->{event} eq 'session_replaced' } @lines)[0];
check_event($line, event => 'session_replaced', name => 'a session_replaced line, field by field',
            fields => { run => $attacker });
my ($st1) = status_json();
SKIP: {
    skip 'no status JSON', 2 unless $st0 && $st1;
    is($st1->{events}{session_replaced} - $st0->{events}{session_replaced}, $rounds - 1,
       'status: events.session_replaced');
    is($st1->{store}{evicted}{sessions} - $st0->{store}{evicted}{sessions}, 0,
       'status: no session evicted');
}

done_testing;
