// RE2 regular expressions (Go's regexp package, which Loki and Tempo use) translated into
// JavaScript RegExps. The dialects look alike but differ in ways that change matches silently:
// in JavaScript `.` also refuses \r and U+2028, `\s` covers Unicode spaces, a lone `]` or `{`
// is an error under the `u` flag, and lookarounds and backreferences exist. So each pattern is
// parsed with RE2's rules and re-emitted; what Go's parser rejects is rejected here too.
// Syntax: https://github.com/google/re2/wiki/Syntax and https://pkg.go.dev/regexp/syntax
// (Go parses with syntax.Perl: Perl classes and flags, Unicode groups, `[^a]` matching \n).

/** The pattern would not compile in Go either (Loki and Tempo answer 400). */
export class RegexSyntaxError extends Error {}
/** Valid RE2 that this translation does not reproduce; the query is not evaluated. */
export class RegexUnsupportedError extends Error {}

interface Flags {
  /** (?i) case-insensitive */
  i: boolean;
  /** (?s) `.` matches \n */
  s: boolean;
  /** (?m) `^`/`$` match at line boundaries */
  m: boolean;
}

interface Group {
  flags: Flags;
  /** Modifier groups `(?i:` opened by a mid-group `(?i)`, closed with the group and reopened after each `|`. */
  modifiers: string[];
}

/** RE2's `\s` is ASCII whitespace without \v; JavaScript's also covers Unicode spaces. */
const RE2_SPACE = "\\t\\n\\f\\r ";

/** POSIX classes inside brackets, ASCII only in RE2. Already escaped for a JavaScript class. */
const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`\\{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** Characters that need a backslash outside a class under JavaScript's `u` flag. */
const SYNTAX_OUTSIDE = new Set([..."^$\\.*+?()[]{}|/"]);
/** … and inside a class. */
const SYNTAX_INSIDE = new Set([..."\\]^-["]);

const isHex = (s: string) => /^[0-9a-fA-F]+$/.test(s);

class Translator {
  private readonly cs: string[];
  private pos = 0;
  private readonly out: string[] = [];
  private readonly stack: Group[];
  /** There is an atom a repetition operator may apply to. */
  private canRepeat = false;
  /** The last thing emitted is a repetition (RE2 forbids `a**`). */
  private afterRepeat = false;

  private readonly pattern: string;

  constructor(pattern: string, initial: Flags) {
    this.pattern = pattern;
    this.cs = Array.from(pattern); // code points, as Go iterates runes
    this.stack = [{ flags: { ...initial }, modifiers: [] }];
  }

  private syntax(why: string): RegexSyntaxError {
    // Go's wording (regexp/syntax Error.Error), naming the whole pattern.
    return new RegexSyntaxError(`error parsing regexp: ${why} in regex ${JSON.stringify(this.pattern)}`);
  }

  private unsupported(what: string): RegexUnsupportedError {
    return new RegexUnsupportedError(`regex ${JSON.stringify(this.pattern)} uses ${what}, which the evaluator does not translate from RE2`);
  }

  private get group(): Group {
    return this.stack[this.stack.length - 1] as Group;
  }

  private atom(js: string): void {
    this.out.push(js);
    this.canRepeat = true;
    this.afterRepeat = false;
  }

  translate(): string {
    while (this.pos < this.cs.length) {
      const c = this.cs[this.pos] as string;
      switch (c) {
        case "\\":
          this.atom(this.escape(false));
          break;
        case ".":
          this.pos++;
          this.atom(this.group.flags.s ? "[\\s\\S]" : "[^\\n]");
          break;
        case "^":
          this.pos++;
          this.atom(this.group.flags.m ? "(?:(?<![\\s\\S])|(?<=\\n))" : "(?:^)");
          break;
        case "$":
          this.pos++;
          this.atom(this.group.flags.m ? "(?:(?![\\s\\S])|(?=\\n))" : "(?:$)");
          break;
        case "|": {
          this.pos++;
          const g = this.group;
          this.out.push(")".repeat(g.modifiers.length) + "|" + g.modifiers.join(""));
          this.canRepeat = false;
          this.afterRepeat = false;
          break;
        }
        case "(":
          this.openGroup();
          break;
        case ")": {
          this.pos++;
          if (this.stack.length === 1) throw this.syntax("unexpected )");
          const g = this.stack.pop() as Group;
          this.atom(")".repeat(g.modifiers.length) + ")");
          break;
        }
        case "[":
          this.atom(this.charClass());
          break;
        case "*":
        case "+":
        case "?":
          this.pos++;
          this.repeat(c);
          break;
        case "{": {
          const m = /^\{(\d+)(,(\d*))?\}/.exec(this.cs.slice(this.pos).join(""));
          if (!m) {
            this.pos++;
            this.atom("\\{"); // RE2 reads a `{` that starts no valid repetition as a literal
            break;
          }
          const min = Number(m[1]);
          const max = m[2] === undefined ? min : m[3] === "" ? undefined : Number(m[3]);
          if (min > 1000 || (max !== undefined && (max > 1000 || max < min))) throw this.syntax(`invalid repeat count: \`${m[0]}\``);
          this.pos += m[0].length;
          this.repeat(m[0]);
          break;
        }
        default:
          this.pos++;
          this.atom(SYNTAX_OUTSIDE.has(c) ? `\\${c}` : c);
      }
    }
    if (this.stack.length > 1) throw this.syntax("missing closing )");
    return this.out.join("") + ")".repeat(this.group.modifiers.length);
  }

  private repeat(op: string): void {
    if (!this.canRepeat) throw this.syntax(`missing argument to repetition operator: \`${op}\``);
    if (this.afterRepeat) throw this.syntax(`invalid nested repetition operator: \`${op}\``);
    let js = op;
    if (this.cs[this.pos] === "?") {
      this.pos++;
      js += "?"; // non-greedy, the same in both dialects
    }
    this.out.push(js);
    this.afterRepeat = true;
  }

  private openGroup(): void {
    const rest = this.cs.slice(this.pos).join("");
    const parent = this.group.flags;
    if (!rest.startsWith("(?")) {
      this.pos++;
      this.stack.push({ flags: { ...parent }, modifiers: [] });
      this.out.push("(");
      this.canRepeat = false;
      this.afterRepeat = false;
      return;
    }
    const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
    if (named) {
      this.pos += named[0].length;
      this.stack.push({ flags: { ...parent }, modifiers: [] });
      this.out.push(`(?<${named[1]}>`);
      this.canRepeat = false;
      this.afterRepeat = false;
      return;
    }
    const flagged = /^\(\?([a-zA-Z-]*)([:)])/.exec(rest);
    if (!flagged || flagged[1] === "" || !/^[imsU]*(-[imsU]+)?$/.test(flagged[1] as string)) {
      throw this.syntax(`invalid or unsupported Perl syntax: \`${rest.slice(0, 3)}\``);
    }
    const spec = flagged[1] as string;
    if (spec.includes("U")) throw this.unsupported("the ungreedy flag (?U)");
    const flags = { ...parent };
    const [on, off = ""] = spec.split("-") as [string, string?];
    for (const f of on) flags[f as keyof Flags] = true;
    for (const f of off) flags[f as keyof Flags] = false;
    this.pos += flagged[0].length;
    // JavaScript modifier groups carry `i`; `s` and `m` are applied by translating `.`, `^`, `$`.
    const iModifier = flags.i === parent.i ? "" : flags.i ? "(?i:" : "(?-i:";
    if (flagged[2] === ":") {
      this.stack.push({ flags, modifiers: [] });
      this.out.push(iModifier || "(?:");
      this.canRepeat = false;
      this.afterRepeat = false;
      return;
    }
    // `(?i)` alone: the flags hold until the end of the enclosing group.
    this.group.flags = flags;
    if (iModifier) {
      this.group.modifiers.push(iModifier);
      this.out.push(iModifier);
    }
    this.canRepeat = false;
    this.afterRepeat = false;
  }

  /** An escape at pos (which holds the backslash); returns its JavaScript form. */
  private escape(inClass: boolean): string {
    this.pos++;
    const e = this.cs[this.pos];
    if (e === undefined) throw this.syntax("trailing backslash at end of expression");
    this.pos++;
    const literal = (ch: string) => (inClass ? (SYNTAX_INSIDE.has(ch) ? `\\${ch}` : ch) : SYNTAX_OUTSIDE.has(ch) ? `\\${ch}` : ch);
    const codePoint = (cp: number) => {
      if (cp > 0x10ffff) throw this.syntax("invalid escape sequence");
      return `\\u{${cp.toString(16)}}`;
    };
    switch (e) {
      case "a":
        return "\\x07";
      case "f":
      case "t":
      case "n":
      case "r":
      case "v":
        return `\\${e}`;
      case "d":
      case "D":
      case "w":
      case "W":
        return `\\${e}`;
      case "s":
        return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      case "S":
        if (inClass) throw this.unsupported("\\S inside a character class");
        return `[^${RE2_SPACE}]`;
      case "b":
      case "B":
        if (inClass) throw this.syntax(`invalid escape sequence: \`\\${e}\``);
        return `(?:\\${e})`;
      case "A":
        if (inClass) throw this.syntax("invalid escape sequence: `\\A`");
        return "(?:(?<![\\s\\S]))";
      case "z":
        if (inClass) throw this.syntax("invalid escape sequence: `\\z`");
        return "(?:(?![\\s\\S]))";
      case "C":
        throw this.unsupported("\\C (any byte)");
      case "Q": {
        if (inClass) throw this.syntax("invalid escape sequence: `\\Q`");
        const rest = this.cs.slice(this.pos);
        let end = rest.findIndex((ch, i) => ch === "\\" && rest[i + 1] === "E");
        if (end === -1) end = rest.length;
        this.pos += end + (end < rest.length ? 2 : 0);
        const text = rest.slice(0, end).map((ch) => literal(ch)).join("");
        return text === "" ? "(?:)" : `(?:${text})`;
      }
      case "x": {
        if (this.cs[this.pos] === "{") {
          const close = this.cs.indexOf("}", this.pos);
          const hex = close === -1 ? "" : this.cs.slice(this.pos + 1, close).join("");
          if (!isHex(hex)) throw this.syntax("invalid escape sequence: `\\x{`");
          this.pos = close + 1;
          return codePoint(parseInt(hex, 16));
        }
        const hex = this.cs.slice(this.pos, this.pos + 2).join("");
        if (hex.length !== 2 || !isHex(hex)) throw this.syntax("invalid escape sequence: `\\x`");
        this.pos += 2;
        return codePoint(parseInt(hex, 16));
      }
      case "p":
      case "P":
        return this.unicodeClass(e);
    }
    if (e >= "0" && e <= "7") {
      // RE2: \0 starts an octal escape; \1-\7 only when another octal digit follows, otherwise
      // they are backreferences, which RE2 does not have.
      const next = this.cs[this.pos];
      if (e !== "0" && (next === undefined || next < "0" || next > "7")) throw this.syntax(`invalid escape sequence: \`\\${e}\``);
      let oct = e;
      while (oct.length < 3 && (this.cs[this.pos] ?? "") >= "0" && (this.cs[this.pos] ?? "") <= "7") oct += this.cs[this.pos++];
      return codePoint(parseInt(oct, 8));
    }
    // Any ASCII punctuation may be escaped; letters, digits and non-ASCII may not.
    if (e.codePointAt(0)! < 0x80 && !/[A-Za-z0-9]/.test(e)) return literal(e);
    throw this.syntax(`invalid escape sequence: \`\\${e}\``);
  }

  /** `\pL`, `\p{Greek}`, `\p{^Greek}`, `\PL` → JavaScript property escapes. */
  private unicodeClass(p: "p" | "P"): string {
    let name: string;
    if (this.cs[this.pos] === "{") {
      const close = this.cs.indexOf("}", this.pos);
      if (close === -1) throw this.syntax("invalid character class range: missing }");
      name = this.cs.slice(this.pos + 1, close).join("");
      this.pos = close + 1;
    } else {
      name = this.cs[this.pos++] ?? "";
    }
    let negated = p === "P";
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    if (!/^[A-Za-z_]+$/.test(name)) throw this.syntax(`invalid character class range: \`\\${p}{${name}}\``);
    // Go names general categories (L, Lu, …) and scripts (Greek, Han, …) alike; JavaScript needs
    // `Script=` for scripts. A name neither knows fails when the RegExp is built.
    const property = name === "Any" || /^[A-Z][a-z&]?$/.test(name) ? name : `Script=${name}`;
    return `\\${negated ? "P" : "p"}{${property}}`;
  }

  private charClass(): string {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.cs[this.pos] === "^") {
      negated = true;
      this.pos++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      const c = this.cs[this.pos];
      if (c === undefined) throw this.syntax(`missing closing ]: \`${this.cs.slice(start).join("")}\``);
      if (c === "]" && !first) break;
      first = false;
      const rest = this.cs.slice(this.pos).join("");
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(rest);
      if (posix) {
        const cls = POSIX_CLASSES[posix[2] as string];
        if (!cls) throw this.syntax(`invalid character class range: \`${posix[0]}\``);
        if (posix[1]) throw this.unsupported(`the negated POSIX class ${posix[0]}`);
        items.push(cls);
        this.pos += posix[0].length;
        continue;
      }
      if (c === "\\" && /^\\[dDwWsSpP]/.test(rest)) {
        items.push(this.escape(true));
        continue;
      }
      const lo = this.classChar();
      if (this.cs[this.pos] === "-" && this.cs[this.pos + 1] !== "]" && this.cs[this.pos + 1] !== undefined) {
        this.pos++;
        const hi = this.classChar();
        if (hi.cp < lo.cp) throw this.syntax(`invalid character class range: \`${lo.text}-${hi.text}\``);
        items.push(`${lo.js}-${hi.js}`);
      } else {
        items.push(lo.js);
      }
    }
    this.pos++; // the closing ]
    return `[${negated ? "^" : ""}${items.join("")}]`;
  }

  /** One character of a class (possibly escaped): its code point and JavaScript form. */
  private classChar(): { cp: number; js: string; text: string } {
    const c = this.cs[this.pos] as string;
    if (c !== "\\") {
      this.pos++;
      return { cp: c.codePointAt(0) as number, js: SYNTAX_INSIDE.has(c) ? `\\${c}` : c, text: c };
    }
    const from = this.pos;
    if (/^[dDwWsSpP]$/.test(this.cs[this.pos + 1] ?? "")) throw this.syntax(`invalid character class range: \`${this.cs.slice(from, from + 2).join("")}\``);
    const js = this.escape(true);
    const text = this.cs.slice(from, this.pos).join("");
    const m = /^\\u\{([0-9a-f]+)\}$/.exec(js);
    if (m) return { cp: parseInt(m[1] as string, 16), js, text };
    const control: Record<string, number> = { "\\x07": 7, "\\f": 12, "\\t": 9, "\\n": 10, "\\r": 13, "\\v": 11 };
    if (control[js] !== undefined) return { cp: control[js], js, text };
    if (js.length === 2 && js[0] === "\\") return { cp: js.codePointAt(1) as number, js, text };
    if (Array.from(js).length === 1) return { cp: js.codePointAt(0) as number, js, text };
    throw this.syntax(`invalid character class range: \`${text}\``);
  }
}

/** The JavaScript source (for the `u` flag) of an RE2 pattern. */
export function re2ToJs(pattern: string, flags: Partial<Flags> = {}): string {
  return new Translator(pattern, { i: false, s: false, m: false, ...flags }).translate();
}

export interface Re2Options {
  /** Match the whole string, as label matchers do (`^(?:…)$`). */
  readonly anchored: boolean;
  /** `.` matches \n too: Prometheus' label matchers compile `^(?s:…)$`. */
  readonly dotMatchesNewline: boolean;
}

/** Compiles an RE2 pattern; throws RegexSyntaxError or RegexUnsupportedError naming the pattern. */
export function compileRe2(pattern: string, opts: Re2Options): RegExp {
  const src = re2ToJs(pattern, { s: opts.dotMatchesNewline });
  try {
    return new RegExp(opts.anchored ? `^(?:${src})$` : src, "u");
  } catch (err) {
    // What the translation passes through and JavaScript still rejects: unknown Unicode
    // property names, duplicate group names. Go rejects both as well.
    throw new RegexSyntaxError(`error parsing regexp: ${(err as Error).message} in regex ${JSON.stringify(pattern)}`);
  }
}
