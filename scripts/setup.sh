#!/usr/bin/env bash
# Sets pareto-edge up on a fresh Debian machine: system packages (libtorch, OpenBLAS, build tools,
# Chromium for the report's browser test, Redis for distributed runs), npm dependencies, the native addon and the TypeScript.
# Safe to run again: it installs only what is missing and rebuilds only what is stale.
#   PARETO_EDGE_BENCH=1  also installs Debian's python3-torch, the PyTorch peer of bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { if [ -z "${PARETO_EDGE_QUIET:-}" ]; then echo "setup: $*"; fi; }

apt_packages=(libtorch-dev libopenblas0-openmp g++ make python3 pkg-config chromium fonts-dejavu-core redis-server)
if [ -n "${PARETO_EDGE_BENCH:-}" ]; then apt_packages+=(python3-torch); fi

missing=()
for package in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ -n "${LIBTORCH:-}" ]; then
  # A libtorch of the user's own (e.g. a Jetson's CUDA build) replaces Debian's.
  missing=("${missing[@]/libtorch-dev}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# node-gyp builds against the headers of the node that runs it; /usr/include/node is Debian's (and
# with it node-gyp downloads nothing).
nodedir_flag=()
if [ -f /usr/include/node/node_api.h ]; then nodedir_flag=(--nodedir=/usr); fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  # better-sqlite3 is compiled here instead of fetching a prebuilt binary (package.json's allowScripts
  # lets only it run an install script; onnxruntime-node's CPU binaries ship inside the package).
  if [ -f /usr/include/node/node_api.h ]; then export npm_config_nodedir=/usr; fi
  npm_config_build_from_source=better-sqlite3 ONNXRUNTIME_NODE_INSTALL_CUDA=skip \
    npm ci --no-audit --no-fund --loglevel=error
fi

addon=native/build/Release/pareto_edge.node
if [ ! -f "$addon" ] || [ -n "$(find native/src native/binding.gyp -newer "$addon" 2>/dev/null | head -1)" ]; then
  log "building the native addon (libtorch; a few minutes the first time)"
  (cd native && ../node_modules/.bin/node-gyp rebuild -j 2 "${nodedir_flag[@]}" --loglevel=error >/dev/null)
fi

log "compiling TypeScript"
npx tsc -p tsconfig.json
log "ready"
