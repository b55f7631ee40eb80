import { describe, expect, it } from "vitest";
import { extractMetadata } from "./extract-metadata.ts";
import { extractUrls } from "./extract-urls.ts";

describe("extractUrls", () => {
  it("finds distinct http(s) URLs and drops sentence punctuation", () => {
    expect(extractUrls("see https://a.example/x?y=1, (http://b.example/) and https://a.example/x?y=1. ftp://c.example")).toEqual([
      "https://a.example/x?y=1",
      "http://b.example/",
    ]);
  });
  it("finds nothing in plain text", () => {
    expect(extractUrls("no links here: https:// nor www.example.com")).toEqual([]);
  });
});

describe("extractMetadata", () => {
  it("reads title, description and an icon resolved against the page URL, decoding entities", () => {
    const html = `<head><title> A &amp; B&#39;s </title><META NAME="Description" CONTENT="desc &lt;3">
      <link href="/i.png" rel="icon"></head>`;
    expect(extractMetadata(html, "https://site.example/a/b")).toEqual({
      title: "A & B's",
      description: "desc <3",
      favicon: "https://site.example/i.png",
    });
  });
  it("prefers Open Graph tags and falls back to /favicon.ico", () => {
    const html = `<meta property="og:title" content="OG"><title>plain</title><meta property="og:description" content="ogd">`;
    expect(extractMetadata(html, "http://x.example/p")).toEqual({ title: "OG", description: "ogd", favicon: "http://x.example/favicon.ico" });
  });
  it("returns only the favicon for a page without head tags", () => {
    expect(extractMetadata("<p>hi</p>", "http://x.example/")).toEqual({ favicon: "http://x.example/favicon.ico" });
  });
});

describe("extractMetadata on hostile pages", () => {
  const KB = 1024;
  const MB = 1024 * KB;
  const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  /** Pages that made the old regexes quadratic (or could make a scanner so), and two benign ones. */
  const PAGES: Readonly<Record<string, (size: number) => string>> = {
    "benign, head first": (n) => `<html><head><title>News</title><meta name="description" content="d"></head><body>${fill("<p>hello <a href='/x'>world</a></p>\n", n)}`,
    "benign, no head": (n) => fill("<div class=a><p>hello <b>world</b></p></div>\n", n),
    "<link  repeated": (n) => fill("<link ", n),
    "<meta  repeated": (n) => fill("<meta ", n),
    "unclosed <title>": (n) => `<title>${fill("a <b ", n)}`,
    "attribute soup": (n) => `<meta ${fill(`a="b" c='d' e=f = "' `, n)}`,
    "closed <meta> tags": (n) => fill('<meta name="x" content="y">', n),
    "unclosed <script>": (n) => `<script>${fill("<meta ", n)}`,
    "entities in <title>": (n) => `<title>${fill("&#99999999999;&amp&lt;", n)}</title>`,
  };
  const URL = "https://hostile.example/";

  /** Median of three runs, in ms: the machine is shared, one slow run is noise. */
  function timeMs(html: string): number {
    const runs = [0, 1, 2].map(() => {
      const t0 = performance.now();
      extractMetadata(html, URL);
      return performance.now() - t0;
    });
    return runs.sort((a, b) => a - b)[1] as number;
  }

  it("stays linear: every page parses in well under 50 ms per MB (asserted at 10× that, for noisy machines)", () => {
    const rows: string[] = [];
    // 64 KB first: the quadratic parser took 0.7 s there, so a regression fails in a second, not a minute.
    for (const [size, boundMs] of [
      [64 * KB, 100],
      [MB, 500],
    ] as const) {
      for (const [name, page] of Object.entries(PAGES)) {
        const ms = timeMs(page(size));
        rows.push(`${name.padEnd(22)} ${String(size / KB).padStart(5)} KB ${ms.toFixed(1).padStart(7)} ms`);
        expect(ms, `${name} at ${size / KB} KB`).toBeLessThan(boundMs);
      }
    }
    console.log(`extractMetadata, median of 3:\n${rows.join("\n")}`);
  });

  it("still reads what precedes the hostile part, and survives invalid character references", () => {
    expect(extractMetadata(`<title>ok</title><meta name=description content="fine">${fill("<link ", 64 * KB)}`, URL)).toEqual({
      title: "ok",
      description: "fine",
      favicon: "https://hostile.example/favicon.ico",
    });
    expect(extractMetadata("<title>&#9999999999; &#xD800; &#65; &#99999999999;</title>", URL).title).toBe("\uFFFD \uFFFD A &#99999999999;");
  });

  it("ignores tags inside scripts and comments, and stops at the end of the head", () => {
    const html = `<head><script>var s = "<title>no</title>";</script><!-- <link rel=icon href=/no.png> --><title>yes</title></head>
      <body><meta name="description" content="body meta is not read"></body>`;
    expect(extractMetadata(html, URL)).toEqual({ title: "yes", favicon: "https://hostile.example/favicon.ico" });
  });
});
