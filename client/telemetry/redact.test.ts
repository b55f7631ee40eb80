import { describe, expect, it } from "vitest";
import { createRedactor, luhnValid, type OtlpKeyValue, redactString } from "./redact.ts";

describe("redactString", () => {
  it.each([
    ["contact jane.doe+x@example.co.uk now", "contact [REDACTED_EMAIL] now"],
    ["Authorization: Bearer abcdefghijklmnop123", "Authorization: Bearer [REDACTED_TOKEN]"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.sig_abc", "jwt [REDACTED_TOKEN]"],
    ["GET /api?api_key=s3cr3tv4lue&x=1", "GET /api?api_key=[REDACTED]&x=1"],
    ["key glc_eyJvIjoiMTIzNDU2Nzg5MCIsIm4iOiJ4In0= leaked", "key [REDACTED_TOKEN] leaked"],
    ["card 4111 1111 1111 1111 ok", "card [REDACTED_CARD] ok"],
    ["call +1 415-555-0132 today", "call [REDACTED_PHONE] today"],
    ["call (415) 555-0132", "call [REDACTED_PHONE]"],
    ["at /Users/jane/app/main.js:1:2", "at /Users/[USER]/app/main.js:1:2"],
    ["at C:\\Users\\jane\\app\\main.js", "at C:\\Users\\[USER]\\app\\main.js"],
  ])("redacts %j", (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    "chatroom 1234567890123456 joined", // a long id that fails the Luhn check is not a card
    "message 12345678901 from room 42",
    "streamer xqc sent 3 emotes",
    "took 1500 ms",
  ])("leaves ids and ordinary text alone: %j", (input) => {
    expect(redactString(input)).toBe(input);
  });

  it("checks card numbers with Luhn", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
  });
});

describe("createRedactor", () => {
  const r = createRedactor({ redactKeys: ["password", "email", "api_key"], maxLength: 20 });

  it("redacts configured keys whatever their value, and truncates long values", () => {
    expect(r.attributes({ "user.email": "x", Password: 5, apiKey: "abc", note: "a".repeat(50), ok: true })).toEqual({
      "user.email": "[REDACTED]",
      Password: "[REDACTED]",
      apiKey: "[REDACTED]",
      note: "a".repeat(20),
      ok: true,
    });
  });

  it("redacts OTLP/JSON attribute lists, nested arrays and kvlists included", () => {
    const list: OtlpKeyValue[] = [
      { key: "msg", value: { stringValue: "to a@b.io" } },
      { key: "db.password", value: { intValue: 1234 } },
      { key: "list", value: { arrayValue: { values: [{ stringValue: "c@d.io" }] } } },
      { key: "kv", value: { kvlistValue: { values: [{ key: "email", value: { stringValue: "plain" } }] } } },
    ];
    r.otlpAttributes(list);
    expect(list).toEqual([
      { key: "msg", value: { stringValue: "to [REDACTED_EMAIL]" } },
      { key: "db.password", value: { stringValue: "[REDACTED]" } },
      { key: "list", value: { arrayValue: { values: [{ stringValue: "[REDACTED_EMAIL]" }] } } },
      { key: "kv", value: { kvlistValue: { values: [{ key: "email", value: { stringValue: "[REDACTED]" } }] } } },
    ]);
  });
});
