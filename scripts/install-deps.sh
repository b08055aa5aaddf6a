#!/usr/bin/env bash
# Installs the system libraries mle-report builds against, when they are missing.
# Debian/Ubuntu: apt-get (with sudo when not root). Elsewhere: prints what to install.
set -euo pipefail

apt_packages=(pkg-config libcairo2-dev libpango1.0-dev libpng-dev libssl-dev fonts-dejavu-core fonts-texgyre-math)
missing=0
# `--browser` (used by `make test`): headless Chromium too, for the real-browser test of the page.
if [ "${1:-}" = "--browser" ]; then
  apt_packages+=(chromium)
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing=1
fi
if ! command -v pkg-config >/dev/null 2>&1; then
  missing=1
else
  pkg-config --exists cairo pangocairo libpng libcrypto || missing=1
fi
if ! command -v fc-list >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -q "DejaVuSans.ttf"; then
  missing=1
fi
# The OpenType math font the page ships (TeX Gyre DejaVu Math, from fonts-texgyre-math).
[ -f /usr/share/texmf/fonts/opentype/public/tex-gyre-math/texgyredejavu-math.otf ] || missing=1
[ "$missing" = 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "error: installing ${apt_packages[*]} needs root; run this as root or install sudo" >&2
      exit 1
    fi
  fi
  echo "mle-report: installing ${apt_packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  exit 0
fi

cat >&2 <<'MSG'
error: mle-report needs Cairo, Pango, libpng, OpenSSL (libcrypto), pkg-config and the DejaVu fonts.
  macOS (Homebrew): brew install pkg-config cairo pango libpng openssl@3 && brew install --cask font-dejavu
  (and TeX Gyre DejaVu Math: set MLE_REPORT_MATH_FONT to its .otf file)
  (and for `make test`: brew install --cask chromium)
  Other systems: install the development packages of cairo, pango, libpng and OpenSSL, and DejaVu Sans.
MSG
exit 1
