#!/bin/sh
# Code generation: turns api/schema/greeting.txt into a page the API image serves.
set -eu
cd "$(dirname "$0")/.."
mkdir -p api/site/generated
{
  printf '<!doctype html>\n<title>greeting</title>\n<p>'
  cat api/schema/greeting.txt
  printf '</p>\n'
} > api/site/generated/greeting.html.tmp
mv api/site/generated/greeting.html.tmp api/site/generated/greeting.html
echo "generated api/site/generated/greeting.html"
