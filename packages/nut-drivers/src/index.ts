// @testlab/nut-drivers: the ways the lab boots a kernel under test on a node under test (NUT): a QEMU VM
// (createQemuNutDriver) and an SSH machine (createSshMachineDriver). labd picks one per NUT from the `driver`
// of its entry in the lab config (apps/labd/src/lab.ts), `testlab run` always QEMU: each takes options of
// its own, so there is no registry to look them up by name.

export { createQemuNutDriver, QemuNutDriver, DEFAULT_BOOT_DEADLINE_MS, type QemuNutDriverOptions } from './qemu/driver.js';
export { QemuBootedNut } from './qemu/booted-nut.js';
export { buildKernelCmdline, buildQemuArgs, validateCmdlineWord, validateSysctl, CmdlineError } from './qemu/cmdline.js';
export { MGMT_MAC, READY_MARKER, linkMac } from './qemu/protocol.js';
export { readBzImageRelease } from './qemu/bzimage.js';
export { powerControl, qmpExecute, QmpError, type PowerAction } from './qemu/qmp.js';
export { SshCommandRunner, SshHostKeyMismatchError, SshExecTimeoutError, shellQuote, shellJoin, fingerprint, type SshTarget } from './ssh-exec.js';
export { ensureLabKeys, generateEd25519KeyPair, type LabKeys } from './keys.js';
export { buildNutImage, defaultBaseInitramfs, defaultNutImageScript } from './nut-image.js';
export { createSshMachineDriver, SshMachineDriver, type SshMachineOptions, type OneTimeBoot } from './ssh/machine-driver.js';
export { uploadFile, UploadError } from './ssh/upload.js';
export { expandArgv } from './ssh/placeholders.js';
