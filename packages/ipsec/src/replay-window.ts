// The receiver's anti-replay window (RFC 4303 §3.4.3, RFC 4302 §3.4.3; without ESN): judge a
// sequence number before authentication, record it only after the packet authenticated.

export type ReplayCheck =
  /** Higher than any seen: the window will slide. */
  | 'new'
  /** Inside the window and not seen yet. */
  | 'in-window'
  | 'duplicate'
  /** Left of the window: too old to tell, so rejected. */
  | 'too-old'
  /** Sequence numbers start at 1; a 0 can only be a forgery or a cycled counter. */
  | 'zero';

export class ReplayWindow {
  /** Highest sequence number recorded so far; 0 before the first. */
  private top = 0;
  /** Bit i set: sequence number top - i was received (bit 0 is top itself). */
  private seen = 0n;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`replay window size must be a positive integer, not ${size}`);
  }

  /** Highest sequence number recorded (the right edge of the window). */
  get highest(): number {
    return this.top;
  }

  check(seq: number): ReplayCheck {
    if (seq === 0) return 'zero';
    if (seq > this.top) return 'new';
    const offset = this.top - seq;
    if (offset >= this.size) return 'too-old';
    return (this.seen >> BigInt(offset)) & 1n ? 'duplicate' : 'in-window';
  }

  /** Records `seq`; call only for a packet that passed `check` and authenticated. */
  record(seq: number): void {
    const verdict = this.check(seq);
    if (verdict !== 'new' && verdict !== 'in-window') return;
    const mask = (1n << BigInt(this.size)) - 1n;
    if (seq > this.top) {
      const shift = seq - this.top;
      this.seen = shift >= this.size ? 1n : ((this.seen << BigInt(shift)) | 1n) & mask;
      this.top = seq;
    } else {
      this.seen |= 1n << BigInt(this.top - seq);
    }
  }
}
