// Builds QEMU's argument vector and the kernel command line. Everything that ends up on either is
// validated here: the kernel command line is split on spaces by Linux and read word by word by /init's
// shell, and QEMU's `-chardev` value is parsed as comma-separated options.
import { GUEST_SSH_PORT, HOSTNAME_PARAM, MGMT_MAC, SYSCTL_PARAM } from './protocol.js';

export class CmdlineError extends Error {
  override name = 'CmdlineError';
}

/** x86's COMMAND_LINE_SIZE is 2048 bytes including the terminating NUL. */
export const KERNEL_CMDLINE_MAX = 2047;

// Characters a kernel command-line word may hold: no spaces, quotes, backslashes or shell
// metacharacters (/init reads the words unquoted).
const CMDLINE_WORD = /^[A-Za-z0-9_.,:=/+@%-]+$/;
const SYSCTL_KEY = /^[a-z0-9_./-]+$/;
const SYSCTL_VALUE = /^[A-Za-z0-9_.:-]+$/;
const HOSTNAME = /^[A-Za-z0-9-]{1,63}$/;

export function validateCmdlineWord(word: string): string {
  if (!CMDLINE_WORD.test(word) || word.length > 256) {
    throw new CmdlineError(
      `kernel command-line word ${JSON.stringify(word)} is not allowed (one word of [A-Za-z0-9_.,:=/+@%-], at most 256 characters)`,
    );
  }
  return word;
}

/**
 * A sysctl key as /init accepts it: dots separate components, unless the key holds a slash, in which case
 * slashes do (as sysctl(8) does, for interface names with dots). No empty or `..` component: the key
 * becomes a path under /proc/sys.
 */
export function validateSysctl(key: string, value: string): void {
  const separator = key.includes('/') ? '/' : '.';
  const parts = key.split(separator);
  if (!SYSCTL_KEY.test(key) || key.includes('..') || parts.some((part) => part === '')) {
    throw new CmdlineError(`sysctl key ${JSON.stringify(key)} is not allowed (components of [a-z0-9_.-], separated by . or /)`);
  }
  if (!SYSCTL_VALUE.test(value)) {
    throw new CmdlineError(`sysctl value ${JSON.stringify(value)} for ${key} is not allowed (one word of [A-Za-z0-9_.:-])`);
  }
}

export interface KernelCmdlineInput {
  sysctls?: Record<string, string> | undefined;
  extraCmdline?: readonly string[] | undefined;
  hostname?: string | undefined;
  /** Words that keep the guest's clock true under load (guest-clock.ts), right after `quiet`. */
  clock?: readonly string[] | undefined;
}

/** `console=ttyS0 panic=-1 quiet [clock...] [testlab.hostname=..] [testlab.sysctl=k=v,k=v] extra...` */
export function buildKernelCmdline(input: KernelCmdlineInput): string {
  // panic=-1: reboot at once on a panic, and QEMU's -no-reboot turns that into QEMU exiting.
  const words = ['console=ttyS0', 'panic=-1', 'quiet', ...(input.clock ?? []).map(validateCmdlineWord)];
  if (input.hostname !== undefined) {
    if (!HOSTNAME.test(input.hostname)) throw new CmdlineError(`hostname ${JSON.stringify(input.hostname)} is not allowed`);
    words.push(`${HOSTNAME_PARAM}=${input.hostname}`);
  }
  const sysctls = Object.entries(input.sysctls ?? {});
  for (const [key, value] of sysctls) validateSysctl(key, value);
  if (sysctls.length > 0) words.push(`${SYSCTL_PARAM}=${sysctls.map(([k, v]) => `${k}=${v}`).join(',')}`);
  for (const word of input.extraCmdline ?? []) words.push(validateCmdlineWord(word));
  const cmdline = words.join(' ');
  if (Buffer.byteLength(cmdline) > KERNEL_CMDLINE_MAX) {
    throw new CmdlineError(`kernel command line is ${Buffer.byteLength(cmdline)} bytes, more than Linux's ${KERNEL_CMDLINE_MAX}`);
  }
  return cmdline;
}

export interface QemuLinkPorts {
  /** QEMU's end of the link (127.0.0.1), where the tester sends frames. */
  nutPort: number;
  /** The tester's end, where QEMU sends the NUT's frames. */
  testerPort: number;
  mac: string;
}

export interface QemuLaunchSpec {
  /** `testlab-<id>`: also how reapStale recognises our QEMU processes in /proc/<pid>/cmdline. */
  qemuName: string;
  pidFile: string;
  accel: 'tcg' | 'kvm';
  /** QEMU's default machine when undefined. */
  machine?: string | undefined;
  memoryMiB: number;
  consoleLog: string;
  bzImage: string;
  initrd: string;
  kernelCmdline: string;
  sshPort: number;
  links: readonly QemuLinkPorts[];
  /**
   * A guest reboot restarts the VM (firmware, then the same -kernel and -initrd) instead of ending QEMU:
   * the VM then behaves like a machine whose default boot entry is this kernel.
   */
  allowReboot?: boolean | undefined;
  /** A QMP socket (server, no wait): the VM's power control, as a BMC is a machine's. */
  qmpSocket?: string | undefined;
  /**
   * Boot from this raw disk image through the firmware and its boot loader (GRUB) instead of -kernel and
   * -initrd: the kernel and command line are then the disk's business.
   */
  bootDisk?: string | undefined;
}

function checkPath(what: string, path: string): string {
  if (!path.startsWith('/') || /[\0\n\r]/.test(path)) {
    throw new CmdlineError(`${what} must be an absolute path without control characters: ${JSON.stringify(path)}`);
  }
  return path;
}

/** sun_path holds 108 bytes with the NUL: a longer path would be cut silently by QEMU. */
function checkSocket(path: string): string {
  checkPath('QMP socket', path);
  if (Buffer.byteLength(path) > 107) throw new CmdlineError(`QMP socket path is longer than a Unix socket allows (107 bytes): ${path}`);
  return path;
}

function checkPort(what: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CmdlineError(`${what} ${port} is not a port`);
  return port;
}

/** In QEMU's comma-separated option syntax a literal comma is written twice. */
function optionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

export function buildQemuArgs(spec: QemuLaunchSpec): string[] {
  if (!/^testlab-[a-z0-9-]+$/.test(spec.qemuName)) throw new CmdlineError(`bad QEMU name ${spec.qemuName}`);
  if (spec.accel !== 'tcg' && spec.accel !== 'kvm') throw new CmdlineError(`accel must be tcg or kvm, not ${String(spec.accel)}`);
  if (spec.machine !== undefined && !/^[a-z0-9_.-]+$/.test(spec.machine)) {
    throw new CmdlineError(`machine ${JSON.stringify(spec.machine)} is not allowed`);
  }
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 64 || spec.memoryMiB > 65536) {
    throw new CmdlineError(`memory ${spec.memoryMiB} MiB out of range 64..65536`);
  }
  // The kernel command line comes from buildKernelCmdline; recheck the characters anyway (one argv word).
  for (const word of spec.kernelCmdline.split(' ')) validateCmdlineWord(word);

  const args = [
    '-name', spec.qemuName,
    '-pidfile', checkPath('pid file', spec.pidFile),
    // No default devices (NICs, monitor, parallel port...): only what is listed below exists.
    '-nodefaults', '-display', 'none',
    ...(spec.allowReboot === true ? [] : ['-no-reboot']),
    ...(spec.qmpSocket !== undefined ? ['-qmp', `unix:${optionValue(checkSocket(spec.qmpSocket))},server=on,wait=off`] : []),
    ...(spec.machine !== undefined ? ['-machine', spec.machine] : []),
    '-accel', spec.accel,
    '-m', String(spec.memoryMiB),
    // QEMU writes the serial console straight to the log file, so the log is complete even if the lab
    // process stops reading; the driver tails the same file for the ready marker.
    '-chardev', `file,id=console,path=${optionValue(checkPath('console log', spec.consoleLog))}`,
    '-serial', 'chardev:console',
    ...(spec.bootDisk !== undefined
      ? ['-drive', `file=${optionValue(checkPath('boot disk', spec.bootDisk))},format=raw,if=virtio`]
      : ['-kernel', checkPath('bzImage', spec.bzImage), '-initrd', checkPath('initrd', spec.initrd), '-append', spec.kernelCmdline]),
    // Management NIC first. restrict=on: the guest reaches nothing but the forwarded SSH port.
    '-netdev', `user,id=mgmt,restrict=on,hostfwd=tcp:127.0.0.1:${checkPort('SSH port', spec.sshPort)}-:${GUEST_SSH_PORT}`,
    '-device', `virtio-net-pci,netdev=mgmt,mac=${MGMT_MAC}`,
  ];
  spec.links.forEach((link, index) => {
    if (!/^52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/.test(link.mac)) throw new CmdlineError(`bad MAC ${link.mac}`);
    args.push(
      '-netdev',
      `dgram,id=l${index},local.type=inet,local.host=127.0.0.1,local.port=${checkPort('NUT port', link.nutPort)},` +
        `remote.type=inet,remote.host=127.0.0.1,remote.port=${checkPort('tester port', link.testerPort)}`,
      '-device', `virtio-net-pci,netdev=l${index},mac=${link.mac}`,
    );
  });
  // An entropy source for kernels built with CONFIG_HW_RANDOM_VIRTIO: dropbear waits for the kernel's
  // random pool before it listens. Without that driver the device simply stays unbound.
  args.push('-object', 'rng-random,id=rng0,filename=/dev/urandom', '-device', 'virtio-rng-pci,rng=rng0');
  return args;
}
