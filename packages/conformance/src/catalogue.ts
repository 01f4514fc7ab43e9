// Every case the built-in engine implements, by Ready Logo id: the one list test sets are checked against.
import type { CaseDefinition } from './engine/case.js';
import { unrecognizedNextHeader, versionField } from './cases/v6LC.1.1.js';
import { nsInvalidChecksum, nsInvalidHopLimit } from './cases/v6LC.2.1.7.js';
import { echoToAllNodes, echoToLinkLocal } from './cases/v6LC.5.1.2.js';
import { unknownInformational } from './cases/v6LC.5.1.8.js';

const all: CaseDefinition[] = [versionField, unrecognizedNextHeader, nsInvalidHopLimit, nsInvalidChecksum, echoToLinkLocal, echoToAllNodes, unknownInformational];

export const caseCatalogue: ReadonlyMap<string, CaseDefinition> = new Map(all.map((c) => [c.id, c]));
