// The renderer spans main relays (telemetry:export-spans) skip zod when they have the common
// shape (renderer-relay.ts isPlainRendererSpan): that shortcut must accept nothing the schema
// would reject or change. Checked on hand-picked cases and on seeded random mutations of a
// valid span, against RendererSpanSchema itself.
import { describe, expect, it } from "vitest";
import { isPlainRendererSpan, RendererSpanSchema, rendererSpanToOtlp, validateRendererSpans } from "../telemetry/renderer-relay.ts";
import { toOtlpAttributes } from "../telemetry/otlp-json.ts";

const NOW_MS = 1_760_000_000_000;
const ns = (ms: number) => `${ms}000000`;

/** A zustand:add-message span as the renderer sends it (client/renderer/telemetry/span-wire.ts). */
const validSpan = (): Record<string, unknown> => ({
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  name: "zustand:add-message",
  kind: "internal",
  startTimeUnixNano: ns(NOW_MS - 5),
  endTimeUnixNano: ns(NOW_MS - 4),
  attributes: { "zustand.store": "chat", "zustand.action": "add-message", chatroom_id: "1001" },
  status: { code: "unset" },
});

/** The fast path's promise: accepted ⇒ the schema accepts it too and returns the same data. */
function expectAgreement(x: unknown): void {
  if (!isPlainRendererSpan(x)) return;
  const r = RendererSpanSchema.safeParse(x);
  expect(r.success, JSON.stringify(x)).toBe(true);
  expect(r.data).toStrictEqual(x);
}

/** Deterministic PRNG (mulberry32): the mutations are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  "",
  "x",
  "x".repeat(129),
  "x".repeat(4097),
  "ABCDEF0123456789",
  "0af7651916cd43dd8448eb211c80319C",
  "-1",
  "1".repeat(21),
  0,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  [],
  {},
  { code: "ok" },
  { code: "error", message: "boom" },
  { code: "weird" },
  { code: "ok", extra: 1 },
  new Date(0),
  [{ name: "e", timeUnixNano: "1" }],
  [{ name: "e", timeUnixNano: "1", attributes: { k: Number.NaN } }],
  [{ name: "", timeUnixNano: "1" }],
  [{ name: "e", timeUnixNano: "1", extra: true }],
  Array.from({ length: 33 }, () => ({ name: "e", timeUnixNano: "1" })),
  { a: "x".repeat(4097) },
  { ["k".repeat(129)]: 1 },
  { nested: { no: true } },
  { n: Number.NEGATIVE_INFINITY },
];
const KEYS = ["traceId", "spanId", "parentSpanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "status", "events", "unknownKey"];

describe("renderer span fast path (isPlainRendererSpan)", () => {
  it("accepts the spans the renderer sends, with and without the optional fields", () => {
    const full = { ...validSpan(), parentSpanId: "00f067aa0ba902b7", events: [{ name: "exception", timeUnixNano: ns(NOW_MS - 4), attributes: { "exception.type": "Error" } }] };
    for (const s of [validSpan(), full, { ...validSpan(), status: { code: "error", message: "failed" } }]) {
      expect(isPlainRendererSpan(s)).toBe(true);
      expectAgreement(s);
    }
    const bare = validSpan();
    delete bare.kind;
    delete bare.attributes;
    delete bare.status;
    expect(isPlainRendererSpan(bare)).toBe(true);
    expectAgreement(bare);
  });

  it("leaves to zod whatever zod would reject or change (unknown keys stripped, undefined fields)", () => {
    const cases: [string, unknown][] = [
      ["unknown key", { ...validSpan(), extra: 1 }],
      ["undefined optional field", { ...validSpan(), parentSpanId: undefined }],
      ["upper-case hex", { ...validSpan(), traceId: "0AF7651916CD43DD8448EB211C80319C" }],
      ["non-finite attribute", { ...validSpan(), attributes: { x: Number.POSITIVE_INFINITY } }],
      ["nested attribute", { ...validSpan(), attributes: { x: { y: 1 } } }],
      ["33 events", { ...validSpan(), events: Array.from({ length: 33 }, () => ({ name: "e", timeUnixNano: "1" })) }],
      ["unknown status key", { ...validSpan(), status: { code: "ok", extra: true } }],
      ["class instance", Object.assign(new (class Span {})(), validSpan())],
      ["array", [validSpan()]],
    ];
    for (const [why, x] of cases) expect(isPlainRendererSpan(x), why).toBe(false);
    // Those zod accepts after stripping keys come out of validateRendererSpans as zod returns them.
    const { valid } = validateRendererSpans([{ ...validSpan(), extra: 1 }, { ...validSpan(), status: { code: "ok", extra: true } }], NOW_MS);
    expect(valid).toEqual([validSpan(), { ...validSpan(), status: { code: "ok" } }]);
    expect(valid[0]).not.toHaveProperty("extra");
  });

  it("never accepts what the schema rejects or changes: 5,000 seeded mutations of a valid span", () => {
    const random = prng(11);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 5_000; i++) {
      const s = validSpan();
      const changes = 1 + Math.floor(random() * 3);
      for (let c = 0; c < changes; c++) {
        const key = pick(KEYS);
        if (random() < 0.15) delete s[key];
        else s[key] = pick(ODD_VALUES);
      }
      if (isPlainRendererSpan(s)) accepted++;
      else rejected++;
      expectAgreement(s);
    }
    // Both sides exercised: the mutations are not all rejected (nor all accepted).
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(1_000);
  });

  it("validateRendererSpans gives the same result on either path (fast path vs. through zod)", () => {
    const spans = [validSpan(), { ...validSpan(), name: "not:a-catalog-name" }, { ...validSpan(), startTimeUnixNano: ns(NOW_MS), endTimeUnixNano: ns(NOW_MS - 1) }];
    const fast = validateRendererSpans(spans, NOW_MS);
    // A key zod strips sends every span through zod; the result must be the same.
    const viaZod = validateRendererSpans(spans.map((s) => ({ ...s, viaZod: true })), NOW_MS);
    expect(fast).toEqual(viaZod);
    expect(fast).toEqual({ valid: [validSpan()], invalid: 2, problem: 'span name "not:a-catalog-name" is not a renderer span family name in the catalog' });
  });
});

describe("rendererSpanToOtlp", () => {
  it("encodes attributes as otlp-json.ts toOtlpAttributes does and applies the span limits", () => {
    const attributes: Record<string, string | number | boolean> = { s: "x", i: 3, d: 1.5, b: false };
    for (let i = 0; i < 70; i++) attributes[`k${i}`] = i;
    const otlp = rendererSpanToOtlp({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      parentSpanId: "00f067aa0ba902b7",
      name: "zustand:add-message",
      startTimeUnixNano: "1",
      endTimeUnixNano: "2",
      attributes,
      status: { code: "error", message: "m" },
      events: Array.from({ length: 40 }, (_, i) => ({ name: `e${i}`, timeUnixNano: "1", attributes: { a: i } })),
    });
    const kept = Object.fromEntries(Object.entries(attributes).slice(0, 64));
    expect(otlp).toEqual({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      parentSpanId: "00f067aa0ba902b7",
      name: "zustand:add-message",
      kind: 1,
      startTimeUnixNano: "1",
      endTimeUnixNano: "2",
      attributes: toOtlpAttributes(kept),
      droppedAttributesCount: 74 - 64,
      events: Array.from({ length: 32 }, (_, i) => ({ name: `e${i}`, timeUnixNano: "1", attributes: toOtlpAttributes({ a: i }), droppedAttributesCount: 0 })),
      droppedEventsCount: 8,
      status: { code: 2, message: "m" },
    });
  });
});
