// Section 2, RFC 4861: address resolution and NUD, router and prefix discovery, redirect. INDEX order.
import type { CaseDefinition } from '../runner/case.js';
import { invalidNsCases } from './v6LC.2.1.7.js';
import { nsNoNceCases } from './v6LC.2.1.8.js';
import { nsIncompleteCases } from './v6LC.2.1.9.js';
import { nsReachableCases } from './v6LC.2.1.10.js';
import { nsStaleCases } from './v6LC.2.1.11.js';
import { nsProbeCases } from './v6LC.2.1.12.js';
import { invalidNaCases } from './v6LC.2.1.15.js';
import { naNoNceCases } from './v6LC.2.1.16.js';
import { naIncompleteCases } from './v6LC.2.1.17.js';
import { naReachableCases } from './v6LC.2.1.18.js';
import { naStaleCases } from './v6LC.2.1.19.js';
import { naProbeCases } from './v6LC.2.1.20.js';
import { routerSolicitations } from './v6LC.2.2.1.js';
import { solicitedRaCases } from './v6LC.2.2.2.js';
import { hostIgnoresRsCases } from './v6LC.2.2.3.js';
import { routerSendsValidRa } from './v6LC.2.2.5.js';
import { raValidityCases } from './v6LC.2.2.12.js';
import { curHopLimitCases } from './v6LC.2.2.13.js';

export const rfc4861Cases: CaseDefinition[] = [
  ...invalidNsCases,
  ...nsNoNceCases,
  ...nsIncompleteCases,
  ...nsReachableCases,
  ...nsStaleCases,
  ...nsProbeCases,
  ...invalidNaCases,
  ...naNoNceCases,
  ...naIncompleteCases,
  ...naReachableCases,
  ...naStaleCases,
  ...naProbeCases,
  routerSolicitations,
  ...solicitedRaCases,
  ...hostIgnoresRsCases,
  routerSendsValidRa,
  ...raValidityCases,
  ...curHopLimitCases,
];
