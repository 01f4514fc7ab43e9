// A node under test (NUT): something that boots a kernel under test and exposes test links.
import type { Progress } from './progress.js';

/** The roles of the Ready Logo test sets; each decides sysctls, addresses and daemons on the NUT. */
export const NUT_MODES = ['host', 'router', 'ipsec-end-node', 'security-gateway'] as const;
export type NutMode = (typeof NUT_MODES)[number];

/** How the tester reaches one test link of a NUT. A new kind of link is a new member here. */
export type LinkEndpoint =
  | {
      /** Ethernet frames carried one per UDP datagram (QEMU `-netdev dgram`). */
      kind: 'udp-ethernet';
      /** The tester binds this 127.0.0.1 port... */
      testerPort: number;
      /** ...and sends frames to this one, where the NUT's NIC listens. */
      nutPort: number;
    }
  | {
      /** A real interface of the tester host, for physical NUTs (AF_PACKET). */
      kind: 'raw-interface';
      ifname: string;
    };

export interface NutLink {
  /** `Link0`, `Link1`, as TAHI names them. */
  name: string;
  /** The NUT's MAC on this link, lower-case `aa:bb:cc:dd:ee:ff`. */
  nutMac: string;
  /** The NUT's interface name on this link, e.g. `eth1`. */
  nutIfname: string;
  endpoint: LinkEndpoint;
}

export interface KernelImage {
  bzImage: string;
  /** Its modules (`lib/modules/<release>/` as a gzip'd tar), when it was built with CONFIG_MODULES=y. */
  modules?: string;
  /** What `uname -r` must print once the NUT runs this kernel. */
  kernelRelease: string;
}

/** An image a run's engine needs its NUTs to boot (kselftest: a Debian root fs with the selftests). */
export interface NutImage {
  baseInitramfs: string;
  /** At least this much memory (the image's root fs is unpacked into it). */
  memoryMiB?: number;
}

export interface BootRequest {
  kernel: KernelImage;
  /**
   * The run's engine boots an image of its own: a QEMU NUT boots it instead of its base image, with at
   * least its memory; an SSH machine boots the system installed on it, so it refuses such a request.
   */
  image?: NutImage;
  /** Number of test links (Link0..Link{n-1}); hosts need 1, routers 2. */
  links: number;
  /** `key=value` sysctls applied by the NUT before it reports ready, e.g. `net.ipv6.conf.all.forwarding`. */
  sysctls?: Record<string, string>;
  /** Extra kernel command-line words (validated by the driver: no spaces, no quotes). */
  extraCmdline?: string[];
  /** Where the driver writes the console log (an artifact of the run). */
  consoleLog: string;
  /** Give up and fail the boot after this long. */
  deadlineMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /**
   * Set when the output passed the call's `maxOutputBytes`: the command was stopped there and only the
   * first that many bytes (stdout and stderr together) are kept.
   */
  cutAtBytes?: number;
}

export interface NutExecOptions {
  timeoutMs?: number;
  /** Output the caller takes at most (stdout and stderr together); the driver's default bounds the rest. */
  maxOutputBytes?: number;
}

/** A NUT booted into the kernel under test and ready (console marker, SSH, `uname -r` checked). */
export interface BootedNut {
  /** Unique name for logs, e.g. `qemu-1a2b`. */
  readonly name: string;
  readonly kernelRelease: string;
  readonly links: readonly NutLink[];
  readonly consoleLog: string;
  /** Run a command over the management connection; argv words are quoted by the driver, never joined raw. */
  exec(argv: string[], options?: NutExecOptions): Promise<ExecResult>;
  /** Power off and release everything (process, ports); safe to call twice. */
  shutdown(): Promise<void>;
}

/** A NUT driver: QEMU VM, SSH machine. Implementations live in their own file, registered by id. */
export interface NutDriver {
  /** Registry id: `qemu`, `ssh`. */
  readonly kind: string;
  /** Boot the kernel; throws NutBootError with the console log when the NUT never gets ready. */
  boot(request: BootRequest, progress: Progress): Promise<BootedNut>;
  /** End NUTs left behind by a lab process that died (by recorded process id). Returns how many. */
  reapStale(): Promise<number>;
}

export class NutBootError extends Error {
  constructor(
    message: string,
    readonly consoleLog: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NutBootError';
  }
}
