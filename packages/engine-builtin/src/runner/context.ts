// Everything a case body can use: the NUT's identity on each link, tester links, simulated nodes, the
// NUT's management shell for setup, and a log that becomes the case's evidence.
import path from 'node:path';
import type { BootedNut, Link, NutMode } from '@testlab/core';
import { linkLocalFromMac, normalizeIpv6, PcapWriter } from '@testlab/packet';
import type { CaseDefinition } from './case.js';
import { TesterLink } from './tester-link.js';
import { SimulatedNode, type SimulatedNodeSpec } from './simulated-node.js';

export interface NutOnLink {
  mac: string;
  linkLocal: string;
  ifname: string;
}

export class CaseContext {
  private readonly lines: string[] = [];
  private readonly started = Date.now();
  private readonly testerLinks = new Map<string, TesterLink>();
  private readonly pcaps = new Map<string, { writer: PcapWriter; file: string }>();
  private readonly nodes: SimulatedNode[] = [];
  private readonly cleanups: Array<{ what: string; run: () => Promise<void> }> = [];

  private constructor(
    readonly definition: CaseDefinition,
    private readonly nut: Pick<BootedNut, 'links' | 'exec'>,
    /** The mode the NUT runs in: cases that apply to several modes pick addresses and expectations by it. */
    readonly mode: NutMode,
  ) {}

  static async open(o: { definition: CaseDefinition; nut: Pick<BootedNut, 'links' | 'exec'>; links: ReadonlyMap<string, Link>; dir: string; mode?: NutMode }): Promise<CaseContext> {
    const ctx = new CaseContext(o.definition, o.nut, o.mode ?? 'host');
    for (const [name, link] of o.links) {
      const file = path.join(o.dir, `${name}.pcap`);
      const writer = new PcapWriter(file);
      ctx.pcaps.set(name, { writer, file });
      ctx.testerLinks.set(name, new TesterLink(link, writer, (t) => ctx.log(t)));
    }
    ctx.log(`case ${o.definition.id}: ${o.definition.title} (${o.definition.rfc})`);
    return ctx;
  }

  /** The NUT's MAC, link-local address and interface on a link (TAHI's NUT on Link0). */
  nutOn(linkName = 'Link0'): NutOnLink {
    const l = this.nut.links.find((x) => x.name === linkName);
    if (!l) throw new Error(`the NUT has no ${linkName}`);
    return { mac: l.nutMac, linkLocal: normalizeIpv6(linkLocalFromMac(l.nutMac)), ifname: l.nutIfname };
  }

  link(name = 'Link0'): TesterLink {
    const l = this.testerLinks.get(name);
    if (!l) throw new Error(`no tester link ${name}`);
    return l;
  }

  /**
   * A node the tester plays (TN1, TR1) that answers the NUT's Neighbor Solicitations. Asking again for the
   * same name, address and link returns the same node, so helpers can name TN1 without doubling its answers.
   */
  node(spec: SimulatedNodeSpec, linkName = 'Link0'): SimulatedNode {
    const link = this.link(linkName);
    const address = normalizeIpv6(spec.address ?? linkLocalFromMac(spec.mac));
    const known = this.nodes.find((x) => x.name === spec.name && x.address === address && x.mac === spec.mac && x.linkName === linkName);
    if (known) return known;
    const n = new SimulatedNode(link, spec);
    this.nodes.push(n);
    this.log(`${spec.name} is ${n.mac} ${n.address} on ${linkName}`);
    return n;
  }

  /** A command on the NUT's management connection, logged; throws if it fails (setup trouble is ERROR). */
  async nutCommand(argv: string[]): Promise<string> {
    this.log(`NUT$ ${argv.join(' ')}`);
    const r = await this.nut.exec(argv, { timeoutMs: 15_000 });
    if (r.code !== 0) throw new Error(`NUT command ${argv[0]} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** A command on the NUT whose exit status is part of the evidence (ping without an answer exits 1): logged, never throws on a non-zero exit. */
  async nutExec(argv: string[], timeoutMs = 15_000): Promise<{ code: number; stdout: string; stderr: string }> {
    this.log(`NUT$ ${argv.join(' ')}`);
    const r = await this.nut.exec(argv, { timeoutMs });
    this.log(`NUT exit ${r.code}${r.stdout.trim() ? `: ${r.stdout.trim().split('\n').slice(-2).join(' / ')}` : ''}`);
    return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  log(text: string): void {
    this.lines.push(`${String(Date.now() - this.started).padStart(6)} ms  ${text}`);
  }

  logText(): string {
    return `${this.lines.join('\n')}\n`;
  }

  /**
   * Undoes state a case gave the NUT (an autoconfigured address, a reduced MTU) when the case ends, pass
   * or fail, so the next case starts from the NUT's own defaults. Run last-registered first.
   */
  onCleanup(what: string, run: () => Promise<void>): void {
    this.cleanups.push({ what, run });
  }

  /** True when the NUT has a link of that name (router NUTs have Link1, hosts do not). */
  hasLink(name: string): boolean {
    return this.testerLinks.has(name) && this.nut.links.some((l) => l.name === name);
  }

  /** Stops the simulated nodes and captures; returns the pcap paths. */
  async close(): Promise<string[]> {
    for (const c of this.cleanups.reverse()) {
      try {
        this.log(`cleanup: ${c.what}`);
        await c.run();
      } catch (error) {
        // A failed cleanup is logged as evidence; the verdict is already decided.
        this.log(`cleanup failed: ${c.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const n of this.nodes) n.close();
    for (const l of this.testerLinks.values()) l.close();
    for (const p of this.pcaps.values()) p.writer.close();
    return [...this.pcaps.values()].map((p) => p.file);
  }
}
