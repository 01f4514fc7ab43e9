// URLs from a feed or a setting, checked before they reach fetch, git or a message.

/** An http(s) URL with a plain host name and no spaces or control characters; `what` names it in the error. */
export function checkHttpUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${what} ${JSON.stringify(text.slice(0, 120))} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${what} ${JSON.stringify(text.slice(0, 120))} is not http(s)`);
  if (!/^[A-Za-z0-9[][A-Za-z0-9.:[\]-]*$/.test(url.hostname)) throw new Error(`${what} has an invalid host ${JSON.stringify(url.hostname.slice(0, 80))}`);
  if (/[\s\u0000-\u001f\u007f]/.test(text)) throw new Error(`${what} ${JSON.stringify(text.slice(0, 120))} contains spaces or control characters`);
  if (url.username || url.password) throw new Error(`${what} carries credentials; configure access another way`);
  return url;
}
