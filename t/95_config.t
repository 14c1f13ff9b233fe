# Startup validation: `httpd -t` refuses configurations the module cannot work with.
use strict;
use warnings FATAL => 'all';
use FindBin; use lib "$FindBin::Bin/lib";

use Test::More;
use Apache::Test ();
use File::Temp qw(tempdir);
use SenceConf qw(:all);
use SenceServer qw(private_conf httpd_t);

my $tmp   = tempdir(CLEANUP => 1);
my $tok   = TOKEN;

my %good = (
    public   => 'SencePublicURL http://localhost:8529',
    rut      => 'SenceRutOtec 76543210-3',
    token    => "SenceToken $tok",
    endpoint => 'SenceEndpoint http://localhost:8529/rcetest',
    extra    => '',
    location => join("\n", '<Location /c/>', '    Sence On', '    SenceCodSence 1234567890',
                     '    SenceCodigoCurso RLAB-19-02-08-0071-1', '    SenceLinea 3', '</Location>'),
);

# Runs httpd -t on the good configuration with some parts replaced; returns (exit, output).
sub check {
    my %over = @_;
    my %c = (%good, %over);
    return httpd_t(private_conf($tmp, body => join("\n", @c{qw(public rut token endpoint extra location)}, '')));
}

my ($rc, $out) = check();
is($rc, 0, 'the reference configuration passes httpd -t') or diag($out);

my $long = 'http://' . ('a' x 80) . '.example.cl';
for my $case (
    [ { public => "SencePublicURL $long" },                        qr/100/,                'callback URL over 100 characters' ],
    [ { rut => 'SenceRutOtec 76543210-4' },                         qr/RUT|RutOtec/i,       'RUT with a wrong check digit' ],
    [ { rut => 'SenceRutOtec 76.543.210' },                         qr/RUT|RutOtec/i,       'malformed RUT' ],
    [ { token => '' },                                              qr/token/i,             'gated location without a token' ],
    [ { location => $good{location} =~ s/SenceLinea 3/SenceLinea 5/r },                    qr/Linea/i,       'line 5' ],
    [ { location => $good{location} =~ s/SenceCodSence 1234567890/SenceCodSence 12345/r }, qr/CodSence/i,    'CodSence too short' ],
    [ { location => $good{location} =~ s/SenceCodigoCurso \S+/SenceCodigoCurso ABC/r },    qr/CodigoCurso/i, 'CodigoCurso too short' ],
    [ { extra => 'SenceSessionLifetime 4x' },                       qr/SenceSessionLifetime|duration/i, 'bad duration' ],
    [ { extra => 'SenceEnvironment staging' },                      qr/SenceEnvironment|test|production/i, 'unknown environment' ],
    [ { extra => 'SenceRun "%{REMOTE_USER"' },                      qr/SenceRun|expr/i,    'SenceRun expression that does not parse' ],
    [ { public => 'SencePublicURL localhost:8529' },                qr/SencePublicURL|URL/i, 'SencePublicURL without a scheme' ],
) {
    my ($over, $re, $what) = @$case;
    my ($rc, $out) = check(%$over);
    isnt($rc, 0, "$what: httpd -t fails");
    like($out, $re, "$what: the message says why") or diag($out);
}

done_testing;
