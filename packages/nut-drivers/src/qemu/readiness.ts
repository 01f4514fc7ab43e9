// Waits for a started QEMU NUT to be ready: the ready marker on the console, then SSH with the pinned host
// key, then `uname -r` equal to the kernel under test. Each failure says which of these was missing.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from '@testlab/core';
import { SshHostKeyMismatchError, type SshClient } from '@testlab/transport/ssh';
import type { ConsoleWatch } from './console-watch.js';
import { READY_MARKER } from './protocol.js';
import type { QemuProcess } from './qemu-process.js';

export class BootFailure extends Error {
  override name = 'BootFailure';
  constructor(
    message: string,
    /** QEMU could not bind a port another process took after we probed it: starting again may work. */
    readonly portClash = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ReadinessInput {
  qemu: QemuProcess;
  console: ConsoleWatch;
  ssh: SshClient;
  sshPort: number;
  accel: 'tcg' | 'kvm';
  startedAt: number;
  deadline: number;
  /** With KVM, fail this soon when the console stays silent (nested KVM guests were seen to hang). */
  kvmConsoleDeadlineMs: number;
  expectedRelease: string;
  progress: Progress;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const PORT_CLASH = /Could not set up host forwarding rule|Address already in use|Failed to bind/i;

function exitFailure(input: ReadinessInput): BootFailure {
  const exit = input.qemu.exit;
  const how = exit?.signal !== undefined ? `signal ${exit.signal}` : `exit code ${String(exit?.code)}`;
  const stderr = exit?.stderr ? `; QEMU stderr: ${exit.stderr}` : '';
  const { console } = input;
  const what =
    console.panicLine !== undefined
      ? `kernel panic seen on the console (${console.panicLine}), no ready marker; QEMU exited (${how})`
      : console.bytes === 0
        ? `QEMU exited early (${how}) with no console output at all`
        : `QEMU exited early (${how}) without the ready marker ${READY_MARKER}`;
  return new BootFailure(`${what}${stderr}`, PORT_CLASH.test(exit?.stderr ?? ''));
}

async function waitForMarker(input: ReadinessInput): Promise<void> {
  const { console, qemu } = input;
  input.progress.step(`waiting for ${READY_MARKER} on the console`);
  for (;;) {
    const exited = qemu.exit !== undefined;
    await console.poll(); // after noticing the exit: QEMU has written everything by then
    if (console.errorLine !== undefined) throw new BootFailure(`the NUT's /init failed: ${console.errorLine}`);
    if (console.ready) return;
    if (console.panicLine !== undefined && !exited) {
      // panic=-1 and -no-reboot: QEMU is about to exit; wait briefly so its exit status is in the message.
      await Promise.race([qemu.exited, sleep(2_000)]);
      if (qemu.exit === undefined) throw new BootFailure(`kernel panic seen on the console (${console.panicLine}), no ready marker`);
      continue;
    }
    if (exited) throw exitFailure(input);
    const now = Date.now();
    if (input.accel === 'kvm' && console.bytes === 0 && now - input.startedAt >= input.kvmConsoleDeadlineMs) {
      throw new BootFailure(
        `KVM boot showed no console output within ${seconds(input.kvmConsoleDeadlineMs)} ` +
          '(KVM guests can hang silently under nested virtualisation; use accel tcg)',
      );
    }
    if (now >= input.deadline) {
      const limit = seconds(input.deadline - input.startedAt);
      throw new BootFailure(
        console.bytes === 0
          ? `no console output at all within ${limit}`
          : `no ready marker ${READY_MARKER} on the console within ${limit} (${console.bytes} bytes of console output)`,
      );
    }
    await sleep(100);
  }
}

async function connectSsh(input: ReadinessInput): Promise<void> {
  input.progress.step(`connecting over SSH (127.0.0.1:${input.sshPort})`);
  let lastError: unknown;
  // The forwarded port accepts TCP at once (QEMU's user network listens for the guest), so early attempts
  // fail during the handshake until dropbear in the guest answers: retry until the deadline.
  for (;;) {
    const remaining = input.deadline - Date.now();
    if (remaining <= 0) break;
    try {
      await input.ssh.connect(Math.min(5_000, Math.max(remaining, 500)));
      return;
    } catch (error) {
      if (error instanceof SshHostKeyMismatchError) throw new BootFailure(error.message, false, { cause: error });
      lastError = error;
    }
    if (input.qemu.exit !== undefined) throw exitFailure(input);
    await sleep(200);
  }
  const last = lastError instanceof Error ? lastError.message : String(lastError);
  throw new BootFailure(`SSH never answered on 127.0.0.1:${input.sshPort} within ${seconds(input.deadline - input.startedAt)} (last error: ${last})`, false, {
    cause: lastError,
  });
}

/** Resolves once ready; throws BootFailure naming what was missing. */
export async function waitUntilReady(input: ReadinessInput): Promise<void> {
  await waitForMarker(input);
  await connectSsh(input);
  input.progress.step('checking uname -r');
  const timeoutMs = Math.max(input.deadline - Date.now(), 2_000);
  const uname = await input.ssh.exec(['uname', '-r'], { timeoutMs });
  const release = uname.stdout.trim();
  if (uname.code !== 0 || release !== input.expectedRelease) {
    throw new BootFailure(`uname -r mismatch: expected ${input.expectedRelease}, got ${release || `nothing (exit ${uname.code}: ${uname.stderr.trim()})`}`);
  }
}

/** The NUT's interface name for each MAC, read from /sys/class/net/<if>/address over SSH. */
export async function interfaceNamesByMac(ssh: SshClient, timeoutMs: number): Promise<Map<string, string>> {
  const script = 'for d in /sys/class/net/*; do echo "${d##*/} $(cat "$d/address")"; done';
  const result = await ssh.exec(['sh', '-c', script], { timeoutMs });
  if (result.code !== 0) throw new BootFailure(`listing the NUT's interfaces failed (exit ${result.code}): ${result.stderr.trim()}`);
  const byMac = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const [ifname, mac] = line.trim().split(' ');
    if (ifname && mac) byMac.set(mac.toLowerCase(), ifname);
  }
  return byMac;
}
