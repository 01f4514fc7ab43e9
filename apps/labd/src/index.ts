// @testlab/labd: the lab daemon (config, schedule, queue workers). The program is main.ts.
export { labConfigSchema, parseLabConfig, loadLabConfig, ConfigError, type LabConfig, type NutConfig } from '@testlab/lab-config';
export { openLab, type Lab } from './lab.js';
export { startDaemon, type Daemon } from './daemon.js';
