// @testlab/transport: how bytes reach the lab. What SSH users need without a connection (targets, errors,
// argv quoting); the SSH client itself is @testlab/transport/ssh, a separate entry point so that importing
// this one does not load ssh2 (the dashboard and the config validators import packages that import this one).
export { fingerprint, SshExecTimeoutError, SshHostKeyMismatchError, type SshTarget } from './ssh/target.js';
export { remoteCommand, shellJoin, shellQuote } from './ssh/shell-words.js';
