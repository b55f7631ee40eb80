// Attribute keys the server sets. Standard ones come from @opentelemetry/semantic-conventions;
// the custom ones are the catalog's span attributes (catalog/spans.ts), named here once.
export {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from "@opentelemetry/semantic-conventions";

/** The methods http.request.method names (semconv's HTTP_REQUEST_METHOD_VALUE_*); any other is "_OTHER". */
export const HTTP_KNOWN_METHODS: ReadonlySet<string> = new Set(["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]);

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
