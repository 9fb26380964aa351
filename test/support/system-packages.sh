#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: Chromium (live view),
# iproute2/ping/tcpdump (netns backend), openssh-server (SSH backend), zsh and fish
# (completion scripts), tmux (the terminal view). Run by the tests' global setup; needs root
# and apt-get, otherwise it says what is missing and exits 0 (the tests that need a missing
# tool then fail with a message naming it; they never skip in CI).
set -uo pipefail
declare -A needs=(
  [chromium]=/usr/bin/chromium
  [iproute2]=/usr/sbin/ip
  [iputils-ping]=/usr/bin/ping
  [tcpdump]=/usr/bin/tcpdump
  [openssh-server]=/usr/sbin/sshd
  [openssh-client]=/usr/bin/ssh-keygen
  [zsh]=/usr/bin/zsh
  [fish]=/usr/bin/fish
  [tmux]=/usr/bin/tmux
)
missing=()
for pkg in "${!needs[@]}"; do
  [ -x "${needs[$pkg]}" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "nepi tests: missing ${missing[*]} (install them as root with apt-get)" >&2
  exit 0
fi
echo "nepi tests: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
