// Catching up after a reconnect (docs/protocol.md, "Catching up on events"): the events
// since the highest seq this page saw, page by page. "resync" means the log cannot say
// (since_seq older than the log keeps, or newer than the server's): fetch the lists again.
import { num, pb } from "../proto";
import { Connection, RequestError } from "./connection";

export type SyncResult = { kind: "caught-up"; lastSeq: number } | { kind: "resync"; error: RequestError | null };

export async function syncSince(conn: Connection, sinceSeq: number, apply: (event: pb.IEvent) => void,
                                pageSize = 500): Promise<SyncResult> {
  let next = sinceSeq;
  try {
    for (;;) {
      const page = await conn.call({ sync: { sinceSeq: next, limit: pageSize } }, "syncPage");
      for (const event of page.events ?? []) apply(event);
      next = Math.max(next, num(page.nextSeq));
      if (!page.more) return { kind: "caught-up", lastSeq: next };
    }
  } catch (err) {
    // FAILED_PRECONDITION on since_seq is the documented answer, not a failure to report.
    const error = err instanceof RequestError ? err : new RequestError("INTERNAL", "", String(err));
    return { kind: "resync", error: error.field === "since_seq" ? null : error };
  }
}
