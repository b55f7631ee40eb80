// API errors: a status, a machine-readable code and a message naming what was wrong,
// serialised as protocol's ErrorResponse.
import type { z } from "zod";
import type { ErrorResponse } from "../../protocol/index.ts";

export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const errorBody = (code: string, message: string): ErrorResponse => ({ error: { code, message } });

/** "content: message is empty; type: Invalid option" — field paths first, as a client shows them. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
