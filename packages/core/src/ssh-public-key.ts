// An OpenSSH public key line (`ssh-ed25519 AAAA... comment`, as in authorized_keys, known_hosts or
// ssh-keyscan output) read into the raw key blob an SSH client pins. Pure: the config validators use it
// without loading an SSH library.

/** The blob of an OpenSSH public key line (`type base64 [comment]`); throws when the line is not one. */
export function publicKeyBlob(line: string): Buffer {
  const [type, base64] = line.trim().split(/\s+/);
  if (type === undefined || base64 === undefined) throw new Error(`not an OpenSSH public key line: ${line}`);
  const blob = Buffer.from(base64, 'base64');
  // The blob starts with its own type name as an SSH string: a cheap check that the line was parsed right
  // (a pasted key of another type or a cut line shows here).
  const nameLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (nameLength < 0 || blob.subarray(4, 4 + nameLength).toString() !== type) {
    throw new Error(`public key blob does not match its type ${type}`);
  }
  return blob;
}
