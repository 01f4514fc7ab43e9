#!/usr/bin/env bash
# Installs everything the lab needs on a fresh Debian 12 machine and builds the project. Idempotent:
# every step checks before it works, so a second call takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # the kernel under test and its build
  linux-source-6.1 build-essential bc flex bison libelf-dev libssl-dev cpio ccache xz-utils git
  # depmod for `make modules_install` of kernels built with modules (machine NUTs)
  kmod
  # the QEMU NUT and its initramfs; the lab's SSH keys (ssh-keygen, dropbearkey)
  qemu-system-x86 busybox-static dropbear-bin radvd iproute2 openssh-client
  # a QEMU VM playing a machine that boots through GRUB from its disk (infra/qemu/grub-disk.sh)
  grub-pc-bin grub2-common fdisk
  # checks of the evidence: pcaps must be readable by tcpdump
  tcpdump
  # Wireshark's own ESP/AH dissectors check @testlab/ipsec's wire format and its esp_sa key file
  tshark
  # the dashboard's browser tests (playwright-core drives Debian's chromium; npm downloads no browser)
  chromium
  # signatures of kernel.org tarballs; test keys for the watcher's tests
  gpgv gnupg
  # the fuller NUT root file system for kernel selftests; real SSH machines (NUTs, TAHI tester host) in tests
  debootstrap openssh-server
  # the PostgreSQL store: its tests start throw-away clusters (initdb, postgres) as an unprivileged user
  postgresql
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci when the lock file changed since the last install (or nothing is installed yet).
stamp=node_modules/.testlab-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
node -e "require('better-sqlite3')(':memory:')" 2>/dev/null || npm rebuild better-sqlite3

echo "setup: building the project (tsc -b)"
npx tsc -b

bash infra/nut-image/build-initramfs.sh var/nut-image/initramfs.gz
# The Debian root file system kselftest test sets boot (needs the image above; cached after the first ~3 min).
bash infra/nut-rootfs/build.sh
