// @testlab/transport/ssh: the SSH client (loads ssh2). What needs no connection (targets, errors, quoting)
// is also exported by @testlab/transport itself, for code that must not load ssh2.
export { DEFAULT_MAX_OUTPUT_BYTES, SshClient, type ExecOptions, type RemoteEntry, type RemoteStat, type SshClientOptions, type StreamOptions } from './ssh-client.js';
export { fingerprint, SshExecTimeoutError, SshHostKeyMismatchError, type SshTarget } from './target.js';
export { remoteCommand, shellJoin, shellQuote } from './shell-words.js';
