// What every view gets: the model, the connection, and a way to tell the user something.
import { Connection } from "./client";
import { Model } from "./model";

export interface Ctx {
  model: Model;
  conn: Connection;
  toast(message: string): void;
}

export interface View {
  el: HTMLElement;
  dispose(): void;
}

export type ViewName = "board" | "alerts" | "shifts" | "stats" | "devices";
