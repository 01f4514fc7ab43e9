// Every route module of the web app, registered in this order. A new page or API is a new file in this
// folder exporting a WebRoute (a fastify plugin receiving { context }) plus one line here.
import type { WebRoute } from '../context.js';
import home from './home.js';
import runs from './runs.js';
import history from './history.js';
import compare from './compare.js';
import feed from './feed.js';
import api from './api.js';
import runList from './run-list.js';
import bisections from './bisections.js';
import bisectionsApi from './bisections-api.js';
import bisectionRequests from './bisection-requests.js';

export const routes: WebRoute[] = [
  home,
  runs,
  history,
  compare,
  feed,
  api,
  runList,
  bisections,
  bisectionsApi,
  bisectionRequests,
];
