// @testlab/web: the results dashboard and JSON API.
export { build, type BuildOptions } from './app.js';
export { listen, type ListenOptions } from './server.js';
export type { WebContext, WebRoute } from './context.js';
export { loadViews, type Views } from './views.js';
