#!/bin/sh
# Each module exports its module record and nothing else: httpd loads modules with global
# symbol binding, so an exported helper could be called in place of another module's.
#   exports.sh MODULE.so SYMBOL [MODULE.so SYMBOL]...
status=0
while [ $# -ge 2 ]; do
  got=$(nm -D --defined-only "$1" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sort | tr '\n' ' ')
  if [ "$got" != "$2 " ]; then
    echo "FAIL: $1 exports: $got(want only $2)"
    status=1
  else
    echo "ok: $1 exports only $2"
  fi
  shift 2
done
exit $status
