# Moodle mode, who is gated: only holders of a gated role (student) in the course context
# without an exempt role (editingteacher, manager); members of an exempt group and site
# admins pass. Changes in Moodle apply once SenceMoodleCacheTTL has passed.
use strict;
use warnings FATAL => 'all';
use utf8;
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use HTTP::Request::Common qw(GET);
use SenceConf qw(:all);
use SenceTest qw(:all);
use SenceMoodle qw(:all);

reset_fixture();
my $c2 = '/moodle/course/view.php?id=2';
my $m2 = '/moodle/mod/page/view.php?id=201';
my $c3 = '/moodle/course/view.php?id=3';

sub get { my ($user, $p) = @_; return moodle_ua(user => $user)->request(GET url($p)) }

# Exempt.
passes_ok(get(profesor => $c2), 'editingteacher in course 2', $c2);
passes_ok(get(profesor => $m2), 'editingteacher in course 2, activity', $m2);
passes_ok(get(admin => $c2), 'site admin (not enrolled)', $c2);
passes_ok(get(admin => $c3), 'site admin, course 3', $c3);
passes_ok(get(admin2 => $c2), 'second site admin in siteadmins "2,8", enrolled as student', $c2);
passes_ok(get(coordinador => $c2), 'student and manager in course 2', $c2);
passes_ok(get(becario => $c2), 'student in exempt group Becarios of course 2', $c2);
passes_ok(get(becario => $m2), 'exempt group, activity', $m2);

# Not exempt.
gated_ok(get(profesor => $c3), run => '10000013-k', codes => CODES_C3,
         name => 'editingteacher of course 2 is a student of course 3');
gated_ok(get(alumno2 => $c2), run => '11111111-1', codes => CODES_C2,
         name => 'member of "Becarios" of course 3 only, student of course 2');
gated_ok(get(alumno1 => $c2), run => '12345678-5', codes => CODES_C2, name => 'member of a non-exempt group');

# No gated role in the course: left to Moodle (enrolment is Moodle's business).
passes_ok(get(alumno2 => $c3), 'not enrolled in course 3', $c3);
passes_ok(get(becario => $c3), 'not enrolled in course 3 (becario)', $c3);

# Moodle changes apply after the cache TTL.
{
    my $dbh = dbh();
    $dbh->do('INSERT INTO mdl_groups_members (id, groupid, userid) VALUES (100, 1, 4)');
    wait_ttl();
    passes_ok(get(alumno2 => $c2), 'alumno2 added to Becarios of course 2', $c2);
    $dbh->do('DELETE FROM mdl_groups_members WHERE id = 100');
    wait_ttl();
    gated_ok(get(alumno2 => $c2), run => '11111111-1', name => 'alumno2 removed from Becarios');

    $dbh->do('INSERT INTO mdl_role_assignments (id, roleid, contextid, userid) VALUES (100, 3, 20, 4)');
    wait_ttl();
    passes_ok(get(alumno2 => $c2), 'alumno2 made editingteacher of course 2', $c2);
    $dbh->do('DELETE FROM mdl_role_assignments WHERE id = 100');

    $dbh->do(q{UPDATE mdl_config SET value = '2,8,4' WHERE name = 'siteadmins'});
    wait_ttl();
    passes_ok(get(alumno2 => $c2), 'alumno2 added to siteadmins', $c2);
    $dbh->do(q{UPDATE mdl_config SET value = '2,8' WHERE name = 'siteadmins'});

    $dbh->do('DELETE FROM mdl_role_assignments WHERE userid = 4 AND contextid = 20');
    wait_ttl();
    passes_ok(get(alumno2 => $c2), 'alumno2 unenrolled from course 2', $c2);
    $dbh->do('INSERT INTO mdl_role_assignments (id, roleid, contextid, userid) VALUES (101, 5, 20, 4)');
    wait_ttl();
    gated_ok(get(alumno2 => $c2), run => '11111111-1', name => 'alumno2 enrolled again as student');
}

done_testing;
