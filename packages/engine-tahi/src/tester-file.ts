// The description of the TAHI tester host (`testlab run --tahi-tester <file.yaml>`, `tahi.testerFile` in
// labd's config): where it is, how to log in (key file, pinned host key), where v6eval and the suites are
// installed, and what tn.def/nut.def say. Validated whole before anything is built; each problem names its
// key and line. Format and example: infra/tahi/tester.example.yaml.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { publicKeyBlob } from '@testlab/core';
import type { TahiSuiteConfig } from './tahi-suite.js';

const HOST = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const ABS_PATH = /^\/[A-Za-z0-9_./+-]{0,200}$/;
const WORD = /^[A-Za-z0-9_.,:/+@=-]{1,128}$/;
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/;

const schema = z
  .object({
    tester: z
      .object({
        host: z.string().regex(HOST, 'a host name or address'),
        port: z.number().int().min(1).max(65535).default(22),
        user: z.string().regex(USER, 'a login name'),
        /** Path of the private key file; a relative path is taken from the folder of this file. */
        privateKey: z.string().min(1).max(400),
        /** The tester's host key as a known_hosts / ssh-keyscan line: `<type> <base64> [comment]`. */
        hostKey: z.string().regex(HOST_KEY, 'an SSH public key line: "ssh-ed25519 AAAA..." (ssh-keyscan -t ed25519 <host>)'),
      })
      .strict(),
    v6evalRoot: z.string().regex(ABS_PATH, 'an absolute path on the tester'),
    suiteDirs: z
      .object({ core: z.string().regex(ABS_PATH, 'an absolute path on the tester').optional(), ipsec: z.string().regex(ABS_PATH, 'an absolute path on the tester').optional() })
      .strict()
      .refine((d) => d.core !== undefined || d.ipsec !== undefined, 'name core (Self_Test) or ipsec (IPsec_Self_Test_P2) or both'),
    launch: z.enum(['autorun', 'make']).default('autorun'),
    autorun: z.string().regex(ABS_PATH, 'an absolute path on the tester').optional(),
    sectionTimeoutMin: z.number().int().min(1).max(24 * 60).optional(),
    tn: z
      .object({
        remoteMethod: z.enum(['none', 'serial']).default('none'),
        links: z.array(z.object({ ifname: z.string().regex(IFNAME, 'an interface name'), mac: z.string().regex(MAC, 'a MAC address') }).strict()).min(1).max(8),
      })
      .strict(),
    nut: z
      .object({
        targetName: z.string().regex(WORD, 'one word'),
        hostName: z.string().regex(WORD, 'one word'),
        user: z.string().regex(WORD, 'one word').default('root'),
        password: z.string().regex(WORD, 'one word').default('unused'),
      })
      .strict(),
  })
  .strict();

export class TahiTesterConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`TAHI tester file ${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'TahiTesterConfigError';
  }
}

/** The tester's part of TahiSuiteConfig; the test set adds its targets. */
export type TahiTester = Omit<TahiSuiteConfig, 'targets'>;

/** Parses the text; `file` is for messages and for resolving a relative privateKey. Reads the key file. */
export async function parseTahiTester(text: string, file: string): Promise<TahiTester> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined) => (offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`);
  const nodeAt = (p: readonly PropertyKey[]) => {
    // The deepest node that exists: a missing key is reported at its parent's line.
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return node.range[0];
    }
    return undefined;
  };
  if (doc.errors.length > 0) throw new TahiTesterConfigError(file, doc.errors.map((e) => `${at(e.pos[0])}: YAML: ${e.message.split('\n')[0]}`));
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new TahiTesterConfigError(
      file,
      parsed.error.issues.map((i) => {
        const extra = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
        return `${at(nodeAt(i.path))}: ${i.path.join('.') || '(top level)'}: ${i.message}${extra}`;
      }),
    );
  }
  const def = parsed.data;
  let hostKey: Buffer;
  try {
    hostKey = publicKeyBlob(def.tester.hostKey);
  } catch {
    const keyType = def.tester.hostKey.split(' ')[0];
    throw new TahiTesterConfigError(file, [`${at(nodeAt(['tester', 'hostKey']))}: tester.hostKey: the key data is not a ${keyType} key (cut or mixed-up line?)`]);
  }
  const keyFile = path.resolve(path.dirname(file), def.tester.privateKey);
  const privateKey = await readFile(keyFile).catch((e: NodeJS.ErrnoException) => {
    throw new TahiTesterConfigError(file, [`${at(nodeAt(['tester', 'privateKey']))}: tester.privateKey: cannot read ${keyFile}: ${e.code ?? e.message}`]);
  });
  if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey.toString('latin1', 0, 64))) {
    throw new TahiTesterConfigError(file, [`${at(nodeAt(['tester', 'privateKey']))}: tester.privateKey: ${keyFile} is not a PEM/OpenSSH private key file`]);
  }
  return {
    tester: { host: def.tester.host, port: def.tester.port, username: def.tester.user, privateKey, hostKey },
    v6evalRoot: def.v6evalRoot,
    suiteDirs: { ...(def.suiteDirs.core ? { core: def.suiteDirs.core } : {}), ...(def.suiteDirs.ipsec ? { ipsec: def.suiteDirs.ipsec } : {}) },
    launch: def.launch,
    ...(def.autorun ? { autorun: def.autorun } : {}),
    ...(def.sectionTimeoutMin ? { sectionTimeoutMs: def.sectionTimeoutMin * 60_000 } : {}),
    tn: { remoteMethod: def.tn.remoteMethod, links: def.tn.links.map((l) => ({ ifname: l.ifname, mac: l.mac.toLowerCase() })) },
    nut: def.nut,
  };
}

export async function loadTahiTester(file: string): Promise<TahiTester> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new TahiTesterConfigError(file, [`cannot read: ${e.code ?? e.message}`]);
  });
  return parseTahiTester(text, path.resolve(file));
}
