// Reads a JSON request body with a size limit, turning every way it can be wrong into an
// ApiError that names the problem.
import type { IncomingMessage } from "node:http";
import { ApiError } from "./errors.ts";

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
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
