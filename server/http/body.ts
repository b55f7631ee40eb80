// Reads a JSON request body with a size limit, turning every way it can be wrong into an
// ApiError that names the problem.
import type { IncomingMessage } from "node:http";
import { ApiError } from "./errors.ts";

/** application/json, or a +json type (RFC 6839), with any parameters (charset). */
const JSON_TYPE = /^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i;

/**
 * Refuses a body that is not declared JSON (415). A browser page on another site can POST
 * text/plain or form bodies without a CORS preflight; it cannot send application/json.
 */
function requireJsonContentType(req: IncomingMessage): void {
  const type = req.headers["content-type"];
  if (type === undefined || !JSON_TYPE.test(type.trim())) {
    throw new ApiError(415, "unsupported_media_type", `content-type must be application/json; got ${type === undefined ? "none" : JSON.stringify(type)}`, {
      "accept-post": "application/json",
    });
  }
}

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  requireJsonContentType(req);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError(413, "body_too_large", `request body is ${declared} bytes; the limit is ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ApiError(413, "body_too_large", `request body exceeds the limit of ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new ApiError(400, "empty_body", "request body is empty; expected a JSON object");
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, "malformed_json", `request body is not valid JSON: ${(err as Error).message}`);
  }
}
