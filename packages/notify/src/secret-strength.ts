// Is a link-signing secret one an attacker cannot guess? Whoever knows it can confirm or unsubscribe any
// subscriber, so a placeholder copied from the example config, or a short or patterned string, is refused.

// Words of placeholders and hand-made secrets; a generated secret (hex, base64) holds none of them.
const PLACEHOLDER = /replace|example|change-?me|placeholder|secret|passw|x{6}|your-/i;

/** Why `secret` is not good enough to sign links with, or undefined when it is. */
export function secretProblem(secret: string): string | undefined {
  if (secret.length < 32) return 'must be at least 32 characters';
  const word = PLACEHOLDER.exec(secret)?.[0];
  if (word) return `looks like a placeholder ("${word}"): use 32 random bytes (openssl rand -hex 32), or leave it out and the lab makes one`;
  // Runs of 8: `openssl rand -hex 32` makes one about once in a million secrets.
  if (/(.)\1{7}/.test(secret) || longestRun(secret) >= 8) return 'has a run of repeated or consecutive characters: not random';
  if (repeatsItself(secret)) return 'repeats itself: not random';
  const bits = estimatedBits(secret);
  if (bits < 128) return `too little randomness (about ${Math.floor(bits)} bits, at least 128): use 32 random bytes (openssl rand -hex 32), or leave it out and the lab makes one`;
  return undefined;
}

/** Length times the Shannon entropy of its characters: an upper bound, enough to catch hand-made strings. */
function estimatedBits(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / s.length) * Math.log2(n / s.length);
  return perChar * s.length;
}

/** The longest run of characters whose codes go up (or down) by one: `abcdef`, `987654`. */
function longestRun(s: string): number {
  let longest = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < s.length; i++) {
    const step = s.charCodeAt(i) - s.charCodeAt(i - 1);
    up = step === 1 ? up + 1 : 1;
    down = step === -1 ? down + 1 : 1;
    longest = Math.max(longest, up, down);
  }
  return longest;
}

/** `s` is a shorter string written out several times (`abcabcabc...`, `qwertyuiopqwertyuiop...`). */
function repeatsItself(s: string): boolean {
  for (let period = 1; period <= s.length / 2; period++) {
    let same = 0;
    for (let i = period; i < s.length; i++) if (s[i] === s[i - period]) same++;
    // A random string matches itself shifted by chance only one time in its alphabet size.
    if (same >= (s.length - period) * 0.75) return true;
  }
  return false;
}
