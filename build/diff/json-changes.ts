// A path-level diff of two JSON values: what a reviewer needs to see when no richer view
// of the object exists. Arrays of objects with `uid`/`id`/`refId`/`name` match by that key.

export interface JsonChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

const KEYS = ["uid", "refId", "name", "id", "title"] as const;

function keyOf(items: unknown[]): string | undefined {
  return KEYS.find((k) => items.length > 0 && items.every((i) => i !== null && typeof i === "object" && k in (i as object)));
}

export function jsonChanges(before: unknown, after: unknown, ignore: ReadonlySet<string> = new Set(), path = ""): JsonChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = keyOf([...before, ...after]);
    if (key) {
      const index = (xs: unknown[]) => new Map(xs.map((x) => [String((x as Record<string, unknown>)[key]), x]));
      const a = index(before);
      const b = index(after);
      const out: JsonChange[] = [];
      for (const k of new Set([...a.keys(), ...b.keys()])) out.push(...jsonChanges(a.get(k), b.get(k), ignore, `${path}[${key}=${k}]`));
      return out;
    }
    // No identity key: compare position by position (extra items show as added or removed).
    const out: JsonChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...jsonChanges(before[i], after[i], ignore, `${path}[${i}]`));
    return out;
  }
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const out: JsonChange[] = [];
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (ignore.has(k)) continue;
      out.push(...jsonChanges(before[k], after[k], ignore, path === "" ? k : `${path}.${k}`));
    }
    return out;
  }
  return [{ path: path || "(root)", before, after }];
}
