// Title, description and favicon of an HTML page (seed 004's linkMetadataFetched). A small
// tag scanner rather than a DOM: only <title>, <meta> and <link> in the head matter.
export interface PageMetadata {
  readonly title?: string;
  readonly description?: string;
  readonly favicon?: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'", nbsp: " " };

function decode(text: string): string {
  return text
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z0-9]+);/gi, (whole, name: string) => {
      const lower = name.toLowerCase();
      if (ENTITIES[lower] !== undefined) return ENTITIES[lower];
      if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
      if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
      return whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/** Attributes of one tag, names lower-cased. */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    out.set((m[1] as string).toLowerCase(), m[2] ?? m[3] ?? m[4] ?? "");
  }
  return out;
}

const nonEmpty = (s: string | undefined) => (s !== undefined && s !== "" ? s : undefined);
const MAX_TEXT = 300;
const clip = (s: string | undefined) => (s === undefined ? undefined : s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

export function extractMetadata(html: string, pageUrl: string): PageMetadata {
  const metas = new Map<string, string>();
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    const key = (a.get("property") ?? a.get("name"))?.toLowerCase();
    const content = a.get("content");
    if (key !== undefined && content !== undefined && !metas.has(key)) metas.set(key, decode(content));
  }
  let icon: string | undefined;
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    const rel = a.get("rel")?.toLowerCase().split(/\s+/) ?? [];
    if (rel.includes("icon") && a.get("href")) {
      icon = a.get("href");
      break;
    }
  }
  const titleTag = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  let favicon: string | undefined;
  try {
    favicon = new URL(icon ?? "/favicon.ico", pageUrl).toString();
  } catch {
    favicon = undefined;
  }
  const result: { title?: string; description?: string; favicon?: string } = {};
  const title = clip(nonEmpty(metas.get("og:title")) ?? nonEmpty(titleTag === undefined ? undefined : decode(titleTag)));
  const description = clip(nonEmpty(metas.get("og:description")) ?? nonEmpty(metas.get("description")));
  if (title !== undefined) result.title = title;
  if (description !== undefined) result.description = description;
  if (favicon !== undefined) result.favicon = favicon;
  return result;
}
