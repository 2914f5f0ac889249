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

// The dashboard's views, then the volunteer's (views/volunteer/): "devices" is in both.
export type DashboardViewName = "board" | "alerts" | "shifts" | "stats" | "devices";
export type VolunteerViewName = "tonight" | "patrol" | "note" | "messages" | "devices";
export type ViewName = DashboardViewName | VolunteerViewName;
