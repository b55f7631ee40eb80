// Settings persisted as one JSON file in userData (seed 000 P7). Every operation makes a
// `store:<op>` span with the key, the serialized value size and the outcome. Writes go
// through a temp file and a rename so a crash mid-write never leaves a half file.
import { readFileSync, renameSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import { SPAN_FAMILIES } from "../../catalog/index.ts";
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA, isSettingsKey, type Settings, type SettingsKey } from "./settings-schema.ts";

export const SETTINGS_FILE = "settings.json";

type StoreOp = "get" | "set" | "delete";
const SPAN_NAME: Record<StoreOp, (typeof SPAN_FAMILIES.store.names)[number]> = {
  get: "store:get",
  set: "store:set",
  delete: "store:delete",
};

export type SettingsListener = <K extends SettingsKey>(key: K, value: Settings[K]) => void;

export class SettingsStore {
  readonly file: string;
  #tracer: Tracer;
  readonly #values: Settings;
  readonly #listeners = new Set<SettingsListener>();
  /** Problems found while loading (unreadable file, bad values), for the caller to report once. */
  readonly loadProblems: string[] = [];

  /** `tracer` defaults to the global one; main swaps in the telemetry layer's once it exists. */
  constructor(userDataDir: string, tracer: Tracer = trace.getTracer("kicktalk-main")) {
    this.file = join(userDataDir, SETTINGS_FILE);
    this.#tracer = tracer;
    this.#values = { ...DEFAULT_SETTINGS };
    this.#load();
  }

  useTracer(tracer: Tracer): void {
    this.#tracer = tracer;
  }

  get<K extends SettingsKey>(key: K): Settings[K] {
    return this.#traced("get", key, () => {
      const value = this.#values[key];
      return { result: value, size: byteSize(value) };
    });
  }

  /** Validates `value` against the key's schema; throws an error naming the key otherwise. */
  set<K extends SettingsKey>(key: K, value: unknown): Settings[K] {
    return this.#traced("set", key, () => {
      const parsed = SETTINGS_SCHEMA[key].safeParse(value);
      if (!parsed.success) {
        throw new Error(`settings: invalid value for "${key}": ${parsed.error.issues.map((i) => i.message).join("; ")}`);
      }
      const next = parsed.data as Settings[K];
      this.#values[key] = next;
      this.#save();
      for (const listener of this.#listeners) listener(key, next);
      return { result: next, size: byteSize(next) };
    });
  }

  /** Resets a key to its default (settings always have a value). */
  delete<K extends SettingsKey>(key: K): Settings[K] {
    return this.#traced("delete", key, () => {
      const next = DEFAULT_SETTINGS[key];
      this.#values[key] = next;
      this.#save();
      for (const listener of this.#listeners) listener(key, next);
      return { result: next, size: 0 };
    });
  }

  all(): Settings {
    return { ...this.#values };
  }

  onChange(listener: SettingsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #traced<T>(op: StoreOp, key: SettingsKey, run: () => { result: T; size: number }): T {
    const span = this.#tracer.startSpan(SPAN_NAME[op], {
      kind: SpanKind.INTERNAL,
      attributes: { "store.key": key, "store.op": op },
    });
    try {
      const { result, size } = run();
      span.setAttributes({ "store.value_size": size, "store.success": true });
      return result;
    } catch (err) {
      span.setAttribute("store.success", false);
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  }

  #load(): void {
    if (!existsSync(this.file)) return;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, "utf8"));
    } catch (err) {
      this.loadProblems.push(`${this.file}: not readable JSON (${(err as Error).message}); using defaults`);
      return;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      this.loadProblems.push(`${this.file}: expected a JSON object; using defaults`);
      return;
    }
    for (const [key, value] of Object.entries(raw)) {
      if (!isSettingsKey(key)) {
        this.loadProblems.push(`${this.file}: unknown key "${key}" ignored`);
        continue;
      }
      const parsed = SETTINGS_SCHEMA[key].safeParse(value);
      if (parsed.success) (this.#values as Record<SettingsKey, unknown>)[key] = parsed.data;
      else this.loadProblems.push(`${this.file}: invalid value for "${key}" ignored (${parsed.error.issues[0]?.message})`);
    }
  }

  #save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#values, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}

/** Serialized size in bytes, the seed's "safe estimate" of a value's size. */
function byteSize(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}
