// Go's literal syntaxes as Loki and Tempo read them: quoted strings, floats, durations, byte
// sizes. Both servers are Go programs and parse these with the standard library (or a small
// library), so the evaluator must accept and reject exactly what they do; JavaScript's own
// parsers (JSON.parse, Number) accept different sets.

/**
 * Go's strconv.Unquote for a double-quoted or backquoted literal, which both LogQL's and TraceQL's
 * lexers use (https://pkg.go.dev/strconv#Unquote). Returns undefined where Go reports an error.
 */
export function goUnquote(literal: string): string | undefined {
  if (literal.length < 2) return undefined;
  const q = literal[0];
  if (q === "`") return literal.endsWith("`") && !literal.slice(1, -1).includes("`") ? literal.slice(1, -1) : undefined;
  if (q !== '"' || !literal.endsWith('"')) return undefined;
  const body = literal.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"' || c === "\n") return undefined;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"' };
    if (e === undefined) return undefined;
    if (simple[e] !== undefined) {
      out += simple[e];
    } else if (e === "x" || e === "u" || e === "U") {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined;
      const cp = parseInt(hex, 16);
      if (e !== "x" && (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) return undefined;
      // \xHH is a byte in Go; a lone byte ≥ 0x80 would be invalid UTF-8, which no label can hold.
      if (e === "x" && cp >= 0x80) return undefined;
      out += String.fromCodePoint(cp);
      i += len;
    } else if (e >= "0" && e <= "7") {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const v = parseInt(oct, 8);
      if (v >= 0x80) return undefined;
      out += String.fromCharCode(v);
      i += 2;
    } else {
      return undefined; // includes \' which Go allows only in rune literals
    }
  }
  return out;
}

/**
 * Go's strconv.ParseFloat(s, 64) for the decimal forms and the special values; what LogQL's
 * numeric label filters and `| unwrap` apply to label values. Hexadecimal floats and
 * underscores, which Go also accepts, are not handled and count as invalid.
 */
/** Go's error text for a failed strconv.ParseFloat. */
export const goParseFloatError = (s: string) => `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`;

export function goParseFloat(s: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (!m) return undefined;
  if (m[2]?.toLowerCase() === "nan") return NaN;
  return m[1] === "-" ? -Infinity : Infinity;
}

/**
 * Formats a float the way Prometheus' and Loki's JSON APIs do: strconv.FormatFloat(v, 'f', -1, 64),
 * the shortest decimal that round-trips, never in exponent form.
 */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  // JavaScript also prints the shortest round-trip digits, but switches to exponent form below
  // 1e-6 and from 1e21: shift the decimal point by hand there.
  const s = String(Math.abs(v));
  const sign = v < 0 ? "-" : "";
  const e = s.indexOf("e");
  if (e === -1) return sign + s;
  const mantissa = s.slice(0, e);
  const digits = mantissa.replace(".", "");
  const intLen = (mantissa.includes(".") ? mantissa.indexOf(".") : mantissa.length) + Number(s.slice(e + 1));
  if (intLen <= 0) return `${sign}0.${"0".repeat(-intLen)}${digits}`;
  if (intLen >= digits.length) return sign + digits + "0".repeat(intLen - digits.length);
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

const GO_DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's %q, close enough for error messages. */
const goQuote = (s: string) => JSON.stringify(s);

/**
 * Go's time.ParseDuration (https://pkg.go.dev/time#ParseDuration): seconds, or Go's error
 * message, which Loki puts in `__error_details__`.
 */
export function goParseDurationOrError(orig: string): number | Error {
  let s = orig;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s.startsWith("-") ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  const invalid = new Error(`time: invalid duration ${goQuote(orig)}`);
  if (s === "") return invalid;
  let total = 0;
  while (s !== "") {
    const num = /^(\d*)(\.(\d*))?/.exec(s) as RegExpExecArray;
    if (num[0] === "" || (num[1] === "" && (num[3] ?? "") === "")) return invalid;
    s = s.slice(num[0].length);
    const unitLen = s.search(/[0-9.]/);
    const unit = unitLen === -1 ? s : s.slice(0, unitLen);
    if (unit === "") return new Error(`time: missing unit in duration ${goQuote(orig)}`);
    const scale = GO_DURATION_UNITS[unit];
    if (scale === undefined) return new Error(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}`);
    total += Number(`${num[1] || "0"}.${num[3] ?? ""}`) * scale;
    s = s.slice(unit.length);
  }
  return sign * total;
}

/** Go's time.ParseDuration in seconds; undefined if invalid. */
export function goParseDuration(s: string): number | undefined {
  const d = goParseDurationOrError(s);
  return d instanceof Error ? undefined : d;
}

const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROM_UNIT_MS = [365 * 86400e3, 7 * 86400e3, 86400e3, 3600e3, 60e3, 1e3, 1];

/**
 * Prometheus' model.ParseDuration (units y w d h m s ms, largest first), which LogQL uses for
 * range and offset durations; in milliseconds, undefined if invalid.
 */
export function promParseDuration(s: string): number | undefined {
  if (s === "0") return 0;
  const m = PROM_DURATION.exec(s);
  if (!m || s === "") return undefined;
  return PROM_UNIT_MS.reduce((sum, unit, i) => sum + Number(m[i + 1] ?? 0) * unit, 0);
}

/**
 * A LogQL duration literal (`| latency > 250ms`): Loki's lexer tries Go's time.ParseDuration
 * first and falls back to Prometheus' units (d, w, y). In seconds.
 */
export function logqlDurationLiteral(s: string): number | undefined {
  const go = goParseDuration(s);
  if (go !== undefined) return go;
  const prom = promParseDuration(s);
  return prom === undefined ? undefined : prom / 1000;
}

const BYTE_UNITS: Record<string, number> = {
  "": 1, b: 1,
  k: 1e3, kb: 1e3, ki: 1024, kib: 1024,
  m: 1e6, mb: 1e6, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1e9, gb: 1e9, gi: 1024 ** 3, gib: 1024 ** 3,
  t: 1e12, tb: 1e12, ti: 1024 ** 4, tib: 1024 ** 4,
  p: 1e15, pb: 1e15, pi: 1024 ** 5, pib: 1024 ** 5,
  e: 1e18, eb: 1e18, ei: 1024 ** 6, eib: 1024 ** 6,
};

/**
 * go-humanize's ParseBytes, which Loki uses for bytes label filters and `| unwrap bytes(...)`
 * (https://github.com/dustin/go-humanize/blob/master/bytes.go). Undefined if invalid.
 */
export function humanizeParseBytes(s: string): number | undefined {
  const b = humanizeParseBytesOrError(s);
  return b instanceof Error ? undefined : b;
}

/** humanizeParseBytes with go-humanize's error text. */
export function humanizeParseBytesOrError(s: string): number | Error {
  const m = /^([\d.,]*)(.*)$/s.exec(s) as RegExpExecArray;
  const digits = (m[1] as string).replace(/,/g, "");
  const num = goParseFloat(digits);
  if (num === undefined) return new Error(goParseFloatError(digits));
  const name = (m[2] as string).trim().toLowerCase();
  const unit = BYTE_UNITS[name];
  if (unit === undefined) return new Error(`unhandled size name: ${name}`);
  return Math.trunc(num * unit);
}
