// Emote cache (seed 000 P4). Emote sets come from main (`chat:get-emotes` → HTTP); the
// images behind them are what is cached: a lookup is a memory hit when this session has
// already prepared the emote, a disk hit when an earlier session did (remembered in
// localStorage; Chromium's HTTP cache holds the bytes), and a miss otherwise, which loads
// the image. Each lookup is an `emote:lookup` span with cache.hit / cache.tier / emote.source.
import { SpanKind, type Tracer } from "@opentelemetry/api";
import type { Emote } from "../../../protocol/index.ts";
import type { RendererMetrics } from "../telemetry/renderer-metrics.ts";

const DISK_KEY = "kicktalk.emote-cache.v1";
/** Emote ids remembered across sessions. */
const MAX_DISK_ENTRIES = 2000;

export interface EmoteLookup {
  readonly emote: Emote;
  readonly hit: boolean;
  readonly tier: "memory" | "disk" | undefined;
}

export class EmoteCache {
  readonly #tracer: Tracer;
  readonly #metrics: RendererMetrics;
  /** name → emote, per chatroom (sets differ per channel). */
  readonly #sets = new Map<string, Map<string, Emote>>();
  readonly #memory = new Set<string>();
  readonly #disk: Set<string>;

  constructor(tracer: Tracer, metrics: RendererMetrics) {
    this.#tracer = tracer;
    this.#metrics = metrics;
    this.#disk = new Set(readDisk());
  }

  setEmotes(chatroomId: string, emotes: readonly Emote[]): void {
    this.#sets.set(chatroomId, new Map(emotes.map((e) => [e.name, e])));
  }

  /** Names of a chatroom's emotes starting with `prefix` (case-insensitive), for suggestions. */
  suggest(chatroomId: string, prefix: string, limit = 8): Emote[] {
    const p = prefix.toLowerCase();
    const out: Emote[] = [];
    for (const e of this.#sets.get(chatroomId)?.values() ?? []) {
      if (e.name.toLowerCase().startsWith(p)) out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Whether `word` names an emote of the chatroom (no telemetry: called for every word). */
  has(chatroomId: string, word: string): boolean {
    return this.#sets.get(chatroomId)?.has(word) ?? false;
  }

  lookup(chatroomId: string, name: string): EmoteLookup | undefined {
    const emote = this.#sets.get(chatroomId)?.get(name);
    if (!emote) return undefined;
    const span = this.#tracer.startSpan("emote:lookup", {
      kind: SpanKind.INTERNAL,
      attributes: { "emote.name": name, "emote.source": emote.source, chatroom_id: chatroomId },
    });
    let result: EmoteLookup;
    if (this.#memory.has(emote.id)) {
      result = { emote, hit: true, tier: "memory" };
    } else if (this.#disk.has(emote.id)) {
      this.#memory.add(emote.id);
      result = { emote, hit: true, tier: "disk" };
    } else {
      this.#load(emote);
      result = { emote, hit: false, tier: undefined };
    }
    span.setAttribute("cache.hit", result.hit);
    if (result.tier) {
      span.setAttribute("cache.tier", result.tier);
      this.#metrics.record("emoteCacheHits", 1, { source: emote.source, tier: result.tier });
    } else {
      this.#metrics.record("emoteCacheMisses", 1, { source: emote.source });
    }
    span.end();
    return result;
  }

  #load(emote: Emote): void {
    this.#memory.add(emote.id);
    this.#disk.add(emote.id);
    // Warm the browser's image cache; the <img> that renders it reuses the response.
    const img = new Image();
    img.src = emote.url;
    writeDisk(this.#disk);
  }
}

function readDisk(): string[] {
  try {
    const raw = JSON.parse(localStorage.getItem(DISK_KEY) ?? "[]");
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

function writeDisk(ids: Set<string>): void {
  try {
    localStorage.setItem(DISK_KEY, JSON.stringify([...ids].slice(-MAX_DISK_ENTRIES)));
  } catch {
    // storage full or unavailable (opaque origin): the memory tier still works
  }
}
