export * from "./builtin.js";
export { bootIntoMode, radvdConfig, routerAddress } from "./modes/index.js";
