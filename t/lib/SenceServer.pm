package SenceServer;
# Private httpd configurations for the tests that need a server of their own (startup checks,
# journal failures, alert settings): the suite's MPM and modules (inherit-MPM.conf, written by
# Apache::Test), mod_sence, and what the test adds.
#
#   my $file = private_conf($dir, listen => '127.0.0.1:1', body => $text);
#   my ($rc, $out) = httpd_t($file, 'DUMP_SENCE');   # httpd -t [-D ...]: exit code, output
#                                                    # and the private error log
use strict;
use warnings;
use Exporter 'import';
use Apache::Test ();

our @EXPORT_OK = qw(httpd_bin private_conf httpd_t);

sub httpd_bin { return Apache::Test::config()->{vars}{httpd} || die "no httpd\n" }

sub private_conf {
    my ($dir, %o) = @_;
    my $t_dir = Apache::Test::vars('t_dir');
    my $mpm = $ENV{SENCE_TEST_MPM} || 'event';
    my $mods = $ENV{SENCE_MODULES_DIR} or die "SENCE_MODULES_DIR not set\n";
    my $listen = $o{listen} // '127.0.0.1:1';
    my $file = "$dir/httpd.conf";
    open my $fh, '>', $file or die "$file: $!";
    print $fh <<"EOC";
Include "$t_dir/conf/inherit-$mpm.conf"
LoadModule sence_module "$mods/mod_sence.so"
ServerName localhost
Listen $listen
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error_log"
DefaultRuntimeDir "$dir"
EOC
    print $fh $o{body} // '';
    close $fh or die "$file: $!";
    return $file;
}

sub httpd_t {
    my ($file, @defines) = @_;
    (my $dir = $file) =~ s{/[^/]*\z}{};
    unlink "$dir/error_log";
    my $d = join ' ', map { "-D $_" } @defines;
    my $out = `"@{[httpd_bin()]}" -t $d -f "$file" 2>&1`;
    my $rc = $? >> 8;
    if (open my $el, '<', "$dir/error_log") { local $/; $out .= <$el> // '' }
    return ($rc, $out);
}

1;
