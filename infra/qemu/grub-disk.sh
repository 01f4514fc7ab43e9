#!/usr/bin/env bash
# Makes a BIOS-bootable raw disk image the way a machine's disk is laid out: an MBR with GRUB's boot sector,
# GRUB's core image in the gap after it, and one bootable ext2 partition, the machine's /boot, holding the
# given folder (grub/grub.cfg, kernels, initramfs images), with GRUB's modules and an empty environment
# block added. grub.cfg names files from the partition's root (`linux /vmlinuz-...`).
# A QEMU VM booting it (the QEMU driver's machineLike + bootDisk) boots like a machine, so grub-reboot on it
# arms a real one-time boot. Needs no root and no loop device: the file system is written in place.
#
#   infra/qemu/grub-disk.sh OUT.img FOLDER [SIZE_MIB]
set -euo pipefail
out=${1:?usage: grub-disk.sh OUT.img FOLDER [SIZE_MIB]}
folder=${2:?usage: grub-disk.sh OUT.img FOLDER [SIZE_MIB]}
size=${3:-256}
grub=/usr/lib/grub/i386-pc
for tool in grub-mkimage grub-editenv mkfs.ext2 sfdisk; do
  command -v "$tool" >/dev/null || { echo "grub-disk: missing tool: $tool (apt-get install grub-pc-bin grub2-common e2fsprogs fdisk)" >&2; exit 1; }
done
[[ -f $grub/boot.img && -f $grub/diskboot.img ]] || { echo "grub-disk: $grub has no boot images (apt-get install grub-pc-bin)" >&2; exit 1; }
[[ -f $folder/grub/grub.cfg ]] || { echo "grub-disk: $folder/grub/grub.cfg is missing" >&2; exit 1; }
[[ $size =~ ^[0-9]+$ ]] && (( size >= 16 && size <= 8192 )) || { echo "grub-disk: size $size MiB out of range 16..8192" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out.tmp"' EXIT
# GRUB loads `normal` and the commands grub.cfg uses from the disk, like an installed GRUB.
mkdir -p "$folder/grub/i386-pc"
cp "$grub"/*.mod "$grub"/*.lst "$folder/grub/i386-pc/"
[[ -f $folder/grub/grubenv ]] || grub-editenv "$folder/grub/grubenv" create
grub-mkimage -O i386-pc -o "$tmp/core.img" -p '(hd0,msdos1)/grub' biosdisk part_msdos ext2
core_bytes=$(stat -c %s "$tmp/core.img")
core_sectors=$(( (core_bytes + 511) / 512 ))
(( core_sectors < 2047 )) || { echo "grub-disk: core image of $core_sectors sectors does not fit before the partition" >&2; exit 1; }

truncate -s "${size}M" "$out.tmp"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$out.tmp"
mkfs.ext2 -q -F -L boot -E offset=$((2048 * 512)) -d "$folder" "$out.tmp" "$((size - 1))M"
# The boot sector's code (its first 440 bytes: the partition table stays), then the core image at sector 1.
dd if="$grub/boot.img" of="$out.tmp" bs=440 count=1 conv=notrunc status=none
dd if="$tmp/core.img" of="$out.tmp" bs=512 seek=1 conv=notrunc status=none
# What grub-bios-setup would write: the first sector of the core image loads the rest, sectors 2.. on; its
# block list's length (16 bits at 0x1fc of that sector) is the core image's sector count less itself.
printf "$(printf '\\x%02x\\x%02x' $(( (core_sectors - 1) & 255 )) $(( (core_sectors - 1) >> 8 )))" \
  | dd of="$out.tmp" bs=1 seek=$((512 + 0x1fc)) conv=notrunc status=none
mv "$out.tmp" "$out"
echo "grub-disk: $out (${size} MiB, GRUB core ${core_sectors} sectors)"
