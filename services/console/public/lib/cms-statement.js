// The evidence statement a delivery's CMS carries (services/delivery README "Evidence"): the
// canonical JSON inside SignedData's eContent, read to show the act's own words (số đến,
// reason, deadline). Only read for display: the signature is checked by the offline bundle's
// verifier (`lienthong delivery evidence`), not here.

/** One DER element at `at`: its tag, where its content starts and ends; null when malformed. */
function element(bytes, at) {
  if (at + 2 > bytes.length) return null;
  const tag = bytes[at];
  let length = bytes[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || start + n > bytes.length) return null;
    length = 0;
    for (let i = 0; i < n; i += 1) length = length * 256 + bytes[start + i];
    start += n;
  }
  const end = start + length;
  return end > bytes.length ? null : { tag, start, end };
}

/** The children of a constructed element. */
function children(bytes, parent) {
  const out = [];
  for (let at = parent.start; at < parent.end;) {
    const e = element(bytes, at);
    if (e === null || e.end > parent.end) return null;
    out.push(e);
    at = e.end;
  }
  return out;
}

/** The statement (parsed JSON) of a base64 DER ContentInfo(SignedData); null when it has none. */
export function statementOf(cmsBase64) {
  try {
    const bytes = Uint8Array.from(atob(cmsBase64), (c) => c.charCodeAt(0));
    const contentInfo = element(bytes, 0);
    const [, explicit] = children(bytes, contentInfo) ?? [];
    const [signedData] = children(bytes, explicit) ?? [];
    // SignedData: version, digestAlgorithms, encapContentInfo, …
    const encap = (children(bytes, signedData) ?? [])[2];
    const [, wrapper] = children(bytes, encap) ?? [];
    const [octets] = children(bytes, wrapper) ?? [];
    if (octets === undefined || octets.tag !== 0x04) return null;
    const json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(octets.start, octets.end)));
    return typeof json === 'object' && json !== null ? json : null;
  } catch {
    return null;
  }
}
