// ICMPv6 message shapes (RFC 4443, RFC 4861, RFC 2710, RFC 3810): what a case asks to send
// (`Icmpv6Spec`) and what the decoder hands back (`Icmpv6Message`).
import type { Ipv6Address } from './addr.js';
import type { NdOption, NdOptionSpec } from './nd-options.js';

export const Icmpv6Type = {
  destinationUnreachable: 1,
  packetTooBig: 2,
  timeExceeded: 3,
  parameterProblem: 4,
  echoRequest: 128,
  echoReply: 129,
  mldQuery: 130,
  mldReport: 131,
  mldDone: 132,
  routerSolicitation: 133,
  routerAdvertisement: 134,
  neighborSolicitation: 135,
  neighborAdvertisement: 136,
  redirect: 137,
  mldv2Report: 143,
} as const;

/** Overrides every message accepts, to send it wrong on purpose. */
export interface Icmpv6Overrides {
  /** Forces the Type field while keeping the body layout of `type`. */
  icmpType?: number;
  /** Defaults to 0. */
  code?: number;
  /** Forces the checksum; otherwise computed over the RFC 8200 §8.1 pseudo-header. */
  checksum?: number;
}

export interface MldQueryV2Fields {
  sFlag?: boolean;
  qrv?: number;
  qqic?: number;
  sources?: Ipv6Address[];
}

export interface MldAddressRecordSpec {
  /** 1 MODE_IS_INCLUDE .. 6 BLOCK_OLD_SOURCES (RFC 3810 §5.2.12). */
  recordType: number;
  multicastAddress: Ipv6Address;
  sources?: Ipv6Address[];
  /** Multiple of 4 bytes. */
  auxData?: Uint8Array;
}

export type Icmpv6Spec = Icmpv6Overrides &
  (
    | { type: 'echo-request' | 'echo-reply'; id: number; seq: number; data?: Uint8Array }
    /** `invoking` is as much of the offending packet as fits (RFC 4443 §2.4 (c): 1280 bytes in all). */
    | { type: 'destination-unreachable' | 'time-exceeded'; invoking: Uint8Array; unused?: number }
    | { type: 'packet-too-big'; mtu: number; invoking: Uint8Array }
    | { type: 'parameter-problem'; pointer: number; invoking: Uint8Array }
    | { type: 'router-solicitation'; reserved?: number; options?: NdOptionSpec[] }
    | {
        type: 'router-advertisement';
        curHopLimit?: number;
        managed?: boolean;
        other?: boolean;
        /** The whole flags byte; wins over managed/other when given. */
        flags?: number;
        routerLifetime: number;
        reachableTime?: number;
        retransTimer?: number;
        options?: NdOptionSpec[];
      }
    | { type: 'neighbor-solicitation'; target: Ipv6Address; reserved?: number; options?: NdOptionSpec[] }
    | {
        type: 'neighbor-advertisement';
        target: Ipv6Address;
        router?: boolean;
        solicited?: boolean;
        override?: boolean;
        /** The 29 bits after R, S, O. */
        reserved?: number;
        options?: NdOptionSpec[];
      }
    | { type: 'redirect'; target: Ipv6Address; destination: Ipv6Address; reserved?: number; options?: NdOptionSpec[] }
    /** MLDv1 query, or MLDv2 when `v2` is given; `maxResponse` is the delay (v1) or code (v2). */
    | { type: 'mld-query'; maxResponse?: number; multicastAddress?: Ipv6Address; v2?: MldQueryV2Fields }
    | { type: 'mld-report' | 'mld-done'; maxResponse?: number; multicastAddress: Ipv6Address }
    | { type: 'mldv2-report'; records: MldAddressRecordSpec[] }
    /** Any type, with the bytes after type, code and checksum. */
    | { type: 'other'; icmpType: number; body: Uint8Array }
  );

export type Icmpv6Kind = Icmpv6Spec['type'];

export interface MldAddressRecord {
  recordType: number;
  auxDataLen: number;
  multicastAddress: string;
  sources: string[];
  auxData: Uint8Array;
}

interface Common {
  icmpType: number;
  code: number;
  checksum: number;
  /** False when the pseudo-header sum does not check out (or the packet it came in could not be known). */
  checksumOk: boolean;
  /** Bytes of the whole ICMPv6 message. */
  length: number;
}

/**
 * The offending packet quoted by an error message, decoded as far as it goes. Its own errors
 * (it is usually cut short) stay in `invokingPacket.errors`, not in the outer list.
 */
export interface QuotedPacket<P> {
  invoking: Uint8Array;
  invokingPacket: P;
}

export type Icmpv6Message<P = unknown> = Common &
  (
    | { type: 'echo-request' | 'echo-reply'; id: number; seq: number; data: Uint8Array }
    | ({ type: 'destination-unreachable' | 'time-exceeded'; unused: number } & QuotedPacket<P>)
    | ({ type: 'packet-too-big'; mtu: number } & QuotedPacket<P>)
    | ({ type: 'parameter-problem'; pointer: number } & QuotedPacket<P>)
    | { type: 'router-solicitation'; reserved: number; options: NdOption[] }
    | {
        type: 'router-advertisement';
        curHopLimit: number;
        managed: boolean;
        other: boolean;
        flags: number;
        routerLifetime: number;
        reachableTime: number;
        retransTimer: number;
        options: NdOption[];
      }
    | { type: 'neighbor-solicitation'; reserved: number; target: string; options: NdOption[] }
    | {
        type: 'neighbor-advertisement';
        router: boolean;
        solicited: boolean;
        override: boolean;
        reserved: number;
        target: string;
        options: NdOption[];
      }
    | { type: 'redirect'; reserved: number; target: string; destination: string; options: NdOption[] }
    | {
        type: 'mld-query';
        maxResponse: number;
        multicastAddress: string;
        v2?: { sFlag: boolean; qrv: number; qqic: number; sources: string[] };
      }
    | { type: 'mld-report' | 'mld-done'; maxResponse: number; multicastAddress: string }
    | { type: 'mldv2-report'; records: MldAddressRecord[] }
    /** Unknown types, and known types too short for their fixed fields. */
    | { type: 'other'; body: Uint8Array }
  );
