// The server's rate limits, one set of token buckets per scope (config: CHAT_SERVER_RATE_*).
// HTTP answers 429 with Retry-After past a limit; a WebSocket upgrade past its limit gets a
// 429 response, a socket sending frames too fast is closed (1008). What each scope refused and
// evicted is counted here: the catalog has no rate-limit metric yet (429s are counted by
// chat_server_http_requests{status_code="429"}); ChatServer.rateLimits exposes these counts.
import type { IncomingMessage } from "node:http";
import { ClientAddresses } from "./client-address.ts";
import type { Rate } from "./token-bucket.ts";
import { TokenBuckets } from "./token-bucket.ts";

export interface RateLimitConfig {
  /** Sign-in and registration attempts per client address. */
  readonly authPerAddress: Rate;
  /** Sign-in attempts per account name; a successful one is given back, so it counts failures. */
  readonly authPerAccount: Rate;
  /** Messages posted per account. */
  readonly postsPerAccount: Rate;
  /** Requests with a missing or unknown bearer token per client address. */
  readonly badTokensPerAddress: Rate;
  /** WebSocket upgrades per client address. */
  readonly wsConnectsPerAddress: Rate;
  /** WebSocket frames received per client address, all its sockets together. */
  readonly wsFramesPerAddress: Rate;
  /** WebSocket frames received per socket. */
  readonly wsFramesPerSocket: Rate;
  /** Buckets kept per scope (LRU); ~150 B each. */
  readonly maxKeys: number;
  /**
   * Peers (addresses, CIDR blocks) whose X-Forwarded-For names the client (client-address.ts);
   * empty: the per-address limits key on the TCP peer, whatever the request says.
   */
  readonly trustedProxies: readonly string[];
}

export const RATE_SCOPES = ["auth_address", "auth_account", "post_account", "bad_token_address", "ws_connect_address", "ws_frame_address", "ws_frame_socket"] as const;
export type RateScope = (typeof RATE_SCOPES)[number];

export interface RateLimitCounts {
  readonly limited: Readonly<Record<RateScope, number>>;
  readonly evictions: Readonly<Record<RateScope, number>>;
}

export class RateLimits {
  readonly config: RateLimitConfig;
  readonly authPerAddress: TokenBuckets;
  readonly authPerAccount: TokenBuckets;
  readonly postsPerAccount: TokenBuckets;
  readonly badTokensPerAddress: TokenBuckets;
  readonly wsConnectsPerAddress: TokenBuckets;
  readonly wsFramesPerAddress: TokenBuckets;
  /** Who sent a request; the server span's client.address comes from here too. */
  readonly clients: ClientAddresses;
  /** Sockets closed for sending frames faster than wsFramesPerSocket. */
  #socketsLimited = 0;

  constructor(config: RateLimitConfig, now?: () => number) {
    this.config = config;
    const make = (rate: Rate) => new TokenBuckets({ rate, maxKeys: config.maxKeys, ...(now ? { now } : {}) });
    this.authPerAddress = make(config.authPerAddress);
    this.authPerAccount = make(config.authPerAccount);
    this.postsPerAccount = make(config.postsPerAccount);
    this.badTokensPerAddress = make(config.badTokensPerAddress);
    this.wsConnectsPerAddress = make(config.wsConnectsPerAddress);
    this.wsFramesPerAddress = make(config.wsFramesPerAddress);
    this.clients = new ClientAddresses(config.trustedProxies);
  }

  /** The per-address buckets' key for the client that sent `req` (HTTP request or WebSocket upgrade). */
  clientKey(req: IncomingMessage): string {
    return this.clients.key(req);
  }

  /** A bucket for one socket's frames (one key, no LRU to speak of). */
  socketFrames(): TokenBuckets {
    return new TokenBuckets({ rate: this.config.wsFramesPerSocket, maxKeys: 1 });
  }

  noteSocketLimited(): void {
    this.#socketsLimited++;
  }

  counts(): RateLimitCounts {
    const all = {
      auth_address: this.authPerAddress,
      auth_account: this.authPerAccount,
      post_account: this.postsPerAccount,
      bad_token_address: this.badTokensPerAddress,
      ws_connect_address: this.wsConnectsPerAddress,
      ws_frame_address: this.wsFramesPerAddress,
    };
    const limited = Object.fromEntries(Object.entries(all).map(([k, b]) => [k, b.limited])) as Record<RateScope, number>;
    const evictions = Object.fromEntries(Object.entries(all).map(([k, b]) => [k, b.evictions])) as Record<RateScope, number>;
    return { limited: { ...limited, ws_frame_socket: this.#socketsLimited }, evictions: { ...evictions, ws_frame_socket: 0 } };
  }
}
