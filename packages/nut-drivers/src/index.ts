// @testlab/nut-drivers: the ways the lab boots a kernel under test on a node under test (NUT).
import type { NutDriver } from '@testlab/core';
import { createQemuNutDriver } from './qemu/driver.js';
import { createSshMachineDriver } from './ssh/machine-driver.js';

export { createQemuNutDriver, QemuNutDriver, DEFAULT_BOOT_DEADLINE_MS, type QemuNutDriverOptions } from './qemu/driver.js';
export { QemuBootedNut } from './qemu/booted-nut.js';
export { buildKernelCmdline, buildQemuArgs, validateCmdlineWord, validateSysctl, CmdlineError } from './qemu/cmdline.js';
export { MGMT_MAC, READY_MARKER, linkMac } from './qemu/protocol.js';
export { readBzImageRelease } from './qemu/bzimage.js';
export { powerControl, qmpExecute, QmpError, type PowerAction } from './qemu/qmp.js';
export { ensureLabKeys, generateEd25519KeyPair, type LabKeys } from './keys.js';
export { buildNutImage, defaultBaseInitramfs, defaultNutImageScript } from './nut-image.js';

/** NUT drivers by registry id. A new kind of NUT is one more entry. */
export const nutDrivers = {
  qemu: createQemuNutDriver,
  ssh: createSshMachineDriver,
} as const satisfies Record<string, (options: never) => NutDriver>;
export { createSshMachineDriver, SshMachineDriver, type SshMachineOptions, type OneTimeBoot } from './ssh/machine-driver.js';
export { uploadFile, UploadError } from './ssh/upload.js';
export { expandArgv } from './ssh/placeholders.js';
