#!/usr/bin/env node
// Power control for a machine-like QEMU VM (the QEMU driver's `machineLike` option), over its QMP socket:
// the `powerCycle` command of an SSH machine NUT that is such a VM, as `ipmitool ... chassis power cycle`
// is for a machine with a BMC.
//
//   node infra/qemu/power.mjs <qmp-socket> cycle|freeze|thaw
import { powerControl } from '@testlab/nut-drivers';

const [socket, action] = process.argv.slice(2);
if (socket === undefined || action === undefined || !socket.startsWith('/')) {
  console.error('usage: node infra/qemu/power.mjs <absolute qmp-socket path> cycle|freeze|thaw');
  process.exit(2);
}
try {
  await powerControl(socket, action);
  console.log(`${action}: done (${socket})`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
