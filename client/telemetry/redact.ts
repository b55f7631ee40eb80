// PII redaction (seed 003) applied to everything before it is journaled or leaves main:
// span/log attributes, log bodies, error messages and stacks. Patterns are deliberately
// conservative on digits: chatroom and message ids are long numbers, so a phone number must
// have a + prefix or separators, and a card number must pass the Luhn check.

export const REDACTED = "[REDACTED]";

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/** key=value / key: value pairs in free text (query strings, log lines). */
const SECRET_PAIR = /\b(api[_-]?key|access[_-]?token|refresh[_-]?token|token|secret|password|passwd|auth)(["']?\s*[=:]\s*["']?)[^\s&"',;]+/gi;
/** Well-known credential prefixes: Stripe, GitHub, Grafana Cloud, Slack, AWS access key ids. */
const KNOWN_KEYS = /\b(?:sk_(?:live|test)_[A-Za-z0-9]{10,}|gh[pousr]_[A-Za-z0-9]{20,}|glc_[A-Za-z0-9+/=_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})/g;
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
const PHONE = /(?:\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}|\(\d{3}\)\s?\d{3}[\s.-]\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4}\b)/g;
/** Home directories in stack traces and paths carry the OS user name. */
const HOME_DIR = /(\/Users\/|\/home\/|[A-Za-z]:\\Users\\|[A-Za-z]:\/Users\/)[^/\\\s:]+/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// Cheap pre-check that every pattern below needs to match: most values (ids, names, enums,
// channel names like "store:set") contain none of these, and skip the regex chain.
const MAYBE_SENSITIVE = /@|\d{3}|\+\d|bearer|basic|token|secret|passw|auth|api[_-]?key|eyJ|sk_|gh[pousr]_|glc_|xox|AKIA|users[\\/]|home\//i;

/** Redacts PII from free text. */
export function redactString(input: string): string {
  if (!MAYBE_SENSITIVE.test(input)) return input;
  return input
    .replace(JWT, "[REDACTED_TOKEN]")
    .replace(AUTH_SCHEME, "$1 [REDACTED_TOKEN]")
    .replace(KNOWN_KEYS, "[REDACTED_TOKEN]")
    .replace(SECRET_PAIR, "$1$2[REDACTED]")
    .replace(EMAIL, "[REDACTED_EMAIL]")
    .replace(CARD_CANDIDATE, (m) => {
      const digits = m.replace(/[ -]/g, "");
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? "[REDACTED_CARD]" : m;
    })
    .replace(PHONE, "[REDACTED_PHONE]")
    .replace(HOME_DIR, "$1[USER]");
}

const normalizeKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");

export interface Redactor {
  /** Redacts and truncates a string value. */
  text(value: string): string;
  /** True when the attribute key itself marks the value as sensitive. */
  sensitiveKey(key: string): boolean;
  /** Redacts a flat attribute map (keys kept, values redacted/truncated). */
  attributes(attrs: Record<string, unknown>): Record<string, string | number | boolean>;
  /** Redacts OTLP/JSON KeyValue lists in place. */
  otlpAttributes(list: OtlpKeyValue[] | undefined): void;
}

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

export function createRedactor(opts: { redactKeys: readonly string[]; maxLength: number }): Redactor {
  const keys = opts.redactKeys.map(normalizeKey).filter((k) => k.length > 0);
  const keyCache = new Map<string, boolean>();
  const sensitiveKey = (key: string): boolean => {
    let hit = keyCache.get(key);
    if (hit === undefined) {
      const n = normalizeKey(key);
      hit = keys.some((k) => n.includes(k));
      if (keyCache.size < 1000) keyCache.set(key, hit);
    }
    return hit;
  };
  const text = (value: string): string => {
    const v = value.length > opts.maxLength ? value.slice(0, opts.maxLength) : value;
    return redactString(v);
  };
  const anyValue = (key: string, v: OtlpAnyValue | undefined): void => {
    if (!v) return;
    if (sensitiveKey(key) && (v.stringValue !== undefined || v.intValue !== undefined || v.doubleValue !== undefined)) {
      delete v.intValue;
      delete v.doubleValue;
      v.stringValue = REDACTED;
      return;
    }
    if (typeof v.stringValue === "string") v.stringValue = text(v.stringValue);
    for (const item of v.arrayValue?.values ?? []) anyValue(key, item);
    for (const kv of v.kvlistValue?.values ?? []) anyValue(kv.key, kv.value);
  };
  return {
    text,
    sensitiveKey,
    attributes(attrs) {
      const out: Record<string, string | number | boolean> = {};
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null) continue;
        if (sensitiveKey(k)) out[k] = REDACTED;
        else if (typeof v === "string") out[k] = text(v);
        else if (typeof v === "number" || typeof v === "boolean") out[k] = v;
        else out[k] = text(JSON.stringify(v) ?? "");
      }
      return out;
    },
    otlpAttributes(list) {
      for (const kv of list ?? []) anyValue(kv.key, kv.value);
    },
  };
}
