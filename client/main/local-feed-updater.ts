// LocalFeedUpdater: an AutoUpdaterLike that reads its release feed from a local directory,
// for dev and tests (electron-updater needs a packaged app and a published feed, neither of
// which exists here). The feed is electron-updater's shape reduced to what is used:
// `<feedDir>/latest.json` = { version, file, sha256 }. Downloading copies `file` into
// `cacheDir` in chunks, emitting download-progress, and verifies its SHA-256.
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { createReadStream, createWriteStream, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { z } from "zod";
import type { AutoUpdaterLike, UpdateInfo, UpdaterEvents } from "./updater.ts";

export const FEED_FILE = "latest.json";

const Feed = z.object({ version: z.string().regex(/^\d+\.\d+\.\d+$/), file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
type Feed = z.infer<typeof Feed>;

/** 64 KiB chunks: progress every chunk, as electron-updater reports it per received block. */
const CHUNK_BYTES = 64 * 1024;

export interface LocalFeedUpdaterOptions {
  readonly feedDir: string;
  readonly cacheDir: string;
  readonly currentVersion: string;
  /** What "quit and install" does; in Electron, relaunch the app. */
  readonly onInstall: (downloadedFile: string, info: UpdateInfo) => void;
}

export class LocalFeedUpdater extends EventEmitter implements AutoUpdaterLike {
  readonly #options: LocalFeedUpdaterOptions;
  #available: Feed | undefined;
  #downloaded: string | undefined;

  constructor(options: LocalFeedUpdaterOptions) {
    super();
    this.#options = options;
  }

  override on<E extends keyof UpdaterEvents>(event: E, listener: (...args: UpdaterEvents[E]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  async checkForUpdates(): Promise<{ updateInfo: UpdateInfo } | null> {
    this.emit("checking-for-update");
    let feed: Feed;
    try {
      const path = join(this.#options.feedDir, FEED_FILE);
      const parsed = Feed.safeParse(JSON.parse(readFileSync(path, "utf8")));
      if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      feed = parsed.data;
    } catch (err) {
      return this.#fail(err);
    }
    const info: UpdateInfo = { version: feed.version };
    if (compareVersions(feed.version, this.#options.currentVersion) > 0) {
      this.#available = feed;
      this.emit("update-available", info);
    } else {
      this.#available = undefined;
      this.emit("update-not-available", info);
    }
    return { updateInfo: info };
  }

  async downloadUpdate(): Promise<string[]> {
    const feed = this.#available;
    if (!feed) return this.#fail(new Error("downloadUpdate: no update available; call checkForUpdates first"));
    try {
      const source = join(this.#options.feedDir, feed.file);
      const total = statSync(source).size;
      mkdirSync(this.#options.cacheDir, { recursive: true });
      const target = join(this.#options.cacheDir, feed.file);
      const hash = createHash("sha256");
      const started = performance.now();
      let transferred = 0;
      const progress = new Transform({
        transform: (chunk: Buffer, _enc, done) => {
          hash.update(chunk);
          transferred += chunk.length;
          const seconds = Math.max((performance.now() - started) / 1000, 1e-6);
          this.emit("download-progress", {
            percent: total === 0 ? 100 : (transferred / total) * 100,
            transferred,
            total,
            bytesPerSecond: transferred / seconds,
          });
          done(null, chunk);
        },
      });
      await pipeline(createReadStream(source, { highWaterMark: CHUNK_BYTES }), progress, createWriteStream(target));
      const digest = hash.digest("hex");
      if (digest !== feed.sha256) throw new Error(`${feed.file}: SHA-256 ${digest} does not match the feed's ${feed.sha256}`);
      this.#downloaded = target;
      this.emit("update-downloaded", { version: feed.version });
      return [target];
    } catch (err) {
      return this.#fail(err);
    }
  }

  quitAndInstall(): void {
    if (!this.#downloaded || !this.#available) {
      this.emit("error", new Error("quitAndInstall: nothing downloaded"));
      return;
    }
    this.#options.onInstall(this.#downloaded, { version: this.#available.version });
  }

  #fail(err: unknown): never {
    const error = err instanceof Error ? err : new Error(String(err));
    this.emit("error", error);
    throw error;
  }
}

/** Compares x.y.z versions numerically: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
