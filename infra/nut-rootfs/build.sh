#!/usr/bin/env bash
# Builds the "fuller" NUT image for the kernel's net selftests: a Debian bookworm root file system made by
# debootstrap (bash, iproute2 and the tools the tests use) with the lab's NUT init, packed as an initramfs
# the QEMU NUT driver boots like its small image (give the VM >= 768 MiB). The net selftests themselves
# are added per kernel (packages/engine-kselftest builds and installs them into <image>.selftests/ beside it).
#
#   infra/nut-rootfs/build.sh [OUTPUT]      (default: $TESTLAB_CACHE/nut-rootfs/rootfs.cpio.gz)
#
# Cached: the debootstrap tree is kept under the output's folder, keyed by a hash of this script and the
# package list; an unchanged script gives the cached image instantly. Needs root (debootstrap), network
# access to the Debian archive (or MIRROR=...), and the lab's base initramfs (infra/nut-image/build-initramfs.sh).
set -euo pipefail
script_path=$(readlink -f "${BASH_SOURCE[0]}")
repo_root=$(cd "$(dirname "$script_path")/../.." && pwd)
cache=${TESTLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/testlab}
out=${1:-$cache/nut-rootfs/rootfs.cpio.gz}
case $out in /*) ;; *) out=$PWD/$out ;; esac
mirror=${MIRROR:-http://deb.debian.org/debian}
suite=bookworm
lab_image=${TESTLAB_NUT_IMAGE:-$repo_root/var/nut-image/initramfs.gz}
# What tools/testing/selftests/net scripts call (missing ones make a test SKIP, exit 4): bash, iproute2
# (ip, tc, bridge, ss), ping/ping6, sysctl, tcpdump, socat, jq, traceroute, ethtool, nc; netbase for
# /etc/protocols (`ip rule ... ipproto tcp`); dropbear for the lab's SSH; kmod for modprobe (a tinyconfig
# kernel has no modules, but scripts call it). kexec-tools, cpio and grub2-common (grub-reboot): the same
# image serves as the root file system of a QEMU VM playing a machine for the SSH machine driver's tests
# (kexec or GRUB's one-time boot into the kernel under test, an initramfs remade with its modules).
packages=(bash netbase iproute2 iputils-ping iputils-tracepath procps kmod ethtool jq socat tcpdump traceroute netcat-openbsd dropbear-bin psmisc coreutils findutils grep gawk sed kexec-tools cpio grub2-common)

for tool in debootstrap cpio gzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "nut-rootfs: missing tool: $tool (apt-get install debootstrap cpio)" >&2; exit 1; }
done
[[ $(id -u) == 0 ]] || { echo "nut-rootfs: debootstrap needs root" >&2; exit 1; }
[[ -f $lab_image ]] || { echo "nut-rootfs: the lab's base image $lab_image is missing: run infra/nut-image/build-initramfs.sh" >&2; exit 1; }

# The debootstrap tree depends on the suite and the packages only; the image also on this script and the
# lab's base image, so editing the staging below does not download Debian again.
root_key=$(echo "$suite $mirror ${packages[*]}" | sha256sum | cut -c1-16)
key=$( { sha256sum "$script_path"; echo "$root_key"; sha256sum "$lab_image"; } | sha256sum | cut -c1-16)
work=$(dirname "$out")/debootstrap-$root_key
stamp=$out.inputs
if [[ -f $out && -f $stamp && $(cat "$stamp") == "$key" ]]; then
  echo "nut-rootfs: $out up to date ($(du -h "$out" | cut -f1))"
  exit 0
fi
mkdir -p "$(dirname "$out")"
if [[ ! -f $work/.debootstrap-done ]]; then
  rm -rf "$work"
  mkdir -p "$work"
  echo "nut-rootfs: debootstrap $suite (minbase + ${#packages[@]} packages) into $work; takes a few minutes"
  debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" "$suite" "$work/root" "$mirror" 2>&1 \
    | sed -u 's/^/  debootstrap: /'
  touch "$work/.debootstrap-done"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
echo "nut-rootfs: staging the image"
cp -a "$work/root/." "$stage/"
# Nothing a test reads: documentation, manuals, locales, apt's caches.
rm -rf "$stage"/usr/share/{doc,man,info,locale} "$stage"/var/cache/apt/* "$stage"/var/lib/apt/lists/*
# The lab's /init (console marker, management NIC, sysctls, test links, dropbear) and busybox, which it
# calls by path for a few applets; everything else it runs is now Debian's.
mkdir -p "$stage/lab"
(cd "$stage/lab" && gzip -dc "$lab_image" | cpio -id --quiet init bin/busybox)
install -m 0755 "$stage/lab/init" "$stage/init"
install -m 0755 "$stage/lab/bin/busybox" "$stage/usr/bin/busybox"
rm -rf "$stage/lab"
# dropbear is where the lab's /init expects it; root logs in with the key the per-VM overlay adds.
[[ -x $stage/usr/sbin/dropbear ]] || { echo "nut-rootfs: dropbear missing from the root file system" >&2; exit 1; }
mkdir -p "$stage/etc/dropbear" "$stage/root/.ssh" "$stage/opt/kselftest"
chmod 0700 "$stage/root" "$stage/root/.ssh"
# The kernel opens /dev/console for PID 1 before devtmpfs is mounted.
[[ -e $stage/dev/console ]] || mknod -m 600 "$stage/dev/console" c 5 1
(cd "$stage" && find . -xdev | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$key" > "$stamp"
echo "nut-rootfs: $out ($(du -h "$out" | cut -f1))"
