// PII redaction (seed 003) applied to everything before it is journaled or leaves main:
// span/log attributes, log bodies, error messages and stacks. Patterns are deliberately
// conservative on digits: chatroom and message ids are long numbers, so a phone number must
// have a + prefix or separators, and a card number must pass the Luhn check.

export const REDACTED = "[REDACTED]";

/** Local part and domain may be non-ASCII (IDN, EAI); `@` may arrive percent-encoded (%40). */
const EMAIL = /[\p{L}\p{N}._%+-]+(?:@|%40)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.[\p{L}]{2,}/giu;
/** Authorization schemes with their credentials, however short, also percent-encoded (Bearer%20x). */
const AUTH_SCHEME = /(?<![A-Za-z])(Bearer|Basic|Token|Negotiate|NTLM)(\s+|%20|\+)(?!\[REDACTED)[A-Za-z0-9._~+/=%-]+/gi;
/** Digest credentials: everything after the scheme up to the end of the header. */
const DIGEST = /\b(Digest)\s+(?!\[REDACTED)[^\r\n]+/gi;
/** Cookie / Set-Cookie headers: every name=value pair. */
const COOKIE_HEADER = /\b((?:set-)?cookie)(\\?["']?\s*[:=]\s*\\?["']?)(?!\s*\[REDACTED)[^\r\n"\\]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
/**
 * key=value / key: value pairs anywhere (query strings, log lines, JSON): names that are
 * always secret. `"key":"value"` in JSON (escaped quotes included) is covered by the optional quotes.
 */
const SECRET_NAMES =
  "(?:x[_-]amz[_-](?:signature|credential|security[_-]token)|[a-z_-]*(?:api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|token|secret|password|passwd|pwd|passphrase|jwt|signature|credentials?|sessionid|session[_-]?id|session[_-]?token)|auth|authorization|apikey|session|ssn)";
const SECRET_PAIR = new RegExp(`\\b(${SECRET_NAMES})((?:\\\\?["'])?\\s*[=:]\\s*(?:\\\\?["'])?)(?!\\[REDACTED|(?:Bearer|Basic|Token|Digest|Negotiate|NTLM)\\s)[^\\s&"',;\\\\}]+`, "gi");
/** Query parameters that are secret only in a URL (after ? or &): OAuth codes, signatures, keys. */
const QUERY_SECRET = /([?&;](?:code|sig|key|sid|state|nonce|otp|pin|k)=)(?!\[REDACTED)[^\s&#"']+/gi;
/** Well-known credential formats (each vendor's documented prefix). */
const KNOWN_KEYS = new RegExp(
  [
    "\\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}", // Stripe
    "\\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{16,}", // OpenAI, Anthropic
    "\\bgh[pousr]_[A-Za-z0-9]{20,}",
    "\\bgithub_pat_[A-Za-z0-9_]{20,}", // GitHub
    "\\bgl(?:c|sa)_[A-Za-z0-9+/=_-]{16,}", // Grafana Cloud tokens, service account tokens
    "\\bglpat-[A-Za-z0-9_-]{16,}", // GitLab
    "\\bxox[abprs]-[A-Za-z0-9-]{10,}", // Slack
    "\\b(?:AKIA|ASIA)[0-9A-Z]{16}", // AWS access key ids
    "\\bAIza[0-9A-Za-z_-]{30,}", // Google API keys
    "\\bSG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}", // SendGrid
    "\\bnpm_[A-Za-z0-9]{30,}", // npm
    "\\bhf_[A-Za-z0-9]{30,}", // Hugging Face
    "\\bshp(?:at|ss|ca|pa)_[A-Fa-f0-9]{32}", // Shopify
    "https://hooks\\.slack\\.com/services/[A-Za-z0-9/]+",
    "https://(?:canary\\.|ptb\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]+",
  ].join("|"),
  "g",
);
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
/** US social security numbers: 3-2-4 digits with dashes or spaces. */
const SSN = /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g;
const PHONE =
  /(?:\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}|\(\d{3}\)\s?\d{3}[\s.-]\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4}\b|\b0\d{2,4}[\s.-]\d{3,4}[\s.-]\d{3,4}\b)/g;
const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d])/g;
/** Full and compressed IPv6, with an optional zone (%eth0). Needs 8 groups or a `::` with hex groups. */
const IPV6 =
  /(?<![\w:.])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,7}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?|::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6}))(?:%[\w.]+)?(?![\w:])/gi;
/**
 * Home directories (the OS user name): /Users/x, /home/x, ~x, C:\Users\x on any drive, any
 * case, with / or \ or \\ (JSON-escaped) or %5C as the separator, and Documents and Settings.
 * A user name may contain spaces when a separator follows it.
 */
const SEP = String.raw`(?:\\{1,4}|/|%5C|%2F)`;
const USER = String.raw`(?:[^\\/\s:"'%]+(?: [^\\/\s:"'%]+)*(?=\\|/|%5C|%2F)|[^\\/\s:"'%]+)`;
const HOME_DIR = new RegExp(String.raw`((?:${SEP}|\b)(?:Users|home|Documents and Settings)${SEP}|\b[A-Za-z]:${SEP}(?:Users|Documents and Settings)${SEP})(?!\[)${USER}`, "gi");
const ROOT_HOME = /(^|[\s"'(=])~(?!\/)([A-Za-z0-9._-]+)/g;
/** UNC paths name a host and a share: \\host\share (also JSON-escaped and %5C-encoded). */
const UNC = /(^|[\s"'(=])(?:\\\\\\\\|\\\\|%5C%5C)(?!\[HOST\])[^\\/\s%"']+((?:\\\\|\\|%5C)(?!\[SHARE\])[^\\/\s%"']+)?/gi;

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
const MAYBE_SENSITIVE =
  /@|%40|\d{3}|\d\.\d|\d-\d|\+\d|::|[0-9a-f]{1,4}:[0-9a-f]{1,4}:|bearer|basic|token|negotiate|ntlm|digest|cookie|secret|pass|pwd|auth|key|session|sig|code=|sid=|state=|nonce=|otp=|pin=|k=|ssn|jwt|credential|eyJ|sk[-_]|pk_|rk_|gh[pousr]_|github_pat|gl(?:c|sa)_|glpat|xox|AKIA|ASIA|AIza|SG\.|npm_|hf_|shp|hooks\.slack|webhooks|users|home|documents and settings|~|\\\\|%5C/i;

/**
 * Digits only, up to 12 of them: chatroom, user and message ids, counts. No pattern below can
 * match such a string (a card needs 13 digits, a phone number a + or separators, an IP
 * dots or colons), but MAYBE_SENSITIVE's \d{3} lets every id of 3 or more digits through to
 * the whole chain of replaces.
 */
const SHORT_DIGITS = /^\d{1,12}$/;

/** Redacts PII from free text. */
export function redactString(input: string): string {
  if (SHORT_DIGITS.test(input) || !MAYBE_SENSITIVE.test(input)) return input;
  return input
    .replace(JWT, "[REDACTED_TOKEN]")
    .replace(KNOWN_KEYS, "[REDACTED_TOKEN]")
    .replace(DIGEST, "$1 [REDACTED_TOKEN]")
    .replace(AUTH_SCHEME, "$1$2[REDACTED_TOKEN]")
    .replace(COOKIE_HEADER, "$1$2[REDACTED]")
    .replace(SECRET_PAIR, "$1$2[REDACTED]")
    .replace(QUERY_SECRET, "$1[REDACTED]")
    .replace(EMAIL, "[REDACTED_EMAIL]")
    .replace(UNC, "$1\\\\[HOST]\\[SHARE]")
    .replace(HOME_DIR, "$1[USER]")
    .replace(ROOT_HOME, "$1~[USER]")
    .replace(CARD_CANDIDATE, (m) => {
      const digits = m.replace(/[ -]/g, "");
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? "[REDACTED_CARD]" : m;
    })
    .replace(SSN, "[REDACTED_SSN]")
    .replace(PHONE, "[REDACTED_PHONE]")
    .replace(IPV6, (m) => (/[0-9a-f]/i.test(m) && m !== "::" ? "[REDACTED_IP]" : m))
    .replace(IPV4, "[REDACTED_IP]");
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
    // Indexed loops, no `?? []`: this runs for every attribute of every span (no allocation).
    const items = v.arrayValue?.values;
    if (items) for (let i = 0; i < items.length; i++) anyValue(key, items[i]);
    const kvs = v.kvlistValue?.values;
    if (kvs) for (let i = 0; i < kvs.length; i++) anyValue(kvs[i]!.key, kvs[i]!.value);
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
      if (!list) return;
      for (let i = 0; i < list.length; i++) anyValue(list[i]!.key, list[i]!.value);
    },
  };
}
