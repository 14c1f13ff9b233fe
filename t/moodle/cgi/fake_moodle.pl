#!/usr/bin/perl
# Stands in for Moodle's PHP in the mod_sence test suite (t/conf/extra.conf.in maps every
# /moodle*/...php URL here with ScriptAliasMatch). It answers 200 with a plain-text echo of
# what reached it, so a test can tell "the gate let it through" from the gate's own answers,
# and that a request body (lib/ajax/service.php) arrived intact:
#
#   FAKE-MOODLE
#   method=POST
#   uri=/moodle/lib/ajax/service.php?sesskey=x
#   path_info=...
#   cookie=MoodleSession=...
#   length=123
#   md5=<hex of the body>
#   body=<the body, raw, to the end>
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);

binmode STDIN;
binmode STDOUT;

my $body = '';
my $want = $ENV{CONTENT_LENGTH};
if (defined $want && $want =~ /\A\d+\z/) {
    while (length($body) < $want) {
        my $n = read(STDIN, $body, $want - length($body), length($body));
        last unless $n;
    }
}
else {
    local $/;
    $body = <STDIN> // '';
}

# ?fake_body_course=N: answer as a Moodle HTML page of course N (its <body> says so, after a
# <head> of 40 KB as Moodle's are), for the tests of the output filter; the echo follows.
my ($page_course) = ($ENV{QUERY_STRING} // '') =~ /(?:^|&)fake_body_course=(\d+)/;
print "Status: 200 OK\r\n",
      "Content-Type: ", (defined $page_course ? 'text/html' : 'text/plain'), "; charset=utf-8\r\n",
      "Cache-Control: no-store\r\n",
      "X-Fake-Moodle: 1\r\n\r\n";
if (defined $page_course) {
    print "<!DOCTYPE html>\n<html dir=\"ltr\" lang=\"es\">\n<head>\n<title>Curso</title>\n";
    print "<script>//", ("x" x 78), "\n</script>\n" for 1 .. 500;
    print "</head>\n<body  id=\"page-course-view-topics\" class=\"format-topics path-course ",
          "chrome dir-ltr lang-es yui-skin-sam course-$page_course context-20 category-1\">\n";
}
print "FAKE-MOODLE\n";
print "method=", ($ENV{REQUEST_METHOD} // ''), "\n";
print "uri=", ($ENV{REQUEST_URI} // ''), "\n";
print "path_info=", ($ENV{PATH_INFO} // ''), "\n";
print "cookie=", ($ENV{HTTP_COOKIE} // ''), "\n";
print "length=", length($body), "\n";
print "md5=", md5_hex($body), "\n";
print "body=", $body;
