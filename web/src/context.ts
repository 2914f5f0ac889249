// What every view gets: the model, the connection, and a way to tell the user something.
import { Connection } from "./protocol/connection";
import { Model } from "./model";
import { Outbox } from "./protocol/outbox";

export interface Ctx {
  model: Model;
  conn: Connection;
  // Every write a volunteer makes goes through it (docs/protocol.md, "Offline outbox").
  outbox: Outbox;
  toast(message: string): void;
}

export interface View {
  el: HTMLElement;
  dispose(): void;
}

export type ViewName = "board" | "alerts" | "shifts" | "stats" | "devices";
