// Finds the http(s) URLs in a chat message. Trailing punctuation that usually ends a
// sentence is not part of the URL.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

/** Distinct URLs in order of appearance, as written (validation happens when processing). */
export function extractUrls(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(URL_PATTERN)) {
    const url = m[0].replace(TRAILING, "");
    if (url.length > "https://".length) found.add(url);
  }
  return [...found];
}
