// The contract between the QEMU driver and the NUT image's /init (infra/nut-image/build-initramfs.sh).
// Both sides must agree on these values; change them together.

/** /init finds the management NIC by this MAC and gives it 10.0.2.15/24 (QEMU user-mode network). */
export const MGMT_MAC = '52:54:00:ff:00:00';

/** Where /init starts dropbear; QEMU forwards a host port here. */
export const GUEST_SSH_PORT = 22;

/** /init prints this line on the console once the NUT is configured and its SSH server started. */
export const READY_MARKER = 'TESTLAB-NUT-READY';

/** /init prints a line starting with this when its setup failed; the rest of the line says what. */
export const ERROR_PREFIX = 'TESTLAB-NUT-ERROR:';

/** Linux's own words when it gives up (init missing, root not mountable, oops in interrupt...). */
export const PANIC_TEXT = 'Kernel panic';

/** An oops, BUG or WARN prints a backtrace (`Call Trace:`) and, on x86, the faulting `RIP:`: the kernel broke, even if it lives on. */
export const OOPS_TEXTS = ['Call Trace:', 'RIP:'] as const;

/** Kernel command-line parameters read by /init. */
export const SYSCTL_PARAM = 'testlab.sysctl';
export const HOSTNAME_PARAM = 'testlab.hostname';

/** The overlay's paths (no leading slash, as in a cpio archive); /init and dropbear expect them. */
export const AUTHORIZED_KEYS_PATH = 'root/.ssh/authorized_keys';
export const HOST_KEY_PATH = 'etc/dropbear/dropbear_ed25519_host_key';

/** Most links one VM gets: MACs 52:54:00:00:00:01.. stay below the management MAC's range. */
export const MAX_LINKS = 32;

/** The MAC of test link `index` (Link0 is 52:54:00:00:00:01), lower-case as NutLink wants it. */
export function linkMac(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_LINKS) {
    throw new RangeError(`link index ${index} out of range 0..${MAX_LINKS - 1}`);
  }
  return `52:54:00:00:00:${(index + 1).toString(16).padStart(2, '0')}`;
}
