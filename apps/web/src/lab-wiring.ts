// What the dashboard serves, from the lab's config (--config labd.yaml) or, without one, from
// $TESTLAB_HOME as the CLI lays it out. With a config it also opens the job queue and registers the
// routes the config enables: the trigger API and starting bisections when `web.tokenFile` is set,
// subscribing when `mail` is.
import os from 'node:os';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { envStoreLocation, labStoreLocation, loadLabConfig, mailConfigOf, readTokenFile } from '@testlab/lab-config';
import { loadLabPlan } from '@testlab/scheduler';
import { createNotifyService } from '@testlab/notify';
import type { LabStores } from '@testlab/core';
import { openLabStores } from '@testlab/stores';
import type { BuildOptions } from './app.js';
import { labTrigger } from './lab-trigger.js';
import { labBisections } from './lab-bisections.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { labFileRoutes } from './routes/lab-files.js';
import { triggerRoutes } from './routes/trigger.js';

export interface WebLab {
  build: BuildOptions;
  host: string;
  port: number;
  /** Processes to serve with (the config's web.workers): 1, or one per core. */
  workers: number | 'auto';
  /** What is enabled, for the start-up line. */
  features: string[];
  close(): Promise<void>;
}

export interface WebLabOptions {
  configFile?: string;
  /** From the command line: win over the config. */
  host?: string;
  port?: number;
  publicUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export async function openWebLab(o: WebLabOptions): Promise<WebLab> {
  if (o.configFile === undefined) {
    // Same locations as the CLI (apps/cli/src/lab-paths.ts): TESTLAB_HOME holds lab.db and runs/.
    const env = o.env ?? process.env;
    const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), '.local/share');
    const home = path.resolve(env.TESTLAB_HOME || path.join(dataHome, 'testlab'));
    const stores = await openLabStores(envStoreLocation(env, home), { env, applicationName: 'testlab-web' });
    const host = o.host ?? '127.0.0.1';
    const port = o.port ?? 8080;
    return {
      build: base(stores, home, o.publicUrl ?? `http://${host}:${port}`), host, port, features: [], workers: 1,
      close: () => stores.close(),
    };
  }

  const config = await loadLabConfig(o.configFile);
  // Read before anything is opened: a token others can read stops the start, with the reason.
  const token = config.web.tokenFile !== undefined ? await readTokenFile(config.web.tokenFile) : undefined;
  const plan = token !== undefined ? await loadLabPlan(config) : undefined;
  // The link secret too: a weak or readable one stops the start, with the reason.
  const mail = await mailConfigOf(config);
  const host = o.host ?? config.web.host;
  const port = o.port ?? config.web.port;
  const publicUrl = o.publicUrl ?? config.web.publicUrl ?? `http://${host}:${port}`;
  const stores = await openLabStores(labStoreLocation(config), { applicationName: 'testlab-web' });
  const { queue } = stores;
  const extraRoutes: { plugin: FastifyPluginAsync<any>; options: object }[] = [];
  const features: string[] = [];
  let bisect: BuildOptions['bisect'];
  if (token !== undefined && plan !== undefined) {
    extraRoutes.push({ plugin: triggerRoutes, options: { token, trigger: labTrigger(queue, plan.context, config.kernels) } });
    features.push('trigger API (POST /api/runs)');
    // Workers on other hosts send what they built and recorded here, with the same token.
    extraRoutes.push({
      plugin: labFileRoutes,
      options: { token, store: stores.store, results: stores.results, kernelsDir: path.join(config.home, 'kernels'), receivedDir: path.join(config.home, 'received') },
    });
    features.push('lab files (PUT /api/kernels, /api/runs/:id/files)');
    bisect = { token, start: labBisections(stores, plan, config) };
    features.push('bisections (POST /api/bisections)');
  }
  if (mail !== undefined) {
    // The web process only writes subscriptions and outbox rows; labd's outbox worker sends the mail.
    const notify = createNotifyService({ config: mail, subscriptions: stores.subscriptions, outbox: stores.outbox });
    extraRoutes.push({ plugin: subscriptionRoutes, options: { notify, ...(token ? { apiToken: token } : {}), secureCookie: publicUrl.startsWith('https:') } });
    features.push('subscriptions');
  }
  return {
    build: { ...base(stores, config.home, publicUrl), extraRoutes, ...(bisect !== undefined ? { bisect } : {}) }, host, port, features, workers: config.web.workers,
    close: () => stores.close(),
  };
}

function base(stores: LabStores, home: string, publicUrl: string): BuildOptions {
  return { store: stores.store, results: stores.results, bisections: stores.bisections, runsDir: path.join(home, 'runs'), receivedDir: path.join(home, 'received'), publicUrl };
}
