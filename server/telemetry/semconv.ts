// Attribute keys the server sets. Standard ones come from @opentelemetry/semantic-conventions;
// the custom ones are the catalog's span attributes (catalog/spans.ts), named here once.
export { ATTR_ERROR_TYPE, ATTR_HTTP_ROUTE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_PATH, ATTR_HTTP_REQUEST_METHOD } from "@opentelemetry/semantic-conventions";

/** Chat attributes: no semconv exists for Pusher-style chat fan-out (catalog span family `chat`). */
export const ATTR_CHATROOM_ID = "chatroom_id";
export const ATTR_CHAT_EVENT = "chat.event";
export const ATTR_CHAT_SUBSCRIBERS = "chat.subscribers";
export const ATTR_CHAT_CLOSE_REASON = "chat.close_reason";

/** Link-processing attributes (seed 004; catalog span family `link`). */
export const ATTR_LINK_ID = "link.id";
export const ATTR_LINK_DOMAIN = "link.domain";
export const ATTR_LINK_STATUS = "link.status";
export const ATTR_LINK_FAILURE_REASON = "link.failure_reason";
