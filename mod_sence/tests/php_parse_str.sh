#!/usr/bin/env bash
# Differential test of mod_sence's reading of query strings against PHP's own parse_str():
# 20,000 query strings made of the bytes PHP treats specially (' ', '+', '.', '[', ']', '=',
# '&', '%00', '%20', '%2E', '%5B'...) and two letters. For each, mod_sence must either read
# exactly the names, types and values PHP reads, or flag it (a gated participant's request is
# then refused). Needs php (php8.2-cli); usage: php_parse_str.sh PHP_READ_DUMP
set -euo pipefail
dump=$1
php=${PHP:-php}
command -v "$php" >/dev/null || { echo "php_parse_str: $php not found (install php8.2-cli)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the cases, in hex, one per line (deterministic)
"$php" -r '
mt_srand(20261201);
$atoms = ["a", "b", "a", "b", "id", " ", "+", ".", "[", "]", "=", "&", "&", "%00", "%20", "%2E",
          "%5B", "%5D", "%2B", "%3D", "%26", "_", "%", "%4", "x%zz", "[]", "[a]", "[ ]", "=1", "=2"];
for ($i = 0; $i < 20000; $i++) {
    $q = "";
    $n = mt_rand(1, 9);
    for ($k = 0; $k < $n; $k++) $q .= $atoms[mt_rand(0, count($atoms) - 1)];
    echo bin2hex($q), "\n";
}' >"$work/cases"

# PHP: parse_str, names sorted, "[]" for arrays, else the value in hex
"$php" -r '
while (($l = fgets(STDIN)) !== false) {
    $q = hex2bin(rtrim($l, "\r\n"));
    $out = [];
    parse_str($q, $out);
    ksort($out, SORT_STRING);
    $line = "";
    foreach ($out as $k => $v) $line .= "\t" . bin2hex((string)$k) . "=" . (is_array($v) ? "[]" : bin2hex($v));
    echo $line, "\n";
}' <"$work/cases" >"$work/php"
"$dump" <"$work/cases" >"$work/sence"

# line by line: mod_sence's "1" (refused) or "0" and the same fields as PHP's
perl -e '
  open my $c, "<", $ARGV[0] or die; open my $p, "<", $ARGV[1] or die; open my $s, "<", $ARGV[2] or die;
  my ($same, $odd, $bad) = (0, 0, 0);
  while (defined(my $case = <$c>)) {
      my $php = <$p>; my $sence = <$s>;
      chomp($case, $php, $sence);
      my ($flag, $fields) = $sence =~ /\A([01])(.*)\z/s or die "bad line from the dump: $sence\n";
      if ($flag) { $odd++; next }
      if ($fields eq $php) { $same++; next }
      printf "differs: %s (%s)\n  php:  %s\n  sence:%s\n", $case, pack("H*", $case), $php, $fields if $bad++ < 10;
  }
  printf "php_parse_str: %d cases read as PHP reads them, %d refused, %d read otherwise\n", $same, $odd, $bad;
  exit($bad || $same < 1000 || $odd < 1000 ? 1 : 0);
' "$work/cases" "$work/php" "$work/sence"
