// The tester's judgement of what the NUT sent on one SA: right SPI, authenticated, decrypted,
// not replayed (RFC 4303 §3.4.3), and sequence numbers counting up from 1 (RFC 4303 §3.3.3).
import { decodeEthernetHeader, ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV6, type DecodedPacket } from '@testlab/packet';
import { verifyAhPacket, type VerifiedAh } from './ah.js';
import { decodeEspPacket, type DecodedEspPacket } from './esp-decode.js';
import { PADDING_NOT_MONOTONIC } from './esp-open.js';
import { ReplayWindow, type ReplayCheck } from './replay-window.js';
import type { SecurityAssociation } from './sa.js';

export interface InboundVerdict {
  /** What a conforming receiver would do: true only if every check below passed. */
  accepted: boolean;
  /** Why it would be dropped, in processing order; empty when accepted. */
  reasons: string[];
  /** Problems that do not make IPsec drop the packet: padding not 1, 2, 3, ..., a mode other than the SA's, the inner packet's own errors. */
  notes: string[];
  seq?: number;
  /** Undefined when the SA has no window (window 0, or no integrity: RFC 4303 §3.4.3 needs integrity). */
  replay?: ReplayCheck;
  /** One more than the last accepted sequence number (1 at first): what a sender counting right sends next. */
  expectedSeq: number;
  /** seq === expectedSeq: no gap, no repeat, no going back. */
  seqInOrder: boolean;
  esp?: DecodedEspPacket;
  ah?: VerifiedAh;
  /** The packet a receiver hands up: the inner packet (tunnel) or the packet without ESP/AH's protection. */
  inner?: DecodedPacket;
}

export class InboundSa {
  private readonly window: ReplayWindow | undefined;
  private lastAccepted = 0;

  constructor(readonly sa: SecurityAssociation) {
    const canReplayCheck = sa.replayWindow > 0 && sa.integrity.transform.name !== 'null';
    this.window = canReplayCheck ? new ReplayWindow(sa.replayWindow) : undefined;
  }

  /** Judges one IPv6 packet (from its first header byte); the window moves only for packets accepted. */
  receivePacket(packet: Uint8Array): InboundVerdict {
    const reasons: string[] = [];
    const notes: string[] = [];
    const expectedSeq = this.lastAccepted + 1;
    let seq: number | undefined;
    let authenticated: boolean;
    const verdict: InboundVerdict = { accepted: false, reasons, notes, expectedSeq, seqInOrder: false };
    if (this.sa.protocol === 'esp') {
      const esp = decodeEspPacket(packet, this.sa);
      verdict.esp = esp;
      seq = esp.esp?.spiMatches ? esp.esp.seq : undefined;
      authenticated = esp.esp?.authenticated === true || (esp.esp?.icvChecked === false && esp.esp.decrypted);
      if (esp.inner && !esp.esp?.dummy) verdict.inner = esp.inner;
      // Next Header 59 read from a packet that did not authenticate is garbage, not a dummy: its ICV error says why.
      if (esp.esp?.dummy && authenticated) reasons.push('esp: dummy packet (Next Header 59), dropped by design');
      // Without an opened ESP the outer packet's errors explain why; with one, ESP's own decide.
      const blocking = esp.esp ? esp.esp.errors.filter((e) => e !== PADDING_NOT_MONOTONIC) : esp.errors;
      reasons.push(...blocking);
      notes.push(...esp.errors.filter((e) => !blocking.includes(e)));
    } else {
      const ah = verifyAhPacket(packet, this.sa);
      verdict.ah = ah;
      seq = ah.spiMatches ? ah.seq : undefined;
      authenticated = ah.authenticated;
      verdict.inner = ah.inner ?? ah.packet;
      reasons.push(...ah.ahErrors);
      notes.push(...ah.errors.filter((e) => !ah.ahErrors.includes(e)));
    }
    if (seq === undefined) return verdict;
    verdict.seq = seq;
    verdict.seqInOrder = seq === expectedSeq;
    if (this.window) {
      verdict.replay = this.window.check(seq);
      if (verdict.replay !== 'new' && verdict.replay !== 'in-window') reasons.unshift(`replay: sequence number ${seq} is ${verdict.replay}`);
    }
    verdict.accepted = authenticated && reasons.length === 0;
    if (verdict.accepted) {
      // RFC 4303 §3.4.3: the window is updated only after the ICV verified.
      this.window?.record(seq);
      this.lastAccepted = Math.max(this.lastAccepted, seq);
    }
    return verdict;
  }

  /** The same for a captured Ethernet frame. */
  receiveFrame(frame: Uint8Array): InboundVerdict {
    const eth = decodeEthernetHeader(frame);
    if (!eth || eth.ethertype !== ETHERTYPE_IPV6) {
      const reason = eth ? `ethernet: ethertype 0x${eth.ethertype.toString(16).padStart(4, '0')} is not IPv6` : `ethernet: truncated (${frame.length} of 14 bytes)`;
      return { accepted: false, reasons: [reason], notes: [], expectedSeq: this.lastAccepted + 1, seqInOrder: false };
    }
    return this.receivePacket(frame.subarray(ETHERNET_HEADER_LENGTH));
  }
}
