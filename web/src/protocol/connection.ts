// One WebSocket to /v1/ws speaking the apps' protocol, shared by the lead dashboard and the
// volunteers' app: a request gets exactly one reply with its request_id; pushed events
// (request_id 0) go to onEvent. The connection comes back by itself with backoff and jitter
// (backoff.ts) and says Hello again, except after 1008 "revoked" or "replaced".
// A connection that goes silent without closing (a frozen server, a dead NAT mapping) is
// noticed too: after heartbeatMs with no frame the page sends a cheap read as a probe, and
// a socket that answers nothing sent to it for probeTimeoutMs is given up at once.
import { errorCodeName, pb } from "../proto";
import { Backoff } from "./backoff";

// "replaced": the server closed this connection for a newer one of the same device
// (1008 "replaced", past max-connections-per-device). It does not come back by itself:
// reconnecting would replace the other copy in turn, for ever.
export type ConnState = "connecting" | "online" | "offline" | "replaced";

export class RequestError extends Error {
  // reason and params: the rule that refused, from proto/gadehold/v1/reasons.tsv, and the
  // values of its sentence; the page translates them (errors.ts).
  constructor(readonly code: string, readonly field: string, message: string, readonly reason = "",
              readonly params: Record<string, string> = {}) {
    super(message);
  }

  static of(error: pb.IError): RequestError {
    return new RequestError(errorCodeName[error.code ?? 0] ?? "INTERNAL", error.field ?? "", error.message ?? "",
      error.reason ?? "", { ...(error.params ?? {}) });
  }
}

export type Body = Omit<pb.IClientMessage, "requestId">;

interface Pending {
  body: Body;
  resolve: (reply: pb.ServerMessage) => void;
  reject: (err: RequestError) => void;
  // Writes carry a client_id, so sending them again after a reconnect is safe: a write the
  // server had committed answers Ack{duplicate}. Reads and revocations are not re-sent.
  resend: boolean;
  timer: ReturnType<typeof setTimeout>;
}

// What the connection needs of a WebSocket: the browser's, or in the unit tests the `ws`
// package's, which has the same shape.
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number): void;
  // The `ws` package's: drops the TCP connection without a close handshake.
  terminate?(): void;
}

export interface ConnectionOptions {
  createSocket?: (url: string) => SocketLike;
  requestTimeoutMs?: number;
  backoff?: Backoff;
  // Silence, while online, after which a probe (ListTeams) goes out. Default 20 s.
  heartbeatMs?: number;
  // How long something sent may go without any frame coming back, and how long a new
  // socket may take to its Welcome beyond heartbeatMs, before the socket counts as dead.
  // Default 10 s.
  probeTimeoutMs?: number;
}

const OPEN = 1;
// Answers to the session start that retrying will not change.
const FINAL_START_ERRORS = new Set(["UNAUTHENTICATED", "INVALID_ARGUMENT", "PERMISSION_DENIED", "FAILED_PRECONDITION"]);

export class Connection {
  state: ConnState = "offline";
  onState: (state: ConnState) => void = () => {};
  onEvent: (event: pb.IEvent) => void = () => {};
  onWelcome: (welcome: pb.IWelcome) => void = () => {};
  // The token was refused (revoked, or the database was reset): sign in again.
  onSignedOut: (err: RequestError) => void = () => {};

  // The Welcome of the current connection (or the last one): who is signed in.
  lastWelcome: pb.IWelcome | null = null;
  private ws: SocketLike | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private sessionStart: Body | null = null;
  private readonly backoff: Backoff;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly requestTimeoutMs: number;
  private readonly heartbeatMs: number;
  private readonly probeTimeoutMs: number;
  // The liveness clock of the current socket: when it opened or last sent a frame, and
  // when something was first sent after that, still without a frame back (0: nothing).
  private lastFrameAt = 0;
  private waitingSince = 0;
  // When the probe went out, still without a frame back (0: none out).
  private probeSentAt = 0;
  private openedAt = 0;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readonly stateListeners = new Set<(state: ConnState) => void>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private welcomed = false;
  private startId = 0;
  private startWaiter: { resolve: (w: pb.IWelcome) => void; reject: (e: RequestError) => void } | null = null;

  constructor(private readonly url: string, options: ConnectionOptions = {}) {
    this.createSocket = options.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
    this.backoff = options.backoff ?? new Backoff();
    this.heartbeatMs = options.heartbeatMs ?? 20_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
  }

  // Another listener of state changes besides onState (the outbox sends when "online").
  subscribe(fn: (state: ConnState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  // Opens the session with Hello or RedeemInvite; resolves with the Welcome.
  start(sessionStart: Body): Promise<pb.IWelcome> {
    this.stop();
    this.sessionStart = sessionStart;
    return new Promise((resolve, reject) => {
      this.startWaiter = { resolve, reject };
      this.open();
    });
  }

  // After a redeem: later reconnects say Hello with the new token.
  resumeWith(sessionStart: Body): void {
    this.sessionStart = sessionStart;
  }

  stop(): void {
    this.sessionStart = null;
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    this.stopWatchdog();
    if (ws) ws.close(1000);
    this.failPending(true, "offline");
    this.setState("offline");
  }

  request(body: Body, options: { resend?: boolean } = {}): Promise<pb.ServerMessage> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new RequestError("UNAVAILABLE", "", "timeout"));
      }, this.requestTimeoutMs);
      this.pending.set(id, { body, resolve, reject, resend: options.resend ?? false, timer });
      if (this.state === "online") this.send(id, body);
      else if (!options.resend) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new RequestError("UNAVAILABLE", "", "offline"));
      }
    });
  }

  // Sends a request and returns the reply body, or throws the server's Error.
  async call<K extends keyof pb.IServerMessage>(body: Body, expect: K, options: { resend?: boolean } = {}): Promise<NonNullable<pb.ServerMessage[K]>> {
    const reply = await this.request(body, options);
    if (reply.error) {
      throw RequestError.of(reply.error);
    }
    const value = reply[expect as keyof pb.ServerMessage];
    if (value === null || value === undefined) throw new RequestError("INTERNAL", "", "unexpected reply");
    return value as NonNullable<pb.ServerMessage[K]>;
  }

  private open(): void {
    if (!this.sessionStart) return;
    this.setState("connecting");
    this.welcomed = false;
    const ws = this.createSocket(this.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.openedAt = Date.now();
    this.lastFrameAt = this.openedAt;
    this.waitingSince = 0;
    this.probeSentAt = 0;
    this.startWatchdog(ws);
    ws.onopen = () => {
      if (this.ws !== ws || !this.sessionStart) return;
      this.startId = this.nextId++;
      this.sendRaw(this.startId, this.sessionStart, ws);
    };
    ws.onmessage = (msg) => {
      if (this.ws !== ws) return;
      // Any frame says the peer is alive, even one this page cannot read.
      this.lastFrameAt = Date.now();
      this.waitingSince = 0;
      this.probeSentAt = 0;
      if (!(msg.data instanceof ArrayBuffer)) return;
      let reply: pb.ServerMessage;
      try {
        reply = pb.ServerMessage.decode(new Uint8Array(msg.data));
      } catch {
        return;
      }
      this.dispatch(reply);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopWatchdog();
      this.failPending(false, "offline");
      if (ev.code === 1008 && ev.reason === "revoked") {
        this.sessionStart = null;
        const waiter = this.startWaiter;
        this.startWaiter = null;
        const err = new RequestError("UNAUTHENTICATED", "", "revoked");
        if (waiter) waiter.reject(err);
        else this.onSignedOut(err);
      } else if (!this.welcomed && ev.code === 1008 && !this.isHello() && this.startWaiter) {
        // A new device's invite closed for policy (too many failed sign-ins, no frame in
        // time): the sign-in form says why. A stored token's Hello closed this way (a slow
        // network, an address over its budget) is no refused token: it goes again below.
        this.startWaiter.reject(new RequestError(ev.reason === "too many failed authentications" ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE",
          "", ev.reason || "refused"));
        this.startWaiter = null;
        this.sessionStart = null;
      }
      if (ev.code === 1008 && ev.reason === "replaced") {
        // Opened again elsewhere with this device's token: do not reconnect.
        this.sessionStart = null;
        this.failPending(true, "replaced");
        this.setState("replaced");
        return;
      }
      if (this.sessionStart) this.scheduleReconnect();
      else this.setState("offline");
    };
  }

  private startWatchdog(ws: SocketLike): void {
    this.stopWatchdog();
    // Half a second with the defaults: a frozen peer is given up at most 31 s after its last frame.
    const tick = Math.max(50, Math.min(this.heartbeatMs, this.probeTimeoutMs) / 20);
    this.watchdog = setInterval(() => this.checkAlive(ws), tick);
  }

  private stopWatchdog(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  // A peer that stopped answering without closing: a browser page cannot see the
  // server's WebSocket pings, so it asks something itself.
  private checkAlive(ws: SocketLike): void {
    if (this.ws !== ws) {
      return;
    }
    const now = Date.now();
    if (!this.welcomed) {
      // A connect or Hello that hangs (the server froze before it answered).
      if (now - this.openedAt >= this.heartbeatMs + this.probeTimeoutMs) this.dropDead(ws);
      return;
    }
    // The probe went unanswered: nothing comes back on this socket.
    if (this.probeSentAt && now - this.probeSentAt >= this.probeTimeoutMs) {
      this.dropDead(ws);
      return;
    }
    // A probe after heartbeatMs of silence, or sooner when something sent has waited
    // probeTimeoutMs for any frame: a slow answer alone (an export) is not a dead socket.
    const silent = now - this.lastFrameAt >= this.heartbeatMs ||
      (this.waitingSince > 0 && now - this.waitingSince >= this.probeTimeoutMs);
    if (!this.probeSentAt && silent && this.state === "online") {
      this.probeSentAt = now;
      // ListTeams: a read every role may make, small, well inside the rate limit.
      this.request({ listTeams: {} }).catch(() => undefined);
    }
  }

  // Gives up a silent socket at once: a frozen peer never completes a close handshake,
  // so its handlers go first and it is closed without waiting; then as after a drop.
  private dropDead(ws: SocketLike): void {
    this.ws = null;
    this.stopWatchdog();
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    try {
      if (ws.terminate) ws.terminate();
      else ws.close(4000);
    } catch {
      // Closing a socket that is already gone: nothing to do.
    }
    this.failPending(false, "offline");
    if (this.sessionStart) this.scheduleReconnect();
    else this.setState("offline");
  }

  // A stored token's Hello, as opposed to a new device's RedeemInvite.
  private isHello(): boolean {
    return Boolean(this.sessionStart?.hello);
  }

  private dispatch(reply: pb.ServerMessage): void {
    const id = Number(reply.requestId);
    if (!this.welcomed) {
      if (reply.welcome) {
        this.welcomed = true;
        this.lastWelcome = reply.welcome;
        this.backoff.reset();
        this.setState("online");
        this.startWaiter?.resolve(reply.welcome);
        this.startWaiter = null;
        this.onWelcome(reply.welcome);
        for (const [pid, p] of this.pending) if (p.resend) this.send(pid, p.body);
        return;
      }
      if (reply.error && id === this.startId) {
        const err = RequestError.of(reply.error);
        if (FINAL_START_ERRORS.has(err.code) || !this.isHello()) {
          // A bad invite or token does not get better by retrying; a new device's other
          // errors go to its sign-in form.
          const waiter = this.startWaiter;
          this.startWaiter = null;
          this.sessionStart = null;
          if (waiter) waiter.reject(err);
          else if (err.code === "UNAUTHENTICATED") this.onSignedOut(err);
        }
        // Otherwise a stored token refused for now, not for good (its address over the
        // budget of failed sign-ins, a server shutting down): the same Hello after a wait.
        this.ws?.close(1000);
        return;
      }
    }
    if (id === 0) {
      if (reply.event) this.onEvent(reply.event);
      return;
    }
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }

  private send(id: number, body: Body): void {
    if (this.ws && this.ws.readyState === OPEN) this.sendRaw(id, body, this.ws);
  }

  private sendRaw(id: number, body: Body, ws: SocketLike): void {
    const bytes = pb.ClientMessage.encode(pb.ClientMessage.create({ ...body, requestId: id })).finish();
    if (!this.waitingSince) this.waitingSince = Date.now();
    ws.send(bytes);
  }

  private failPending(all: boolean, why: string): void {
    for (const [id, p] of this.pending) {
      if (!all && p.resend) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new RequestError("UNAVAILABLE", "", why));
    }
  }

  private scheduleReconnect(): void {
    this.setState("connecting");
    const delay = this.backoff.next();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private setState(state: ConnState): void {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
    for (const fn of this.stateListeners) fn(state);
  }
}
