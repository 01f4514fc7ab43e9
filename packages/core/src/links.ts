// A test link as the tester node sees it: raw Ethernet frames in and out.

export interface Link {
  /** `Link0`, `Link1`. */
  readonly name: string;
  /** Send one whole Ethernet frame (no FCS). */
  send(frame: Uint8Array): Promise<void>;
  /** Call `listener` for every frame the NUT puts on the link; returns a function that unsubscribes. */
  onFrame(listener: (frame: Uint8Array, atMs: number) => void): () => void;
  close(): Promise<void>;
}
