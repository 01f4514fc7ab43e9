// A UDP datagram to a port nothing on the NUT listens on: what makes the NUT send Port Unreachable.
import type { FrameSpec } from '@testlab/packet';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { pattern } from './payload.js';

export const CLOSED_PORT = 40_001;

/** A UDP datagram from port 40000 of `from` to CLOSED_PORT of `to`. */
export function udpTo(from: SimulatedNode, to: { mac: string; address: string }): FrameSpec {
  return { eth: { src: from.mac, dst: to.mac }, ipv6: { src: from.address, dst: to.address }, udp: { srcPort: 40_000, dstPort: CLOSED_PORT, data: pattern(16) } };
}
