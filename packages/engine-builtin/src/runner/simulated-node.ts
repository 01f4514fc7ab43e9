// A node the tester plays on a link (TAHI's TN1, TR1): it has a MAC and an address, and answers the NUT's
// Neighbor Solicitations for that address as RFC 4861 §7.2.4 says, so the NUT can reach it.
import { linkLocalFromMac, normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import type { TesterLink, ReceivedFrame } from './tester-link.js';

export interface SimulatedNodeSpec {
  name: string;
  mac: string;
  /** Defaults to the EUI-64 link-local address of the MAC. */
  address?: string;
  /**
   * A router the tester plays (TR1, TR2) answers with the Router flag set: an NA without it tells the NUT
   * the node stopped being a router, and the NUT drops it as a default router and its routes through it
   * (RFC 4861 §7.2.5). TR1 (tester-nodes.ts) has it set.
   */
  isRouter?: boolean;
}

export class SimulatedNode {
  readonly name: string;
  readonly mac: string;
  readonly address: string;
  readonly isRouter: boolean;
  private readonly stop: () => void;

  constructor(
    private readonly link: TesterLink,
    spec: SimulatedNodeSpec,
  ) {
    this.name = spec.name;
    this.mac = spec.mac;
    this.address = normalizeIpv6(spec.address ?? linkLocalFromMac(spec.mac));
    this.isRouter = spec.isRouter ?? false;
    this.stop = link.onReceive((r) => void this.answerSolicitation(r));
  }

  /** True when the frame is an NS from the NUT asking for this node's address. */
  isSolicitationForMe(f: DecodedFrame): boolean {
    return f.icmpv6?.type === 'neighbor-solicitation' && normalizeIpv6(f.icmpv6.target) === this.address;
  }

  private async answerSolicitation(r: ReceivedFrame): Promise<void> {
    const f = r.frame;
    if (!this.isSolicitationForMe(f) || !f.ipv6 || !f.eth || f.icmpv6?.type !== 'neighbor-solicitation') return;
    const fromUnspecified = f.ipv6.src === '::';
    await this.link.answer(
      {
        eth: { src: this.mac, dst: f.eth.src },
        ipv6: { src: this.address, dst: fromUnspecified ? 'ff02::1' : f.ipv6.src, hopLimit: 255 },
        icmpv6: {
          type: 'neighbor-advertisement',
          target: this.address,
          router: this.isRouter,
          solicited: !fromUnspecified,
          override: true,
          options: [{ type: 'target-lla', mac: this.mac }],
        },
      },
      `${this.name} answers the NUT's solicitation`,
    );
  }

  /** The tester link the node is on. */
  get linkName(): string {
    return this.link.name;
  }

  close(): void {
    this.stop();
  }
}
