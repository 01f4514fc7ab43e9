// @testlab/transport: how bytes reach the lab. HTTP(S) downloads (http/: retries, resume, size limit, the
// download cache) and what SSH users need without a connection (targets, errors, argv quoting). The SSH
// client itself is @testlab/transport/ssh, a separate entry point so that importing this one does not load
// ssh2 (the dashboard and the config validators import packages that import this one).
export { downloadPath, downloadToCache, dropCached, fetchText, type CachedDownload } from './http/download.js';
export { BodyTooLargeError, HttpStatusError, redactUrl, withRetry, type HttpOptions } from './http/retry.js';
export { fingerprint, SshExecTimeoutError, SshHostKeyMismatchError, type SshTarget } from './ssh/target.js';
export { remoteCommand, shellJoin, shellQuote } from './ssh/shell-words.js';
export { downloadVerified, fileSha256, uploadFile, SHA256_HEADER, type LabTransferOptions } from './http/lab-files.js';
