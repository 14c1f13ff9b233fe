#!/usr/bin/perl
# Every field of a configuration struct is handled by its merge function, so that a new
# directive cannot be forgotten there (it would then silently not inherit or not override).
# Fields after a "derived at startup" comment, or whose comment says "main server only"
# or "not merged", are exempt.
#   check_directives.pl HEADER STRUCT SOURCE FUNCTION [HEADER STRUCT SOURCE FUNCTION]...
use strict;
use warnings;

sub slurp { my $f = shift; open my $fh, '<', $f or die "$f: $!\n"; local $/; return <$fh> }

my $bad = 0;
while (@ARGV >= 4) {
    my ($hdr, $struct, $src, $fn) = splice @ARGV, 0, 4;
    my $h = slurp($hdr);
    # the body of "typedef struct { ... } STRUCT;"
    my ($body) = $h =~ /typedef struct \{((?:(?!typedef struct \{).)*?)\}\s*\Q$struct\E\s*;/s
        or die "$hdr: no struct $struct\n";
    $body =~ s{/\*\s*derived at startup\s*\*/.*}{}s;
    my @fields;
    for my $line (split /\n/, $body) {
        next if $line =~ m{main server only|not merged};
        (my $code = $line) =~ s{/\*.*?(\*/|$)}{}g;
        next unless $code =~ /;/;
        push @fields, $1 if $code =~ /\**(\w+)\s*(?:\[[^\]]*\])?\s*;/;
    }
    my $s = slurp($src);
    my ($def) = $s =~ /^[^\n]*\b\Q$fn\E\s*\([^)]*\)\s*\n\{(.*?)\n\}/ms
        or die "$src: no function $fn\n";
    for my $f (@fields) {
        next if $def =~ /(?:->|\.)\Q$f\E\b|\bPICK(?:_SET)?\(\s*\Q$f\E\b/;
        print "FAIL: $struct.$f is not handled by $fn ($src)\n";
        $bad++;
    }
    print "ok: $struct: " . scalar(@fields) . " fields, all in $fn\n" unless $bad;
}
exit($bad ? 1 : 0);
