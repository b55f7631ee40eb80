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
