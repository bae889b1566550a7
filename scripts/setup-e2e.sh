#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently and without a TTY:
#   - Debian packages: chromium (driven by playwright-core), libkrb5-dev (code-server's native
#     kerberos module), neovim (the second, independent LSP client);
#   - code-server 4.100.3 (VS Code 1.100.3 workbench + Node extension host) into .cache/code-server,
#     outside the project's own node_modules.
# See ../shared/recipes/real-vscode.md for why each step is here. Fast (well under a second) when
# everything is already installed.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
RIPGREP_PKG=@vscode/ripgrep-linux-x64@1.18.0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="$root/.cache"
prefix="$cache/code-server"
bin="$prefix/node_modules/.bin/code-server"

log() { printf 'setup-e2e: %s\n' "$*" >&2; }

# --- Debian packages --------------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
if ((${#missing[@]})); then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- code-server ----------------------------------------------------------------------------
installed_version() {
  node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch{}' \
    "$prefix/node_modules/code-server/package.json" 2>/dev/null || true
}
if [ -x "$bin" ] && [ "$(installed_version)" = "$CODE_SERVER_VERSION" ]; then
  exit 0
fi

log "installing code-server@$CODE_SERVER_VERSION into ${prefix#"$root"/}"
mkdir -p "$prefix" "$cache/tmp"
# Private TMPDIR: the ripgrep cache below and npm's scratch files stay inside .cache/.
export TMPDIR="$cache/tmp"

# Snag 1: VS Code's @vscode/ripgrep@1.15.11 postinstall downloads rg from GitHub unless this
# cache file exists. Fill it from the npm package @vscode/ripgrep-linux-x64, which ships rg.
rg_cache="$TMPDIR/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rg_cache" ]; then
  work=$(mktemp -d "$TMPDIR/rg.XXXXXX")
  (cd "$work" && npm pack --silent "$RIPGREP_PKG" >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$(dirname "$rg_cache")"
  tar czf "$rg_cache" -C "$work/package/bin" rg
  rm -rf "$work"
fi

[ -f "$prefix/package.json" ] || printf '{ "private": true, "description": "code-server for Ajar e2e tests" }\n' >"$prefix/package.json"
# Snag 2: as root, code-server's postinstall wants unsafe-perm. Snag 3: node-pty runs `npx node-gyp`.
npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm_config_update_notifier=false \
  npm install --prefix "$prefix" --save-exact --loglevel=error "code-server@$CODE_SERVER_VERSION" </dev/null >&2

[ "$(installed_version)" = "$CODE_SERVER_VERSION" ] || { log "code-server install failed"; exit 1; }
"$bin" --version >/dev/null
log "code-server $("$bin" --version | head -n1) ready"
