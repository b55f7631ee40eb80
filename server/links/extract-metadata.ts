// Title, description and favicon of an HTML page (seed 004's linkMetadataFetched). A small
// forward-only tag scanner rather than a DOM or regexes over the page: every character is
// looked at a bounded number of times, so a hostile page costs time linear in its size (the
// old `<meta\b[^>]*>` regexes rescanned to the end of the page from every `<meta`, which was
// quadratic: a 1 MB page of `<link ` took a minute). Scanning stops at the end of the head,
// at an unterminated tag or comment (HTML drops those at end of input), or once everything
// wanted is found.
export interface PageMetadata {
  readonly title?: string;
  readonly description?: string;
  readonly favicon?: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'", nbsp: " " };
/** Longest title or description kept, in characters. */
const MAX_TEXT = 300;
/** Raw text decoded for a title or description: a few times MAX_TEXT covers entities and whitespace. */
const MAX_RAW_TEXT = 4 * 1024;

function codePoint(n: number): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : "\uFFFD";
}

function decode(raw: string): string {
  return raw
    .slice(0, MAX_RAW_TEXT)
    .replace(/&(#x[0-9a-f]{1,8}|#[0-9]{1,10}|[a-z0-9]{1,32});/gi, (whole, name: string) => {
      const lower = name.toLowerCase();
      if (ENTITIES[lower] !== undefined) return ENTITIES[lower];
      if (lower.startsWith("#x")) return codePoint(parseInt(lower.slice(2), 16));
      if (lower.startsWith("#")) return codePoint(parseInt(lower.slice(1), 10));
      return whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x3a;

/**
 * Index of the `>` ending a tag whose attributes start at `from`, or -1 if the input ends
 * first. A quote opens a value only right after `=`, as in HTML's tokenizer, so a stray
 * quote in attribute soup cannot hide the rest of the page.
 */
function tagEnd(html: string, from: number): number {
  let quote = 0;
  let afterEquals = false;
  for (let i = from; i < html.length; i++) {
    const c = html.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
      continue;
    }
    if (c === 0x3e) return i; // >
    if (afterEquals && (c === 0x22 || c === 0x27)) {
      quote = c;
      afterEquals = false;
      continue;
    }
    if (c === 0x3d) afterEquals = true; // =
    else if (!isSpace(c)) afterEquals = false;
  }
  return -1;
}

/** Attributes between `from` and `end` (the tag's `>`); names lower-cased, the first of a name wins. */
function attributes(html: string, from: number, end: number): Map<string, string> {
  const out = new Map<string, string>();
  let i = from;
  while (i < end) {
    const c = html.charCodeAt(i);
    if (isSpace(c) || c === 0x2f) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < end && !isSpace(html.charCodeAt(i)) && html.charCodeAt(i) !== 0x3d && html.charCodeAt(i) !== 0x2f) i++;
    const name = html.slice(nameStart, i).toLowerCase();
    while (i < end && isSpace(html.charCodeAt(i))) i++;
    let value = "";
    if (html.charCodeAt(i) === 0x3d) {
      i++;
      while (i < end && isSpace(html.charCodeAt(i))) i++;
      const q = html.charCodeAt(i);
      if (q === 0x22 || q === 0x27) {
        const close = html.indexOf(String.fromCharCode(q), i + 1);
        const stop = close === -1 || close > end ? end : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const valueStart = i;
        while (i < end && !isSpace(html.charCodeAt(i))) i++;
        value = html.slice(valueStart, i);
      }
    }
    if (name !== "" && !out.has(name)) out.set(name, value);
  }
  return out;
}

/** Start of the first `</name` at or after `from` (case-insensitive), or -1. Linear in the distance. */
function closingTag(html: string, name: string, from: number): number {
  const re = new RegExp(`</${name}[\\s/>]`, "gi");
  re.lastIndex = from;
  return re.exec(html)?.index ?? -1;
}

interface Found {
  title?: string;
  ogTitle?: string;
  description?: string;
  ogDescription?: string;
  icon?: string;
}

function onMeta(found: Found, a: Map<string, string>): void {
  const key = (a.get("property") ?? a.get("name"))?.toLowerCase();
  const content = a.get("content");
  if (key === undefined || content === undefined) return;
  if (key === "og:title") found.ogTitle ??= nonEmpty(decode(content));
  else if (key === "og:description") found.ogDescription ??= nonEmpty(decode(content));
  else if (key === "description") found.description ??= nonEmpty(decode(content));
}

function onLink(found: Found, a: Map<string, string>): void {
  if (found.icon !== undefined) return;
  const rel = a.get("rel")?.toLowerCase().split(/\s+/) ?? [];
  const href = a.get("href");
  if (rel.includes("icon") && href) found.icon = href;
}

/** One pass over the page, collecting what extractMetadata needs. */
function scan(html: string): Found {
  const found: Found = {};
  let pos = 0;
  while (pos < html.length) {
    const lt = html.indexOf("<", pos);
    if (lt === -1) break;
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      if (end === -1) break;
      pos = end + 3;
      continue;
    }
    let i = lt + 1;
    const closing = html.charCodeAt(i) === 0x2f;
    if (closing) i++;
    if (!isNameStart(html.charCodeAt(i))) {
      pos = lt + 1; // "<" in text, "<!doctype", "<?xml": not a tag that matters
      continue;
    }
    const nameStart = i;
    while (i < html.length && isNameChar(html.charCodeAt(i))) i++;
    // Names longer than any wanted tag need not be lower-cased (or copied) at all.
    const name = i - nameStart <= 6 ? html.slice(nameStart, i).toLowerCase() : "";
    const end = tagEnd(html, i);
    if (end === -1) break;
    pos = end + 1;
    if (closing) {
      if (name === "head") break;
      continue;
    }
    if (name === "body") break;
    if (name === "meta") onMeta(found, attributes(html, i, end));
    else if (name === "link") onLink(found, attributes(html, i, end));
    else if (name === "title" || name === "script" || name === "style") {
      // Raw text up to the closing tag: a `<meta` inside a script is not a tag.
      const close = closingTag(html, name, pos);
      if (close === -1) break;
      if (name === "title") found.title ??= nonEmpty(decode(html.slice(pos, Math.min(close, pos + MAX_RAW_TEXT))));
      pos = close;
    }
    if (found.ogTitle !== undefined && found.ogDescription !== undefined && found.icon !== undefined) break;
  }
  return found;
}

const nonEmpty = (s: string | undefined) => (s !== undefined && s !== "" ? s : undefined);
const clip = (s: string | undefined) => (s === undefined ? undefined : s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

export function extractMetadata(html: string, pageUrl: string): PageMetadata {
  const found = scan(html);
  let favicon: string | undefined;
  try {
    favicon = new URL(found.icon ?? "/favicon.ico", pageUrl).toString();
  } catch {
    favicon = undefined;
  }
  const result: { title?: string; description?: string; favicon?: string } = {};
  const title = clip(found.ogTitle ?? found.title);
  const description = clip(found.ogDescription ?? found.description);
  if (title !== undefined) result.title = title;
  if (description !== undefined) result.description = description;
  if (favicon !== undefined) result.favicon = favicon;
  return result;
}
