// Link statuses in the database, so `GET /api/links/:id` answers across restarts. Records
// are written when a link is queued and when its status changes; a link still pending or
// processing when the server stopped is marked failed when the next one starts (its fetch
// died with the process).
import type { DatabaseSync } from "node:sqlite";
import type { LinkStatus } from "../../protocol/index.ts";

interface LinkRow {
  id: string;
  chatroom_id: string;
  url: string;
  domain: string;
  status: LinkStatus["status"];
  failure_reason: LinkStatus["failureReason"] | null;
  title: string | null;
  description: string | null;
  favicon: string | null;
}

function toStatus(r: LinkRow): LinkStatus {
  return {
    id: r.id,
    url: r.url,
    domain: r.domain,
    status: r.status,
    ...(r.failure_reason !== null ? { failureReason: r.failure_reason } : {}),
    ...(r.title !== null ? { title: r.title } : {}),
    ...(r.description !== null ? { description: r.description } : {}),
    ...(r.favicon !== null ? { favicon: r.favicon } : {}),
  };
}

function prepare(db: DatabaseSync) {
  return {
    insert: db.prepare("INSERT INTO links (id, chatroom_id, url, domain, status, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
    update: db.prepare("UPDATE links SET status = ?, failure_reason = ?, title = ?, description = ?, favicon = ? WHERE id = ?"),
    get: db.prepare("SELECT * FROM links WHERE id = ?"),
    failUnfinished: db.prepare("UPDATE links SET status = 'failed', failure_reason = 'network' WHERE status IN ('pending', 'processing')"),
  };
}

export class LinkStore {
  readonly #db: DatabaseSync;
  readonly #q: ReturnType<typeof prepare>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#q = prepare(db);
  }

  insert(status: LinkStatus, chatroomId: string): void {
    this.#q.insert.run(status.id, chatroomId, status.url, status.domain, status.status, new Date().toISOString());
  }

  /** Records a new status; a no-op once the database is closed (a fetch outliving shutdown). */
  update(s: LinkStatus): void {
    if (!this.#db.isOpen) return;
    this.#q.update.run(s.status, s.failureReason ?? null, s.title ?? null, s.description ?? null, s.favicon ?? null, s.id);
  }

  get(id: string): { readonly status: LinkStatus; readonly chatroomId: string } | undefined {
    const row = this.#q.get.get(id) as LinkRow | undefined;
    return row === undefined ? undefined : { status: toStatus(row), chatroomId: row.chatroom_id };
  }

  /** Fails the links a previous run left unfinished; returns how many. */
  failUnfinished(): number {
    return Number(this.#q.failUnfinished.run().changes);
  }
}
