// A test set as the lab runs it: which cases, on a NUT in which mode, with which kernel options.
import type { NutMode } from './nuts.js';

export interface TestSet {
  /** File name without extension: `phase2-host`. Lower-case letters, digits and dashes only. */
  name: string;
  title: string;
  mode: NutMode;
  /** Suite driver id: `builtin` today. */
  engine: string;
  /** Number of test links the NUT needs (host 1, router 2). */
  links: number;
  /** Sysctls set on the NUT before the set runs. */
  sysctls: Record<string, string>;
  /** Case ids in run order. */
  cases: string[];
  /** What the mode runs on the NUT beyond sysctls (router sets: radvd on some links). */
  modeSettings?: ModeSettings;
  /** The test set's kconfig fragment text and where it came from. */
  kernelConfig: { origin: string; text: string };
}

/** Router Advertisements a router NUT sends (radvd), on the links named, with these intervals (RFC 4861 §6.2.1). */
export interface RadvdSettings {
  links: string[];
  minIntervalS: number;
  maxIntervalS: number;
}

export interface ModeSettings {
  radvd?: RadvdSettings;
}
