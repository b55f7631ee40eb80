// RE2 → JavaScript: where the dialects differ, matches must follow RE2; what RE2 rejects is
// rejected; what is not translated says so. Plus the Go literal syntaxes the evaluators read.
import { describe, expect, it } from "vitest";
import { formatSampleValue, goParseDurationOrError, goParseFloat, goUnquote, humanizeParseBytes, promParseDuration } from "./go-syntax.ts";
import { compileRe2, RegexSyntaxError, RegexUnsupportedError } from "./re2.ts";

const label = (re: string) => compileRe2(re, { anchored: true, dotMatchesNewline: true });
const line = (re: string) => compileRe2(re, { anchored: false, dotMatchesNewline: false });

describe("RE2 semantics in JavaScript", () => {
  it("label matchers are fully anchored and `.` matches a newline (Prometheus' ^(?s:…)$)", () => {
    expect(["503", "5031", "a503"].map((v) => label("5..").test(v))).toEqual([true, false, false]);
    expect(label(".*").test("two\nlines")).toBe(true);
    expect(label("kicktalk|kicktalk-chat-server").test("kicktalk-chat-server")).toBe(true);
  });

  it("line regexes are unanchored and `.` stops at \\n only (JavaScript's `.` also refuses \\r)", () => {
    expect(line("a.c").test("xxa\rcxx")).toBe(true);
    expect(line("a.c").test("a\nc")).toBe(false);
    expect(line("(?s)a.c").test("a\nc")).toBe(true);
  });

  it("\\s is RE2's ASCII whitespace, not JavaScript's Unicode spaces", () => {
    expect(line("\\s").test("\u00a0")).toBe(false);
    expect(line("\\s").test("\v")).toBe(false);
    expect(line("[\\s]").test("\t")).toBe(true);
  });

  it("flags: (?i) for the rest of the group, across `|`; (?i:…) groups; (?m) line anchors", () => {
    expect(["aB", "C", "Ab"].map((v) => label("a(?i)b|c").test(v))).toEqual([true, true, false]);
    expect(label("x(?i:y)z").test("xYz")).toBe(true);
    expect(line("(?m)^b$").test("a\nb\nc")).toBe(true);
    expect(line("^b$").test("a\nb\nc")).toBe(false);
  });

  it("RE2-only syntax: \\Q…\\E, POSIX classes, \\x{…}, \\pL and scripts, a literal `{`", () => {
    expect(label("\\Qa.b\\E").test("a.b")).toBe(true);
    expect(label("\\Qa.b\\E").test("axb")).toBe(false);
    expect(label("[[:upper:]][[:digit:]]+").test("A42")).toBe(true);
    expect(label("\\x{263a}").test("☺")).toBe(true);
    expect(label("\\pL+\\p{Greek}").test("abcλ")).toBe(true);
    expect(label("{x}").test("{x}")).toBe(true);
    expect(label("[]a]+").test("]a]")).toBe(true);
  });

  it("rejects what Go's parser rejects, naming the pattern", () => {
    const errors = ["(?=a)", "(?<!a)b", "\\1", "a**", "x{1001}", "(a", "a)", "[z-a]", "\\k", "*"].map((p) => {
      try {
        compileRe2(p, { anchored: true, dotMatchesNewline: true });
        return "accepted";
      } catch (err) {
        return err instanceof RegexSyntaxError ? "syntax" : "other";
      }
    });
    expect(errors).toEqual(Array(10).fill("syntax"));
    expect(() => label("(a")).toThrow('error parsing regexp: missing closing ) in regex "(a"');
  });

  it("says what it does not translate", () => {
    for (const p of ["(?U)a+", "[\\S]", "\\C", "[[:^alpha:]]"]) expect(() => label(p)).toThrow(RegexUnsupportedError);
    expect(() => label("(?U)a+")).toThrow('regex "(?U)a+" uses the ungreedy flag (?U)');
  });
});

describe("Go literal syntaxes", () => {
  it("strconv.Unquote", () => {
    expect(goUnquote('"a\\tb\\u00e9\\x41\\101"')).toBe("a\tbéAA");
    expect(goUnquote("`raw \\d`")).toBe("raw \\d");
    expect([goUnquote('"\\q"'), goUnquote('"\\\'"'), goUnquote("'x'")]).toEqual([undefined, undefined, undefined]);
  });

  it("time.ParseDuration, with Go's error messages", () => {
    expect(goParseDurationOrError("1h30m")).toBe(5400);
    expect(goParseDurationOrError("1.5s")).toBe(1.5);
    expect(goParseDurationOrError("250µs")).toBeCloseTo(0.00025, 12);
    expect(goParseDurationOrError("-2m")).toBe(-120);
    expect((goParseDurationOrError("90") as Error).message).toBe('time: missing unit in duration "90"');
    expect((goParseDurationOrError("1d") as Error).message).toBe('time: unknown unit "d" in duration "1d"');
    expect((goParseDurationOrError("") as Error).message).toBe('time: invalid duration ""');
  });

  it("Prometheus durations (ranges), floats, byte sizes", () => {
    expect([promParseDuration("1h30m"), promParseDuration("42s"), promParseDuration("1w"), promParseDuration("30m1h")]).toEqual([5_400_000, 42_000, 604_800_000, undefined]);
    expect([goParseFloat("1e3"), goParseFloat("-.5"), goParseFloat("+Inf"), goParseFloat("0x10"), goParseFloat("1_0")]).toEqual([1000, -0.5, Infinity, undefined, undefined]);
    expect([humanizeParseBytes("10KB"), humanizeParseBytes("1.5KiB"), humanizeParseBytes("2 MiB"), humanizeParseBytes("3xb")]).toEqual([10_000, 1536, 2_097_152, undefined]);
  });

  it("sample values as Prometheus' JSON writes them: shortest round-trip digits, never an exponent", () => {
    expect([1 / 3, 1e21, 1.5e-7, 2, -0.25, NaN, -Infinity].map(formatSampleValue)).toEqual([
      "0.3333333333333333",
      "1000000000000000000000",
      "0.00000015",
      "2",
      "-0.25",
      "NaN",
      "-Inf",
    ]);
  });
});
